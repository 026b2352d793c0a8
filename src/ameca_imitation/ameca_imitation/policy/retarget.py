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

"""The hand-tuned baseline: controls = neutral + linear gains on expression features and pose."""

from ameca_imitation.config import load_yaml
from ameca_imitation.controls import ControlSchema, mirror_name
from ameca_imitation.policy.inputs import feature_inputs, INPUT_NAMES
from ameca_imitation.types import FaceObservation
import numpy as np

INPUTS = INPUT_NAMES


class RetargetPolicy:
    """``observation -> (N,)`` native controls; a face-less frame gives None (caller holds)."""

    input_kind = 'feature'

    def __init__(self, schema: ControlSchema, config='pipelines/retarget.yaml'):
        """``config``: a pipeline YAML (name or path), or its mapping already read."""
        data = dict(config) if isinstance(config, dict) else load_yaml(config)
        unknown = set(data) - {'mirror', 'policy', 'animate', 'gains'}
        if unknown:
            raise ValueError(f'{config}: unknown keys {sorted(unknown)}')
        self.schema = schema
        self.mirror = bool(data.get('mirror', False))
        self.gains = np.zeros((len(schema), len(INPUTS)))
        for control, terms in data['gains'].items():
            for feature, gain in terms.items():
                if feature not in INPUTS:
                    raise ValueError(f'{config}: unknown feature {feature!r} for {control!r}')
                self.gains[schema.index(control), INPUTS.index(feature)] = gain
        if self.mirror:
            # The person's left drives Ameca's right; yaw, roll and sideways gaze flip sign.
            perm = [INPUTS.index(mirror_name(n)) for n in INPUTS]
            self.gains = self.gains[:, perm]
            for name in ('head_yaw', 'head_roll', 'gaze_horizontal', 'jaw_side'):
                self.gains[:, INPUTS.index(name)] *= -1

    def __call__(self, obs: FaceObservation) -> np.ndarray | None:
        if not obs.face_found:
            return None
        return self.schema.clamp(self.schema.neutral + self.gains @ feature_inputs(obs))
