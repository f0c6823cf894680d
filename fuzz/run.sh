#!/usr/bin/env bash
# Fuzzes one of the hand-written parsers with AFL++ through SharpFuzz (docs/fuzzing.md).
#   fuzz/run.sh TARGET [MINUTES]      TARGET: checkpoint | png | npy | yaml   (default 30 minutes)
#   fuzz/run.sh replay TARGET PATH    runs one input, or every file of a folder (e.g. a crashes folder after a fix),
#                                     through the uninstrumented target; exit 1 if any still fails
# Needs: the .NET SDK and Debian's afl++ (`apt-get install afl++`). Everything it builds or finds goes to fuzz/out/
# (ignored by git). On a shared machine run it under `nice -n 19`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
out="$here/out"

if [[ "${1:-}" == replay ]]; then
  dotnet run -c Release --project "$here/Ridcp.Fuzz" -- "$2" "$3"
  exit
fi
target="${1:?usage: fuzz/run.sh checkpoint|png|npy|yaml [MINUTES]}"
minutes="${2:-30}"
command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found: apt-get install afl++" >&2; exit 1; }

# 1. Build the harness and instrument the parsers' assemblies (SharpFuzz rewrites them in place).
bin="$out/bin"
if [[ ! -f "$bin/.instrumented" ]]; then
  dotnet build -c Release "$here/Ridcp.Fuzz" -o "$bin" >/dev/null
  (cd "$here" && dotnet tool restore >/dev/null)
  (cd "$here" && dotnet tool run sharpfuzz "$bin/Ridcp.Net.dll")
  (cd "$here" && dotnet tool run sharpfuzz "$bin/YamlDotNet.dll")
  touch "$bin/.instrumented"
fi

# 2. Seed corpus: valid files from the repo (small ones only), or generated where the repo has none.
seeds="$out/seeds/$target"
rm -rf "$seeds"; mkdir -p "$seeds"
case "$target" in
  checkpoint) cp "$repo"/tests/Ridcp.Tests/Fixtures/checkpoints/*.pth "$repo"/tests/Ridcp.Tests/Fixtures/parity/{chm_weight,ckpt_legacy_small}.pth "$seeds"/ ;;
  png)        python3 "$here/png_seeds.py" "$seeds" ;;
  npy)        find "$repo/tests/Ridcp.Tests/Fixtures" -name '*.npy' -size -2k | head -8 | xargs -I{} cp {} "$seeds"/ ;;
  yaml)       cp "$repo"/configs/*.yml "$seeds"/ ;;
  *) echo "unknown target $target" >&2; exit 2 ;;
esac

# 3. Fuzz for the given time. No CPU binding and no UI: the machine is shared and the log is read afterwards.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export DOTNET_TieredPGO=0
findings="$out/findings/$target"
rm -rf "$findings"; mkdir -p "$out/findings"
afl-fuzz -i "$seeds" -o "$findings" -V $((minutes * 60)) -t 10000 -m none -- dotnet "$bin/Ridcp.Fuzz.dll" "$target" || true
stats="$findings/default/fuzzer_stats"
[[ -f "$stats" ]] && grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|bitmap_cvg|edges_found|total_edges|saved_crashes|saved_hangs|unique_crashes|unique_hangs)' "$stats"
echo "crashes: $(ls "$findings"/default/crashes 2>/dev/null | grep -vc README || true), hangs: $(ls "$findings"/default/hangs 2>/dev/null | wc -l)"
