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

"""The animator stage: a person's observation -> the source face (Ameca's) moved the same way."""

from ameca_imitation.animation.driving import RelativeDriver
from ameca_imitation.animation.landmark_warp import LandmarkWarpAnimator, WARP_POINTS, WarpConfig
from ameca_imitation.types import FaceObservation
import numpy as np


class AnimatorStage:
    """Holds one source (image + its landmarks); a new person resets the motion reference."""

    def __init__(self, source_image: np.ndarray, source_landmarks: np.ndarray,
                 config: WarpConfig | None = None):
        self.source = source_image
        self.animator = LandmarkWarpAnimator(source_image, source_landmarks, config)
        self.driver = RelativeDriver(source_landmarks)
        self._track = None

    def reset(self) -> None:
        self.driver.reset()
        self._track = None

    def __call__(self, obs: FaceObservation) -> np.ndarray:
        """``(H, W, 3)`` uint8 BGR: the animated source, or the source itself when no face."""
        if not obs.face_found:
            return self.source
        if obs.track_id != self._track:
            self.driver.reset()            # a new person: their first frame is their neutral
            self._track = obs.track_id
        return self.animator.animate(self.driver(obs.landmarks)[WARP_POINTS])
