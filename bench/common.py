# Copyright 2026 The Ameca Imitation Authors
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.

"""Shared helpers of the bench scripts: one thread per process, medians, a JSON line last."""

import json
import os
import platform

# numpy's BLAS on one thread (the renders are per core); torch threads are set per bench.
for var in ('OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'):
    os.environ.setdefault(var, '1')


def report(name: str, figures: dict) -> None:
    """Print the figures as one JSON line (the last line a bench script prints)."""
    figures = {'bench': name, 'machine': platform.processor() or platform.machine(),
               'cpus': os.cpu_count(), **figures}
    print(json.dumps(figures))
