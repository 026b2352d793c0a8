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
``ameca-train-policy``: train an image or feature policy on (image, controls) pairs.

    # small image policy on twin shards, tested on a set drawn with another seed
    ameca-train-policy --arch small_image --data out/pairs --test out/pairs_test --out out/policy
    # feature policy on the same renders as the landmark model sees them (self-model)
    ameca-train-policy --arch feature_mlp --data out/pairs --test out/pairs_test --out out/feat
    # ... with the brows as the twin's mesh moves them (the render's brows read weakly)
    ameca-train-policy --arch feature_mlp --mesh-features brow_inner_left ... --data ...
    # the same on LivePortrait's implicit motion, as its motion extractor reads the renders
    ameca-train-policy --arch motion_mlp --extractor out/animator_lp --data out/pairs ...
    # published layouts: --layout x2c --table labels.csv, or --layout bag (robot recording)
    # two processes (DistributedDataParallel, gloo on CPU):
    torchrun --nproc_per_node 2 -m ameca_imitation.cli.train_policy --arch small_image ...
"""

import argparse
import json
import logging
from pathlib import Path
import sys

from ameca_imitation.controls import ControlSchema
from ameca_imitation.face.features import FEATURE_NAMES
from ameca_imitation.policy.checkpoint import ARCHITECTURES
from ameca_imitation.policy.train import load_images, train, TrainConfig

log = logging.getLogger('ameca-train-policy')


def load_pairs(args, schema, root):
    from ameca_imitation.twin.dataset import pairs_from_bag, ShardDataset, X2CDataset
    if args.layout == 'shards':
        return ShardDataset(root)
    if args.layout == 'x2c':
        return X2CDataset(root, args.table or Path(root) / 'labels.csv', schema)
    return pairs_from_bag(root, schema)


def main(argv=None) -> int:
    d = TrainConfig()
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--arch', choices=['small_image', 'x2cnet', 'feature_mlp', 'motion_mlp'],
                   default=d.architecture)
    p.add_argument('--data', type=Path, required=True)
    p.add_argument('--test', type=Path, help='held-out set (same layout) for the final report')
    p.add_argument('--layout', choices=['shards', 'x2c', 'bag'], default='shards')
    p.add_argument('--table', type=Path, help='CSV of the x2c layout')
    p.add_argument('--out', type=Path, required=True)
    p.add_argument('--extractor', type=Path,
                   help='motion_mlp: LivePortrait motion extractor (official folder or an '
                        'ameca-train-animator --model liveportrait folder)')
    p.add_argument('--mesh-features', nargs='+', default=[], choices=FEATURE_NAMES,
                   metavar='FEATURE',
                   help="feature_mlp: features taken from the twin's exact landmarks instead of "
                        "the landmark model's reading of the render")
    p.add_argument('--image-size', type=int, default=None, help="default: the architecture's")
    p.add_argument('--crop', type=float, default=None, help="default: the architecture's")
    for name in ('epochs', 'batch_size', 'warmup_steps', 'patience', 'max_steps', 'seed',
                 'workers', 'bn_images'):
        p.add_argument('--' + name.replace('_', '-'), type=int, default=getattr(d, name))
    for name in ('lr', 'weight_decay', 'max_minutes', 'val_fraction', 'huber_delta'):
        p.add_argument('--' + name.replace('_', '-'), type=float, default=getattr(d, name))
    p.add_argument('--no-augment', action='store_true')
    p.add_argument('--bf16', action='store_true',
                   help='bfloat16 autocast in training (CPUs with AVX512-BF16/AMX, GPUs)')
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format='%(levelname)s %(name)s: %(message)s')
    cfg = TrainConfig(architecture=args.arch, epochs=args.epochs, batch_size=args.batch_size,
                      lr=args.lr, weight_decay=args.weight_decay, warmup_steps=args.warmup_steps,
                      val_fraction=args.val_fraction, huber_delta=args.huber_delta,
                      patience=args.patience, max_minutes=args.max_minutes,
                      max_steps=args.max_steps,
                      augment=not args.no_augment, bf16=args.bf16, seed=args.seed,
                      workers=args.workers, bn_images=args.bn_images)
    if args.mesh_features and args.arch != 'feature_mlp':
        p.error('--mesh-features is for feature_mlp')
    schema = ControlSchema.default()
    crop = 0.0
    if args.arch in ('feature_mlp', 'motion_mlp'):
        if args.layout != 'shards':
            p.error('feature policies train on twin shards (the renders are observed here)')
        from ameca_imitation.policy.self_model import observed_features, observed_motion
        if args.arch == 'motion_mlp':
            if args.extractor is None:
                p.error('motion_mlp needs --extractor')

            def observed(root):
                return observed_motion(root, args.extractor)
        else:
            def observed(root):
                return observed_features(root, mesh_features=tuple(args.mesh_features))
        inputs, targets = observed(args.data)
        test = observed(args.test) if args.test else None
    else:
        arch_cfg = ARCHITECTURES[args.arch][1]()
        size = args.image_size or arch_cfg.image_size
        crop = arch_cfg.crop if args.crop is None else args.crop
        inputs, targets = load_images(load_pairs(args, schema, args.data), size, crop)
        test = load_images(load_pairs(args, schema, args.test), size, crop) if args.test else None
    recipe = {'mesh_features': list(args.mesh_features)} if args.mesh_features else None
    metrics = train(cfg, schema, inputs, targets, args.out, test, crop, recipe)
    log.info('wrote %s: %s', args.out, json.dumps({k: v for k, v in metrics.items()
                                                   if k.endswith('mae_normalised')}))
    return 0


if __name__ == '__main__':
    sys.exit(main())
