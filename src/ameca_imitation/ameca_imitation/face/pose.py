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
Head pose from dense landmarks: a similarity fit of the reference face to the observed points.

Conventions (shared with the twin): pitch > 0 looks up, yaw > 0 turns to the subject's left
(image right), roll > 0 tilts the top of the head to the subject's left; degrees.
"""

from dataclasses import dataclass

from ameca_imitation.face.reference import reference_face
import numpy as np

# Points that move little with expression: forehead, nose bridge and tip, eye corners, cheekbones,
# temples. Lips, jaw, lids and brows are left out so a smile does not tilt the head.
RIGID_POINTS = np.array([10, 151, 9, 8, 168, 6, 197, 195, 5, 4, 1, 33, 133, 263, 362, 234, 454,
                         127, 356, 116, 345, 50, 280, 101, 330, 36, 266, 103, 332, 67, 297])


@dataclass
class Similarity:
    """``observed ~= scale * reference @ rotation.T + translation`` (row vectors)."""

    rotation: np.ndarray     # (3, 3)
    scale: float
    translation: np.ndarray  # (3,)

    def to_model(self, points: np.ndarray) -> np.ndarray:
        """Map observed ``(N, 3)`` points back into reference (model) space."""
        return (points - self.translation) @ self.rotation / self.scale


def fit_similarity(observed: np.ndarray, reference: np.ndarray) -> Similarity:
    """Least-squares similarity (Umeyama) taking ``reference`` ``(N, 3)`` onto ``observed``."""
    mo, mr = observed.mean(0), reference.mean(0)
    o, r = observed - mo, reference - mr
    u, s, vt = np.linalg.svd(o.T @ r)
    d = np.sign(np.linalg.det(u @ vt))
    fix = np.diag([1.0, 1.0, d])
    rot = u @ fix @ vt
    scale = float((s * np.diag(fix)).sum() / (r ** 2).sum())
    return Similarity(rot, scale, mo - scale * mr @ rot.T)


def rotation(pitch: float, yaw: float, roll: float) -> np.ndarray:
    """
    Return the ``(3, 3)`` rotation for column vectors in model space from degrees.

    The module's conventions (shared with the twin): pitch > 0 looks up, yaw > 0 turns to the
    face's left (image right), roll > 0 tilts the top of the head to the face's left.
    """
    p, y, r = np.radians([-pitch, -yaw, roll])
    rx = np.array([[1, 0, 0], [0, np.cos(p), -np.sin(p)], [0, np.sin(p), np.cos(p)]])
    ry = np.array([[np.cos(y), 0, np.sin(y)], [0, 1, 0], [-np.sin(y), 0, np.cos(y)]])
    rz = np.array([[np.cos(r), -np.sin(r), 0], [np.sin(r), np.cos(r), 0], [0, 0, 1]])
    return rz @ ry @ rx


def euler_degrees(rotation: np.ndarray) -> tuple[float, float, float]:
    """
    Return ``(pitch, yaw, roll)`` degrees of a column-vector rotation.

    The inverse of :func:`rotation`, which builds ``Rz(roll) Ry(-yaw) Rx(-pitch)``.
    """
    r = rotation
    yaw_neg = np.arcsin(np.clip(-r[2, 0], -1.0, 1.0))
    pitch_neg = np.arctan2(r[2, 1], r[2, 2])
    roll = np.arctan2(r[1, 0], r[0, 0])
    return float(-np.degrees(pitch_neg)), float(-np.degrees(yaw_neg)), float(np.degrees(roll))


def estimate_pose(landmarks: np.ndarray) -> tuple[Similarity, tuple[float, float, float]]:
    """Fit the reference face to ``(>=468, 3)`` pixel landmarks; return fit, angles."""
    ref = reference_face().vertices
    fit = fit_similarity(landmarks[RIGID_POINTS].astype(np.float64), ref[RIGID_POINTS])
    return fit, euler_degrees(fit.rotation)
