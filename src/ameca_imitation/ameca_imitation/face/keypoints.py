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
Landmarks as keypoints with first-order local motion (the seed's eq. 7-9) and covariances.

For each keypoint k with neighbours j, the local affine map J_k from the neutral frame to the
current one minimises ``sum_j |(p_j - p_k) - J_k (q_j - q_k)|^2`` (q: neutral, p: current), as
FOMM's Jacobians describe motion near a keypoint. The Monkey-Net covariance is the spread of the
neighbourhood around the keypoint: ``sum_j (p_j - p_k)(p_j - p_k)^T / n``.
"""

from ameca_imitation.face.reference import reference_face
import numpy as np

# A compact subset: brows, eyes, nose, lips, jaw; 2 per brow, 4 per eye, 3 nose, 8 lips, 3 jaw.
KEYPOINTS = np.array([107, 70, 336, 300, 33, 133, 159, 145, 263, 362, 386, 374, 1, 129, 358,
                      61, 291, 0, 17, 13, 14, 40, 270, 152, 172, 397])
NEIGHBOURS = 8


def _neighbour_table() -> np.ndarray:
    ref = reference_face().vertices
    d = np.linalg.norm(ref[KEYPOINTS][:, None] - ref[None], axis=2)
    return np.argsort(d, axis=1)[:, 1:NEIGHBOURS + 1]      # (K, n), excluding the point itself


_TABLE = None


def neighbour_table() -> np.ndarray:
    global _TABLE
    if _TABLE is None:
        _TABLE = _neighbour_table()
    return _TABLE


def local_jacobians(neutral: np.ndarray, current: np.ndarray) -> np.ndarray:
    """``(K, D, D)`` affine maps for keypoints ``KEYPOINTS``; inputs ``(478|468, D)``."""
    nb = neighbour_table()
    q = neutral[nb] - neutral[KEYPOINTS][:, None]        # (K, n, D)
    p = current[nb] - current[KEYPOINTS][:, None]
    # Solve q J^T = p for each keypoint: J^T = pinv(q) p.
    jt = np.linalg.pinv(q) @ p                             # (K, D, D)
    return np.transpose(jt, (0, 2, 1))


def covariances(current: np.ndarray) -> np.ndarray:
    """``(K, D, D)`` neighbourhood covariances around each keypoint."""
    nb = neighbour_table()
    p = current[nb] - current[KEYPOINTS][:, None]
    return np.einsum('knd,kne->kde', p, p) / p.shape[1]


def to_normalised(points: np.ndarray, width: int, height: int) -> np.ndarray:
    """Pixel ``(N, D)`` -> ``[-1, 1]`` image coordinates (z scaled like x), as FOMM uses."""
    out = np.array(points, np.float64, copy=True)
    out[:, 0] = out[:, 0] / width * 2 - 1
    out[:, 1] = out[:, 1] / height * 2 - 1
    if out.shape[1] > 2:
        out[:, 2] = out[:, 2] / width * 2
    return out
