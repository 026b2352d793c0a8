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

    def __call__(self, obs: FaceObservation) -> np.ndarray:
        """``(H, W, 3)`` uint8 BGR: the animated source, or the source itself when no face."""
        if not obs.face_found:
            return self.source
        if obs.track_id != self._track:
            self.driver.reset()            # a new person: their first frame is their neutral
            self._track = obs.track_id
        return self.animator.animate(self.driver(obs.landmarks)[WARP_POINTS])
