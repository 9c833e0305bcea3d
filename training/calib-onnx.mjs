// Activation statistics of an ONNX model in onnxruntime-node, for training/quantize.py (int8 calibration).
// usage: node training/calib-onnx.mjs SPEC.json OUT.json
// SPEC: {"model": "augmented.onnx" (the tensors to measure are graph outputs), "tensors": [names],
//        "images": [{"path": raw RGB uint8 HxWx3 file, "w": W, "h": H}] (W, H multiples of 32),
//        "bins": 2048, "threads": 2}
// OUT: per tensor {min, max, n, chMean, pos: {range, hist}, neg: {range, hist}}: histograms of x >= 0 and of -x > 0
// over [0, range) with `bins` bins; range is a power of two that doubles (merging bin pairs) whenever a
// larger value arrives, so one pass over the images gives exact-to-a-bin histograms (no second pass to
// learn the range first).
import { createRequire } from 'module';
import { readFileSync, writeFileSync } from 'fs';

const require = createRequire(process.env.ORT_DIR ? process.env.ORT_DIR + '/' : import.meta.url);
const ort = require('onnxruntime-node');
const [specPath, outPath] = process.argv.slice(2);
const spec = JSON.parse(readFileSync(specPath, 'utf8'));
const bins = spec.bins ?? 2048;

function newSide() {
  return { range: 0, hist: new Float64Array(bins) };
}

// Adds values v >= 0 (given as a Float32Array view and a sign) to one side's histogram.
function grow(side, maxValue) {
  if (side.range === 0) {
    side.range = 2 ** Math.ceil(Math.log2(Math.max(maxValue, 1e-30) * 1.0000001));
    return;
  }
  while (maxValue >= side.range) {
    const h = side.hist;
    for (let i = 0; i < bins / 2; i++) h[i] = h[2 * i] + h[2 * i + 1];
    h.fill(0, bins / 2);
    side.range *= 2;
  }
}

const stats = Object.fromEntries(
  spec.tensors.map((t) => [t, { min: Infinity, max: -Infinity, n: 0, pos: newSide(), neg: newSide(), chSum: null, chN: 0 }]),
);

const session = await ort.InferenceSession.create(spec.model, {
  intraOpNumThreads: spec.threads ?? 2,
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
  executionMode: 'sequential',
});
const t0 = Date.now();
for (const [k, im] of spec.images.entries()) {
  const rgb = readFileSync(im.path);
  const plane = im.w * im.h;
  const x = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    x[i] = rgb[3 * i];
    x[plane + i] = rgb[3 * i + 1];
    x[2 * plane + i] = rgb[3 * i + 2];
  }
  const out = await session.run({ image: new ort.Tensor('float32', x, [1, 3, im.h, im.w]) }, spec.tensors);
  for (const name of spec.tensors) {
    const d = out[name].data;
    const s = stats[name];
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < d.length; i++) {
      const v = d[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    s.min = Math.min(s.min, lo);
    s.max = Math.max(s.max, hi);
    s.n += d.length;
    // per-channel sums of the NCHW tensor (quantize.py's bias correction needs each channel's mean)
    const [, c = 1] = out[name].dims;
    const plane = d.length / c;
    s.chSum ??= new Float64Array(c);
    for (let ch = 0; ch < c; ch++) {
      let sum = 0;
      for (let i = ch * plane; i < (ch + 1) * plane; i++) sum += d[i];
      s.chSum[ch] += sum;
    }
    s.chN += plane;
    if (hi >= 0) grow(s.pos, hi);
    if (lo < 0) grow(s.neg, -lo);
    const ph = s.pos.hist;
    const nh = s.neg.hist;
    const pk = bins / (s.pos.range || 1);
    const nk = bins / (s.neg.range || 1);
    for (let i = 0; i < d.length; i++) {
      const v = d[i];
      if (v >= 0) ph[Math.min(bins - 1, Math.floor(v * pk))]++;
      else nh[Math.min(bins - 1, Math.floor(-v * nk))]++;
    }
    out[name].dispose?.();
  }
  process.stderr.write(`calib ${k + 1}/${spec.images.length} ${im.w}x${im.h} ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
}
const result = {};
for (const [name, s] of Object.entries(stats)) {
  result[name] = {
    min: s.min,
    max: s.max,
    n: s.n,
    chMean: Array.from(s.chSum ?? [], (v) => v / s.chN),
    pos: { range: s.pos.range, hist: Array.from(s.pos.hist) },
    neg: { range: s.neg.range, hist: Array.from(s.neg.hist) },
  };
}
writeFileSync(outPath, JSON.stringify({ bins, images: spec.images.length, tensors: result }));
await session.release();
