// Latency of ONNX density models in onnxruntime-node (graph optimisation "all"), side by side in one run.
// usage: node training/bench-onnx.mjs MODEL.onnx [MODEL2.onnx ...] [threads=2] [H=544] [W=960] [runs=20]
//        [--optimized DIR] (also write each model as onnxruntime optimised it, to see what it fused)
// medianCpuMs: CPU time of the process (all its threads) per run: on a shared machine it moves much less with
// the other jobs than the wall time does. With several models the runs are interleaved (model 1, model 2, ..., model 1, ...) so that a load change
// on a shared machine hits every model alike. onnxruntime-node is the repository's (node_modules), or the
// one in ORT_DIR when set.
import { createRequire } from 'module';
import { basename, join } from 'path';
const require = createRequire(process.env.ORT_DIR ? process.env.ORT_DIR + '/' : import.meta.url);
const ort = require('onnxruntime-node');
const args = process.argv.slice(2);
const opt = args.indexOf('--optimized');
const optimizedDir = opt >= 0 ? args.splice(opt, 2)[1] : undefined;
const files = args.filter((a) => a.endsWith('.onnx'));
const [threads = '2', H = '544', W = '960', runs = '20'] = args.filter((a) => !a.endsWith('.onnx'));
if (!files.length) throw new Error('usage: node training/bench-onnx.mjs MODEL.onnx [MODEL2.onnx ...] [threads] [H] [W] [runs]');
const sessions = [];
for (const file of files) {
  const options = { intraOpNumThreads: +threads, interOpNumThreads: 1, graphOptimizationLevel: 'all', executionMode: 'sequential' };
  if (optimizedDir) options.optimizedModelFilePath = join(optimizedDir, basename(file).replace(/\.onnx$/, '.opt.onnx'));
  sessions.push(await ort.InferenceSession.create(file, options));
}
const data = new Float32Array(3 * H * W);
for (let i = 0; i < data.length; i++) data[i] = (i * 7919) % 256;
const feeds = { image: new ort.Tensor('float32', data, [1, 3, +H, +W]) };
const times = files.map(() => []);
const cpu = files.map(() => []);
const sums = [];
const dims = [];
for (const s of sessions) for (let i = 0; i < 3; i++) await s.run(feeds);
for (let i = 0; i < +runs; i++) {
  for (const [k, s] of sessions.entries()) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    const out = await s.run(feeds);
    const c = process.cpuUsage(c0);
    times[k].push(Number(process.hrtime.bigint() - t0) / 1e6);
    cpu[k].push((c.user + c.system) / 1e3);
    let sum = 0;
    for (const v of out.density.data) sum += v;
    sums[k] = sum;
    dims[k] = out.density.dims;
  }
}
for (const [k, file] of files.entries()) {
  const t = times[k].sort((a, b) => a - b);
  const c = cpu[k].sort((a, b) => a - b);
  console.log(JSON.stringify({ file, threads: +threads, H: +H, W: +W, runs: +runs, outDims: dims[k], sum: +sums[k].toFixed(3), medianMs: +t[t.length >> 1].toFixed(1), minMs: +t[0].toFixed(1), medianCpuMs: +c[c.length >> 1].toFixed(1) }));
}
