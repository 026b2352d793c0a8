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
Index sets of mediapipe's 468/478-point face mesh, read from the topology in its wheel.

"Left" and "right" are the subject's own (mediapipe's convention): the subject's left eye
appears on the image's right for a person facing the camera, and so does Ameca's.
"""

from functools import lru_cache
import importlib

import numpy as np

NUM_MESH = 468
NUM_WITH_IRIS = 478
LEFT_IRIS = np.arange(473, 478)   # centre first, then 4 rim points
RIGHT_IRIS = np.arange(468, 473)

# Named points used by features and the rig (mediapipe indices).
NOSE_TIP = 1
FOREHEAD = 10
CHIN = 152
MOUTH_LEFT = 291       # subject's left lip corner
MOUTH_RIGHT = 61
UPPER_LIP_INNER = 13
LOWER_LIP_INNER = 14
UPPER_LIP_OUTER = 0
LOWER_LIP_OUTER = 17
LEFT_EYE_OUTER, LEFT_EYE_INNER = 263, 362
RIGHT_EYE_OUTER, RIGHT_EYE_INNER = 33, 133
LEFT_EYE_TOP, LEFT_EYE_BOTTOM = 386, 374
RIGHT_EYE_TOP, RIGHT_EYE_BOTTOM = 159, 145
LEFT_BROW_INNER, LEFT_BROW_OUTER = 336, 300
RIGHT_BROW_INNER, RIGHT_BROW_OUTER = 107, 70
LEFT_ALA, RIGHT_ALA = 358, 129   # outer nostril wings
NOSE_BRIDGE = 6
INNER_LIP = np.array([78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308, 415, 310, 311,
                      312, 13, 82, 81, 80, 191])   # a closed loop, mouth-corner to mouth-corner


def _connections():
    return importlib.import_module('mediapipe.python.solutions.face_mesh_connections')


def _vertices(edges) -> np.ndarray:
    return np.array(sorted({i for e in edges for i in e}), np.int64)


@lru_cache(maxsize=None)
def region(name: str) -> np.ndarray:
    """
    Return the vertex indices of a named contour.

    Names: ``left_eye``, ``right_eye``, ``left_eyebrow``, ``right_eyebrow``, ``lips``,
    ``face_oval``, ``left_iris``, ``right_iris``, ``nose``.
    """
    table = {
        'left_eye': 'FACEMESH_LEFT_EYE', 'right_eye': 'FACEMESH_RIGHT_EYE',
        'left_eyebrow': 'FACEMESH_LEFT_EYEBROW', 'right_eyebrow': 'FACEMESH_RIGHT_EYEBROW',
        'lips': 'FACEMESH_LIPS', 'face_oval': 'FACEMESH_FACE_OVAL',
        'left_iris': 'FACEMESH_LEFT_IRIS', 'right_iris': 'FACEMESH_RIGHT_IRIS',
        'nose': 'FACEMESH_NOSE',
    }
    if name not in table:
        raise KeyError(f'unknown face region {name!r}; known: {sorted(table)}')
    return _vertices(getattr(_connections(), table[name]))


@lru_cache(maxsize=None)
def tessellation_edges() -> np.ndarray:
    """``(E, 2)`` int edges of the 468-vertex tessellation."""
    return np.array(sorted(tuple(sorted(e)) for e in _connections().FACEMESH_TESSELATION),
                    np.int64)


def contour_loop(name: str) -> np.ndarray:
    """Return the vertices of a closed contour (``left_eye``, ``right_eye``, ``face_oval``)."""
    tables = {'left_eye': 'FACEMESH_LEFT_EYE', 'right_eye': 'FACEMESH_RIGHT_EYE',
              'face_oval': 'FACEMESH_FACE_OVAL'}
    edges = getattr(_connections(), tables[name])
    neighbours = {}
    for a, b in edges:
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    start = min(neighbours)
    loop, previous = [start], None
    while True:
        options = [n for n in neighbours[loop[-1]] if n != previous]
        previous = loop[-1]
        if options[0] == start:
            break
        loop.append(options[0])
    return np.array(loop, np.int64)
