"""Training state that travels with the repository, and starting weights from a shipped ONNX model.

The full checkpoint (training/checkpoints/last.pt, fp32, ~10 MB) stays on the machine that trains. The
compact state (training/state/resume.pt, ~6 MB) is committed so that a fresh clone continues the same run:
model weights fp32 (exact), EMA weights fp16 (an average: its rounding error, ~1e-3 relative, is far below
one step's change), Adam moments bfloat16 (fp16 would flush the small second moments to zero; bfloat16
keeps fp32's range), step, best score and RNG state. The crops of a step are keyed on (seed, step), so the
data stream continues exactly.
"""
import json
import os

import torch


def _compact(sd, dtype):
    return {k: (v.to(dtype) if torch.is_floating_point(v) and v.numel() > 1 else v) for k, v in sd.items()}


def _full(sd):
    return {k: (v.float() if torch.is_floating_point(v) else v) for k, v in sd.items()}


def save_compact(path, model, ema, opt, step, best, best_res, args):
    o = opt.state_dict()
    o = {'state': {i: _compact(st, torch.bfloat16) for i, st in o['state'].items()},
         'param_groups': o['param_groups']}
    ck = {'format': 'raqib-compact-1', 'model': model.state_dict(), 'ema': _compact(ema.state_dict(), torch.float16),
          'opt': o, 'step': step, 'best': best, 'best_res': best_res, 'args': args,
          'torch_rng': torch.get_rng_state()}
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + '.tmp'
    torch.save(ck, tmp)
    os.replace(tmp, path)


def load_compact(path, model, ema, opt):
    ck = torch.load(path, map_location='cpu')
    assert ck.get('format') == 'raqib-compact-1', '%s is not a compact training state' % path
    model.load_state_dict(ck['model'])
    ema.load_state_dict(_full(ck['ema']))
    o = ck['opt']
    opt.load_state_dict({'state': {i: _full(st) for i, st in o['state'].items()}, 'param_groups': o['param_groups']})
    torch.set_rng_state(ck['torch_rng'])
    return ck['step'], ck['best'], ck['best_res']


def weights_from_onnx(onnx_path, model):
    """Loads the exported model's weights (initialiser names equal the state_dict keys) and divides out the
    count scale k that export.py folded into the last convolution (read from the .metrics.json beside it).
    Returns k."""
    import onnx
    from onnx import numpy_helper
    m = onnx.load(onnx_path)
    inits = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in m.graph.initializer}
    sd = model.state_dict()
    missing = [k for k in sd if k not in inits]
    assert not missing, 'ONNX model lacks %s' % missing[:5]
    k = 1.0
    metrics = os.path.splitext(onnx_path)[0] + '.metrics.json'
    if os.path.exists(metrics):
        with open(metrics) as f:
            k = float((json.load(f).get('biasCorrection') or {}).get('k', 1.0))
    new = {name: inits[name].reshape(v.shape).to(v.dtype) for name, v in sd.items()}
    new['out.weight'] = new['out.weight'] / k
    new['out.bias'] = new['out.bias'] / k
    model.load_state_dict(new)
    return k
