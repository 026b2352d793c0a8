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
Core types exchanged between stages. Times are seconds (float) on the camera clock.

Each mirrors one message of ``ameca_imitation_msgs`` (``ControlVector.msg`` and so on); the
converters in the node packages (``ros_io.py``) translate field by field.
"""

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Frame:
    """
    One camera image.

    ``image``: ``(H, W, 3)`` uint8, **BGR** (OpenCV order). ``stamp``: capture time in seconds.
    ``index``: frame number from the source's start.
    """

    image: np.ndarray
    stamp: float
    index: int


@dataclass
class FaceObservation:
    """
    What the motion stage saw of the main face in one frame.

    ``landmarks``: ``(N, 3)`` float32, x and y in pixels, z in the same pixel scale (mediapipe's
    depth, negative towards the camera); empty when no face was found.
    ``box``: ``(x, y, w, h)`` pixels. ``pitch``, ``yaw``, ``roll``: head pose in degrees.
    ``features``: expression features relative to the person's neutral (see ``face.features``).
    ``hidden_parts``: parts of the face a hand hides (``mouth``, ``left_eye``, ``right_eye``);
    their landmarks and features are stood in for: the other eye's, mirrored, or the population
    neutral's (see ``face.occlusion``).
    """

    stamp: float
    face_found: bool
    image_size: tuple[int, int] = (0, 0)  # (width, height) pixels
    track_id: int = 0
    confidence: float = 0.0
    box: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    landmarks: np.ndarray = field(default_factory=lambda: np.zeros((0, 3), np.float32))
    pitch: float = 0.0
    yaw: float = 0.0
    roll: float = 0.0
    features: dict[str, float] = field(default_factory=dict)
    hidden_parts: tuple[str, ...] = ()

    @classmethod
    def no_face(cls, stamp: float, image_size: tuple[int, int] = (0, 0)) -> 'FaceObservation':
        """Make an explicit "no face" observation: never old data under a new stamp."""
        return cls(stamp=stamp, face_found=False, image_size=image_size)


@dataclass
class Keypoints:
    """
    K keypoints of dimension D (2 or 3) with optional local first-order motion.

    ``values``: ``(K, D)`` float32 in ``[-1, 1]`` (x right, y down, z into the image).
    ``jacobians``: ``(K, D, D)`` local affine maps from the neutral to the current frame, or None.
    ``covariances``: ``(K, D, D)`` Monkey-Net-style keypoint covariances, or None.
    """

    stamp: float
    values: np.ndarray
    jacobians: np.ndarray | None = None
    covariances: np.ndarray | None = None
    source: str = 'landmarks'

    def __post_init__(self):
        k, d = self.values.shape
        if d not in (2, 3):
            raise ValueError(f'keypoints must be 2-D or 3-D, got dimension {d}')
        for name in ('jacobians', 'covariances'):
            arr = getattr(self, name)
            if arr is not None and arr.shape != (k, d, d):
                raise ValueError(f'{name} must have shape {(k, d, d)}, got {arr.shape}')


@dataclass
class MotionState:
    """
    Implicit motion of the LivePortrait family: ``x = s * (x_c @ R + delta) + t``.

    ``canonical``, ``expression``: ``(K, 3)``; ``rotation``: ``(3, 3)`` for row vectors;
    ``translation``: ``(3,)``; pitch/yaw/roll in degrees.
    """

    stamp: float
    canonical: np.ndarray
    rotation: np.ndarray
    translation: np.ndarray
    scale: float
    expression: np.ndarray
    pitch: float = 0.0
    yaw: float = 0.0
    roll: float = 0.0


@dataclass
class ControlVector:
    """
    Control values in a schema's canonical order.

    ``values``: ``(N,)`` float64, native units unless ``normalised`` (then ``[0, 1]``).
    ``stamp``: the camera frame these values answer (kept through every stage for latency).
    """

    stamp: float
    names: tuple[str, ...]
    values: np.ndarray
    normalised: bool = False
