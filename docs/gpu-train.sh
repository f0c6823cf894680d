#!/bin/bash
# Ready job for a lent GPU (issue 11): the bundled model's recipe (MODEL_CARD.md) with more iterations, on CUDA.
# Run from the repository root on the device machine with a CUDA LibTorch (docs/cuda.md: a trimmed self-contained
# `ridcp` on PyTorch's LibTorch via LD_LIBRARY_PATH); APP is that ridcp, DATA the folder holding clear/.
# Everything lands in $OUT; the shipped model must not depend on it (copy net_g_best.pth only after evaluating it).
set -eu
APP=${APP:-ridcp}; DATA=${DATA:-../shared/data}; OUT=${OUT:-/tmp/out}; W=/tmp/w; mkdir -p $W $OUT
$APP train vqgan --config configs/vqgan-small.yml --out $W/vqgan --data $DATA --device cuda --iterations ${IT1:-6000}
$APP train ridcp --config configs/ridcp-small.yml --out $W/ridcp --data $DATA --device cuda --iterations ${IT2:-6000} \
    --hq-weights $W/vqgan/net_g_best.pth
for R in vqgan ridcp; do
  cp $W/$R/net_g_best.pth $OUT/$R-best.pth; cp $W/$R/validation.csv $OUT/$R-validation.csv; cp $W/$R/best.json $OUT/$R-best.json
done
