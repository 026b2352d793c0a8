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

"""Policy builders by name: ``make_policy('retarget' | 'feature' | 'image', schema, weights)``."""

from ameca_imitation.controls import ControlSchema
from ameca_imitation.policy.retarget import RetargetPolicy


def _retarget(schema, weights):
    return RetargetPolicy(schema, weights or 'pipelines/retarget.yaml')


POLICIES = {'retarget': _retarget}


def make_policy(name: str, schema: ControlSchema, weights: str | None = None):
    """Build a policy; each has ``input_kind`` ('feature' or 'image') and is callable."""
    if name not in POLICIES:
        raise ValueError(f'unknown policy {name!r}; choose one of {sorted(POLICIES)}')
    return POLICIES[name](schema, weights)
