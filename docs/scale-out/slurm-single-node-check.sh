#!/usr/bin/env bash
# Runs docs/scale-out/ridcp-array.sbatch for real on a one-node Slurm cluster made on this machine (Debian's
# slurm-wlm), as root: installs Slurm and munge with apt if missing, writes a minimal slurm.conf for this host,
# starts munged, slurmctld and slurmd, submits a 3-task array over a folder of 7 photos, waits, and checks that the
# three shards wrote every output exactly once. Then resubmits with one output deleted: --skip-existing must redo
# only that one. Stops the daemons it started. Needs a built ridcp (dotnet build -c Release first).
# Usage: sudo docs/scale-out/slurm-single-node-check.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
dll=${RIDCP_DLL:-"$repo/src/Ridcp.Cli/bin/Release/net10.0/ridcp.dll"}   # RIDCP_DLL: another build (e.g. Debug)
[ -f "$dll" ] || { echo "build first: dotnet build -c Release src/Ridcp.Cli" >&2; exit 1; }
command -v slurmctld >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge; }

host=$(hostname -s)
cpus=$(nproc)
mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
state=$(mktemp -d /tmp/slurm-check.XXXXXX)
chmod 755 "$state"
mkdir -p "$state"/{ctld,d,log} /etc/slurm /run/munge
# One node that is also the controller; no cgroups (containers often lack them), no accounting.
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=ridcp-check
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/d
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/log/slurmctld.log
SlurmdLogFile=$state/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=main Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF

started=()
cleanup() {
  for pid in "${started[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true        # slurmctld saves its state on the way out: let it finish before removing it
  sleep 1
  rm -rf "$state" || true
}
trap cleanup EXIT
if ! pgrep -x munged >/dev/null; then
  [ -s /etc/munge/munge.key ] || (umask 077; dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none)
  chown -R munge:munge /etc/munge /run/munge 2>/dev/null || true
  runuser -u munge -- /usr/sbin/munged
  started+=("$(pgrep -x munged)")
fi
slurmctld -D > "$state/log/ctld.out" 2>&1 & started+=($!)
slurmd -D > "$state/log/d.out" 2>&1 & started+=($!)
for i in $(seq 30); do sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed)' && break; sleep 1; done
sinfo

# Seven small photos (test fixtures, licences in tests/Ridcp.Tests/Fixtures) under distinct names.
data="$state/data"; mkdir -p "$data/in"
fx="$repo/tests/Ridcp.Tests/Fixtures/synthesis/motorcycle_small.png"
for n in 0 1 2 3 4 5 6; do cp "$fx" "$data/in/photo$n.png"; done
chmod -R a+rwX "$data"

export RIDCP="dotnet $dll"
cd "$data"
echo "== submitting a 3-task array (--method dcp would be cheaper; this runs the bundled network)"
time sbatch --wait --array=0-2 --cpus-per-task=1 --mem=3G "$repo/docs/scale-out/ridcp-array.sbatch" "$data/in" "$data/out"
squeue; cat ridcp-*_*.log
written=$(ls "$data/out" | wc -l)
echo "outputs: $written of 7"
[ "$written" = 7 ] || { echo "FAILED: expected 7 outputs" >&2; exit 1; }
for k in 0 1 2; do grep -h "shard $k/3" ridcp-*_"$k".log; done

echo "== resubmitting after deleting one output: --skip-existing redoes only that one"
rm "$data/out/photo4.png" ridcp-*.log
sbatch --wait --array=0-2 --cpus-per-task=1 --mem=3G "$repo/docs/scale-out/ridcp-array.sbatch" "$data/in" "$data/out"
cat ridcp-*_*.log
[ -f "$data/out/photo4.png" ] || { echo "FAILED: photo4.png not redone" >&2; exit 1; }
grep -h "skipping" ridcp-*_*.log
echo "slurm check passed"
