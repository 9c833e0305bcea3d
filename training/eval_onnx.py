"""Counts of several ONNX density models on the validation parts, side by side, through `raqib eval`.

usage: /usr/bin/python3 training/eval_onnx.py MODEL.onnx [MODEL2.onnx ...] [--parts A,B,V,T] [--out DIR]
Parts: A, B = ShanghaiTech part A / B val split (training/val-split.json); V = VisDrone-person val;
T = VisDrone-person test. Every model sees the same images through the product's own path (`raqib eval`:
decoding, edge padding, tiling, VisDrone ignored regions), so the rows differ only by the model; with
`--precision fp32`, so each file given is the file that runs (auto would swap in X.int8.onnx). Prints
per part MAE / ME per model and, for the 2nd.. models, the mean and largest |count difference| per image
against the first model (the quantisation error without the labelling noise). --out keeps the JSON.
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def part_args(part, data):
    if part in ('A', 'B'):
        return ['--dataset', os.path.join(data, 'ShanghaiTech', 'part_' + part, 'train_data'),
                '--split', os.path.join(HERE, 'val-split.json')]
    return ['--dataset', os.path.join(data, 'VisDrone-person'), '--split-subset', 'val' if part == 'V' else 'test']


def run_eval(model, part, data, threads):
    cmd = ['node', os.path.join(REPO, 'packages', 'server', 'bin', 'raqib.js'), 'eval', *part_args(part, data),
           '--model', model, '--precision', 'fp32', '--threads', str(threads), '--format', 'json']
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('models', nargs='+')
    p.add_argument('--parts', default='A,B,V,T')
    p.add_argument('--data', default=os.path.join(os.path.dirname(REPO), 'shared', 'datasets'))
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--out', help='folder for the raqib eval JSON of every (model, part)')
    a = p.parse_args()
    rows = []
    for part in a.parts.split(','):
        per_model = []
        for k, model in enumerate(a.models):
            res = run_eval(model, part, a.data, a.threads)
            if a.out:
                os.makedirs(a.out, exist_ok=True)
                name = '%s.%d.%s.json' % (os.path.basename(model).replace('.onnx', ''), k, part)
                with open(os.path.join(a.out, name), 'w') as f:
                    json.dump(res, f)
            per_model.append(res)
            print('%s %s: MAE %.2f ME %+.2f (%d images)' % (part, model, res['mae'], res['meanError'], res['images']),
                  file=sys.stderr)
        ref = {im['path']: im['predicted'] for im in per_model[0]['perImage']}
        for model, res in zip(a.models, per_model):
            d = [abs(im['predicted'] - ref[im['path']]) for im in res['perImage']]
            rel = [abs(im['predicted'] - ref[im['path']]) / max(ref[im['path']], 1.0) for im in res['perImage']]
            rows.append({'part': part, 'model': model, 'images': res['images'], 'mae': res['mae'],
                         'me': res['meanError'], 'meanTruth': res['totalTruth'] / res['images'],
                         'meanAbsDiffVsFirst': sum(d) / len(d), 'maxAbsDiffVsFirst': max(d),
                         'meanRelDiffVsFirst': sum(rel) / len(rel)})
    print('| part | model | MAE | ME | mean |diff| vs first | max |diff| | mean rel. diff |')
    print('|---|---|---|---|---|---|---|')
    for r in rows:
        print('| %s (%d) | %s | %.2f | %+.2f | %.2f | %.1f | %.2f %% |' % (
            r['part'], r['images'], os.path.basename(r['model']), r['mae'], r['me'], r['meanAbsDiffVsFirst'],
            r['maxAbsDiffVsFirst'], 100 * r['meanRelDiffVsFirst']))
    if a.out:
        with open(os.path.join(a.out, 'summary.json'), 'w') as f:
            json.dump(rows, f, indent=1)


if __name__ == '__main__':
    main()
