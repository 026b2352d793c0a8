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
``ameca-train-animator``: train an animation model self-supervised on twin videos.

    # FOMM, 15 minutes on the CPU, then L1/AKD/MKR on held-out twin clips (another seed)
    ameca-train-animator --model fomm --out out/animator_fomm --minutes 15
    # the other models train the same way
    ameca-train-animator --model liveportrait --out out/animator_lp
    ameca-train-animator --model monkey_net --out out/animator_mn
    ameca-train-animator --model face_vid2vid --out out/animator_fv2v

The output folder holds the weights (safetensors), the config, the metrics (with the
copy-the-source baseline) and this command; a checkpoint is written every few minutes.
"""

import argparse
from dataclasses import fields
import json
import logging
from pathlib import Path
import sys

from ameca_imitation.animation.metrics import reconstruction_metrics
from ameca_imitation.animation.training import (AnimatorTrainConfig, reconstruct_clips,
                                                save_animator, train_animator)
from ameca_imitation.animation.zoo import ANIMATORS
from ameca_imitation.twin.videos import render_videos
import cv2
import numpy as np

log = logging.getLogger('ameca-train-animator')


def write_preview(path: Path, videos: np.ndarray, predicted: np.ndarray, clips: int = 4) -> None:
    """Write a PNG: per clip, the true frames over the redrawn ones (frame 0 is the source)."""
    step = max(1, videos.shape[1] // 8)
    rows = []
    for truth, pred in zip(videos[:clips], predicted[:clips]):
        rows += [np.hstack(list(truth[::step])), np.hstack(list(pred[::step]))]
    cv2.imwrite(str(path), np.vstack(rows)[..., ::-1])


def main(argv=None) -> int:
    d = AnimatorTrainConfig()
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--model', choices=sorted(ANIMATORS), default=d.model)
    p.add_argument('--out', type=Path, required=True)
    p.add_argument('--minutes', type=float, default=d.max_minutes, help='training time budget')
    p.add_argument('--size', type=int, default=64, help='frame side, pixels')
    p.add_argument('--clips', type=int, default=400, help='training clips')
    p.add_argument('--test-clips', type=int, default=12, help='held-out clips (seed + 1)')
    p.add_argument('--frames', type=int, default=20, help='frames per clip, at 10 fps')
    for name in ('batch_size', 'max_steps', 'seed', 'threads'):
        p.add_argument('--' + name.replace('_', '-'), type=int, default=getattr(d, name))
    for name in ('lr', 'equivariance_weight', 'gan_weight', 'checkpoint_minutes'):
        p.add_argument('--' + name.replace('_', '-'), type=float, default=getattr(d, name))
    p.add_argument('--no-keypoint-metrics', action='store_true',
                   help='skip AKD/MKR (they run the landmark model on every held-out frame)')
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format='%(levelname)s %(name)s: %(message)s')
    names = {f.name for f in fields(AnimatorTrainConfig)}
    cfg = AnimatorTrainConfig(**{k: v for k, v in vars(args).items() if k in names},
                              max_minutes=args.minutes)
    train = render_videos(args.clips, args.frames, args.seed, args.size)
    test = render_videos(args.test_clips, args.frames, args.seed + 1, args.size)
    result = train_animator(cfg, train, args.out)
    predicted = reconstruct_clips(result['model'], test)
    metrics = {'model': args.model, 'size': args.size, 'train_clips': args.clips,
               'steps': result['steps'], 'minutes': result['minutes'],
               'held_out': reconstruction_metrics(predicted, test,
                                                  keypoints=not args.no_keypoint_metrics),
               'history': result['history']}
    save_animator(args.out, result['model'], cfg, metrics)
    write_preview(args.out / 'held_out.png', test, predicted)
    log.info('wrote %s: %s', args.out, json.dumps(metrics['held_out']))
    return 0


if __name__ == '__main__':
    sys.exit(main())
