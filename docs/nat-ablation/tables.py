#!/usr/bin/env python3
"""Builds the tables of docs/nat-ablation.md from the runs (standard library only).
   python3 docs/nat-ablation/tables.py RUNS EVAL
RUNS holds {swin,nat,dinat}-s{0,1}/ (ridcp train ridcp --out folders); EVAL holds the `ridcp eval` reports
NAME-test.json (33 test pairs) and NAME-real.json (10 real photos), NAME = VARIANT-sSEED-ITER."""
import csv, json, os, re, statistics as st, sys

runs, evals = sys.argv[1], sys.argv[2]
variants, seeds = ['swin', 'nat', 'dinat'], [0, 1]

def validation(run):
    p = os.path.join(runs, run, 'validation.csv')
    return {int(r['iter']): r for r in csv.DictReader(open(p))} if os.path.exists(p) else {}

def log(run):
    p = os.path.join(runs, run, 'train.log')
    return open(p).read() if os.path.exists(p) else ''

def step_seconds(run):
    m = re.findall(r'finished (\d+) iterations, ([\d.]+) s/iteration', log(run))
    return float(m[-1][1]) if m else None

def summary(name, kind):
    p = os.path.join(evals, f'{name}-{kind}.json')
    if not os.path.exists(p): return {}
    return {k: v['mean'] for k, v in json.load(open(p))['summary'].items()}

def cell(xs, fmt):
    xs = [x for x in xs if x is not None]
    if not xs: return 'n/a'
    if len(xs) == 1: return fmt.format(xs[0]) + ' (1 seed)'
    return (fmt + ' ± ' + fmt).format(st.mean(xs), st.stdev(xs)) + ' [' + ', '.join(fmt.format(x) for x in xs) + ']'

def table(title, it_of):
    print(f'\n**{title}**\n')
    print('| variant | iterations | test PSNR (dB) | test SSIM | test CIEDE2000 | real FADE | real NIQE | real BRISQUE |')
    print('|---|---|---|---|---|---|---|---|')
    for v in variants:
        it = it_of(v)
        t = [summary(f'{v}-s{s}-{it}', 'test') for s in seeds]
        r = [summary(f'{v}-s{s}-{it}', 'real') for s in seeds]
        print(f'| {v} | {it} | ' + ' | '.join([
            cell([x.get('psnr') for x in t], '{:.2f}'), cell([x.get('ssim') for x in t], '{:.3f}'),
            cell([x.get('ciede2000') for x in t], '{:.2f}'), cell([x.get('fade') for x in r], '{:.3f}'),
            cell([x.get('niqe') for x in r], '{:.2f}'), cell([x.get('brisque') for x in r], '{:.1f}')]) + ' |')

table('Equal iterations (400)', lambda v: 400)
table('Equal wall time (swin 560 iterations = nat/dinat 400)', lambda v: 560 if v == 'swin' else 400)

print('\n**Validation (8 photos × 3 depth priors = 24 pairs, the split that picks checkpoints), at 400 iterations**\n')
print('| variant | RGB PSNR (dB) | RGB SSIM | CIEDE2000 | Y PSNR (dB) | codes used | s/iteration (trainer) |')
print('|---|---|---|---|---|---|---|')
for v in variants:
    V = [validation(f'{v}-s{s}').get(400, {}) for s in seeds]
    f = lambda k: [float(x[k]) if k in x else None for x in V]
    print(f'| {v} | {cell(f("psnr_rgb"), "{:.2f}")} | {cell(f("ssim_rgb"), "{:.3f}")} | {cell(f("ciede2000"), "{:.2f}")} '
          f'| {cell(f("psnr"), "{:.2f}")} | {cell(f("codes_used"), "{:.0f}")} | {cell([step_seconds(f"{v}-s{s}") for s in seeds], "{:.2f}")} |')
