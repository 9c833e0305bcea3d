"""Validation of a checkpoint on the fixed split (full images, zero-padded right/bottom to multiples of 32).

usage: /usr/bin/python3 training/evaluate.py CKPT [--split training/val-split.json] [--data DIR] [--json OUT]
train.py runs this (and export.py) in a child process, so the large full-image activations never
inflate the long-running training process and a failing validation/export cannot kill the run.
"""
import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
os.environ.setdefault('OPENBLAS_NUM_THREADS', '1')

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from data import load_samples  # noqa: E402
from model import DensityNet  # noqa: E402


@torch.no_grad()
def evaluate(model, samples):
    model.eval()
    res = {}
    for part in ('A', 'B'):
        errs = []
        for s in [x for x in samples if x.part == part]:
            a = torch.from_numpy(np.array(s.img)).permute(2, 0, 1).float()[None]
            h, w = a.shape[2], a.shape[3]
            ph, pw = (-h) % 32, (-w) % 32
            if ph or pw:
                a = F.pad(a, (0, pw, 0, ph))
            pred = model(a).sum().item()
            errs.append(pred - len(s.points))
        e = np.asarray(errs)
        res[part] = {'mae': float(np.abs(e).mean()), 'rmse': float(np.sqrt((e ** 2).mean())),
                     'me': float(e.mean()), 'n': int(len(e))}
    return res


def main():
    p = argparse.ArgumentParser()
    p.add_argument('ckpt')
    p.add_argument('--split', default=os.path.join(HERE, 'val-split.json'))
    p.add_argument('--data', default=os.path.join(os.path.dirname(os.path.dirname(HERE)), 'shared', 'datasets'))
    p.add_argument('--json')
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--weights', default='ema', choices=['ema', 'model'])
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    with open(a.split) as f:
        split = json.load(f)
    ck = torch.load(a.ckpt, map_location='cpu')
    variant = ck.get('args', {}).get('variant', 's16')
    m = DensityNet(variant=variant)
    m.load_state_dict(ck[a.weights] if a.weights in ck else ck['ema'])
    val = load_samples(a.data, 'A', split['parts']['A']['val']) + load_samples(a.data, 'B', split['parts']['B']['val'])
    res = evaluate(m, val)
    res['step'] = ck.get('step')
    print(json.dumps(res))
    if a.json:
        with open(a.json, 'w') as f:
            json.dump(res, f, indent=2)


if __name__ == '__main__':
    main()
