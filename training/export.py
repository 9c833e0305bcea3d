"""ONNX export of the density network (fixed contract, see models/raqib-density.md).

input  "image":   float32 [1,3,H,W] RGB 0..255, H and W dynamic multiples of 32
output "density": float32 [1,1,H/8,W/8] >= 0, sum = person count
"""
import json
import os
import shutil
import tempfile

import torch


def fold_pads(path, model):
    """Folds the explicit asymmetric TF-"SAME" Pad nodes into the following Conv's `pads` attribute.

    torch exports F.pad as a dynamic Pad (plus shape arithmetic) that copies the whole tensor and costs
    ~40 ms at 960x544 in onnxruntime; ONNX Conv supports asymmetric pads natively.
    """
    import onnx
    from movenet_port import TfConv
    m = onnx.load(path)
    g = m.graph
    want = {tuple(mod.pad) for mod in model.modules() if isinstance(mod, TfConv) and mod.pad is not None}
    n_pads = sum(1 for mod in model.modules() if isinstance(mod, TfConv) and mod.pad is not None)
    assert len(want) <= 1, want  # all asymmetric pads are TF-SAME stride-2 3x3: (l,r,t,b) = (0,1,0,1)
    if not want:
        return
    l, r, t, b = want.pop()
    consumers = {}
    for n in g.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    folded = 0
    for pn in [n for n in g.node if n.op_type == 'Pad']:
        cs = consumers.get(pn.output[0], [])
        assert len(cs) == 1 and cs[0].op_type == 'Conv', pn.name
        cn = cs[0]
        cn.input[0] = pn.input[0]
        for a in cn.attribute:
            if a.name == 'pads':
                assert all(v == 0 for v in a.ints), list(a.ints)
                del a.ints[:]
                a.ints.extend([t, l, b, r])
                break
        else:
            cn.attribute.append(onnx.helper.make_attribute('pads', [t, l, b, r]))
        folded += 1
    assert folded == n_pads, (folded, n_pads)
    # prune nodes whose outputs are no longer used
    while True:
        used = {i for n in g.node for i in n.input} | {o.name for o in g.output}
        dead = [n for n in g.node if not any(o in used for o in n.output)]
        if not dead:
            break
        for n in dead:
            g.node.remove(n)
    used = {i for n in g.node for i in n.input}
    for init in [i for i in g.initializer if i.name not in used]:
        g.initializer.remove(init)
    onnx.checker.check_model(m)
    onnx.save(m, path)


def apply_count_scale(model, k):
    """Bias correction: multiply the density (and so the count) by k > 0, folded into the last conv
    (|k z| = k |z|), so the graph is unchanged."""
    assert k > 0
    with torch.no_grad():
        model.out.weight.mul_(k)
        model.out.bias.mul_(k)
    return model


def export_onnx(model, onnx_path, meta=None, meta_path=None):
    model = model.eval()
    os.makedirs(os.path.dirname(os.path.abspath(onnx_path)), exist_ok=True)
    dummy = torch.zeros(1, 3, 256, 320)
    fd, tmp = tempfile.mkstemp(suffix='.onnx', dir=os.path.dirname(os.path.abspath(onnx_path)))
    os.close(fd)
    with torch.no_grad():
        torch.onnx.export(model, dummy, tmp, input_names=['image'], output_names=['density'],
                          opset_version=13, do_constant_folding=True,
                          dynamic_axes={'image': {2: 'height', 3: 'width'},
                                        'density': {2: 'height_div_8', 3: 'width_div_8'}})
    fold_pads(tmp, model)
    os.chmod(tmp, 0o644)
    shutil.move(tmp, onnx_path)  # atomic replace: readers never see a half-written file
    if meta is not None:
        meta_path = meta_path or os.path.splitext(onnx_path)[0] + '.json'
        tmpm = meta_path + '.tmp'
        with open(tmpm, 'w') as f:
            json.dump(meta, f, indent=2)
            f.write('\n')
        os.replace(tmpm, meta_path)


if __name__ == '__main__':
    # Export a checkpoint: /usr/bin/python3 training/export.py CKPT OUT.onnx
    import sys
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from model import DensityNet
    ck = torch.load(sys.argv[1], map_location='cpu')
    m = DensityNet(variant=ck.get('args', {}).get('variant', 's16'))
    m.load_state_dict(ck['ema'] if 'ema' in ck else ck['model'])
    k = float(ck.get('calib', 1.0))
    apply_count_scale(m, k)
    export_onnx(m, sys.argv[2], ck.get('meta'))
    print('count scale (bias correction) k = %.4f' % k)
    print('exported', sys.argv[2])
