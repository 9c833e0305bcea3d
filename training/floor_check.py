"""Raw count error of a checkpoint's EMA with density cells below a floor zeroed, on B and A val, VisDrone val and
test (is an over-count a thin density floor over background? EXPERIMENTS.md, step ~18,800: no).
Usage: /usr/bin/python3 training/floor_check.py CKPT"""
import json
import os
import sys
import numpy as np
import torch
import torch.nn.functional as F
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from data import load_samples, load_visdrone  # noqa: E402
from model import DensityNet  # noqa: E402

torch.set_num_threads(1)
root = os.path.join(HERE, '..', '..', 'shared', 'datasets')
split = json.load(open(os.path.join(HERE, 'val-split.json')))
sets = {'B': load_samples(root, 'B', split['parts']['B']['val']),
        'A': load_samples(root, 'A', split['parts']['A']['val']),
        'V': load_visdrone(root, 'val', fill_ignored=False), 'T': load_visdrone(root, 'test', fill_ignored=False)}
m = DensityNet(variant='s16')
m.load_state_dict(torch.load(sys.argv[1], map_location='cpu')['ema'])
m.eval()
floors = [0, 0.002, 0.005, 0.01, 0.02, 0.04]
for part, ss in sets.items():
    errs = {f: [] for f in floors}
    for s in ss:
        a = torch.from_numpy(np.array(s.img)).permute(2, 0, 1).float()[None]
        ph, pw = (-a.shape[2]) % 32, (-a.shape[3]) % 32
        a = F.pad(a, (0, pw, 0, ph))
        with torch.no_grad():
            d = m(a)[0, 0]
        if s.boxes is not None and len(s.boxes):
            ys = (torch.arange(d.shape[0]) + 0.5) * 8
            xs = (torch.arange(d.shape[1]) + 0.5) * 8
            for x0, y0, x1, y1 in s.boxes:
                d[((ys >= float(y0)) & (ys < float(y1)))[:, None] & ((xs >= float(x0)) & (xs < float(x1)))[None, :]] = 0
        for f in floors:
            errs[f].append(d[d >= f].sum().item() - len(s.points))
    print(part, ' | '.join('floor %.3f MAE %.2f ME %+.2f' % (f, np.abs(e).mean(), np.mean(e)) for f, e in
                           ((f, np.array(errs[f])) for f in floors)), flush=True)
