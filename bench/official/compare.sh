#!/usr/bin/env bash
# Time the official PyTorch RIDCP code and `ridcp bench dehaze` (fp32 and bf16) back to back, alternating, in one
# run, and print best wall / CPU time, peak memory and the ratios ours / official. See README.md in this folder.
#
# Usage: bench/official/compare.sh --official RIDCP_DIR [--weights formula.pth] [--chm-weight chm_weight.pth]
#          [--size 640x438] [--runs 2] [--threads 2] [--rounds 2] [--no-bf16] [--also-official-kept-heap]
# Environment: PYTHON (default /usr/bin/python3, Debian's python with python3-torch and python3-torchvision),
#              RIDCP (default: dotnet src/Ridcp.Cli/bin/Release/net10.0/ridcp.dll of this checkout).
set -u -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
parity="$repo/tests/Ridcp.Tests/Fixtures/parity"
python=${PYTHON:-/usr/bin/python3}
# Debian's OpenBLAS build; put first on the library path so the official side gets it even where the system's
# libblas.so.3 alternative is netlib's reference BLAS (several times slower for the Swin layers' products).
openblas_dir=/usr/lib/x86_64-linux-gnu/openblas-pthread
official="" weights="" chm="$parity/chm_weight.pth" size=640x438 runs=2 threads=2 rounds=2 bf16=1 kept_heap=0

fail() { echo "error: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --official) official=${2:-}; shift 2 ;;
    --weights) weights=${2:-}; shift 2 ;;
    --chm-weight) chm=${2:-}; shift 2 ;;
    --size) size=${2:-}; shift 2 ;;
    --runs) runs=${2:-}; shift 2 ;;
    --threads) threads=${2:-}; shift 2 ;;
    --rounds) rounds=${2:-}; shift 2 ;;
    --no-bf16) bf16=0; shift ;;
    --also-official-kept-heap) kept_heap=1; shift ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) fail "unknown option '$1' (see --help)" ;;
  esac
done

# Everything that can be missing is checked before the first (minutes-long) run.
[ -n "$official" ] || fail "--official RIDCP_DIR is required (git clone https://github.com/RQ-Wu/RIDCP_dehazing; commit 23c9b04)"
[ -f "$official/basicsr/archs/dehaze_vq_weight_arch.py" ] \
  || fail "official code folder '$official' has no basicsr/archs/dehaze_vq_weight_arch.py (git clone https://github.com/RQ-Wu/RIDCP_dehazing)"
[ -x "$python" ] || fail "$python not found (Debian: apt-get install python3-torchvision, which brings python3-torch)"
"$python" -c 'import torch' 2>/dev/null || fail "PyTorch is missing for $python (apt-get install python3-torch python3-torchvision)"
"$python" -c 'import torchvision' 2>/dev/null || fail "torchvision is missing for $python (apt-get install python3-torchvision)"
[ -f "$chm" ] || fail "CHM weight file not found: $chm"
if [ -n "${RIDCP:-}" ]; then
  read -r -a ridcp <<< "$RIDCP"
else
  dll="$repo/src/Ridcp.Cli/bin/Release/net10.0/ridcp.dll"
  [ -f "$dll" ] || fail "$dll not found: build it first (dotnet build -c Release src/Ridcp.Cli)"
  ridcp=(dotnet "$dll")
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/ridcp-compare.XXXXXX") || fail "cannot make a scratch folder"
trap 'rm -rf "$scratch"' EXIT
if [ -z "$weights" ]; then
  weights="$scratch/formula.pth"
  echo "writing the deterministic parity checkpoint (make_formula_ckpt.py manifest_lq.json) to a scratch folder"
  "$python" "$parity/make_formula_ckpt.py" "$parity/manifest_lq.json" "$weights" || fail "make_formula_ckpt.py failed"
fi
[ -f "$weights" ] || fail "--weights file not found: $weights"

official_env=(OPENBLAS_NUM_THREADS="$threads")
[ -d "$openblas_dir" ] && official_env+=(LD_LIBRARY_PATH="$openblas_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}")
# The variant that keeps freed memory in glibc's heap, as ridcp's Dehazer does for itself (Core/NativeHeap): it
# shows how much of the official time is the kernel zeroing fresh pages for its large temporaries.
kept_heap_env=(MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=4294967295)
official_cmd=("$python" "$here/time_official.py" --official "$official" --weights "$weights" --chm-weight "$chm"
              --size "$size" --runs "$runs" --threads "$threads")
ours_cmd=("${ridcp[@]}" bench dehaze --size "$size" --weights "$weights" --chm-weight "$chm" --runs "$runs" --threads "$threads")
variants=(official)
[ "$kept_heap" = 1 ] && variants+=(official-kept-heap)
variants+=(fp32)
[ "$bf16" = 1 ] && variants+=(bf16)
references=(official)
[ "$kept_heap" = 1 ] && references+=(official-kept-heap)

machine() {
  awk '/^MemAvailable:/ { a = $2 } /^MemFree:/ { f = $2 } END { printf "memory available %.1f GiB (free %.1f GiB)", a / 1048576, f / 1048576 }' /proc/meminfo
  echo ", load average $(cut -d' ' -f1-3 /proc/loadavg)"
}
echo "same-run comparison: $size, $runs timed runs after a warm-up per process, $threads threads, $rounds rounds of: ${variants[*]}"
echo "official: ${official_env[*]} ${official_cmd[*]}"
[ "$kept_heap" = 1 ] && echo "official-kept-heap: the same with ${kept_heap_env[*]}"
echo "ours:     ${ours_cmd[*]} --precision fp32|bf16"
machine_start=$(machine)
echo "at the start: $machine_start"

for ((round = 1; round <= rounds; round++)); do
  for v in "${variants[@]}"; do
    log="$scratch/$v.$round.log"
    echo
    echo "== round $round: $v ($(date +%H:%M:%S), $(machine))"
    case "$v" in
      official) env "${official_env[@]}" "${official_cmd[@]}" > "$log" 2>&1 ;;
      official-kept-heap) env "${official_env[@]}" "${kept_heap_env[@]}" "${official_cmd[@]}" > "$log" 2>&1 ;;
      fp32) "${ours_cmd[@]}" --precision fp32 > "$log" 2>&1 ;;
      bf16) "${ours_cmd[@]}" --precision bf16 > "$log" 2>&1 ;;
    esac
    rc=$?
    cat "$log"
    if [ $rc -ne 0 ]; then
      rm -f "$log"
      [ "$v" = official ] && fail "the official code did not run; see the line above"
      echo "(exit code $rc: $v left out of this round)"
    fi
  done
done
machine_end=$(machine)

# pick <field> <log>...: the smallest "best" figure in these logs (field: wall, cpu, peak in MiB); n/a if none
pick() {
  local field=$1; shift
  cat "$@" 2>/dev/null | awk -v f="$field" '
    f == "wall" && /^wall time:/ { v = $3 }
    f == "cpu" && /^CPU time \(user \+ system\):/ { v = $6 }
    f == "peak" && /^peak memory \(VmHWM\):/ { v = $4 }
    v != "" { if (m == "" || v + 0 < m + 0) m = v; v = "" }
    END { print (m == "" ? "n/a" : m) }'
}
best() { pick "$2" "$scratch/$1".*.log; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'; }

echo
echo "at the start: $machine_start"
echo "at the end:   $machine_end"
echo "| best over $rounds rounds | wall s | CPU s (user + system) | peak memory MiB |"
echo "|---|---|---|---|"
declare -A label=([official]="official PyTorch code, test()" [official-kept-heap]="official, glibc keeping freed memory"
                  [fp32]="ridcp bench dehaze, fp32" [bf16]="ridcp bench dehaze --precision bf16")
for v in "${variants[@]}"; do
  echo "| ${label[$v]} | $(best "$v" wall) | $(best "$v" cpu) | $(best "$v" peak) |"
done
for ref in "${references[@]}"; do
  for v in fp32 bf16; do
    [[ " ${variants[*]} " == *" $v "* ]] || continue
    echo "| ratio $v / $ref | $(ratio "$(best "$v" wall)" "$(best "$ref" wall)") | $(ratio "$(best "$v" cpu)" "$(best "$ref" cpu)") | $(ratio "$(best "$v" peak)" "$(best "$ref" peak)") |"
  done
done
for ((round = 1; round <= rounds; round++)); do
  line="round $round (same minutes):"
  for v in fp32 bf16; do
    [[ " ${variants[*]} " == *" $v "* ]] || continue
    line+=" $v / official wall $(ratio "$(pick wall "$scratch/$v.$round.log")" "$(pick wall "$scratch/official.$round.log")"),"
    line+=" CPU $(ratio "$(pick cpu "$scratch/$v.$round.log")" "$(pick cpu "$scratch/official.$round.log")");"
  done
  echo "$line"
done
echo "issue 12 aims (wall time, official configuration): fp32 <= 0.45, bf16 <= 0.25 of the official code's"
