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

"""Twin videos: random Bezier-eased clips rendered frame by frame, for training animators."""

from concurrent.futures import ProcessPoolExecutor
import multiprocessing

from ameca_imitation.controls import ControlSchema
from ameca_imitation.twin.animator import ExpressionLibrary, random_clip
from ameca_imitation.twin.render import TwinRenderer
import cv2
import numpy as np
from tqdm import tqdm


def _render_clips(args) -> np.ndarray:
    count, frames, fps, size, crop, seed_seq = args
    schema = ControlSchema.default()
    full = round(size / crop)
    lo = (full - size) // 2
    renderer, library = TwinRenderer(schema, size=full), ExpressionLibrary(schema)
    rng = np.random.default_rng(seed_seq)
    out = np.empty((count, frames, size, size, 3), np.uint8)
    for i in range(count):
        clip = random_clip(schema, rng, duration=frames / fps, library=library)
        for j, values in enumerate(clip.sample(np.arange(frames) / fps)):
            image = renderer.render(values).image[lo:lo + size, lo:lo + size]
            out[i, j] = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
    return out


def render_videos(count: int, frames: int, seed: int, size: int = 64, fps: float = 10.0,
                  crop: float = 0.75, workers: int = 2) -> np.ndarray:
    """
    Render ``count`` random clips of ``frames`` frames at ``fps``: ``(N, T, S, S, 3)`` RGB.

    Each frame is the central ``crop`` share of a larger render, so the face fills the frame.
    """
    chunks = np.array_split(np.arange(count), max(1, min(count, 4 * workers)))
    seeds = np.random.SeedSequence(seed).spawn(len(chunks))
    jobs = [(len(c), frames, fps, size, crop, s) for c, s in zip(chunks, seeds) if len(c)]
    # Spawned workers: forking a parent that holds torch or mediapipe threads can hang.
    with ProcessPoolExecutor(max_workers=workers,
                             mp_context=multiprocessing.get_context('spawn')) as pool:
        parts = list(tqdm(pool.map(_render_clips, jobs), total=len(jobs), desc='twin videos',
                          unit='chunk', leave=False))
    return np.concatenate(parts)
