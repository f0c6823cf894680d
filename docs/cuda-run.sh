#!/bin/bash
# Kept for the record: the script of the one GPU job (docs/cuda.md, MODEL_CARD.md "Candidates trained on a GPU").
# It ran from the repository root of a copy carrying .devrun/{app.tar.xz (the trimmed build), cache/ (ResNet18
# features, 3 taps), data/clear/}; $OUT was the folder whose files came back.
# Device run: CUDA probe of the ridcp CLI (trimmed self-contained build, libtorch from the machine's PyTorch),
# then stage 1 and three stage-2 runs (one per depth prior), time-boxed. Everything lands in $OUT.
set -u
START=$(date +%s)
el() { echo $(( $(date +%s) - START )); }
D=$(cd "$(dirname "$0")" && pwd)
cd "$D/.."                         # repository root
W=/tmp/w; mkdir -p $W/probe
LOG=$OUT/device.log
exec > >(tee -a $LOG) 2>&1
tar -C $D -xJf $D/app.tar.xz
TL=${TL:-$(python3 -c "import torch,os;print(os.path.dirname(torch.__file__))")/lib}
export LD_LIBRARY_PATH=$TL RIDCP_CACHE_DIR=$D/cache
APP=$D/ridcp/ridcp
SIGOK="import os,signal,sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])"
echo "== $(el)s machine"; nvidia-smi -L; nproc; python3 -c "import torch;print('python torch', torch.__version__)"; ldd --version | head -1
echo "== $(el)s info"; $APP info
M=models/ridcp-small/ridcp.pth; S=samples/hazy-tea-gardens.jpg
echo "== $(el)s dehaze cpu"; $APP dehaze $S --weights $M -o $W/probe/cpu.png --device cpu
echo "== $(el)s dehaze cuda"; $APP dehaze $S --weights $M -o $W/probe/cuda.png --device cuda -v && DEV=cuda || DEV=cpu
echo "== $(el)s device for training: $DEV"
if [ $DEV = cuda ]; then
  echo "== $(el)s dehaze cuda alpha -21.25 with CHM weight"
  $APP dehaze $S --weights $M --chm-weight models/ridcp-small/chm_weight.pth --alpha -21.25 -o $W/probe/cuda_chm.png --device cuda
  $APP dehaze $S --weights $M --chm-weight models/ridcp-small/chm_weight.pth --alpha -21.25 -o $W/probe/cpu_chm.png --device cpu
  echo "== $(el)s bench train cuda"; timeout 120 $APP bench train --device cuda --iterations 5
  echo "== $(el)s bench dehaze cuda"; timeout 60 $APP bench dehaze --device cuda --runs 3
fi
tar -C $W -cf $OUT/probe.tar probe
DATA=$D/data
# stage 1, until 250 s
T1=$(( ${T1END:-250} - $(el) )); echo "== $(el)s stage 1 for ${T1}s"
timeout -s INT -k 45 $T1 python3 -c "$SIGOK" $APP train vqgan --config configs/vqgan-small.yml --out $W/vqgan-small --data $DATA --device $DEV --iterations 4000
tail -4 $W/vqgan-small/train.log
HQ=$W/vqgan-small/net_g_latest.pth
[ -f $HQ ] || { echo "no stage-1 weights"; exit 1; }
# stage 2 x 3 depth priors in parallel, until 530 s
T2=$(( ${T2END:-530} - $(el) )); echo "== $(el)s stage 2 x3 for ${T2}s"
for P in outdoor constant smooth_random; do
  sed "s/depth_prior: outdoor /depth_prior: $P /" configs/ridcp-small.yml > $W/ridcp-small-$P.yml
  grep -q "depth_prior: $P " $W/ridcp-small-$P.yml || echo "config for $P not rewritten"
  OMP_NUM_THREADS=5 timeout -s INT -k 30 $T2 python3 -c "$SIGOK" $APP train ridcp --config $W/ridcp-small-$P.yml --out $W/ridcp-$P --data $DATA --device $DEV --iterations 4000 --hq-weights $HQ > $W/ridcp-$P.out 2>&1 &
  PIDS="${PIDS:-} $!"
done
wait $PIDS   # not a bare wait: that also waits for the tee of the log
echo "== $(el)s packing"
for R in vqgan-small ridcp-outdoor ridcp-constant ridcp-smooth_random; do
  [ -d $W/$R ] || continue
  tail -3 $W/$R/train.log
  last=$(ls -d $W/$R/checkpoints/iter_* 2>/dev/null | tail -1)
  lastval=$(ls -d $W/$R/val/iter_* 2>/dev/null | tail -1)
  ( cd $W && tar -cf $OUT/$R.tar $( [ -z "$last" ] && echo $R/net_g_latest.pth ) $R/losses.csv $R/losses.png $R/validation.csv $R/train.log $R/config.yml \
      ${last#$W/} ${lastval#$W/} $( [ -f $W/$R.out ] && echo $R.out ) 2>/dev/null )
done
ls -la $OUT; echo "== $(el)s done"
