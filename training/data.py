"""ShanghaiTech A+B loading, the fixed seeded validation split, and training-crop augmentation."""
import json
import os
import re

import numpy as np
from PIL import Image


def _num(name):
    return int(re.search(r'(\d+)', name).group(1))


def list_part(root, part):
    d = os.path.join(root, 'ShanghaiTech', 'part_' + part, 'train_data')
    names = sorted(os.listdir(os.path.join(d, 'images')), key=_num)
    return d, [n for n in names if n.lower().endswith('.jpg')]


def make_split(root, seed, val_frac, path):
    """Seeded split: val_frac of each part's images (sorted by number, permuted with `seed`)."""
    split = {'seed': seed, 'valFraction': val_frac,
             'note': 'ShanghaiTech train_data only; val images are never used for training.',
             'parts': {}}
    for part in ('A', 'B'):
        _, names = list_part(root, part)
        rng = np.random.default_rng(seed + (0 if part == 'A' else 1))
        perm = rng.permutation(len(names))
        n_val = int(round(val_frac * len(names)))
        val = sorted((names[i] for i in perm[:n_val]), key=_num)
        train = sorted((names[i] for i in perm[n_val:]), key=_num)
        split['parts'][part] = {'val': val, 'train': train}
    if path:
        tmp = path + '.tmp'
        with open(tmp, 'w') as f:
            json.dump(split, f, indent=1)
            f.write('\n')
        os.replace(tmp, path)
    return split


class Sample:
    __slots__ = ('part', 'name', 'img', 'points', 'w', 'h', 'boxes', 'head_px', 'vehicles')

    def __init__(self, part, name, img, points):
        self.part, self.name, self.img, self.points = part, name, img, points
        self.w, self.h = img.size
        self.boxes = None    # ignored regions [x0,y0,x1,y1] (VisDrone category 0)
        self.head_px = None  # median head-size proxy of box-annotated images
        self.vehicles = None  # centres of annotated vehicle boxes (VisDrone), for hard-negative crops


def load_samples(root, part, names):
    d, _ = list_part(root, part)
    out = []
    for n in names:
        img = Image.open(os.path.join(d, 'images', n)).convert('RGB')
        img.load()
        with open(os.path.join(d, 'ground-truth', 'GT_' + os.path.splitext(n)[0] + '.json')) as f:
            gt = json.load(f)
        pts = np.asarray(gt['points'], dtype=np.float32).reshape(-1, 2)
        # MATLAB 1-based pixel coordinates -> continuous 0-based (pixel i covers [i, i+1)).
        pts = pts - 0.5
        out.append(Sample(part, n, img, pts))
    return out


def random_crop(s, rng, crop, smin, smax, flip=True, p_person=0.0, p_vehicle=0.0):
    """Random log-uniform rescale (smin..smax), crop x crop window (zero padded), horizontal flip.
    With probability p_person (and people in the image) the window holds a randomly chosen annotated
    person (anywhere in it): sparse drone images otherwise give mostly empty crops. With probability
    p_vehicle (and vehicles annotated) it holds a randomly chosen vehicle instead: hard negatives, since
    cars, vans and buses seen from above were the largest false positives (EXPERIMENTS.md, v2 step 7,500).

    Returns (uint8 HxWx3 array, float32 Nx2 points in crop pixels)."""
    scale = float(np.exp(rng.uniform(np.log(smin), np.log(smax))))
    r = crop / scale  # window size in source pixels
    x0 = rng.uniform(min(0.0, s.w - r), max(0.0, s.w - r))
    y0 = rng.uniform(min(0.0, s.h - r), max(0.0, s.h - r))
    vehicles = getattr(s, 'vehicles', None)
    u = rng.random() if p_person > 0 or p_vehicle > 0 else 1.0
    anchor = None
    if u < p_vehicle and vehicles is not None and len(vehicles):
        anchor = vehicles[int(rng.integers(len(vehicles)))]
    elif p_vehicle <= u < p_vehicle + p_person and len(s.points):
        anchor = s.points[int(rng.integers(len(s.points)))]
    if anchor is not None:
        px, py = anchor
        x0 = float(np.clip(px - rng.uniform(0.1, 0.9) * r, min(0.0, s.w - r), max(0.0, s.w - r)))
        y0 = float(np.clip(py - rng.uniform(0.1, 0.9) * r, min(0.0, s.h - r), max(0.0, s.h - r)))
    bx0, by0 = max(0.0, x0), max(0.0, y0)
    bx1, by1 = min(float(s.w), x0 + r), min(float(s.h), y0 + r)
    ox0, oy0 = int(round((bx0 - x0) * scale)), int(round((by0 - y0) * scale))
    ow = max(1, min(crop - ox0, int(round((bx1 - bx0) * scale))))
    oh = max(1, min(crop - oy0, int(round((by1 - by0) * scale))))
    patch = s.img.resize((ow, oh), Image.BILINEAR, box=(bx0, by0, bx1, by1))
    out = np.zeros((crop, crop, 3), np.uint8)
    out[oy0:oy0 + oh, ox0:ox0 + ow] = np.asarray(patch)
    p = s.points
    if len(p):
        keep = (p[:, 0] >= bx0) & (p[:, 0] < bx1) & (p[:, 1] >= by0) & (p[:, 1] < by1)
        p = p[keep]
        # map source coords -> output coords (the patch maps [bx0,bx1) onto [ox0, ox0+ow))
        px = ox0 + (p[:, 0] - bx0) * (ow / (bx1 - bx0))
        py = oy0 + (p[:, 1] - by0) * (oh / (by1 - by0))
        p = np.stack([px, py], 1).astype(np.float32)
    if flip and rng.random() < 0.5:
        out = out[:, ::-1]
        if len(p):
            p = p.copy()
            p[:, 0] = crop - p[:, 0]
    return np.ascontiguousarray(out), p, scale


def colour_jitter(batch, rng, p_gray=0.15, strength=0.25):
    """In-place photometric augmentation on a float [B,3,H,W] tensor with values 0..255."""
    import torch
    b = batch.shape[0]
    for i in range(b):
        x = batch[i]
        if rng.random() < 0.8:
            br = 1 + rng.uniform(-strength, strength)
            ct = 1 + rng.uniform(-strength, strength)
            sat = 1 + rng.uniform(-strength, strength)
            mean = x.mean()
            x.mul_(br)
            x.sub_(mean * br).mul_(ct).add_(mean * br)
            g = x.mean(0, keepdim=True)
            x.sub_(g).mul_(sat).add_(g)
        if rng.random() < p_gray:
            g = (0.299 * x[0] + 0.587 * x[1] + 0.114 * x[2]).unsqueeze(0)
            x.copy_(g.expand_as(x))
        if rng.random() < 0.3:  # gamma
            gm = float(np.exp(rng.uniform(-0.3, 0.3)))
            x.clamp_(0, 255).div_(255).pow_(gm).mul_(255)
        x.clamp_(0, 255)
    return batch


# --- VisDrone-person (real drone images, person boxes) -------------------------------------------------

VISDRONE = 'VisDrone-person'
PERSON_CATEGORIES = (1, 2)   # VisDrone pedestrian, people (sitting, riding, ...)
IGNORE_CATEGORY = 0          # ignored region: unlabelled people may be inside
VEHICLE_CATEGORIES = (4, 5, 6, 9)  # car, van, truck, bus: no person visible on them from above


def box_head_point(x, y, w, h):
    """Head point of a person box: the centre of the box's top w x w square.

    A standing person seen obliquely is a tall box with the head near its top-centre; seen from straight
    above the box is near-square and the head is its centre. The TypeScript evaluation uses the same rule."""
    return x + w / 2.0, y + min(w, h) / 2.0


def read_visdrone_annotation(path):
    """(points Nx2, ignore boxes Mx4 [x0,y0,x1,y1], head sizes N, vehicle centres Kx2) from a VisDrone-DET
    annotation file.
    Head size of a person box: min(w, h) / 2 (the smaller side of a person box is ~2-2.5 head widths), the
    proxy `raqib eval --by-size` uses too."""
    pts, ign, heads, cars = [], [], [], []
    with open(path) as f:
        for line_no, line in enumerate(f, 1):
            line = line.strip().rstrip(',')
            if not line:
                continue
            v = line.split(',')
            if len(v) < 6:
                raise ValueError('%s:%d: expected x,y,w,h,score,category,... got %r' % (path, line_no, line))
            x, y, w, h = (float(t) for t in v[:4])
            cat = int(v[5])
            if cat in PERSON_CATEGORIES:
                pts.append(box_head_point(x, y, w, h))
                heads.append(min(w, h) / 2.0)
            elif cat == IGNORE_CATEGORY:
                ign.append((x, y, x + w, y + h))
            elif cat in VEHICLE_CATEGORIES:
                cars.append((x + w / 2.0, y + h / 2.0))
    return (np.asarray(pts, np.float32).reshape(-1, 2), np.asarray(ign, np.float32).reshape(-1, 4),
            np.asarray(heads, np.float32), np.asarray(cars, np.float32).reshape(-1, 2))


def list_visdrone(root, subset):
    d = os.path.join(root, VISDRONE, 'images', subset)
    return sorted(n for n in os.listdir(d) if n.lower().endswith('.jpg'))


def load_visdrone(root, subset, names=None, fill_ignored=True):
    """VisDrone-person samples of one subset (train/val/test). Points inside ignored regions are dropped.
    For training the regions are filled with the image's mean colour, so they teach neither people nor
    background; evaluation keeps the image and zeroes the predicted density there (fill_ignored=False), as
    `raqib eval` does."""
    out = []
    for n in names if names is not None else list_visdrone(root, subset):
        img = Image.open(os.path.join(root, VISDRONE, 'images', subset, n)).convert('RGB')
        img.load()
        pts, ign, heads, cars = read_visdrone_annotation(
            os.path.join(root, VISDRONE, 'annotations_visdrone_orig', subset, os.path.splitext(n)[0] + '.txt'))
        if len(ign):
            a = np.array(img)
            mean = a.reshape(-1, 3).mean(0).astype(np.uint8)
            keep = np.ones(len(pts), bool)
            for x0, y0, x1, y1 in ign:
                if fill_ignored:
                    a[int(y0):int(np.ceil(y1)), int(x0):int(np.ceil(x1))] = mean
                if len(pts):
                    keep &= ~((pts[:, 0] >= x0) & (pts[:, 0] < x1) & (pts[:, 1] >= y0) & (pts[:, 1] < y1))
            pts, heads = pts[keep], heads[keep]
            if fill_ignored:
                img = Image.fromarray(a)
        s = Sample('T' if subset == 'test' else 'V', n, img, pts)
        s.boxes = ign
        s.vehicles = cars
        s.head_px = float(np.median(heads)) if len(heads) else None
        out.append(s)
    return out
