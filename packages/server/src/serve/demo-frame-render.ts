import type { RgbImage } from '@raqib/core';
import type { FrameContext } from '../pipeline/stage.js';
import type { DemoCrowd } from './demo-crowd.js';

/** Shoulder and head radii of a drawn person, metres (seen from straight above). */
const SHOULDER_RADIUS_M = 0.23;
const HEAD_RADIUS_M = 0.11;
const SHIRTS: readonly (readonly [number, number, number])[] = [
  [214, 84, 66],
  [58, 110, 190],
  [236, 236, 228],
  [70, 150, 90],
  [222, 176, 62],
];

/**
 * The demo drone's picture: a top view of the simulated square drawn per frame (paving stones,
 * the scenario's walls, each person as shoulders and a head), at `scale` times the analysed
 * frame's size so that the picture is sharper than the 0.05 m/px analysis grid. The heads are
 * where the analysis puts its points, so the overlays line up as they do on a real video.
 */
export class DemoFrameRenderer {
  private readonly background: Uint8Array;
  readonly widthPx: number;
  readonly heightPx: number;

  constructor(
    private readonly crowd: DemoCrowd,
    private readonly scale = 2,
  ) {
    this.widthPx = crowd.widthPx * scale;
    this.heightPx = crowd.heightPx * scale;
    this.background = this.drawBackground();
  }

  /** The picture of the frame whose detections the demo stage has just set. */
  render(context: FrameContext): RgbImage {
    const rgb = this.background.slice();
    const centers = context.analysis.detections.centers();
    const pxPerM = this.scale / this.crowd.gsdMPerPx;
    for (let i = 0; i < centers.length / 2; i++) {
      const x = centers[2 * i]! * this.scale;
      const y = centers[2 * i + 1]! * this.scale;
      this.disc(rgb, x, y, SHOULDER_RADIUS_M * pxPerM, SHIRTS[i % SHIRTS.length]!);
      this.disc(rgb, x, y, HEAD_RADIUS_M * pxPerM, [38, 28, 22]);
    }
    return { width: this.widthPx, height: this.heightPx, rgb };
  }

  private drawBackground(): Uint8Array {
    const { widthPx: w, heightPx: h } = this;
    const rgb = new Uint8Array(w * h * 3);
    const pxPerM = this.scale / this.crowd.gsdMPerPx;
    const tilePx = Math.max(4, Math.round(0.6 * pxPerM));
    let seed = 12345;
    const noise = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return (seed >> 16) / 32768;
    };
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const joint = x % tilePx === 0 || y % tilePx === 0;
        const tone = joint ? 92 : 128 + ((((x / tilePx) | 0) * 7 + ((y / tilePx) | 0) * 13) % 5) * 4 + noise() * 10;
        const o = 3 * (y * w + x);
        rgb[o] = tone;
        rgb[o + 1] = tone * 0.97;
        rgb[o + 2] = tone * 0.9;
      }
    }
    for (const [a, b] of this.crowd.scenario.walls) {
      this.segment(rgb, a[0] * pxPerM, a[1] * pxPerM, b[0] * pxPerM, b[1] * pxPerM, 0.25 * pxPerM, [45, 45, 52]);
    }
    return rgb;
  }

  private disc(rgb: Uint8Array, cx: number, cy: number, radius: number, color: readonly number[]): void {
    const r2 = radius * radius;
    const x0 = Math.max(0, Math.floor(cx - radius));
    const x1 = Math.min(this.widthPx - 1, Math.ceil(cx + radius));
    const y0 = Math.max(0, Math.floor(cy - radius));
    const y1 = Math.min(this.heightPx - 1, Math.ceil(cy + radius));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        if ((x - cx) ** 2 + (y - cy) ** 2 > r2) continue;
        const o = 3 * (y * this.widthPx + x);
        rgb[o] = color[0]!;
        rgb[o + 1] = color[1]!;
        rgb[o + 2] = color[2]!;
      }
    }
  }

  private segment(
    rgb: Uint8Array,
    ax: number,
    ay: number,
    bx: number,
    by: number,
    width: number,
    color: readonly number[],
  ): void {
    const steps = Math.max(1, Math.ceil(Math.hypot(bx - ax, by - ay)));
    for (let s = 0; s <= steps; s++) {
      this.disc(rgb, ax + ((bx - ax) * s) / steps, ay + ((by - ay) * s) / steps, width / 2, color);
    }
  }
}
