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

"""Each animator of the pipeline per frame, as the animator stage runs it, on a real clip.

    .venv/bin/python bench/bench_animators.py [--device cuda] [--half] [--frames N]

The whole per-frame path of ``AnimatorStage``: the driving crop, the model (cached per-source
work, inference rewrites), the image back. Learned models at their official sizes (random
weights in the official layouts: speed, not quality) and at the size of our twin-trained
checkpoints (``ameca-train-animator``, 64 px). ``live_hz``: the rate a live animator reaches
on a 30 fps camera, keeping only the newest frame. With ``--half`` on CUDA also the largest
difference of the fp16 output from fp32 (0-255 image levels).
"""

import argparse
import itertools
import statistics
import tempfile
from pathlib import Path
import time

import common
import numpy as np
import torch

from ameca_imitation.animation import AnimatorConfig, AnimatorStage
from ameca_imitation.animation.checkpoints import write_official_files
from ameca_imitation.animation.learned import LEARNED
from ameca_imitation.animation.training import AnimatorTrainConfig, save_animator
from ameca_imitation.animation.zoo import build_animator
from ameca_imitation.capture import open_source
from ameca_imitation.controls import ControlSchema
from ameca_imitation.face.motion import MotionStage
from ameca_imitation.io.media import fetch_clip
from ameca_imitation.twin import TwinRenderer


def frames_with_faces(count: int):
    motion = MotionStage()
    with open_source(fetch_clip('WolfgangLanger_Pexels.mp4')) as src:
        out = [(f.image, motion.process(f)[0]) for f in itertools.islice(src, count)]
    motion.close()
    return [(image, obs) for image, obs in out if obs.face_found]


def time_stage(stage, frames, device) -> tuple[float, list]:
    times, outputs = [], []
    for image, obs in frames:
        start = time.perf_counter()
        outputs.append(stage(obs, image))
        if device.type == 'cuda':
            torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times[1:] or times), outputs     # first: the reference


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--half', action='store_true', help='also fp16 (CUDA)')
    parser.add_argument('--frames', type=int, default=4, help='frames per official model')
    parser.add_argument('--threads', type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    schema = ControlSchema.default()
    source = TwinRenderer(schema, size=256).render(schema.neutral)
    frames = frames_with_faces(max(args.frames, 30))
    figures = {'device': torch.cuda.get_device_name() if device.type == 'cuda' else 'cpu',
               'threads': torch.get_num_threads()}
    stage = AnimatorStage(source.image, source.landmarks)
    figures['landmark_warp_ms'] = time_stage(stage, frames[:30], device)[0]
    with tempfile.TemporaryDirectory() as tmp:
        for model in LEARNED:
            torch.manual_seed(0)
            ours = Path(tmp) / f'{model}_trained'
            save_animator(ours, build_animator(model), AnimatorTrainConfig(model=model),
                          {'size': 64})
            official = write_official_files(model, Path(tmp) / f'{model}_official')
            for kind, weights, count in (('trained64', ours, 30),
                                         ('official', official, args.frames)):
                config = AnimatorConfig(model=model, weights=str(weights))
                stage = AnimatorStage(source.image, source.landmarks, config, device=device)
                ms, full = time_stage(stage, frames[:count + 1], device)
                figures[f'{model}_{kind}_ms'] = ms
                if args.half and device.type == 'cuda':
                    config.half = True
                    half = AnimatorStage(source.image, source.landmarks, config, device=device)
                    ms, fp16 = time_stage(half, frames[:count + 1], device)
                    figures[f'{model}_{kind}_fp16_ms'] = ms
                    figures[f'{model}_{kind}_fp16_max_diff'] = max(
                        int(np.abs(a.astype(int) - b).max()) for a, b in zip(full, fp16))
    for key in [k for k in figures if k.endswith('_ms')]:
        figures[key.replace('_ms', '_live_hz')] = min(30.0, 1000 / figures[key])
    common.report('animators', {k: round(v, 3) if isinstance(v, float) else v
                                for k, v in figures.items()})


if __name__ == '__main__':
    main()
