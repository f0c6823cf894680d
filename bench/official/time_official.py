#!/usr/bin/python3
"""Time the official RIDCP network's test() the way `ridcp bench dehaze` times ours, and print the same lines.

Usage: time_official.py --official RIDCP_DIR --weights formula.pth [--chm-weight chm_weight.pth]
                        [--size 640x438] [--runs 2] [--threads 2] [--alpha -21.25]

The network is built as inference_ridcp.py builds it (codebook_params [[64, 1024, 512]], LQ_stage True,
use_weight True, weight_alpha = --alpha), loaded with strict=False from the 'params' of --weights, and test() runs
under no_grad on a smooth seeded image: once as warm-up, then --runs times. Per run it prints wall time, process CPU
time (user + system) and the load average; then the best and mean, and the peak resident memory (VmHWM).
Run it with Debian's python (/usr/bin/python3, packages python3-torch and python3-torchvision). Exit code 2 with
one line on stderr when torchvision, the official checkout or a file is missing.
"""
import argparse
import os
import resource
import sys
import tempfile
import time
import warnings

import numpy as np

# network_swinir.py calls torch.meshgrid without indexing=, which PyTorch 1.13 warns about on every Swin layer.
warnings.filterwarnings('ignore', message='torch.meshgrid')

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
PARITY = os.path.join(REPO, 'tests', 'Ridcp.Tests', 'Fixtures', 'parity')
DEFAULT_CHM = os.path.join(PARITY, 'chm_weight.pth')
# The parity fixtures' whole-network case (README section 3) and its output tolerance (section 7).
PARITY_INPUT, PARITY_OUTPUT, PARITY_TOLERANCE = 'lq_45x61_input.npy', 'lq_45x61_am21.25_output.npy', 1e-4
# Where VectorQuantizer.__init__ loads the CHM weight from (its default weight_path, relative to the working folder).
OFFICIAL_CHM_PATH = os.path.join('pretrained_models', 'weight_for_matching_dehazing_Flickr.pth')


def fail(message):
    print(f'error: {message}', file=sys.stderr)
    sys.exit(2)


def parse_size(text):
    try:
        w, h = (int(v) for v in text.lower().split('x'))
        if w > 0 and h > 0:
            return w, h
    except ValueError:
        pass
    fail(f"--size must look like 640x438, got '{text}'")


def proc_status_mib(field):
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith(field + ':'):
                    return f'{int(line.split()[1]) / 1024:.0f} MiB'
    except OSError:
        pass
    return 'n/a (no /proc/self/status)'


def seeded_image(torch, w, h):
    """A smooth seeded image (as `ridcp bench dehaze` uses; a random image would be an unusually hard case)."""
    rng = np.random.default_rng(438)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    planes = []
    for _ in range(3):
        fx, fy, phase = rng.random() * 0.05, rng.random() * 0.05, rng.random() * 6
        planes.append(0.5 + 0.3 * np.sin(fx * x + fy * y + phase) + 0.05 * rng.random((h, w)))
    return torch.from_numpy(np.stack(planes)[None].astype(np.float32))


def build_network(arch, chm_weight, alpha):
    """inference_ridcp.py's constructor call. VectorQuantizer loads the CHM weight from its default relative path,
    so the constructor runs in a scratch folder where that path links to --chm-weight."""
    cwd = os.getcwd()
    with tempfile.TemporaryDirectory(prefix='ridcp-official-') as scratch:
        os.makedirs(os.path.join(scratch, 'pretrained_models'))
        os.symlink(os.path.abspath(chm_weight), os.path.join(scratch, OFFICIAL_CHM_PATH))
        os.chdir(scratch)
        try:
            return arch.VQWeightDehazeNet(codebook_params=[[64, 1024, 512]], LQ_stage=True, use_weight=True,
                                          weight_alpha=alpha)
        finally:
            os.chdir(cwd)


def blas_libraries():
    """The BLAS libraries mapped into this process (Debian's torch links libblas.so.3, which the alternatives system
    points at OpenBLAS or at the reference netlib BLAS)."""
    names = set()
    with open('/proc/self/maps') as f:
        for line in f:
            path = line.split()[-1]
            if 'blas' in path.lower():
                names.add(os.path.realpath(path))
    return sorted(names)


def parity_check(torch, net, alpha):
    """One line saying whether this network reproduces the fixture the official code produced with the parity
    checkpoint (make_formula_ckpt.py) at alpha -21.25: a check that the harness built the official network."""
    if alpha != -21.25 or not os.path.isfile(os.path.join(PARITY, PARITY_INPUT)):
        return 'parity check: skipped (needs alpha -21.25 and the parity fixtures)'
    with torch.no_grad():
        output, _ = net.test(torch.from_numpy(np.load(os.path.join(PARITY, PARITY_INPUT))))
    diff = float((output - torch.from_numpy(np.load(os.path.join(PARITY, PARITY_OUTPUT)))).abs().max())
    if diff <= PARITY_TOLERANCE:
        return f'parity check: output on {PARITY_INPUT} within {diff:.1e} of the fixture (tolerance {PARITY_TOLERANCE:g})'
    return (f'parity check: output on {PARITY_INPUT} differs from the fixture by up to {diff:.3g} '
            f'(expected only when --weights is not the make_formula_ckpt.py checkpoint)')


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime, usage.ru_stime


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--official', required=True, help='checkout of RQ-Wu/RIDCP_dehazing (commit 23c9b04)')
    ap.add_argument('--weights', required=True, help="checkpoint in the official layout (state dict under 'params')")
    ap.add_argument('--chm-weight', default=DEFAULT_CHM, help='CHM weight tensor [1024] (default: the parity fixture)')
    ap.add_argument('--size', default='640x438')
    ap.add_argument('--runs', type=int, default=1, help='timed runs after the warm-up run')
    ap.add_argument('--threads', type=int, default=2, help='torch.set_num_threads')
    ap.add_argument('--alpha', type=float, default=-21.25, help='weight_alpha (the documented inference uses -21.25)')
    a = ap.parse_args()
    w, h = parse_size(a.size)
    for label, path in (('--weights', a.weights), ('--chm-weight', a.chm_weight)):
        if not os.path.isfile(path):
            fail(f'{label} file not found: {path}')

    try:
        import torch
    except ImportError as e:
        fail(f'PyTorch is missing ({e}); run this with Debian\'s /usr/bin/python3 and apt-get install python3-torchvision')
    from official_import import OFFICIAL_COMMIT, OfficialCodeError, import_official_arch
    try:
        arch, files = import_official_arch(a.official)
    except OfficialCodeError as e:
        fail(str(e))
    import torchvision
    blas = blas_libraries()
    if not any('openblas' in p.lower() for p in blas):
        fail(f'PyTorch is not using OpenBLAS ({", ".join(blas) or "no BLAS found"}): the reference BLAS makes the '
             'official code several times slower than it is; apt-get install libopenblas0-pthread and put '
             '/usr/lib/x86_64-linux-gnu/openblas-pthread first on LD_LIBRARY_PATH (compare.sh does)')

    torch.set_num_threads(a.threads)
    net = build_network(arch, a.chm_weight, a.alpha)
    checkpoint = torch.load(a.weights, map_location='cpu')
    if not isinstance(checkpoint, dict) or 'params' not in checkpoint:
        fail(f"{a.weights} has no 'params' state dict (the official layout)")
    result = net.load_state_dict(checkpoint['params'], strict=False)
    net.eval()
    image = seeded_image(torch, w, h)

    print(f'official RIDCP test(): {w}x{h}, {os.path.basename(a.weights)}, official LQ configuration '
          f'(inference_ridcp.py), alpha {a.alpha:g}, PyTorch {torch.__version__} / torchvision '
          f'{torchvision.__version__}, {torch.get_num_threads()} threads, {os.cpu_count()} CPUs')
    print(f'official code: commit {OFFICIAL_COMMIT[:7]}, SHA-256 checked for ' + ', '.join(f for f, _ in files))
    print(f'BLAS: {", ".join(os.path.basename(p) for p in blas)} '
          f'(OPENBLAS_NUM_THREADS={os.environ.get("OPENBLAS_NUM_THREADS", "unset")})')
    print(f'checkpoint: {len(checkpoint["params"])} tensors, {len(result.missing_keys)} missing, '
          f'{len(result.unexpected_keys)} unexpected (strict=False, as inference_ridcp.py)')
    print(parity_check(torch, net, a.alpha))
    rss_before = proc_status_mib('VmRSS')
    walls, cpus = [], []
    for i in range(max(0, a.runs) + 1):
        user0, sys0 = cpu_seconds()
        start = time.perf_counter()
        with torch.no_grad():
            output, _ = net.test(image)
        wall = time.perf_counter() - start
        user1, sys1 = cpu_seconds()
        user, system = user1 - user0, sys1 - sys0
        walls.append(wall)
        cpus.append(user + system)
        load = os.getloadavg()[0]
        print(f'run {i + 1}{" (first)" if i == 0 else ""}: wall {wall:.2f} s, CPU {user + system:.2f} s '
              f'(user {user:.2f} s, system {system:.2f} s), load average {load:.2f}', flush=True)
        if not torch.isfinite(output).all():
            fail('the official network produced non-finite values')
    timed_walls, timed_cpus = (walls[1:], cpus[1:]) if len(walls) > 1 else (walls, cpus)
    print(f'wall time: {min(timed_walls):.2f} s best, {sum(timed_walls) / len(timed_walls):.2f} s mean of {len(timed_walls)}')
    print(f'CPU time (user + system): {min(timed_cpus):.2f} s best, '
          f'{sum(timed_cpus) / len(timed_cpus):.2f} s mean of {len(timed_cpus)}')
    print(f'peak memory (VmHWM): {proc_status_mib("VmHWM")}; resident before the first run: {rss_before}')


if __name__ == '__main__':
    main()
