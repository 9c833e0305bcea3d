"""Synthetic aerial crowds: people seen from a drone (30-120 m, straight down or oblique) rendered onto
aerial backgrounds, with exact head points.

Why: real labelled drone images are few (150 VisDrone-person training images). Rendering people at known
positions gives unlimited, exactly labelled drone-view crowds (cf. Wang et al., CVPR 2019, GCC).

Recipe of one crop (all random draws from the caller's numpy Generator, so a training step is reproducible):
- background: a people-free window cut from a real drone image (no annotated person or ignored region in
  it), or a generated ground (asphalt / pavement / grass with tiles, kerbs and painted lines);
- view: nadir (people are a head disc on shoulders) or oblique (a standing body below the head,
  foreshortened by the view angle), with perspective across the rows (farther rows smaller);
- scale: head diameter 3-40 px at the crop's near edge (0.2 m heads seen from 30-120 m with common lenses);
- crowd: 0.5-6 persons/m^2 on a jittered hexagonal lattice inside a random blob, plus scattered walkers;
- people: shadow (one sun direction per crop), clothing colours, dark hair / light head covers, arms;
- camera: motion blur, defocus, sensor noise, JPEG compression; day or night lighting (street lamps).
Rendered at 2x and downsampled (anti-aliasing). The head point of every person is its head centre.
"""
import io

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

HEAD_M = 0.2
CLOTHES = np.array([
    [20, 20, 22], [235, 235, 230], [200, 30, 35], [30, 60, 150], [40, 110, 60], [230, 200, 40], [120, 120, 125],
    [150, 90, 50], [90, 30, 110], [240, 120, 30], [60, 60, 70], [180, 170, 150], [20, 90, 120], [210, 150, 160],
], np.float32)
HAIR = np.array([[15, 12, 10], [35, 25, 18], [60, 45, 30], [110, 110, 110], [25, 25, 28]], np.float32)
COVERS = np.array([[235, 235, 235], [20, 20, 20], [200, 30, 35], [30, 60, 150], [230, 200, 40]], np.float32)


def _colour(rng, table, jitter=18.0):
    c = table[int(rng.integers(len(table)))] + rng.normal(0, jitter, 3)
    return tuple(int(v) for v in np.clip(c, 0, 255))


def free_windows(samples, size_px):
    """Precomputes nothing; returns a function drawing a people-free background window from real images."""

    def draw(rng, out_px):
        for _ in range(12):
            s = samples[int(rng.integers(len(samples)))]
            win = size_px * float(np.exp(rng.uniform(np.log(0.5), np.log(1.6))))
            if s.w < win or s.h < win:
                continue
            x0, y0 = rng.uniform(0, s.w - win), rng.uniform(0, s.h - win)
            m = 24.0  # margin: no person centre near the window (their bodies reach into it)
            p = s.points
            if len(p) and np.any((p[:, 0] > x0 - m) & (p[:, 0] < x0 + win + m) &
                                 (p[:, 1] > y0 - m) & (p[:, 1] < y0 + win + m)):
                continue
            b = s.boxes
            if b is not None and len(b) and np.any((b[:, 0] < x0 + win) & (b[:, 2] > x0) &
                                                   (b[:, 1] < y0 + win) & (b[:, 3] > y0)):
                continue
            im = s.img.resize((out_px, out_px), Image.BILINEAR, box=(x0, y0, x0 + win, y0 + win))
            if rng.random() < 0.5:
                im = im.transpose(Image.ROTATE_90 if rng.random() < 0.5 else Image.ROTATE_270)
            return im
        return None

    return draw


def generated_ground(rng, out_px):
    """Asphalt, paving or grass with tiles, kerbs and painted lines."""
    kind = rng.integers(3)
    base = {0: (80, 82, 85), 1: (165, 155, 140), 2: (70, 110, 55)}[int(kind)]
    base = np.clip(np.array(base) + rng.normal(0, 15, 3), 0, 255)
    a = np.empty((out_px, out_px, 3), np.float32)
    a[:] = base
    # low-frequency variation + grain
    lo = rng.normal(0, 1, (8, 8, 1)).astype(np.float32)
    lo = np.asarray(Image.fromarray(((lo[:, :, 0] * 20) + 128).clip(0, 255).astype(np.uint8)).resize(
        (out_px, out_px), Image.BICUBIC), np.float32)[:, :, None] - 128
    a += lo * 0.6 + rng.normal(0, 6, (out_px, out_px, 1))
    im = Image.fromarray(a.clip(0, 255).astype(np.uint8))
    d = ImageDraw.Draw(im)
    if kind == 1:  # paving tiles
        step = int(rng.integers(max(6, out_px // 40), max(8, out_px // 8)))
        line = tuple(int(v) for v in np.clip(base * 0.8, 0, 255))
        for x in range(0, out_px, step):
            d.line([(x, 0), (x, out_px)], fill=line, width=1)
        for y in range(0, out_px, step):
            d.line([(0, y), (out_px, y)], fill=line, width=1)
    for _ in range(int(rng.integers(0, 4))):  # painted lines / kerbs
        c = (235, 235, 225) if rng.random() < 0.7 else (220, 190, 40)
        x0, y0, x1, y1 = rng.uniform(-0.2, 1.2, 4) * out_px
        d.line([(x0, y0), (x1, y1)], fill=c, width=int(rng.integers(1, max(2, out_px // 60))))
    return im


def _ellipse(d, cx, cy, rx, ry, fill):
    d.ellipse([cx - rx, cy - ry, cx + rx, cy + ry], fill=fill)


def _rotated_ellipse(d, cx, cy, rx, ry, ang, fill, n=14):
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    x, y = rx * np.cos(t), ry * np.sin(t)
    c, s = np.cos(ang), np.sin(ang)
    d.polygon(list(zip(cx + c * x - s * y, cy + s * x + c * y)), fill=fill)


def _positions(rng, size, spacing_px_at, mask):
    """Jittered hexagonal lattice; spacing_px_at(y) gives the local spacing (perspective)."""
    pts = []
    y = float(rng.uniform(0, spacing_px_at(0.0)))
    while y < size:
        sp = spacing_px_at(y)
        off = rng.uniform(0, sp)
        x = off - sp
        while x < size + sp:
            jx, jy = rng.normal(0, 0.28 * sp, 2)
            px, py = x + jx, y + jy
            if 0 <= px < size and 0 <= py < size and mask(px, py):
                pts.append((px, py))
            x += sp
        y += sp * 0.866
    return np.asarray(pts, np.float32).reshape(-1, 2)


def render_crop(rng, crop, background):
    """One synthetic crop: (uint8 crop x crop x 3, float32 Nx2 head points, info dict)."""
    ss = 2
    size = crop * ss
    im = background(rng, size) if background is not None and rng.random() < 0.75 else None
    if im is None:
        im = generated_ground(rng, size)
    im = im.convert('RGB')
    oblique = rng.random() < 0.5
    head_near = float(np.exp(rng.uniform(np.log(3.0), np.log(40.0))))  # head px at the near (bottom) edge
    far_ratio = float(rng.uniform(0.35, 1.0)) if oblique else float(rng.uniform(0.85, 1.0))

    def head_px(y):  # head diameter in output px at output row y, linear across rows (bottom = near)
        return head_near * (far_ratio + (1 - far_ratio) * (y / crop))

    density = float(np.exp(rng.uniform(np.log(0.5), np.log(6.0))))  # persons / m^2
    spacing_m = np.sqrt(2.0 / (np.sqrt(3.0) * density))  # hex lattice with this density

    def spacing_px_ss(y_ss):  # lattice spacing in supersampled px at supersampled row y_ss
        return max(1.5, spacing_m / HEAD_M * head_px(y_ss / ss) * ss)

    # crowd region: a blob (several ellipses) or everything
    if rng.random() < 0.25:
        def mask(x, y):
            return True
    else:
        blobs = [(rng.uniform(0, size), rng.uniform(0, size), rng.uniform(0.15, 0.6) * size,
                  rng.uniform(0.15, 0.6) * size) for _ in range(int(rng.integers(1, 4)))]

        def mask(x, y):
            return any(((x - bx) / rx) ** 2 + ((y - by) / ry) ** 2 < 1 for bx, by, rx, ry in blobs)
    if rng.random() < 0.1:
        pts = np.zeros((0, 2), np.float32)  # an empty scene: teaches background
    else:
        pts = _positions(rng, size, spacing_px_ss, mask)
    # scattered walkers outside the crowd
    n_walk = int(rng.poisson(rng.uniform(0, 8)))
    if n_walk:
        pts = np.concatenate([pts, rng.uniform(0, size, (n_walk, 2)).astype(np.float32)])
    # draw far (top) people first so near people overlap them
    pts = pts[np.argsort(pts[:, 1])] if len(pts) else pts
    sun = rng.uniform(0, 2 * np.pi)
    shadow_len = rng.uniform(0.2, 1.5)
    night = rng.random() < 0.25
    d = ImageDraw.Draw(im, 'RGBA')
    view_tilt = rng.uniform(0.35, 0.9)  # oblique: visible body length / standing height
    heads = []
    for x, y in pts:
        h = head_px(y / ss) * ss * rng.uniform(0.85, 1.15)  # head diameter, supersampled px
        r = h / 2
        cloth = _colour(rng, CLOTHES)
        if oblique:
            body_len = 7.5 * h * view_tilt  # ~1.5 m standing height below a 0.2 m head
            # shadow on the ground from the feet
            fx, fy = x, y + body_len
            sl = body_len * shadow_len
            _rotated_ellipse(d, fx + np.cos(sun) * sl / 2, fy + np.sin(sun) * sl * 0.3, sl / 2 + r, r * 0.9, 0.0,
                             (0, 0, 0, 70))
            # legs, torso, arms
            leg = _colour(rng, CLOTHES[[0, 3, 6, 10, 11]])
            d.rectangle([x - r * 0.9, y + body_len * 0.55, x + r * 0.9, fy], fill=leg)
            _ellipse(d, x, y + r + body_len * 0.3, r * 1.25, body_len * 0.3, cloth)
            hx, hy = x, y
            heads.append((hx / ss, (hy) / ss))
            _ellipse(d, hx, hy, r, r * 1.05, _colour(rng, HAIR) if rng.random() < 0.85 else _colour(rng, COVERS))
            if rng.random() < 0.6:  # face/skin below the hair, seen from the front
                skin = tuple(int(v) for v in np.clip(np.array([190, 150, 120]) * rng.uniform(0.45, 1.1), 0, 255))
                _ellipse(d, hx, hy + r * 0.35, r * 0.7, r * 0.55, skin)
        else:
            ang = rng.uniform(0, np.pi)
            # shadow: a body-length streak from the person, away from the sun
            sl = h * 4.0 * shadow_len
            _rotated_ellipse(d, x + np.cos(sun) * sl / 2, y + np.sin(sun) * sl / 2, sl / 2 + r, r * 1.1, sun,
                             (0, 0, 0, 80))
            _rotated_ellipse(d, x, y, r * 2.3, r * 1.25, ang, cloth)  # shoulders/torso seen from above
            if rng.random() < 0.5:  # arms
                arm = _colour(rng, CLOTHES)
                for sgn in (-1, 1):
                    ax = x + sgn * np.cos(ang) * r * 2.2
                    ay = y + sgn * np.sin(ang) * r * 2.2
                    _ellipse(d, ax, ay, r * 0.45, r * 0.45, arm)
            heads.append((x / ss, y / ss))
            _ellipse(d, x, y, r, r, _colour(rng, HAIR) if rng.random() < 0.85 else _colour(rng, COVERS))
    del d
    a = np.asarray(im.resize((crop, crop), Image.BOX), np.float32)
    g = a.mean(2, keepdims=True)
    a = g + (a - g) * rng.uniform(0.45, 1.0)  # real drone footage is less saturated than the palette
    # lighting
    if night:
        a *= rng.uniform(0.12, 0.4)
        a[:, :, 0] *= rng.uniform(0.9, 1.3)
        a[:, :, 2] *= rng.uniform(0.8, 1.2)
        for _ in range(int(rng.integers(0, 4))):  # street lamps: warm pools of light
            cx, cy, rad = rng.uniform(0, crop), rng.uniform(0, crop), rng.uniform(0.1, 0.5) * crop
            yy, xx = np.mgrid[0:crop, 0:crop]
            g = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * rad * rad))[:, :, None]
            a *= 1 + g * rng.uniform(1, 4) * np.array([1.0, 0.85, 0.6], np.float32)
        a += rng.normal(0, rng.uniform(2, 8), a.shape)
    else:
        a *= rng.uniform(0.75, 1.2)
        a += rng.normal(0, rng.uniform(0.5, 4), a.shape)
    out = Image.fromarray(a.clip(0, 255).astype(np.uint8))
    # camera: motion blur, defocus, compression
    if rng.random() < 0.3:
        k = np.zeros((5, 5), np.float32)
        if rng.random() < 0.5:
            k[2, :] = 1
        else:
            k[:, 2] = 1
        out = out.filter(ImageFilter.Kernel((5, 5), k.flatten().tolist(), scale=5))
    if rng.random() < 0.4:
        out = out.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.2)))
    if rng.random() < 0.7:
        buf = io.BytesIO()
        out.save(buf, 'JPEG', quality=int(rng.integers(30, 92)))
        out = Image.open(io.BytesIO(buf.getvalue())).convert('RGB')
    p = np.asarray(heads, np.float32).reshape(-1, 2)
    if len(p):
        p = p[(p[:, 0] >= 0) & (p[:, 0] < crop) & (p[:, 1] >= 0) & (p[:, 1] < crop)]
    info = {'view': 'oblique' if oblique else 'nadir', 'headNearPx': head_near, 'densityPerM2': density,
            'night': night}
    return np.ascontiguousarray(np.asarray(out)), p, info


if __name__ == '__main__':
    # Preview: /usr/bin/python3 training/synth.py OUT.png [N] [SEED] -> a grid of N crops with head points
    import os
    import sys
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from data import load_visdrone
    root = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                        'shared', 'datasets')
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    rng = np.random.default_rng(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    bg = free_windows(load_visdrone(root, 'train'), 256)
    tiles = []
    import time
    t = time.time()
    for i in range(n):
        img, p, info = render_crop(rng, 256, bg)
        im = Image.fromarray(img)
        dd = ImageDraw.Draw(im)
        for x, y in p:
            dd.point((x, y), fill=(255, 0, 0))
        tiles.append(im)
        print(i, len(p), info)
    print('ms/crop %.1f' % ((time.time() - t) / n * 1000))
    cols = 4
    grid = Image.new('RGB', (256 * cols, 256 * ((n + cols - 1) // cols)))
    for i, tile in enumerate(tiles):
        grid.paste(tile, ((i % cols) * 256, (i // cols) * 256))
    grid.save(sys.argv[1])
