import type { Figures } from './classify-outcome.js';
import { RULES_UNKNOWN_ZONE, SRT_MUTATORS } from './domain-mutators.js';
import type { FuzzRandom } from './fuzz-random.js';
import { FIXTURE_MODEL, jitterTracks, type SeedFiles } from './fuzz-seeds.js';
import { BYTE_MUTATORS } from './byte-mutators.js';
import type { Expectation, Mutator } from './mutator.js';
import { ALIAS_BOMB, structureMutators } from './structure-mutators.js';
import { csvMutators, TEXT_MUTATORS } from './text-mutators.js';

/** One valid starting point: the files of a case folder, the one to mutate, and the command. */
export interface FuzzSeed {
  name: string;
  files: Record<string, Uint8Array>;
  /** The file the mutators edit ('' for the options kind, which edits the command line). */
  target: string;
  /** CLI arguments; `{repo}` stands for the repository root, file names are relative to the case folder. */
  args: string[];
  /** Derived from a dataset under ../shared: such inputs are never saved into the repository. */
  fromDataset: boolean;
}

/** A command line edited by the options kind. */
export interface ArgsMutant {
  args: string[];
  /** The options changed, which a clean error must name. */
  names: string[];
  detail: string;
  expect?: Expectation;
}

export interface FuzzKind {
  name: string;
  /** What is fuzzed, through which command. */
  summary: string;
  /** The seeds (those that fail unmutated are left out by the run). */
  seeds: FuzzSeed[];
  mutators: readonly Mutator[];
  /** Figures from the command's JSON report (stdout), for the oracles. */
  figures(report: unknown): Figures | undefined;
  /** The options kind edits the arguments instead of a file. */
  mutateArgs?(seed: FuzzSeed, random: FuzzRandom): ArgsMutant;
}

type Report = Record<string, unknown>;

/** `raqib analyze --format json`: frames, the whole-frame mean count, each zone's mean count. */
export function analyzeFigures(report: unknown): Figures | undefined {
  const r = report as Report | null;
  if (!r || typeof r.frames !== 'number' || !Array.isArray(r.zones)) return undefined;
  const figures: Figures = { frames: r.frames };
  for (const zone of r.zones as { zoneId: string; meanCount: number }[]) {
    figures[zone.zoneId === 'frame' ? 'count' : `zone:${zone.zoneId}`] = zone.meanCount;
  }
  return figures;
}

/** `raqib eval-tracks --format json`. */
export function trackFigures(report: unknown): Figures | undefined {
  const r = report as Report | null;
  if (!r || typeof r.mota !== 'number') return undefined;
  const keys = ['mota', 'idf1', 'idSwitches', 'matches', 'gtPoints', 'predPoints', 'frames'] as const;
  const figures: Figures = Object.fromEntries(keys.map((key) => [key, r[key] as number]));
  figures.count = r.predPoints as number;
  return figures;
}

/** `raqib eval --format json`. */
export function evalFigures(report: unknown): Figures | undefined {
  const r = report as Report | null;
  if (!r || typeof r.images !== 'number') return undefined;
  return { frames: r.images, count: r.totalTruth as number };
}

/** The figures of whichever command wrote the report (analyze, eval-tracks or eval). */
export function reportFigures(report: unknown): Figures | undefined {
  return analyzeFigures(report) ?? trackFigures(report) ?? evalFigures(report);
}

const GENERIC_TEXT = [...TEXT_MUTATORS, ...BYTE_MUTATORS.filter((m) => m.name !== 'extreme-int32')];

function withoutExpectation(mutator: Mutator): Mutator {
  return {
    name: mutator.name,
    apply(bytes, random) {
      const mutant = mutator.apply(bytes, random);
      if (!mutant) return null;
      const { expect: _ignored, ...rest } = mutant;
      return rest;
    },
  };
}

const POINTS_ARGS = ['--fps', '5', '--frame-size', '360x240', '--gsd', '0.05', '--format', 'json', '--out', 'out'];

/** Options and the values that broke (or could break) `raqib analyze` and `eval-tracks`. */
const OPTION_VALUES: Record<string, readonly string[]> = {
  '--fps': ['0', '-1', '1e-9', '1e9', 'NaN', 'Infinity', '1e308', '0.0001'],
  '--gsd': ['1e6', '100', '1e-9', '0', '-1', 'NaN', '1e308', '10.5'],
  '--altitude': ['1e9', '0', '-5', '1e-6', '1001'],
  '--hfov': ['200', '179.9', '0', '1e-9', '170', '-30'],
  '--frame-size': ['100000x100000', '0x0', '1x1', '99999999999x2', '16385x2', '16384x16384', '12x'],
  '--start': ['-1', '1e9', 'NaN', '9.9'],
  '--end': ['0', '-1', '1e308', '0.1'],
  '--threads': ['1000', '0', '-1', '1.5'],
  '--out': ['points.csv', 'points.csv/sub', '/proc/raqib-fuzz', '/dev/null', ''],
  '--scale': ['1000', '1e-6', '0', '-2', '64'],
  '--max-width': ['1', '0', '1e9', '-3'],
};

const TRACKS_OPTION_VALUES: Record<string, readonly string[]> = {
  '--max-dist': ['0', '-1', '1e9', 'NaN', '1e308', 'Infinity', '1e-12'],
};

function optionMutant(seed: FuzzSeed, random: FuzzRandom, table: Record<string, readonly string[]>): ArgsMutant {
  const args = [...seed.args];
  const options = Object.keys(table).filter((option) => option !== '--max-width' || !seed.args.includes('--points'));
  const changed: string[] = [];
  const n = random.chance(0.7) ? 1 : 2;
  for (let k = 0; k < n; k++) {
    const option = random.pick(options);
    const value = random.pick(table[option]!);
    const at = args.indexOf(option);
    if (at >= 0) args[at + 1] = value;
    else args.push(option, value);
    if (option === '--altitude' || option === '--hfov') {
      // Let the camera model set the scale (the 8x people scale came from --altitude/--hfov).
      const gsd = args.indexOf('--gsd');
      if (gsd >= 0 && !changed.some((c) => c.startsWith('--gsd'))) args.splice(gsd, 2);
      if (!args.includes('--hfov')) args.push('--hfov', '73.7');
      if (!args.includes('--altitude')) args.push('--altitude', '60');
    }
    changed.push(`${option} ${value}`);
  }
  if (seed.name.startsWith('image') && random.chance(0.5)) args.push('--annotate');
  // A clean error names the option (with or without its dashes), or the path given to it; short
  // numeric values are not names (a '0' appears in any message).
  const names = changed.flatMap((text) => {
    const [option, value] = text.split(' ') as [string, string];
    return /[/a-z]/i.test(value) && value.length >= 4 && !/^-?(NaN|Infinity)$/.test(value)
      ? [option.slice(2), value]
      : [option.slice(2)];
  });
  return { args, names, detail: changed.join(', ') + (args.includes('--annotate') ? ' --annotate' : '') };
}

/** Every kind of input the fuzzer mutates, with its seeds, mutators and command. */
export function fuzzKinds(seeds: SeedFiles): FuzzKind[] {
  const sim = { 'zones.geojson': seeds.simZones, 'rules.yaml': seeds.simRules };
  const pointsSeed: FuzzSeed = {
    name: 'sim-bottleneck',
    files: { 'points.csv': seeds.simPoints },
    target: 'points.csv',
    args: ['analyze', '--points', 'points.csv', ...POINTS_ARGS],
    fromDataset: false,
  };
  const trackSeeds: FuzzSeed[] = [
    {
      name: 'sim-pred',
      files: { 'gt.csv': seeds.simTracks, 'pred.csv': jitterTracks(seeds.simTracks) },
      target: 'pred.csv',
      args: ['eval-tracks', '--gt', 'gt.csv', '--pred', 'pred.csv', '--format', 'json'],
      fromDataset: false,
    },
    {
      name: 'sim-gt',
      files: { 'gt.csv': seeds.simTracks, 'pred.csv': jitterTracks(seeds.simTracks) },
      target: 'gt.csv',
      args: ['eval-tracks', '--gt', 'gt.csv', '--pred', 'pred.csv', '--format', 'json'],
      fromDataset: false,
    },
  ];
  if (seeds.droneCrowdTracks) {
    trackSeeds.push({
      name: 'dronecrowd-00003-pred',
      files: { 'gt.csv': seeds.droneCrowdTracks, 'pred.csv': jitterTracks(seeds.droneCrowdTracks) },
      target: 'pred.csv',
      args: ['eval-tracks', '--gt', 'gt.csv', '--pred', 'pred.csv', '--format', 'json'],
      fromDataset: true,
    });
  }
  const analyzePoints = (extra: string[]): string[] => ['analyze', '--points', 'points.csv', ...POINTS_ARGS, ...extra];
  const videoArgs = ['--model', FIXTURE_MODEL, '--format', 'json', '--out', 'out'];
  return [
    {
      name: 'points',
      summary: 'points CSV: analyze --points',
      seeds: [pointsSeed],
      mutators: [...GENERIC_TEXT, ...csvMutators({ frameStep: true, withId: false, outOfFrame: { widthPx: 360 } })],
      figures: analyzeFigures,
    },
    {
      name: 'tracks',
      summary: 'tracks CSV: eval-tracks --gt/--pred',
      seeds: trackSeeds,
      mutators: [
        ...GENERIC_TEXT,
        ...csvMutators({ frameStep: false, withId: true }).map((m) =>
          m.name === 'shuffle-rows' ? m : withoutExpectation(m),
        ),
      ],
      figures: trackFigures,
    },
    {
      name: 'zones',
      summary: 'zones GeoJSON: analyze --points --zones',
      seeds: [
        {
          name: 'sim-zones',
          files: { 'points.csv': seeds.simPoints, ...sim },
          target: 'zones.geojson',
          args: analyzePoints(['--zones', 'zones.geojson']),
          fromDataset: false,
        },
      ],
      mutators: [...GENERIC_TEXT, ...structureMutators('json'), ...structureMutators('json')],
      figures: analyzeFigures,
    },
    {
      name: 'rules',
      summary: 'rules YAML: analyze --points --zones --rules',
      seeds: [
        {
          name: 'sim-rules',
          files: { 'points.csv': seeds.simPoints, ...sim },
          target: 'rules.yaml',
          args: analyzePoints(['--zones', 'zones.geojson', '--rules', 'rules.yaml']),
          fromDataset: false,
        },
        {
          name: 'alert-rules',
          files: { 'points.csv': seeds.simPoints, ...sim, 'rules.yaml': seeds.alertRules },
          target: 'rules.yaml',
          args: analyzePoints(['--zones', 'zones.geojson', '--rules', 'rules.yaml']),
          fromDataset: false,
        },
      ],
      mutators: [
        ...GENERIC_TEXT,
        ...structureMutators('yaml'),
        ...structureMutators('yaml'),
        ALIAS_BOMB,
        RULES_UNKNOWN_ZONE,
      ],
      figures: analyzeFigures,
    },
    {
      name: 'notify',
      summary: 'notify YAML: analyze --points --rules --notify (terminal + webhook on a closed port)',
      seeds: [
        {
          name: 'terminal-webhook',
          files: {
            'points.csv': seeds.simPoints,
            ...sim,
            'rules.yaml': seeds.alertRules,
            'notify.yaml': seeds.notifyYaml,
          },
          target: 'notify.yaml',
          args: analyzePoints(['--zones', 'zones.geojson', '--rules', 'rules.yaml', '--notify', 'notify.yaml']),
          fromDataset: false,
        },
      ],
      mutators: [...GENERIC_TEXT, ...structureMutators('yaml'), ...structureMutators('yaml'), ALIAS_BOMB],
      figures: analyzeFigures,
    },
    {
      name: 'calibration',
      summary: 'calibration JSON: analyze --points --calibration (no --gsd)',
      seeds: (['ground', 'lngLat'] as const).map((variant) => ({
        name: `calibration-${variant}`,
        files: {
          'points.csv': seeds.simPoints,
          ...sim,
          'calibration.json': variant === 'ground' ? seeds.calibrationGround : seeds.calibrationLngLat,
        },
        target: 'calibration.json',
        args: [
          'analyze',
          '--points',
          'points.csv',
          '--fps',
          '5',
          '--frame-size',
          '360x240',
          '--zones',
          'zones.geojson',
          '--calibration',
          'calibration.json',
          '--format',
          'json',
          '--out',
          'out',
        ],
        fromDataset: false,
      })),
      mutators: [...GENERIC_TEXT, ...structureMutators('json'), ...structureMutators('json')],
      figures: analyzeFigures,
    },
    {
      name: 'srt',
      summary: 'DJI .SRT telemetry: analyze clip.mp4 --telemetry (fixture model, no flow)',
      seeds: [
        {
          name: 'dji-mini',
          files: { 'clip.mp4': seeds.clipMp4, 'clip.SRT': seeds.clipSrt },
          target: 'clip.SRT',
          args: ['analyze', 'clip.mp4', '--telemetry', 'clip.SRT', '--hfov', '73.7', '--no-flow', ...videoArgs],
          fromDataset: false,
        },
        {
          // Geo zones placed through the telemetry: one under the drone, one 11 km away (not in view).
          name: 'dji-mini-geo-zones',
          files: { 'clip.mp4': seeds.clipMp4, 'clip.SRT': seeds.clipSrt, 'zones.geojson': seeds.geoZones },
          target: 'clip.SRT',
          args: [
            'analyze',
            'clip.mp4',
            '--telemetry',
            'clip.SRT',
            '--hfov',
            '73.7',
            '--zones',
            'zones.geojson',
            '--no-flow',
            ...videoArgs,
          ],
          fromDataset: false,
        },
      ],
      mutators: [...GENERIC_TEXT, ...SRT_MUTATORS, ...SRT_MUTATORS],
      figures: analyzeFigures,
    },
    {
      name: 'mat',
      summary: 'MATLAB .mat ground truth: eval --dataset (ShanghaiTech layout, fixture model)',
      seeds: (['plain', 'compressed'] as const).map((variant) => ({
        name: `mat-${variant}`,
        files: {
          'dataset/images/IMG_1.png': seeds.imagePng,
          'dataset/ground-truth/GT_IMG_1.mat': variant === 'plain' ? seeds.matPlain : seeds.matCompressed,
        },
        target: 'dataset/ground-truth/GT_IMG_1.mat',
        args: ['eval', '--dataset', 'dataset', '--model', FIXTURE_MODEL, '--format', 'json'],
        fromDataset: false,
      })),
      mutators: BYTE_MUTATORS,
      figures: evalFigures,
    },
    {
      name: 'image',
      summary: 'image files (JPEG, PNG): analyze IMAGE (fixture model)',
      seeds: [
        { name: 'jpeg', file: 'image.jpg', bytes: seeds.imageJpg },
        { name: 'png', file: 'image.png', bytes: seeds.imagePng },
      ].map(({ name, file, bytes }) => ({
        name,
        files: { [file]: bytes },
        target: file,
        args: ['analyze', file, '--gsd', '0.05', ...videoArgs],
        fromDataset: false,
      })),
      mutators: BYTE_MUTATORS,
      figures: analyzeFigures,
    },
    {
      name: 'video',
      summary: 'video files (H.264 MP4): analyze VIDEO through ffmpeg (fixture model, with flow)',
      seeds: [
        {
          name: 'mp4-h264',
          files: { 'clip.mp4': seeds.clipMp4 },
          target: 'clip.mp4',
          args: ['analyze', 'clip.mp4', '--gsd', '0.05', ...videoArgs],
          fromDataset: false,
        },
      ],
      mutators: BYTE_MUTATORS.map((mutator) => ({
        name: mutator.name,
        apply(bytes: Uint8Array, random: FuzzRandom) {
          const mutant = mutator.apply(bytes, random);
          // A corrupted video must give the seed's count or say that decoding went wrong.
          return mutant && { ...mutant, expect: 'count-or-warn' as const };
        },
      })),
      figures: analyzeFigures,
    },
    {
      name: 'options',
      summary: 'numeric and path options: analyze --points / analyze IMAGE [--annotate] / eval-tracks',
      seeds: [
        { ...pointsSeed, name: 'points-options', target: '' },
        {
          name: 'image-odd-options',
          files: { 'odd.png': seeds.oddPng },
          target: '',
          args: ['analyze', 'odd.png', '--gsd', '0.05', ...videoArgs],
          fromDataset: false,
        },
        { ...trackSeeds[0]!, name: 'tracks-options', target: '' },
      ],
      mutators: [],
      figures: reportFigures,
      mutateArgs: (seed, random) =>
        optionMutant(seed, random, seed.args[0] === 'eval-tracks' ? TRACKS_OPTION_VALUES : OPTION_VALUES),
    },
  ];
}
