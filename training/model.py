"""Raqib density network: MoveNet-Lightning MobileNetV2 (width 1.0) trunk, stride-8 density head.

Default variant 's16': the pretrained MobileNetV2 trunk truncated after block 12 (stride 16; the stride-32
stages, MoveNet's FPN and keypoint heads are dropped), feature taps at strides 4/8/16 fused at stride 8,
three 3x3 convolutions (dilation 1/2/3) and a 1x1 output with |x|. Variant 'full' keeps the whole
MoveNet-Lightning MobileNetV2+FPN (slower: ~60 ms vs ~46 ms at 960x544 with 2 threads).

Input: [N,3,H,W] RGB float 0..255 (H, W multiples of 32); normalisation x/127.5-1 is inside the model.
Output: [N,1,H/8,W/8] non-negative density; its sum is the person count.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from movenet_port import TfGraph, FPN

M = FPN + 'model/'
# Tapped feature maps of the pretrained trunk: (name, channels, stride).
TAPS_FULL = [
    (FPN + 're_lu_2/Relu', 24, 4),          # FPN output, stride 4
    (FPN + 're_lu_1/Relu', 24, 8),          # FPN, stride 8
    (M + 'block_5_add/add', 32, 8),         # MobileNetV2 stride-8 features
    (FPN + 're_lu/Relu', 32, 16),           # FPN, stride 16 (carries stride-32 context)
    (M + 'block_12_add/add', 96, 16),       # MobileNetV2 stride-16 features
]
# Truncated trunk: MobileNetV2 up to block 12 (stride 16); no stride-32 stages, no pretrained FPN.
TAPS_S16 = [
    (M + 'block_2_add/add', 24, 4),
    (M + 'block_5_add/add', 32, 8),
    (M + 'block_4_add/add', 32, 8),
    (M + 'block_9_add/add', 64, 16),
    (M + 'block_12_add/add', 96, 16),
]
STRIDE = 8


def conv(cin, cout, k=3, s=1, d=1):
    return nn.Conv2d(cin, cout, k, s, padding=d * (k // 2), dilation=d)


class DensityNet(nn.Module):
    def __init__(self, backbone='movenet-lightning', variant='s16', width=48):
        super().__init__()
        self.taps = TAPS_FULL if variant == 'full' else TAPS_S16
        self.backbone = TfGraph(backbone, [t[0] for t in self.taps])
        c4, c8a, c8b, c16a, c16b = [t[1] for t in self.taps]
        self.down4 = conv(c4, 32, 3, 2)                 # stride 4 -> 8
        self.lat16 = conv(c16a + c16b, 64, 1)
        self.fuse = conv(32 + c8a + c8b + 64, width, 1)
        self.body = nn.Sequential(
            conv(width, 40, 3), nn.ReLU(inplace=True),
            conv(40, 32, 3, d=2), nn.ReLU(inplace=True),
            conv(32, 32, 3, d=3), nn.ReLU(inplace=True),
        )
        self.out = nn.Conv2d(32, 1, 1)
        for m in [self.down4, self.lat16, self.fuse, self.out] + [l for l in self.body if isinstance(l, nn.Conv2d)]:
            nn.init.kaiming_normal_(m.weight, nonlinearity='relu')
            nn.init.zeros_(m.bias)
        nn.init.normal_(self.out.weight, std=0.01)
        nn.init.constant_(self.out.bias, 0.01)
        self.register_buffer('scale', torch.tensor(0.007843137718737125))

    def head_parameters(self):
        return [p for n, p in self.named_parameters() if not n.startswith('backbone.')]

    def forward(self, x):
        x = x * self.scale - 1.0
        f = self.backbone(x)
        f4, f8a, f8b, f16a, f16b = [f[t[0]] for t in self.taps]
        a = F.relu(self.down4(f4))
        b = F.relu(self.lat16(torch.cat([f16a, f16b], 1)))
        b = F.interpolate(b, scale_factor=2.0, mode='bilinear', align_corners=False)
        h = F.relu(self.fuse(torch.cat([a, f8a, f8b, b], 1)))
        h = self.body(h)
        # |x| (as in the Bayesian-loss reference model): non-negative like ReLU, but it cannot die when the
        # background term pushes the randomly initialised output down.
        return torch.abs(self.out(h))


def count_params(m):
    return sum(p.numel() for p in m.parameters())


def gmac(model, h=544, w=960):
    """Multiply-accumulates of conv layers for one h x w image (GMAC)."""
    total = [0]

    def hook(mod, inp, out):
        k = mod.weight.shape[2] * mod.weight.shape[3] * (mod.in_channels // mod.groups)
        total[0] += out.numel() * k

    hs = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, nn.Conv2d)]
    with torch.no_grad():
        model(torch.zeros(1, 3, h, w))
    for hk in hs:
        hk.remove()
    return total[0] / 1e9
