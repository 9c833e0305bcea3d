import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../main.js';

/**
 * The shipped model's accuracy on fixed validation images (never trained on), measured through
 * exactly the code path of `raqib eval`, must stay within 20% of the MAE its model card
 * (models/raqib-density.metrics.json, written by the training) reports.
 */
const REPO = join(import.meta.dirname, '../../../../..');
const MODEL = join(REPO, 'models/raqib-density.onnx');
const METRICS = join(REPO, 'models/raqib-density.metrics.json');
const SPLIT = join(REPO, 'training/val-split.json');
const PART_B = join(REPO, '../shared/datasets/ShanghaiTech/part_B/train_data');
const VISDRONE = join(REPO, '../shared/datasets/VisDrone-person');
const TOLERANCE = 0.2;
// ~10-20 s each on two idle cores; generous for a machine shared with a training run.
const TIMEOUT_MS = 300_000;

interface CardFigures {
  mae: number;
  n: number;
}
const validation = existsSync(METRICS)
  ? ((JSON.parse(readFileSync(METRICS, 'utf8')) as { validation?: Record<string, CardFigures> }).validation ?? {})
  : {};

async function evalJson(args: string[]) {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        append(chunk.toString());
        done();
      },
    });
  const code = await main(['eval', ...args, '--model', MODEL, '--threads', '2', '--format', 'json'], {
    stdout: sink((text) => (stdout += text)),
    stderr: sink((text) => (stderr += text)),
  });
  expect(stderr).toBe('');
  expect(code).toBe(0);
  return JSON.parse(stdout) as { images: number; mae: number; meanError: number; msPerImage: number };
}

function expectNearCard(measured: { images: number; mae: number }, card: CardFigures | undefined, part: string) {
  expect(card, `${METRICS} has no validation.${part}`).toBeDefined();
  expect(measured.images).toBe(card!.n);
  // Within ±20% of the card's MAE (a stale card or a changed eval path both fail here).
  expect(Math.abs(measured.mae - card!.mae)).toBeLessThanOrEqual(TOLERANCE * card!.mae);
}

describe('shipped model accuracy (models/raqib-density.onnx vs its metrics.json)', () => {
  it.skipIf(!existsSync(MODEL) || !existsSync(PART_B))(
    'ShanghaiTech B val (40 images of training/val-split.json): MAE within 20% of validation.B.mae',
    async () => {
      const report = await evalJson(['--dataset', PART_B, '--split', SPLIT, '--split-part', 'B']);
      console.log(
        `B val: MAE ${report.mae} (card ${validation.B?.mae.toFixed(4)}), ME ${report.meanError}, ${report.msPerImage} ms/image`,
      );
      expectNearCard(report, validation.B, 'B');
    },
    TIMEOUT_MS,
  );

  it.skipIf(!existsSync(MODEL) || !existsSync(VISDRONE) || validation.V === undefined)(
    `VisDrone-person val (30 images): MAE within 20% of validation.V.mae${validation.V === undefined ? ' (skipped: the model card has no validation.V yet; the current model was trained before VisDrone was added)' : ''}`,
    async () => {
      const report = await evalJson(['--dataset', VISDRONE, '--split-subset', 'val']);
      console.log(
        `VisDrone val: MAE ${report.mae} (card ${validation.V?.mae.toFixed(4)}), ME ${report.meanError}, ${report.msPerImage} ms/image`,
      );
      expectNearCard(report, validation.V, 'V');
    },
    TIMEOUT_MS,
  );
});
