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

"""The motion stage: frame -> main face -> landmarks, head pose, features, keypoints; hands."""

from dataclasses import dataclass, field, replace

from ameca_imitation.face import keypoints as kp
from ameca_imitation.face.features import FeatureConfig, FeatureExtractor
from ameca_imitation.face.landmarks import FaceMeshDetector, LandmarkConfig
from ameca_imitation.face.occlusion import HandOcclusion, OcclusionConfig
from ameca_imitation.face.pose import estimate_pose
from ameca_imitation.face.tracker import MainFaceTracker, TrackerConfig
from ameca_imitation.types import FaceObservation, Frame, Keypoints
import numpy as np


@dataclass
class MotionConfig:
    landmarks: LandmarkConfig = field(default_factory=LandmarkConfig)
    tracker: TrackerConfig = field(default_factory=TrackerConfig)
    features: FeatureConfig = field(default_factory=FeatureConfig)
    occlusion: OcclusionConfig = field(default_factory=OcclusionConfig)
    keypoints_3d: bool = True      # Keypoints messages with z (D = 3) or image-plane only (D = 2)


class MotionStage:
    """Stateful per stream: tracking, the person's neutral, the neutral landmarks for Jacobians."""

    def __init__(self, config: MotionConfig | None = None):
        self.config = config or MotionConfig()
        self.detector = FaceMeshDetector(self.config.landmarks)
        self._still_detector = None     # made on the first still: no tracking across portraits
        self.hands = (HandOcclusion(self.config.occlusion) if self.config.occlusion.enabled
                      else None)
        self._still_hands = None
        self.tracker = MainFaceTracker(self.config.tracker)
        self.features = FeatureExtractor(self.config.features)
        self._neutral_model = None      # neutral landmarks in model space, for Jacobians

    @classmethod
    def of_twin(cls) -> 'MotionStage':
        """Return a stage that watches the twin's renders: the same landmark model, no hands."""
        return cls(MotionConfig(occlusion=OcclusionConfig(enabled=False)))

    def recalibrate(self) -> None:
        """
        Take the next frames as the person's neutral (the user says the face is at rest).

        The track id moves on too, so the stages downstream that take a motion reference from a
        person's first frame (the animators, the motion extractor and policy) take it again.
        """
        self.features.recalibrate()
        self._neutral_model = None
        self.tracker.renew()
        if self.hands is not None:
            self.hands.reset()

    def reset(self) -> None:
        """Start a new stream: forget the tracked face; back to the population neutral."""
        self.tracker = MainFaceTracker(self.config.tracker)
        self.features.reset()
        self._neutral_model = None
        if self.hands is not None:
            self.hands.reset()

    def calibrate_on(self, image: np.ndarray) -> bool:
        """
        Take the face in ``image`` (BGR) as the neutral, e.g. the twin's neutral render.

        Returns False (neutral unchanged) when no face is found.
        """
        faces = self.detector.detect(image)
        if not faces:
            return False
        lm = faces[0].landmarks
        fit, _ = estimate_pose(lm)
        self.features.set_neutral(self.features.measure(lm, fit))
        self._neutral_model = fit.to_model(lm.astype(np.float64))
        return True

    @property
    def neutral_landmarks_model(self) -> np.ndarray | None:
        """Return the person's neutral landmarks in model space; None before a face."""
        return self._neutral_model

    def process(self, frame: Frame,
                still: bool = False) -> tuple[FaceObservation, Keypoints | None]:
        """
        One frame in; the observation (explicit "no face" if none) and keypoints out.

        ``still``: the frame is a portrait of its own, measured against the population neutral
        and leaving the stream's neutral untouched; its landmarks are found afresh (the video
        detector would start from the previous frame's face).
        """
        h, w = frame.image.shape[:2]
        if still and self._still_detector is None:
            self._still_detector = FaceMeshDetector(replace(self.config.landmarks,
                                                            static_images=True))
        detector = self._still_detector if still else self.detector
        hands = self._hands_for(still)
        if hands is not None:
            hands.look(frame.image)
        face = self.tracker.update(detector.detect(frame.image))
        if face is None:
            if hands is not None:
                hands.drop()
            return FaceObservation.no_face(frame.stamp, (w, h)), None
        fit, (pitch, yaw, roll) = estimate_pose(face.landmarks)
        landmarks, hidden = (face.landmarks, ()) if hands is None else hands(face.landmarks, fit)
        # A face partly standing in for the hidden parts says nothing about the person's rest.
        features = (self.features.against_population(landmarks, fit) if still
                    else self.features(landmarks, fit, learn=not hidden))
        obs = FaceObservation(stamp=frame.stamp, face_found=True, image_size=(w, h),
                              track_id=self.tracker.track_id, confidence=1.0, box=face.box,
                              landmarks=landmarks, pitch=pitch, yaw=yaw, roll=roll,
                              features=features, hidden_parts=hidden)
        return obs, self._keypoints(frame.stamp, landmarks, fit, w, h)

    def _hands_for(self, still: bool) -> HandOcclusion | None:
        if self.hands is None or not still:
            return self.hands
        if self._still_hands is None:
            self._still_hands = HandOcclusion(self.config.occlusion, static_images=True)
        self._still_hands.reset()       # each portrait on its own: nothing held over
        return self._still_hands

    def _keypoints(self, stamp, landmarks, fit, w, h) -> Keypoints:
        dim = 3 if self.config.keypoints_3d else 2
        model = fit.to_model(landmarks.astype(np.float64))
        # The neutral shape follows the same at-rest frames as the features' neutral.
        if self._neutral_model is None:
            self._neutral_model = model
        elif self.features.at_rest:
            rate = 0.1 if self.features.calibrating else 1.0 / self.features.config.adapt_frames
            self._neutral_model = self._neutral_model + rate * (model - self._neutral_model)
        # Jacobians in model space (pose removed), so they describe expression, not head motion.
        jac = kp.local_jacobians(self._neutral_model[:, :dim], model[:, :dim])
        pts = kp.to_normalised(landmarks[kp.KEYPOINTS, :dim], w, h)
        cov = kp.covariances(kp.to_normalised(landmarks[:, :dim], w, h))
        return Keypoints(stamp, pts.astype(np.float32), jac.astype(np.float32),
                         cov.astype(np.float32), source='landmarks')

    def close(self) -> None:
        self.detector.close()
        if self._still_detector is not None:
            self._still_detector.close()
        for hands in (self.hands, self._still_hands):
            if hands is not None:
                hands.close()
