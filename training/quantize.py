"""Static int8 QDQ quantisation of the density model, without onnxruntime's Python tools.

usage: /usr/bin/python3 training/quantize.py SRC.onnx DST.onnx [--calib-n 16] [--method minmax]
       [--percentile 99.999] [--act-type uint8|int8] [--weight-bits 7|8] [--no-bias-correction]
       [--fp32 /backbone/l00|head|PREFIX,...|""] [--fp32-first] [--stats FILE]
The defaults make the shipped models/raqib-density.int8.onnx (+ .int8.json) from models/raqib-density.onnx:
  /usr/bin/python3 training/quantize.py models/raqib-density.onnx models/raqib-density.int8.onnx
(min/max ranges, uint8 activations, 7-bit weights, bias correction, trunk layers l000-l009 fp32). Every
variant measured and the rule it had to meet: training/EXPERIMENTS.md, section "int8".

1. Calibration, on TRAINING images only: --calib-n seeded images from each of ShanghaiTech A and B
   (the train part of training/val-split.json) and VisDrone-person train; whole images, or a seeded
   random --crop x --crop window of larger ones (multiples of 32). The fp32 model, with every tensor to be
   quantised added as a graph output, runs in onnxruntime-node (training/calib-onnx.mjs: exactly the graph
   and kernels that ship) and returns per-tensor histograms; --stats keeps them for re-runs with another
   --method / --act-type (the key is the model's and the image list's hash).
2. Ranges per activation tensor: minmax, percentile (tails beyond --percentile % of all values are
   clipped) or entropy (KL-divergence threshold, as TensorRT). Always widened to include 0 so that 0
   (zero padding, ReLU) is exact.
3. QDQ graph (onnx helper API): QuantizeLinear after each tensor that feeds or leaves a quantised op and a
   DequantizeLinear per consumer; weights int8 per output channel, symmetric (axis 0; 7 bits by default,
   |w| <= 63, against the int16 saturation of the AVX2 u8*s8 kernel); biases int32 with scale
   s_input * s_weight; activations per tensor, asymmetric --act-type uint8 (zero point 0 after ReLU) or int8
   (zero point -128 after ReLU): onnxruntime's CPU EP removes a ReLU/Clip made redundant by the following Q
   (zero point at the type's minimum) and fuses DQ -> Conv -> Q into QLinearConv, DQ -> Add -> Q into
   QLinearAdd, DQ -> Concat -> Q into QLinearConcat, and runs Resize on the 8-bit tensor when input and
   output share scale and zero point (they do here by construction).
   Quantised ops: Conv, Add, Concat, Resize. Kept fp32: the input normalisation (Mul, Sub), the output
   convolution and Abs (the density values are tiny and their sum over thousands of cells is the count:
   8 bits there would round most of them to 0), and with --fp32-first the first convolution.
4. Bias correction (default; --no-bias-correction): each quantised conv's bias absorbs the mean output shift of its weight rounding,
   sum((w_q - w) * E[x]) per output channel, E[x] per input channel measured on the calibration images.
The graph is checked with onnx.checker; load it in onnxruntime-node (bench-onnx.mjs, raqib eval) to use it.
Accuracy of a quantised model against its source: training/eval_onnx.py SRC.onnx DST.onnx.
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
QUANT_OPS = ('Conv', 'Add', 'Concat', 'Resize')
ACT_FUSABLE = ('Relu', 'Clip')  # a Conv followed only by one of these is quantised after it
# The density head after the MobileNetV2 trunk (node names of the torch export, see model.py).
HEAD = ('/down4', '/lat16', '/Resize', '/Concat', '/fuse', '/body')


# --- graph analysis -------------------------------------------------------------------------------------

def constants(g):
    """name -> numpy array of initializers and Constant node outputs."""
    c = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    for n in g.node:
        if n.op_type == 'Constant':
            for a in n.attribute:
                if a.name == 'value':
                    c[n.output[0]] = numpy_helper.to_array(a.t)
    return c


def consumers(g):
    out = {}
    for n in g.node:
        for i in n.input:
            if i:
                out.setdefault(i, []).append(n)
    return out


def plan(g, fp32_first, fp32_prefixes=()):
    """(quantised nodes, activation tensors to quantise in topological order, tensor -> tensor whose
    quantisation parameters it shares). Nodes whose name starts with one of fp32_prefixes stay fp32."""
    consts = constants(g)
    cons = consumers(g)
    convs = [n for n in g.node if n.op_type == 'Conv']
    keep_fp32 = {convs[-1].name}  # the output convolution
    if fp32_first:
        keep_fp32.add(convs[0].name)
    qnodes = [n for n in g.node if n.op_type in QUANT_OPS and n.name not in keep_fp32
              and not any(n.name.startswith(pre) for pre in fp32_prefixes)]
    graph_outputs = {o.name for o in g.output}

    def effective_output(n):
        t = n.output[0]
        cs = cons.get(t, [])
        if n.op_type == 'Conv' and len(cs) == 1 and cs[0].op_type in ACT_FUSABLE:
            return cs[0].output[0]
        return t

    tensors, share = [], {}

    def add(t):
        if t not in consts and t not in tensors and t not in graph_outputs:
            tensors.append(t)

    for n in qnodes:
        data_inputs = [n.input[0]] if n.op_type in ('Conv', 'Resize') else list(n.input)
        for t in data_inputs:
            add(t)
        out = effective_output(n)
        add(out)
        if n.op_type == 'Resize':
            share[out] = n.input[0]  # same scale / zero point: onnxruntime then runs Resize on 8 bits
    return qnodes, tensors, share


# --- calibration ----------------------------------------------------------------------------------------

def calibration_images(data, split_path, n, crop, seed):
    """[(label, uint8 HxWx3 array)]: n seeded training images per part (A, B, V), whole or cropped."""
    from PIL import Image
    with open(split_path) as f:
        split = json.load(f)
    rng = np.random.default_rng(seed)
    files = []
    for part in ('A', 'B'):
        names = split['parts'][part]['train']
        d = os.path.join(data, 'ShanghaiTech', 'part_' + part, 'train_data', 'images')
        files += [(part, os.path.join(d, names[i])) for i in sorted(rng.choice(len(names), n, replace=False))]
    d = os.path.join(data, 'VisDrone-person', 'images', 'train')
    names = sorted(x for x in os.listdir(d) if x.lower().endswith('.jpg'))
    files += [('V', os.path.join(d, names[i])) for i in sorted(rng.choice(len(names), n, replace=False))]
    out = []
    for part, path in files:
        img = np.asarray(Image.open(path).convert('RGB'))
        h, w = img.shape[:2]
        ch, cw = min(h, crop) // 32 * 32, min(w, crop) // 32 * 32
        y0, x0 = int(rng.integers(0, h - ch + 1)), int(rng.integers(0, w - cw + 1))
        out.append((part + ':' + os.path.basename(path), np.ascontiguousarray(img[y0:y0 + ch, x0:x0 + cw])))
    return out


def collect_stats(model, tensors, images, threads, bins=2048):
    """Runs the fp32 model (tensors added as outputs) over the images in onnxruntime-node."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    m.graph.output.extend(helper.make_tensor_value_info(t, TensorProto.FLOAT, None) for t in tensors)
    with tempfile.TemporaryDirectory(prefix='raqib-calib-') as tmp:
        mp = os.path.join(tmp, 'augmented.onnx')
        onnx.save(m, mp)
        spec = {'model': mp, 'tensors': tensors, 'bins': bins, 'threads': threads, 'images': []}
        for k, (_, a) in enumerate(images):
            p = os.path.join(tmp, '%03d.rgb' % k)
            a.tofile(p)
            spec['images'].append({'path': p, 'w': a.shape[1], 'h': a.shape[0]})
        sp, op = os.path.join(tmp, 'spec.json'), os.path.join(tmp, 'stats.json')
        with open(sp, 'w') as f:
            json.dump(spec, f)
        subprocess.run(['node', os.path.join(HERE, 'calib-onnx.mjs'), sp, op], check=True)
        with open(op) as f:
            return json.load(f)['tensors']


# --- ranges ---------------------------------------------------------------------------------------------

def tail_threshold(side, n_total, frac):
    """Smallest bin edge t with count(values beyond t) <= frac * n_total on one side."""
    h = np.asarray(side['hist'])
    if side['range'] == 0 or h.sum() == 0:
        return 0.0
    beyond = np.cumsum(h[::-1])[::-1]  # beyond[i] = count in bins >= i
    width = side['range'] / len(h)
    ok = np.nonzero(beyond <= frac * n_total)[0]
    i = ok[0] if len(ok) else len(h)
    return float(i * width)


def kl_threshold(hist, width, levels):
    """TensorRT-style entropy calibration: the clipping threshold whose `levels`-level quantisation of the
    clipped histogram has the smallest KL divergence from it."""
    hist = np.asarray(hist, np.float64)
    nz = np.nonzero(hist)[0]
    if len(nz) == 0:
        return 0.0
    last = nz[-1] + 1
    if last <= levels:
        return float(last * width)
    best, best_i = np.inf, last
    for i in range(levels, last + 1, max(1, (last - levels) // 512)):
        p = hist[:i].copy()
        p[i - 1] += hist[i:].sum()
        # quantise the i bins to `levels` levels, then expand back over the non-empty bins
        edges = np.linspace(0, i, levels + 1).astype(int)
        q = np.zeros(i)
        ref = hist[:i]
        for a, b in zip(edges[:-1], edges[1:]):
            if b <= a:
                continue
            seg = ref[a:b]
            m = seg > 0
            if m.any():
                q[a:b][m] = seg.sum() / m.sum()
        pm = p / p.sum()
        qs = q.sum()
        if qs == 0:
            continue
        qm = q / qs
        mask = pm > 0
        d = np.sum(pm[mask] * np.log(pm[mask] / np.maximum(qm[mask], 1e-12)))
        if d < best:
            best, best_i = d, i
    return float(best_i * width)


def act_range(s, method, pct):
    lo, hi = min(0.0, s['min']), max(0.0, s['max'])
    if method == 'minmax':
        return lo, hi
    if method == 'percentile':
        frac = (100.0 - pct) / 100.0
        # a threshold is a bin edge: never beyond the observed extremes (a ReLU6 output's range must stay
        # within [0, 6], or onnxruntime keeps the Clip and cannot fuse the convolution)
        return (max(lo, -tail_threshold(s['neg'], s['n'], frac)) if lo < 0 else 0.0,
                min(hi, tail_threshold(s['pos'], s['n'], frac)) if hi > 0 else 0.0)
    # entropy: on |x| with 128 levels for signed tensors, on x with 256 levels for non-negative ones
    if lo >= 0:
        return 0.0, min(hi, kl_threshold(s['pos']['hist'], s['pos']['range'] / len(s['pos']['hist']), 256))
    r = max(s['pos']['range'], s['neg']['range'])
    bins = len(s['pos']['hist'])

    def rebin(side):
        h = np.asarray(side['hist'], np.float64)
        f = int(round(r / side['range'])) if side['range'] else 1
        return h.reshape(-1, f).sum(1) if f > 1 else h
    pos = rebin(s['pos'])
    neg = rebin(s['neg'])
    absh = np.zeros(bins)
    absh[:len(pos)] += pos
    absh[:len(neg)] += neg
    t = kl_threshold(absh, r / bins, 128)
    return max(lo, -t), min(hi, t)


def qparams(lo, hi, act_type):
    qmin, qmax = (0, 255) if act_type == 'uint8' else (-128, 127)
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    if hi - lo < 1e-8:
        hi = lo + 1e-8
    scale = (hi - lo) / (qmax - qmin)
    zp = int(np.clip(round(qmin - lo / scale), qmin, qmax))
    return np.float32(scale), zp


# --- QDQ graph ------------------------------------------------------------------------------------------

def build_qdq(model, qnodes, tensors, params, act_type, weight_bits, weights=True, ch_means=None):
    g = model.graph
    consts = constants(g)
    inits = {i.name: i for i in g.initializer}
    np_act = np.uint8 if act_type == 'uint8' else np.int8
    qnames = {n.name for n in qnodes}
    new_inits = []
    qmax_w = 2 ** (weight_bits - 1) - 1

    def scalar(name, value, dtype):
        new_inits.append(numpy_helper.from_array(np.asarray(value, dtype=dtype), name))
        return name

    for t in tensors:
        s, z = params[t]
        scalar(t + '_scale', s, np.float32)
        scalar(t + '_zero_point', z, np_act)

    cons_count = {}
    nodes = []
    quantised = set(tensors)
    for n in g.node:
        # DQ (one per consumer) for every quantised input of this node
        for k, t in enumerate(list(n.input)):
            if t in quantised:
                c = cons_count[t] = cons_count.get(t, 0) + 1
                dq_out = '%s_dq%d' % (t, c)
                nodes.append(helper.make_node('DequantizeLinear', [t + '_q', t + '_scale', t + '_zero_point'],
                                              [dq_out], name=dq_out))
                n.input[k] = dq_out
        if weights and n.name in qnames and n.op_type == 'Conv':
            x = n.input[0].rsplit('_dq', 1)[0]
            s_x = float(params[x][0]) if x in quantised else None  # None: input not quantised (--only weights)
            w = consts[n.input[1]].astype(np.float32)
            amax = np.abs(w.reshape(w.shape[0], -1)).max(1)
            s_w = np.where(amax > 0, amax / qmax_w, 1.0).astype(np.float32)
            wq = np.clip(np.round(w / s_w.reshape(-1, *[1] * (w.ndim - 1))), -qmax_w, qmax_w).astype(np.int8)
            wn = n.input[1]
            new_inits.append(numpy_helper.from_array(wq, wn + '_q'))
            scalar(wn + '_scale', s_w, np.float32)
            scalar(wn + '_zero_point', np.zeros(len(s_w)), np.int8)
            nodes.append(helper.make_node('DequantizeLinear', [wn + '_q', wn + '_scale', wn + '_zero_point'],
                                          [wn + '_dq'], name=wn + '_dq', axis=0))
            n.input[1] = wn + '_dq'
            if len(n.input) > 2 and n.input[2] and s_x is not None:
                bn = n.input[2]
                b = consts[bn].astype(np.float64)
                mean_x = (ch_means or {}).get(x)
                if mean_x is not None:
                    # Bias correction (Nagel et al. 2019, "Data-free quantization", empirical form): rounding the
                    # weights shifts each output channel's mean by sum((w_q - w) * E[x]); the bias takes it back.
                    # E[x] per input channel is measured on the calibration (training) images.
                    dw = (wq.astype(np.float64) * s_w.reshape(-1, *[1] * (w.ndim - 1)) - w).sum(axis=(2, 3))
                    mx = np.asarray(mean_x, np.float64)
                    group = next((at.i for at in n.attribute if at.name == 'group'), 1)
                    assert group in (1, dw.shape[0]), 'grouped conv: only depthwise or dense'
                    b = b - (dw[:, 0] * mx if group > 1 else dw @ mx)
                s_b = (np.float64(s_x) * s_w.astype(np.float64))
                bq = np.clip(np.round(b / s_b), -2 ** 31, 2 ** 31 - 1).astype(np.int32)
                new_inits.append(numpy_helper.from_array(bq, bn + '_q'))
                scalar(bn + '_scale', s_b.astype(np.float32), np.float32)
                scalar(bn + '_zero_point', np.zeros(len(s_b)), np.int32)
                nodes.append(helper.make_node('DequantizeLinear', [bn + '_q', bn + '_scale', bn + '_zero_point'],
                                              [bn + '_dq'], name=bn + '_dq', axis=0))
                n.input[2] = bn + '_dq'
        nodes.append(n)
        # Q for every quantised output of this node; consumers are rewired to the DQs above
        for t in n.output:
            if t in quantised:
                nodes.append(helper.make_node('QuantizeLinear', [t, t + '_scale', t + '_zero_point'], [t + '_q'],
                                              name=t + '_q'))
    for t in quantised:
        assert cons_count.get(t), 'quantised tensor without consumer: ' + t
    del g.node[:]
    g.node.extend(nodes)
    used = {i for n in g.node for i in n.input}
    for name, init in inits.items():
        if name not in used:
            g.initializer.remove(init)
    g.initializer.extend(new_inits)
    return model


# --- main -----------------------------------------------------------------------------------------------

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('src')
    p.add_argument('dst')
    p.add_argument('--calib-n', type=int, default=16, help='training images per part (A, B, V); default 16')
    p.add_argument('--crop', type=int, default=1024, help='largest calibration window side (px); default 1024')
    p.add_argument('--seed', type=int, default=20261203)
    p.add_argument('--method', choices=['minmax', 'percentile', 'entropy'], default='minmax')
    p.add_argument('--percentile', type=float, default=99.999)
    p.add_argument('--act-type', choices=['uint8', 'int8'], default='uint8')
    p.add_argument('--weight-bits', type=int, choices=[7, 8], default=7,
                   help='7 (default): no int16 saturation in the AVX2 u8*s8 kernel (see EXPERIMENTS.md)')
    p.add_argument('--fp32-first', action='store_true', help='keep the first convolution in fp32')
    p.add_argument('--fp32', default='/backbone/l00', help='comma list of node-name prefixes kept fp32, or "head" for the '
                   'density head after the trunk (%s); default /backbone/l00 (trunk layers l000-l009); "" for none'
                   % ','.join(HEAD))
    p.add_argument('--bias-correction', action=argparse.BooleanOptionalAction, default=True,
                   help='correct each quantised conv bias for the mean shift its weight rounding causes '
                        '(default on)')
    p.add_argument('--only', choices=['weights', 'activations'],
                   help='diagnosis: quantise only the weights or only the activations (onnxruntime cannot fuse '
                        'such a graph into integer kernels; it simulates that part of the error)')
    p.add_argument('--stats', help='calibration statistics cache (JSON): reused when model and images match')
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--data', default=os.path.join(os.path.dirname(REPO), 'shared', 'datasets'))
    p.add_argument('--split', default=os.path.join(HERE, 'val-split.json'))
    a = p.parse_args()

    model = onnx.load(a.src)
    g = model.graph
    for i, n in enumerate(g.node):  # stable names for the rewiring
        if not n.name:
            n.name = '%s_%d' % (n.op_type, i)
    prefixes = tuple(x for x in (HEAD if a.fp32 == 'head' else a.fp32.split(',')) if x)
    qnodes, tensors, share = plan(g, a.fp32_first, prefixes)
    measured = [t for t in tensors if t not in share]
    images = calibration_images(a.data, a.split, a.calib_n, a.crop, a.seed)
    h = hashlib.sha256(open(a.src, 'rb').read())
    for label, img in images:
        h.update(label.encode())
        h.update(np.asarray(img.shape).tobytes())
    key = h.hexdigest()
    stats = None
    if a.stats and os.path.exists(a.stats):
        with open(a.stats) as f:
            cached = json.load(f)
        if cached.get('key') == key and all('chMean' in cached['tensors'].get(t, {}) for t in measured):
            stats = cached['tensors']
            print('calibration statistics from', a.stats, file=sys.stderr)
    if stats is None:
        # all tensors of both plans (first conv fp32 or not), so that one cache serves every variant
        measured_all = [t for t in plan(g, False)[1] if t not in share]
        stats = collect_stats(model, measured_all, images, a.threads)
        if a.stats:
            with open(a.stats, 'w') as f:
                json.dump({'key': key, 'tensors': stats}, f)
    params, report = {}, []
    for t in tensors:
        src = share.get(t, t)
        lo, hi = act_range(stats[src], a.method, a.percentile)
        params[t] = qparams(lo, hi, a.act_type)
        report.append((t, stats[src]['min'], stats[src]['max'], lo, hi))
    if a.only == 'weights':
        tensors = []
    ch_means = {t: stats[t]['chMean'] for t in measured} if a.bias_correction else None
    build_qdq(model, qnodes, tensors, params, a.act_type, a.weight_bits, weights=a.only != 'activations',
              ch_means=ch_means)
    model.producer_name = 'raqib training/quantize.py'
    meta = {'calibration': '%d training images per part (A, B, V), crop %d, seed %d' % (a.calib_n, a.crop, a.seed),
            'method': a.method + ('(%g)' % a.percentile if a.method == 'percentile' else ''),
            'activations': a.act_type + ' per tensor, asymmetric', 'weights': 'int8 per channel, symmetric, %d-bit range' %
            a.weight_bits + (', bias-corrected' if a.bias_correction else ''), 'fp32': 'input normalisation, output conv' + (', first conv' if a.fp32_first else '') +
            (', ' + a.fp32 if a.fp32 else '')}
    del model.metadata_props[:]
    for k, v in meta.items():
        model.metadata_props.add(key='raqib.quantization.' + k, value=v)
    onnx.checker.check_model(model)
    onnx.save(model, a.dst)
    # Runtime metadata next to the int8 file: the source's (same contract) plus what it was quantised from.
    # The app uses DST only while quantizedFrom.sha256 is the sha256 of the fp32 model beside it, so a
    # re-exported fp32 model is never paired with an int8 file made from older weights.
    src_meta = os.path.splitext(a.src)[0] + '.json'
    meta_json = dict(json.load(open(src_meta))) if os.path.exists(src_meta) else {}
    meta_json.update({'precision': 'int8', 'quantizedFrom': {
        'file': os.path.basename(a.src), 'sha256': hashlib.sha256(open(a.src, 'rb').read()).hexdigest(),
        'version': meta_json.get('version')}, 'quantization': meta})
    with open(os.path.splitext(a.dst)[0] + '.json', 'w') as f:
        json.dump(meta_json, f, indent=2)
        f.write('\n')
    clipped = sum(1 for _, mn, mx, lo, hi in report if hi < mx or lo > min(mn, 0))
    print(json.dumps({'dst': a.dst, 'quantisedNodes': len(qnodes), 'quantisedTensors': len(tensors),
                      'clippedTensors': clipped, 'calibrationImages': len(images), **meta}))


if __name__ == '__main__':
    main()
