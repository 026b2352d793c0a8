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
The reference face: mediapipe's 468-point mesh of one real, neutral, frontal face.

Model space: x right (the subject's left), y down, z into the image; 1 unit = distance between
the eye centres. Used as the head-pose model, as the population neutral for expression features
and as the virtual Ameca's base mesh. Regenerate with ``scripts/make_reference_face.py``.
"""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

REFERENCE_FILE = Path(__file__).with_name('data') / 'reference_face.npz'


@dataclass(frozen=True)
class ReferenceFace:
    """``vertices`` ``(468, 3)``; ``triangles`` ``(T, 3)``; ``mirror`` ``(468,)`` partner index."""

    vertices: np.ndarray
    triangles: np.ndarray
    mirror: np.ndarray


@lru_cache(maxsize=1)
def reference_face() -> ReferenceFace:
    with np.load(REFERENCE_FILE) as data:
        return ReferenceFace(data['vertices'].astype(np.float64),
                             data['triangles'].astype(np.int32), data['mirror'].astype(np.int64))
