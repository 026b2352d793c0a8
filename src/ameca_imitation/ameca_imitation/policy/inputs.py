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

"""The feature vector every feature policy reads: 19 expression features, then head pose."""

from ameca_imitation.face.features import FEATURE_NAMES
from ameca_imitation.types import FaceObservation
import numpy as np

INPUT_NAMES = FEATURE_NAMES + ('head_pitch', 'head_yaw', 'head_roll')


def feature_inputs(obs: FaceObservation) -> np.ndarray:
    """``(22,)`` float64: features relative to the person's neutral, then pitch/yaw/roll deg."""
    return np.array([obs.features.get(n, 0.0) for n in FEATURE_NAMES]
                    + [obs.pitch, obs.yaw, obs.roll], np.float64)
