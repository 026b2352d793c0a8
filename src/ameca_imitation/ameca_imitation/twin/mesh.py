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
The twin's base face mesh and the mesh operations the rig needs.

The vertices are the reference face of :mod:`ameca_imitation.face.reference` (one real neutral
face, ``scripts/make_reference_face.py``), so the twin and the head-pose model share one shape.
"""

from dataclasses import dataclass
from functools import lru_cache

from ameca_imitation.face.reference import reference_face
import numpy as np
from scipy import sparse
from scipy.sparse.linalg import spsolve


@dataclass(frozen=True)
class FaceMesh:
    """
    A triangle mesh in model space.

    ``vertices``: ``(V, 3)`` model space; ``triangles``: ``(T, 3)`` int32, wound
    counter-clockwise seen from the camera; ``mirror``: ``(V,)`` left-right partner of each vertex.
    """

    vertices: np.ndarray
    triangles: np.ndarray
    mirror: np.ndarray

    @property
    def edges(self) -> np.ndarray:
        t = self.triangles
        e = np.concatenate([t[:, [0, 1]], t[:, [1, 2]], t[:, [2, 0]]])
        return np.unique(np.sort(e, axis=1), axis=0)

    def vertex_face_matrix(self) -> sparse.csr_matrix:
        """``(V, T)`` incidence: summing face normals into vertex normals is one product."""
        v, t = len(self.vertices), len(self.triangles)
        rows = self.triangles.ravel()
        cols = np.repeat(np.arange(t), 3)
        return sparse.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(v, t))

    def harmonic(self, ones: np.ndarray, zeros: np.ndarray) -> np.ndarray:
        """
        Return smooth ``(V,)`` weights: 1 on ``ones``, 0 on ``zeros``, harmonic between.

        This follows the surface, so the upper lip stays still while the lower lip, only a hair
        away across the mouth, moves with the jaw.
        """
        n = len(self.vertices)
        e = self.edges
        adj = sparse.coo_matrix((np.ones(len(e)), (e[:, 0], e[:, 1])), shape=(n, n))
        adj = (adj + adj.T).tocsr()
        lap = sparse.diags(np.asarray(adj.sum(1)).ravel()) - adj
        fixed = np.zeros(n, bool)
        value = np.zeros(n)
        fixed[zeros] = True
        fixed[ones] = True
        value[ones] = 1.0
        free = ~fixed
        a = lap[free][:, free].tocsc()
        b = -lap[free][:, fixed] @ value[fixed]
        out = value.copy()
        out[free] = spsolve(a, b)
        return np.clip(out, 0.0, 1.0)


@lru_cache(maxsize=1)
def load_mesh() -> FaceMesh:
    ref = reference_face()
    return FaceMesh(ref.vertices, ref.triangles, ref.mirror)
