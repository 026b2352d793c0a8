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
The twin measured on its exact landmarks: a second reading beside the landmark model's.

The landmark model reads the grey render short of what the mesh does (about half of a lip-corner
raise, a fifth to a third of a brow's motion). The scoreboard reads the twin both ways (a gain
seen on only one of the two is the instrument's, not the face's), and a feature policy may learn
some features as the mesh moves them (``policy/self_model.py``).
"""

from ameca_imitation.face.features import FEATURE_NAMES, FeatureExtractor
from ameca_imitation.face.pose import estimate_pose
import numpy as np


class ExactFeatures:
    """The 19 expression features of the twin's exact ``(478, 3)`` px landmarks, vs its neutral."""

    def __init__(self, neutral_landmarks: np.ndarray):
        self.features = FeatureExtractor()
        fit, _ = estimate_pose(neutral_landmarks)
        self.features.set_neutral(self.features.measure(neutral_landmarks, fit))

    def __call__(self, landmarks: np.ndarray) -> np.ndarray:
        """Return ``(19,)`` features in ``FEATURE_NAMES`` order (model units since the neutral)."""
        fit, _ = estimate_pose(landmarks)
        f = self.features(landmarks, fit)
        return np.array([f[n] for n in FEATURE_NAMES])
