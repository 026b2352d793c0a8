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

"""Cubic Bezier curves: easing for keyframed clips and segments for the trajectory stage."""

import numpy as np


def cubic(p0, p1, p2, p3, s):
    """
    Evaluate a cubic Bezier at parameters ``s`` in ``[0, 1]``.

    ``p0..p3``: control points, arrays broadcastable against each other, ``(..., D)``;
    ``s``: ``(M,)``. Returns ``(M, ...)``.
    """
    s = np.asarray(s, np.float64).reshape((-1,) + (1,) * np.ndim(p0))
    t = 1.0 - s
    return t ** 3 * p0 + 3 * t ** 2 * s * p1 + 3 * t * s ** 2 * p2 + s ** 3 * p3


def cubic_derivative(p0, p1, p2, p3, s):
    """First derivative with respect to ``s`` of :func:`cubic`, same shapes."""
    s = np.asarray(s, np.float64).reshape((-1,) + (1,) * np.ndim(p0))
    t = 1.0 - s
    return 3 * t ** 2 * (p1 - p0) + 6 * t * s * (p2 - p1) + 3 * s ** 2 * (p3 - p2)


def ease(u: np.ndarray, x1: float = 0.42, x2: float = 0.58) -> np.ndarray:
    """
    CSS-style ease-in-out: the y of the 2-D Bezier (0,0),(x1,0),(x2,1),(1,1) at x = ``u``.

    ``u`` in ``[0, 1]``, any shape; monotonic, with zero slope at both ends, so a keyframed
    control starts and stops gently. Solved for the curve parameter by Newton iterations.
    """
    u = np.clip(np.asarray(u, np.float64), 0.0, 1.0)
    s = u.copy()
    for _ in range(8):
        t = 1.0 - s
        x = 3 * t * t * s * x1 + 3 * t * s * s * x2 + s ** 3
        dx = 3 * t * t * x1 + 6 * t * s * (x2 - x1) + 3 * s * s * (1 - x2)
        s = np.clip(s - (x - u) / np.maximum(dx, 1e-6), 0.0, 1.0)
    t = 1.0 - s
    return 3 * t * s * s + s ** 3
