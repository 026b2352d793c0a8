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
Framing for the learned animators: the person's frame cropped the way the source face is framed.

A learned animator sees the source (Ameca's face) and a driving frame at the same framing: the
face at the same place and size. The driving crop is the similarity (scale + shift, no
rotation, so head roll stays visible) that puts the person's landmark box where the source's
is; the scale is fixed at the person's reference frame so the crop does not breathe with
per-frame landmark jitter. Also the eye and lip opening ratios of LivePortrait's retargeting.
"""

from ameca_imitation.face import topology as topo
import cv2
import numpy as np
import torch

_EYES = {'left': ((386, 374), (362, 263)), 'right': ((159, 145), (133, 33))}   # lids, corners


def face_box(landmarks: np.ndarray) -> tuple[np.ndarray, float]:
    """``(N, 3)`` pixel landmarks -> centre ``(2,)`` and size (longer side of their box), px."""
    lo, hi = landmarks[:, :2].min(0), landmarks[:, :2].max(0)
    return (lo + hi) / 2, float(max(hi - lo))


def crop_square(image: np.ndarray, landmarks: np.ndarray, scale: float,
                size: int) -> tuple[np.ndarray, np.ndarray]:
    """Crop the face to ``scale`` face sizes, resized to ``size``; return it and its landmarks."""
    centre, face = face_box(landmarks)
    a = size / (scale * face)
    m = np.array([[a, 0, size / 2 - a * centre[0]], [0, a, size / 2 - a * centre[1]]])
    out = cv2.warpAffine(image, m, (size, size), flags=cv2.INTER_AREA,
                         borderMode=cv2.BORDER_REPLICATE)
    moved = landmarks.copy()
    moved[:, :2] = landmarks[:, :2] * a + m[:, 2]
    moved[:, 2] *= a
    return out, moved


class DrivingFraming:
    """Crops a person's frames to the framing of ``source_landmarks`` in a ``side``-px image."""

    def __init__(self, source_landmarks: np.ndarray, side: int):
        self.centre, self.size = face_box(source_landmarks)
        self.side = side
        self.scale = None

    def reset(self) -> None:
        self.scale = None

    def __call__(self, image: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
        """``(H, W, 3)`` frame + its ``(N, 3)`` landmarks -> ``(side, side, 3)`` crop."""
        centre, size = face_box(landmarks)
        if self.scale is None:
            self.scale = self.size / max(size, 1.0)
        a = self.scale
        m = np.array([[a, 0, self.centre[0] - a * centre[0]],
                      [0, a, self.centre[1] - a * centre[1]]])
        return cv2.warpAffine(image, m, (self.side, self.side), flags=cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_REPLICATE)


def to_tensor(images, side: int, device: torch.device,
              dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """``(H, W, 3)`` uint8 BGR images -> ``(B, 3, side, side)`` RGB in [0, 1] on ``device``."""
    x = np.stack([cv2.resize(i, (side, side), interpolation=cv2.INTER_AREA)
                  for i in images])[..., ::-1]
    x = torch.from_numpy(np.ascontiguousarray(x)).permute(0, 3, 1, 2)
    return x.to(device, dtype) / 255.0


def opening_ratios(landmarks: np.ndarray) -> dict:
    """
    Eye and lip openings as LivePortrait's retargeting reads them (dimensionless).

    ``eye_left``/``eye_right``: lid-to-lid over corner-to-corner distance; ``lip``: inner-lip gap
    over mouth width.
    """
    p = landmarks[:, :2]

    def ratio(a, b, c, d):
        return float(np.linalg.norm(p[a] - p[b]) / max(np.linalg.norm(p[c] - p[d]), 1e-6))

    out = {f'eye_{side}': ratio(*lids, *corners) for side, (lids, corners) in _EYES.items()}
    out['lip'] = ratio(topo.UPPER_LIP_INNER, topo.LOWER_LIP_INNER, topo.MOUTH_LEFT,
                       topo.MOUTH_RIGHT)
    return out
