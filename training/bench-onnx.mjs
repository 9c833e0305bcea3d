// Latency of an ONNX density model in onnxruntime-node (graph optimisation "all").
// usage: node training/bench-onnx.mjs MODEL.onnx [threads=2] [H=544] [W=960] [runs=20]
// onnxruntime-node is resolved from ORT_DIR (default /tmp/scratch; install it there with
// `ONNXRUNTIME_NODE_INSTALL=skip npm i onnxruntime-node@1.30.0`).
import { createRequire } from 'module';
const require = createRequire((process.env.ORT_DIR || '/tmp/scratch') + '/');
const ort = require('onnxruntime-node');
const [file, threads = '2', H = '544', W = '960', runs = '20'] = process.argv.slice(2);
const s = await ort.InferenceSession.create(file, { intraOpNumThreads: +threads, interOpNumThreads: 1, graphOptimizationLevel: 'all', executionMode: 'sequential' });
const data = new Float32Array(3 * H * W);
for (let i = 0; i < data.length; i++) data[i] = (i * 7919) % 256;
const feeds = { image: new ort.Tensor('float32', data, [1, 3, +H, +W]) };
let out;
for (let i = 0; i < 3; i++) out = await s.run(feeds);
const t = [];
for (let i = 0; i < +runs; i++) { const t0 = process.hrtime.bigint(); out = await s.run(feeds); t.push(Number(process.hrtime.bigint() - t0) / 1e6); }
t.sort((a, b) => a - b);
const d = out.density;
let sum = 0; for (const v of d.data) sum += v;
console.log(JSON.stringify({ file, threads: +threads, H: +H, W: +W, outDims: d.dims, sum: +sum.toFixed(3), medianMs: +t[t.length >> 1].toFixed(1), minMs: +t[0].toFixed(1) }));
