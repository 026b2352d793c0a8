#!/usr/bin/env bash
# The motion pipeline's two models, into the weights folder config/pipelines/motion.yaml reads:
# LivePortrait (small) trained self-supervised on twin videos, whose motion extractor then reads
# 6000 twin renders (64 px, the extractor's input) for an MLP from implicit motion to controls.
# About 20 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
CACHE="${AMECA_IMITATION_CACHE:-$HOME/.cache/ameca_imitation}"
WEIGHTS="${AMECA_IMITATION_WEIGHTS:-$CACHE/weights}"
DATA="$CACHE/policy_data"
[ -f "$WEIGHTS/animator_liveportrait/model.safetensors" ] || $PY -m ameca_imitation.cli.train_animator \
    --model liveportrait --out "$WEIGHTS/animator_liveportrait" --minutes 12 --no-keypoint-metrics
[ -f "$DATA/train64/manifest.json" ] || $PY -m ameca_imitation.cli.dataset --out "$DATA/train64" \
    --count 6000 --seed 0 --fps 2.5 --size 64
[ -f "$DATA/test64/manifest.json" ] || $PY -m ameca_imitation.cli.dataset --out "$DATA/test64" \
    --count 1000 --seed 1 --fps 2.5 --size 64
$PY -m ameca_imitation.cli.train_policy --arch motion_mlp --extractor "$WEIGHTS/animator_liveportrait" \
    --data "$DATA/train64" --test "$DATA/test64" --out "$WEIGHTS/motion_mlp" --epochs 200 \
    --patience 30 --no-augment --max-minutes 5 --lr 5e-4 --weight-decay 1e-3
