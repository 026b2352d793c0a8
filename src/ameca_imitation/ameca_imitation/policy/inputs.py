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

"""
The vectors the feature policies read.

``feature_inputs``: 19 expression features, then head pose (the landmark feature policy);
``motion_inputs``: LivePortrait's implicit expression deltas and head angles, relative to the
person's reference state (the motion policy).
"""

from ameca_imitation.face.features import FEATURE_NAMES
from ameca_imitation.types import FaceObservation, MotionState
import numpy as np

INPUT_NAMES = FEATURE_NAMES + ('head_pitch', 'head_yaw', 'head_roll')


def feature_inputs(obs: FaceObservation) -> np.ndarray:
    """``(22,)`` float64: features relative to the person's neutral, then pitch/yaw/roll deg."""
    return np.array([obs.features.get(n, 0.0) for n in FEATURE_NAMES]
                    + [obs.pitch, obs.yaw, obs.roll], np.float64)


def motion_inputs(state: MotionState, reference: MotionState) -> np.ndarray:
    """``(3K + 3,)`` float64: expression deltas minus the reference's, then pitch/yaw/roll deg."""
    return np.concatenate([(np.asarray(state.expression, np.float64)
                            - np.asarray(reference.expression, np.float64)).ravel(),
                           [state.pitch - reference.pitch, state.yaw - reference.yaw,
                            state.roll - reference.roll]])
