#!/usr/bin/env bash
# Regenerate the default policy weights shipped in src/ameca_imitation/ameca_imitation/policy/weights/.
#
#   scripts/train_default_policies.sh            # about 30 minutes on a 2-core CPU
#
# 1. 8,000 animated twin pairs (seed 0) for the image policy, 1,000 (seed 1) held out: Ameca's
#    neutral image moved by each render through the weight-free landmark warp, the images the
#    image pipeline shows its policy; 20,000 twin renders (seed 0) and 2,000 (seed 1) for the
#    feature policy, in the cache folder;
# 2. the small image policy (96 px face crop) on the animated pairs, bfloat16 autocast, 12 minutes;
# 3. the feature policy on the renders as the landmark model sees them (self-model), the brows
#    as the twin's mesh moves them (the landmark model reads the hairless grey brows weakly).
# Each checkpoint folder records the command, the training config and the held-out metrics.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
DATA="${AMECA_IMITATION_CACHE:-$HOME/.cache/ameca_imitation}/policy_data"
WEIGHTS=src/ameca_imitation/ameca_imitation/policy/weights
# Clips sampled at 2.5 fps: 10 pairs per 4 s clip. A data set drawn by today's twin is kept.
DS="$PY -m ameca_imitation.cli.dataset --keep-current --fps 2.5"
$DS --out "$DATA/animated_train" --count 8000 --seed 0 --size 128 --animated
$DS --out "$DATA/animated_test" --count 1000 --seed 1 --size 128 --animated
$DS --out "$DATA/train" --count 20000 --seed 0
$DS --out "$DATA/test" --count 2000 --seed 1
$PY -m ameca_imitation.cli.train_policy --arch small_image --data "$DATA/animated_train" \
    --test "$DATA/animated_test" --out "$WEIGHTS/small_image" --epochs 150 --lr 2e-3 \
    --warmup-steps 300 --max-minutes 12 --patience 12 --bf16
$PY -m ameca_imitation.cli.train_policy --arch feature_mlp --data "$DATA/train" --test "$DATA/test" \
    --out "$WEIGHTS/feature_mlp" --epochs 200 --patience 30 --no-augment --max-minutes 5 \
    --lr 5e-4 --weight-decay 1e-3 \
    --mesh-features brow_inner_left brow_inner_right brow_outer_left brow_outer_right
