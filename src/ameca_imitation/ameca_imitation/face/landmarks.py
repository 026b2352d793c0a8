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
Dense face landmarks with mediapipe 0.10.21 face mesh (468 points, 478 with the irises).

mediapipe is imported lazily so that the rest of the library works where it cannot install.
"""

from dataclasses import dataclass
import importlib
import logging

import cv2
import numpy as np

log = logging.getLogger(__name__)


@dataclass
class LandmarkConfig:
    max_faces: int = 3                  # several people: the tracker keeps one main face
    refine_iris: bool = True            # 478 points instead of 468
    static_images: bool = False         # False: tracking mode for video (faster, stabler)
    min_detection_confidence: float = 0.5
    min_tracking_confidence: float = 0.5


@dataclass
class DetectedFace:
    """``landmarks``: ``(478, 3)`` float32, x/y pixels, z in the same pixel scale."""

    landmarks: np.ndarray
    box: tuple[float, float, float, float]   # x, y, w, h pixels


def mediapipe_solution(name: str):
    """Import mediapipe's legacy solution ``name`` (``face_mesh``, ``hands``)."""
    try:
        return importlib.import_module(f'mediapipe.python.solutions.{name}')
    except ImportError as err:   # pragma: no cover - depends on the machine
        raise ImportError(f'mediapipe==0.10.21 is needed for {name.replace("_", " ")} '
                          '(pip install --no-deps mediapipe==0.10.21)') from err


def landmark_box(points: np.ndarray) -> tuple[float, float, float, float]:
    """Tight ``(x, y, w, h)`` box around ``(N, >=2)`` pixel points."""
    lo, hi = points[:, :2].min(0), points[:, :2].max(0)
    return float(lo[0]), float(lo[1]), float(hi[0] - lo[0]), float(hi[1] - lo[1])


class FaceMeshDetector:
    """Finds faces and their landmarks in BGR images. One instance per video stream."""

    def __init__(self, config: LandmarkConfig | None = None):
        self.config = config or LandmarkConfig()
        face_mesh = mediapipe_solution('face_mesh')
        c = self.config
        self._mesh = face_mesh.FaceMesh(
            static_image_mode=c.static_images, max_num_faces=c.max_faces,
            refine_landmarks=c.refine_iris,
            min_detection_confidence=c.min_detection_confidence,
            min_tracking_confidence=c.min_tracking_confidence)

    def detect(self, image: np.ndarray) -> list[DetectedFace]:
        """All faces in a ``(H, W, 3)`` uint8 BGR image, largest first."""
        if image is None or image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
            raise ValueError('expected an (H, W, 3) uint8 BGR image, got '
                             f'{None if image is None else (image.shape, image.dtype)}')
        h, w = image.shape[:2]
        result = self._mesh.process(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
        faces = []
        for face in result.multi_face_landmarks or []:
            pts = np.array([(p.x * w, p.y * h, p.z * w) for p in face.landmark], np.float32)
            faces.append(DetectedFace(pts, landmark_box(pts)))
        faces.sort(key=lambda f: -f.box[2] * f.box[3])
        return faces

    def close(self) -> None:
        self._mesh.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
