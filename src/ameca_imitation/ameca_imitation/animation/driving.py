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
Relative motion transfer for the landmark animator: a person's motion onto a source face.

The person's expression is the change of their pose-free (model-space) landmarks since their
neutral; their head motion is the rotation since their neutral. Both are applied to the source's
own model-space landmarks and projected back with the source's similarity fit, as FOMM and
LivePortrait transfer relative motion.
"""

from ameca_imitation.face.pose import estimate_pose
import numpy as np


class RelativeDriver:
    """Maps a person's landmarks to driving points in the source image (``(478, 2)`` px)."""

    def __init__(self, source_landmarks: np.ndarray):
        self.source_fit, _ = estimate_pose(source_landmarks)
        self.source_model = self.source_fit.to_model(source_landmarks.astype(np.float64))
        self.reset()

    def reset(self) -> None:
        """Forget the person's neutral: the next face seen becomes it."""
        self._neutral_model = None
        self._neutral_rotation = None

    def __call__(self, landmarks: np.ndarray, still: bool = False) -> np.ndarray:
        """
        ``landmarks``: the person's ``(478, 3)`` px landmarks -> driving points, px.

        ``still``: a portrait of its own, moved against the population neutral (the source's
        own neutral face, frontal: the twin's mesh is the reference face), not a first frame.
        """
        fit, _ = estimate_pose(landmarks)
        model = fit.to_model(landmarks.astype(np.float64))
        if still:
            neutral, neutral_rotation = self.source_model, np.eye(3)
        else:
            if self._neutral_model is None:
                self._neutral_model, self._neutral_rotation = model, fit.rotation
            neutral, neutral_rotation = self._neutral_model, self._neutral_rotation
        n = min(len(model), len(self.source_model))
        moved = self.source_model[:n] + (model[:n] - neutral[:n])
        relative = fit.rotation @ neutral_rotation.T                       # person's head motion
        moved = moved @ relative.T
        src = self.source_fit
        return (src.scale * moved @ src.rotation.T + src.translation)[:, :2]
