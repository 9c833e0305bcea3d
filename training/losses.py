"""Bayesian loss with background (Ma et al., ICCV 2019, "Bayesian Loss for Crowd Count Estimation with
Point Supervision") plus an L1 count term, normalised per image so dense (part A) crops do not drown
sparse (part B) crops."""
import torch


def bayesian_loss(density, points_list, stride, sigma=8.0, bg_dist=40.0, count_weight=1.0, norm_add=16.0):
    """density: [B,1,h,w] (stride px per cell); points_list: list of [N,2] tensors in input pixels."""
    b, _, h, w = density.shape
    dev = density.device
    ys = (torch.arange(h, dtype=torch.float32, device=dev) + 0.5) * stride
    xs = (torch.arange(w, dtype=torch.float32, device=dev) + 0.5) * stride
    total = density.new_zeros(())
    for i in range(b):
        d = density[i, 0].reshape(-1)
        pts = points_list[i]
        n = 0 if pts is None else len(pts)
        if n == 0:
            li = d.sum().abs()
        else:
            dx = (pts[:, 0:1] - xs[None, :]) ** 2          # [N,w]
            dy = (pts[:, 1:2] - ys[None, :]) ** 2          # [N,h]
            dist = (dy[:, :, None] + dx[:, None, :]).reshape(n, -1)   # [N,h*w]
            min_d = dist.min(0, keepdim=True)[0].clamp(min=0).sqrt()
            bg = (bg_dist - min_d).clamp(min=0) ** 2
            logits = -torch.cat([dist, bg], 0) / (2.0 * sigma * sigma)
            prob = torch.softmax(logits, 0)                # [N+1,h*w]
            expected = prob @ d                            # [N+1]
            target = torch.ones(n + 1, device=dev)
            target[-1] = 0.0
            li = (expected - target).abs().sum() + count_weight * (d.sum() - n).abs()
        total = total + li / (n + norm_add) ** 0.5
    return total / b
