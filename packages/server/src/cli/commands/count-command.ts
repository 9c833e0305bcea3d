import { availableParallelism } from 'node:os';
import { isRaqibError, RaqibError } from '@raqib/core';
import { listImageFiles, loadImageFile } from '../../ingest/index.js';
import { checkOption, OPTION_LIMITS, threadsLimit } from '../../input-limits/index.js';
import {
  defineCommand,
  type CommandIo,
  type CommandSpec,
  type OptionSpec,
  type ParsedOptions,
} from '../command-spec.js';
import { createCountCsvReporter } from './count-csv-reporter.js';
import { createCountJsonReporter } from './count-json-reporter.js';
import type { CountFailure, CountReporter, CountRow } from './count-reporter.js';
import type { ModelPrecision } from '../../inference/model-precision.js';
import { createCountTableReporter } from './count-table-reporter.js';

const countOptions = {
  format: { type: 'string', choices: ['table', 'json', 'csv'], default: 'table', description: 'Output format' },
  scale: {
    type: 'number',
    valueName: 'S',
    description: 'People-scale factor: resize images by S before inference (> 1 when heads are small); default 1',
  },
  gsd: {
    type: 'number',
    valueName: 'M',
    description: "Ground sampling distance in metres per pixel; sets the scale from the model's trained head size",
  },
  model: {
    type: 'string',
    valueName: 'PATH',
    description: 'Density model (ONNX); default: $RAQIB_MODEL or models/raqib-density.onnx',
  },
  precision: {
    type: 'string',
    choices: ['auto', 'int8', 'fp32'],
    default: 'auto',
    description:
      'Model precision: auto = the int8 variant (X.int8.onnx beside the model) when it was quantised from exactly this model, else fp32',
  },
  threads: { type: 'number', default: 2, valueName: 'N', description: 'Threads for the model runtime' },
} satisfies Record<string, OptionSpec>;

type CountOptions = ParsedOptions<typeof countOptions>;

function reporterFor(format: string, out: NodeJS.WritableStream): CountReporter {
  if (format === 'json') return createCountJsonReporter(out);
  if (format === 'csv') return createCountCsvReporter(out);
  return createCountTableReporter(out);
}

function usage(message: string): RaqibError {
  return new RaqibError('USAGE', `raqib count: ${message}. See 'raqib count --help'.`);
}

function failure(io: CommandIo, error: unknown, path?: string): CountFailure {
  const code = isRaqibError(error) ? error.code : 'INFERENCE_FAILED';
  const message = isRaqibError(error)
    ? error.message
    : `${path === undefined ? '' : `${path}: `}${(error as Error).message ?? String(error)}`;
  io.stderr.write(`raqib count: error ${code}: ${message}\n`);
  return { code, message };
}

async function runCount(paths: string[], options: CountOptions, io: CommandIo): Promise<number> {
  // Ranges with the reason (issue 10): a 100 m/px GSD or 1,000 threads are refused before any work.
  checkOption('scale', options.scale, OPTION_LIMITS.scale);
  checkOption('gsd', options.gsd, OPTION_LIMITS.gsd);
  if (options.scale !== undefined && options.gsd !== undefined) throw usage('give --scale or --gsd, not both');
  checkOption('threads', options.threads, threadsLimit(availableParallelism()));
  const reporter = reporterFor(options.format, io.stdout);
  const failures: CountFailure[] = [];
  const rows: CountRow[] = [];
  const listing = await listImageFiles(paths);
  for (const error of listing.errors) failures.push(failure(io, error));
  if (listing.skipped.length > 0) {
    const shown = listing.skipped.slice(0, 5).join(', ');
    const more = listing.skipped.length > 5 ? ` and ${listing.skipped.length - 5} more` : '';
    io.stderr.write(`raqib count: skipped ${listing.skipped.length} non-image file(s): ${shown}${more}\n`);
  }
  if (listing.files.length > 0) {
    // Loaded only when there is something to count: onnxruntime is heavy to import.
    const { createOnnxDensityEstimator, defaultModelPath, modelPeopleScale } = await import('../../inference/index.js');
    const estimator = await createOnnxDensityEstimator({
      modelPath: options.model ?? defaultModelPath(),
      precision: options.precision as ModelPrecision,
      onWarning: (message) => io.stderr.write(`raqib count: warning: ${message}\n`),
      threads: options.threads,
    });
    try {
      let scale = options.scale ?? 1;
      if (options.gsd !== undefined) {
        const fromGsd = modelPeopleScale(estimator.model, options.gsd);
        if (fromGsd === undefined) {
          throw new RaqibError(
            'USAGE',
            `raqib count: --gsd needs the model's trainedHeadSizePx (in ${estimator.model.modelPath.replace(/\.onnx$/i, '.json')}); use --scale instead`,
          );
        }
        scale = fromGsd;
        io.stderr.write(`raqib count: --gsd ${options.gsd} m/px -> people scale ${scale.toFixed(3)}\n`);
      }
      for (const path of listing.files) {
        const t0 = performance.now();
        try {
          const image = await loadImageFile(path);
          const estimate = await estimator.estimate(image, { scale });
          const row: CountRow = {
            path,
            count: estimate.count,
            ms: performance.now() - t0,
            widthPx: image.width,
            heightPx: image.height,
            points: estimate.points.length,
            tiles: estimate.tiles,
          };
          rows.push(row);
          reporter.image(row);
        } catch (error) {
          failures.push(failure(io, error, path));
        }
      }
    } finally {
      await estimator.close();
    }
  }
  let total = 0;
  for (const row of rows) total += row.count;
  reporter.finish({ images: rows, failures, total });
  return failures.length > 0 ? 1 : 0;
}

/** `raqib count <image|dir>...`: people per image from the density model. */
const countSpec = defineCommand({
  name: 'count',
  summary: 'Count people in images (files, or the images in directories) with the density model',
  usage: '<image|dir>... [--format table|json|csv] [--scale S | --gsd M] [--model PATH] [--threads N]',
  positionals: { name: '<image|dir>', required: true },
  options: countOptions,
  examples: [
    'raqib count photo.jpg',
    'raqib count ../shared/datasets/ShanghaiTech/part_B/train_data/images --format csv > counts.csv',
    'raqib count frames/ --scale 2 --format json',
  ],
  run: ({ positionals, options, io }) => runCount(positionals, options, io),
});

/** `raqib count`, typed for the command list. */
export const countCommand: CommandSpec = countSpec as unknown as CommandSpec;
