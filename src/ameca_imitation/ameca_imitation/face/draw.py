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

"""Debug drawing: landmarks, head-pose axes and feature bars on a copy of the frame."""

from ameca_imitation.face.features import FEATURE_NAMES
from ameca_imitation.face.pose import rotation
from ameca_imitation.types import FaceObservation
import cv2
import numpy as np

BAR_SCALE = 400.0     # pixels per model unit of feature change
GREEN, RED, BLUE, WHITE = (80, 220, 80), (60, 60, 230), (230, 120, 60), (240, 240, 240)


def draw_observation(image: np.ndarray, obs: FaceObservation) -> np.ndarray:
    """Return a BGR copy of ``image`` with the observation drawn on it."""
    out = image.copy()
    if not obs.face_found:
        cv2.putText(out, 'no face', (10, 24), cv2.FONT_HERSHEY_SIMPLEX, 0.7, RED, 2, cv2.LINE_AA)
        return out
    for x, y in obs.landmarks[:, :2].astype(int):
        cv2.circle(out, (int(x), int(y)), 1, GREEN, -1)
    x, y, w, h = (int(v) for v in obs.box)
    cv2.rectangle(out, (x, y), (x + w, y + h), GREEN, 1)
    if obs.hidden_parts:     # stood in for: at rest, not the landmark model's guess
        cv2.putText(out, 'under a hand: ' + ', '.join(obs.hidden_parts).replace('_', ' '),
                    (x, min(y + h + 16, out.shape[0] - 4)), cv2.FONT_HERSHEY_SIMPLEX, 0.45, RED,
                    1, cv2.LINE_AA)
    # Pose axes from the nose tip, length a third of the box.
    rot = rotation(obs.pitch, obs.yaw, obs.roll)
    nose = obs.landmarks[1, :2]
    for axis, colour in zip(np.eye(3) * np.array([1, 1, -1]), (RED, GREEN, BLUE)):
        tip = nose + (rot @ axis)[:2] * h / 3
        cv2.line(out, tuple(nose.astype(int)), tuple(tip.astype(int)), colour, 2, cv2.LINE_AA)
    for i, name in enumerate(FEATURE_NAMES):
        value = obs.features.get(name, 0.0)
        yb = 12 + i * 11
        length = int(np.clip(value * BAR_SCALE, -60, 60))
        cv2.line(out, (70, yb), (70 + length, yb), GREEN if value >= 0 else RED, 6)
        cv2.putText(out, name[:14], (2, yb + 3), cv2.FONT_HERSHEY_PLAIN, 0.6, WHITE, 1)
    return out
