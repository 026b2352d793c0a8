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

"""Twin render rate at 256x256 on one core (budget: >= 100 renders/s per core).

    .venv/bin/python bench/bench_twin.py
"""

import time

import common  # noqa: F401  (pins threads before numpy loads)
import numpy as np

from ameca_imitation.controls import ControlSchema
from ameca_imitation.twin import TwinRenderer


def main():
    schema = ControlSchema.default()
    renderer = TwinRenderer(schema, size=256)
    rng = np.random.default_rng(0)
    poses = schema.live_min + rng.uniform(0, 1, (300, len(schema))) * (schema.live_max
                                                                         - schema.live_min)
    for values in poses[:20]:
        renderer.render(values)
    times = []
    for values in poses:
        start = time.perf_counter()
        renderer.render(values)
        times.append(time.perf_counter() - start)
    median = float(np.median(times))
    common.report('twin_render', {'size': 256, 'renders': len(poses),
                                  'median_ms': round(1000 * median, 3),
                                  'p95_ms': round(1000 * float(np.percentile(times, 95)), 3),
                                  'renders_per_s_per_core': round(1 / median, 1)})


if __name__ == '__main__':
    main()
