/** Perceptual "inferno"-like colour ramp from dark (0) to bright yellow (1), as a 256-entry RGB table. */
const stops: ReadonlyArray<[number, number, number, number]> = [
  [0.0, 0, 0, 4],
  [0.25, 87, 16, 110],
  [0.5, 188, 55, 84],
  [0.75, 249, 142, 9],
  [1.0, 252, 255, 164],
];

export const infernoTable: Uint8Array = (() => {
  const table = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const t = i / 255;
    let k = 0;
    while (k < stops.length - 2 && t > stops[k + 1]![0]) k++;
    const [t0, r0, g0, b0] = stops[k]!;
    const [t1, r1, g1, b1] = stops[k + 1]!;
    const f = (t - t0) / (t1 - t0);
    table[3 * i] = Math.round(r0 + (r1 - r0) * f);
    table[3 * i + 1] = Math.round(g0 + (g1 - g0) * f);
    table[3 * i + 2] = Math.round(b0 + (b1 - b0) * f);
  }
  return table;
})();

/** Colours of the Fruin levels of service A..F (green to dark red), as used on maps of crowd density. */
export const fruinColours: Readonly<Record<string, readonly [number, number, number]>> = {
  A: [46, 204, 64],
  B: [163, 230, 53],
  C: [255, 220, 0],
  D: [255, 133, 27],
  E: [255, 65, 54],
  F: [133, 20, 75],
};
