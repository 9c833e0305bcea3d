import { rmSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { availableParallelism } from 'node:os';
import { RaqibError, isAreaZone, zoneRingsPx, type FrameAnalysis, type FrameMeta, type Zone } from '@raqib/core';
import { AlertOutputs } from '../../analysis/alert-outputs.js';
import {
  analysisKnownZones,
  loadCalibrationFile,
  loadZonesFile,
  rulesWithoutZonesWarning,
} from '../../analysis/analysis-config-files.js';
import { openAnalysisInput, openPointsAnalysisInput, type AnalysisInput } from '../../analysis/analysis-input.js';
import { createOnnxDensityEstimator, type ModelPrecision } from '../../inference/index.js';
import { loadTelemetryForVideo } from '../../ingest/telemetry-sidecar.js';
import { checkAnalyzeOptions, PeopleScaleChoice, planAnalysisWork } from '../../input-limits/index.js';
import { AlertStage } from '../../pipeline/alert-stage.js';
import { analyzeStream } from '../../pipeline/analyze-stream.js';
import { DensityStage } from '../../pipeline/density-stage.js';
import { FlowStage } from '../../pipeline/flow-stage.js';
import { GeoStage } from '../../pipeline/geo-stage.js';
import type { Stage } from '../../pipeline/stage.js';
import { TrackStage } from '../../pipeline/track-stage.js';
import { ZoneStage } from '../../pipeline/zone-stage.js';
import { readRulesFile } from '../../rules-file/index.js';
import { AnnotatedVideoSink, type ZoneOutline } from '../../sinks/annotated-video-sink.js';
import { HeatmapSink } from '../../sinks/heatmap-sink.js';
import { AnalysisJsonlSink } from '../../sinks/jsonl-file-sink.js';
import { LinesFileSink } from '../../sinks/lines-file-sink.js';
import type { Sink } from '../../sinks/sink.js';
import type { AnalysisSummary } from '../../sinks/analysis-summary.js';
import { OptionalOutputSink } from '../../sinks/optional-output-sink.js';
import { checkOutputFolder, StagedOutputFolder } from '../../sinks/output-folder.js';
import { SummaryFileSink } from '../../sinks/summary-file-sink.js';
import { TracksCsvSink } from '../../sinks/tracks-csv-sink.js';
import { ZonesCsvSink } from '../../sinks/zones-csv-sink.js';
import { defineCommand } from '../command-spec.js';
import { InterruptSignals, interruptExitCode } from '../interrupt-signals.js';
import { endOfRun, keepPreviousOrCommit } from './analyze-run-end.js';
import { ProgressReporter } from '../progress-reporter.js';
import { responsiveSource } from '../responsive-source.js';
import { summaryTable } from './analyze-summary-table.js';

export const analyzeCommand = defineCommand({
  name: 'analyze',
  summary:
    'Analyse a drone video, images or detected head points: counts, zones, persons per m², tracks, line flows, alerts',
  usage: '<video|dir|image> [options]  |  --points FILE.csv --fps F --frame-size WxH [options]',
  positionals: { name: 'an input video, image folder or image (none with --points)', required: false },
  options: {
    out: {
      type: 'string',
      description:
        'Output directory (analysis.jsonl, zones.csv, summary.json, heatmap.png, tracks.csv, lines.json, alerts.jsonl)',
      valueName: 'DIR',
    },
    points: {
      type: 'string',
      description: 'Analyse pre-detected head points (CSV frame,x,y[,score]; frame 0-based, pixels) instead of video',
      valueName: 'FILE',
    },
    'frame-size': {
      type: 'string',
      description: 'Image size of the --points coordinates, pixels',
      valueName: 'WxH',
    },
    fps: {
      type: 'number',
      description: 'Analysis rate in frames per second (video default: its own rate; images: 1; --points: required)',
      valueName: 'N',
    },
    start: {
      type: 'number',
      description: 'Start of the analysed part, seconds from the start of the video',
      valueName: 'S',
    },
    end: {
      type: 'number',
      description: 'End of the analysed part, seconds from the start of the video',
      valueName: 'S',
    },
    zones: {
      type: 'string',
      description: 'GeoJSON zones (areas and lines, image 0-1 or lon/lat space)',
      valueName: 'FILE',
    },
    calibration: {
      type: 'string',
      description: 'Ground control points (image px <-> metres or lon/lat) for a homography',
      valueName: 'FILE',
    },
    telemetry: {
      type: 'string',
      description: 'DJI .SRT telemetry (default: the sidecar next to the video)',
      valueName: 'FILE',
    },
    altitude: { type: 'number', description: 'Height above ground in metres (overrides telemetry)', valueName: 'M' },
    hfov: {
      type: 'number',
      description: 'Horizontal field of view in degrees (overrides telemetry)',
      valueName: 'DEG',
    },
    gsd: {
      type: 'number',
      description: 'Ground sampling distance in metres per pixel (nadir view)',
      valueName: 'M_PER_PX',
    },
    scale: {
      type: 'number',
      description: 'People-scale factor for the model (default: from the GSD when known, else 1)',
      valueName: 'S',
    },
    'max-width': {
      type: 'number',
      description: 'Downscale frames to at most this width before analysis',
      valueName: 'PX',
    },
    'no-flow': {
      type: 'boolean',
      description: 'Skip the optical-flow motion analysis (speed, direction, counterflow, pressure)',
    },
    rules: {
      type: 'string',
      description: 'Alert rules (YAML or JSON, see docs/alerts.md); built-in defaults when omitted',
      valueName: 'FILE',
    },
    notify: {
      type: 'string',
      description: 'Notifications of alerts (YAML: webhook, MQTT, email, terminal; see docs/notifications.md)',
      valueName: 'FILE',
    },
    annotate: {
      type: 'boolean',
      description: 'Also write annotated.mp4 (density overlay, zones by level of service, counts)',
    },
    model: {
      type: 'string',
      description: 'Density model (.onnx); default models/raqib-density.onnx or RAQIB_MODEL',
      valueName: 'PATH',
    },
    threads: { type: 'number', description: 'Inference threads', default: 2, valueName: 'N' },
    precision: {
      type: 'string',
      choices: ['auto', 'int8', 'fp32'],
      default: 'auto',
      description:
        'Model precision: auto = the int8 variant (X.int8.onnx beside the model) when it was quantised from exactly this model, else fp32',
    },
    format: {
      type: 'string',
      description: 'What to print on stdout at the end',
      choices: ['table', 'json'],
      default: 'table',
    },
  },
  examples: [
    'raqib analyze DJI_0001.MP4 --fps 2 --zones zones.geojson --out out/flight1',
    'raqib analyze frames/ --gsd 0.03 --format json',
    'raqib analyze clip.mp4 --altitude 60 --hfov 73.7 --annotate --out out/clip',
    'raqib analyze --points points.csv --fps 5 --frame-size 1200x800 --gsd 0.05 --zones zones.geojson --rules rules.yaml',
    'raqib analyze DJI_0002.MP4 --fps 5 --zones gates.geojson --notify notify.yaml --out out/flight2',
  ],
  async run({ positionals, options, io }) {
    // Input limits (issue 10): every numeric option in range, with the reason, before any work.
    checkAnalyzeOptions(options, { cores: availableParallelism() });
    const pointsPath = options.points;
    if (pointsPath !== undefined ? positionals.length !== 0 : positionals.length !== 1) {
      throw new RaqibError(
        'USAGE',
        pointsPath !== undefined
          ? `--points analyses a points file; do not also give an input (got ${positionals.join(' ')})`
          : `expected one input (a video, an image folder or an image) or --points FILE, got ${positionals.length}`,
      );
    }
    const inputPath = pointsPath ?? positionals[0]!;
    const outDir = options.out ?? join('out', basename(inputPath, extname(inputPath)) || 'analysis');
    // Before any work: a --out that is a file, under a file, in /proc or not writable is one clear error.
    const outPlan = await checkOutputFolder(outDir);
    const overrides = {
      ...(options.altitude === undefined ? {} : { altitudeM: positive('--altitude', options.altitude) }),
      ...(options.hfov === undefined ? {} : { hfovDeg: positive('--hfov', options.hfov) }),
      ...(options.gsd === undefined ? {} : { gsdMPerPx: positive('--gsd', options.gsd) }),
    };
    const zones: Zone[] = options.zones ? await loadZonesFile(options.zones) : [];
    const calibration = options.calibration ? await loadCalibrationFile(options.calibration) : undefined;
    // A rules entry for a zone id that is not in the zones file is an error (issue 10), not silently ignored.
    const rules = options.rules
      ? await readRulesFile(options.rules, options.zones ? { zones: analysisKnownZones(zones, options.zones) } : {})
      : undefined;
    const range = {
      ...(options.fps === undefined ? {} : { fps: positive('--fps', options.fps) }),
      ...(options.start === undefined ? {} : { startS: options.start }),
      ...(options.end === undefined ? {} : { endS: options.end }),
    };
    const input: AnalysisInput =
      pointsPath !== undefined
        ? await openPointsAnalysisInput(pointsPath, { ...range, fps: range.fps, frameSize: options['frame-size'] })
        : await openAnalysisInput(inputPath, {
            ...range,
            ...(options['max-width'] === undefined
              ? {}
              : { maxWidthPx: positive('--max-width', options['max-width']) }),
          });
    const warn = (message: string): void => void io.stderr.write(`raqib analyze: warning: ${message}\n`);
    for (const note of input.notes ?? []) io.stderr.write(`raqib analyze: note: ${note}\n`);
    const sidecar =
      input.kind === 'video'
        ? await loadTelemetryForVideo(inputPath, options.telemetry ? { sidecarPath: options.telemetry } : {})
        : undefined;
    if (sidecar)
      io.stderr.write(`raqib analyze: telemetry from ${sidecar.path} (${sidecar.telemetry.records.length} records)\n`);
    const hasGround =
      calibration !== undefined ||
      overrides.gsdMPerPx !== undefined ||
      sidecar !== undefined ||
      overrides.altitudeM !== undefined;
    const geoZone = zones.find((zone) => zone.space === 'geo');
    if (geoZone && !calibration && !sidecar) {
      throw new RaqibError(
        'GEOREFERENCE_MISSING',
        `${options.zones}: zone '${geoZone.id}' is in lon/lat, but there is no telemetry (.SRT sidecar or --telemetry) or lon/lat --calibration to place it`,
      );
    }

    // Input limits (issue 10): the GSD, people scale, memory and time this input leads to, before any output.
    const work = await planAnalysisWork({ input, options, zones, calibration, calibrationPath: options.calibration });
    for (const warning of work.warnings) warn(warning);
    const rulesWarning = rules && !options.zones ? rulesWithoutZonesWarning(rules, options.rules!) : undefined;
    if (rulesWarning) warn(rulesWarning);

    // Outputs go to a staging folder beside --out and are moved into place at the end (sinks/output-folder.ts).
    const output = await StagedOutputFolder.create(outPlan);
    const staged = (name: string) => join(output.stagingPath, name);
    const signals = new InterruptSignals({
      onInterrupt: (signal) =>
        io.stderr.write(
          `raqib analyze: ${signal} received: stopping after this frame and finishing the outputs (${signal === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'} again stops at once)\n`,
        ),
      onForce: () => rmSync(output.stagingPath, { recursive: true, force: true }),
    });
    let settled = false;
    try {
      const alertOutputs = await AlertOutputs.open(output.stagingPath, options.notify, {
        shownOutDir: outDir,
        onWarning: warn,
        onNote: (note) => io.stderr.write(`raqib analyze: note: ${note}\n`),
      });
      const estimator =
        input.kind === 'points'
          ? undefined
          : await createOnnxDensityEstimator({
              ...(options.model ? { modelPath: options.model } : {}),
              precision: options.precision as ModelPrecision,
              onWarning: warn,
              threads: options.threads,
            });
      const stages: Stage[] = [
        new GeoStage({
          ...(sidecar ? { telemetry: sidecar.track } : {}),
          overrides,
          ...(calibration ? { calibration } : {}),
          onNote: warn,
        }),
      ];
      if (estimator) {
        // Prints the people scale it uses and why (one line; again when the GSD moves it a lot).
        const peopleScale = new PeopleScaleChoice(
          { fixedScale: options.scale, trainedHeadSizePx: estimator.model.trainedHeadSizePx },
          (line) => io.stderr.write(`raqib analyze: ${line}\n`),
          work.perFrame, // image folders: each new frame size is checked before the model runs on it
        );
        stages.push(new DensityStage(estimator, (frame) => peopleScale.scaleFor(frame)));
        if (!options['no-flow']) stages.push(new FlowStage({ onWarning: warn }));
      }
      stages.push(
        new TrackStage(zones, { onWarning: warn }),
        new ZoneStage(zones, warn),
        new AlertStage({
          ...(rules ? { rules } : {}),
          zones,
          streamId: basename(inputPath),
          listeners: alertOutputs.listeners,
        }),
      );
      if (!hasGround) warn('no GSD, telemetry or calibration: areas in m² and persons per m² are not available');

      const frameOf =
        input.kind === 'points'
          ? (analysis: FrameAnalysis) => Math.round(analysis.timeS * input.fps)
          : (analysis: FrameAnalysis) => analysis.frame.seq;
      // By-products fail alone: a failed encoder costs annotated.mp4, not the analysis or summary.json.
      const optional = [new OptionalOutputSink(staged('heatmap.png'), new HeatmapSink(staged('heatmap.png')))];
      if (options.annotate && input.kind !== 'points') {
        const annotated = new AnnotatedVideoSink(staged('annotated.mp4'), input.fps, zoneOutlines(zones));
        optional.push(new OptionalOutputSink(staged('annotated.mp4'), annotated));
      }
      const finishSummary = async (summary: AnalysisSummary): Promise<void> => {
        if (signals.received) {
          summary.interrupted = { signal: signals.received };
          summary.source = { completed: false, reason: `interrupted by ${signals.received}` };
        }
        const problems = optional.flatMap((sink) => (sink.problem === null ? [] : [sink.problem]));
        if (problems.length > 0) summary.outputProblems = problems;
        await alertOutputs.close(); // bounded by the notify file's flushTimeoutMs
        if (options.notify !== undefined) summary.notifications = alertOutputs.report();
      };
      const sinks: Sink[] = [
        new AnalysisJsonlSink(staged('analysis.jsonl')),
        new ZonesCsvSink(staged('zones.csv')),
        new TracksCsvSink(staged('tracks.csv'), frameOf),
        new LinesFileSink(staged('lines.json')),
        ...optional,
        new SummaryFileSink(staged('summary.json'), finishSummary), // last: it reports on the others
      ];

      const progress = new ProgressReporter(io, input.durationS, options.start ?? 0);
      let summary: AnalysisSummary;
      try {
        summary = await analyzeStream(responsiveSource(input.source), stages, sinks, {
          frameIntervalS: input.frameIntervalS ?? 1 / input.fps, // points files may step by N frames
          onProgress: ({ frames, timeS }) => progress.update(frames, timeS),
          signal: signals.signal,
        });
      } catch (error) {
        progress.done();
        await estimator?.close();
        await alertOutputs.close();
        const undelivered = alertOutputs.undeliveredText();
        if (signals.received || undelivered !== null) {
          // An interruption (ffmpeg gets Ctrl-C too, and may fail first) or dead letters: the new
          // outputs go into place, as the dead letters must not be lost with a discarded folder.
          await output.commit();
          settled = true;
          if (undelivered !== null) io.stderr.write(`raqib analyze: error: ${undelivered}\n`);
          if (signals.received) {
            io.stderr.write(`raqib analyze: interrupted by ${signals.received}; the outputs so far are in ${outDir}\n`);
            return interruptExitCode(signals.received);
          }
        } else {
          settled = await keepPreviousOrCommit(output, outPlan.hasPrevious, outDir, io);
        }
        throw error;
      }
      progress.done();
      await estimator?.close();
      await alertOutputs.close();
      if (summary.frames === 0) {
        // Nothing analysed (or interrupted before the first frame): an empty folder replaces nothing.
        const what = signals.received ? 'interrupted before the first frame' : 'no frame was analysed';
        settled = await keepPreviousOrCommit(output, outPlan.hasPrevious, outDir, io, what);
      } else {
        await output.commit();
        settled = true;
      }

      for (const problem of input.skipped) io.stderr.write(`raqib analyze: skipped ${problem.message}\n`);
      if (!summary.source.completed && summary.source.reason && !signals.received)
        io.stderr.write(`raqib analyze: warning: ${summary.source.reason}\n`);
      // Data quality (pipeline/data-quality.ts): one line per problem found in the input data.
      for (const warning of summary.dataQuality?.warnings ?? [])
        io.stderr.write(`raqib analyze: warning: ${warning}\n`);
      io.stdout.write(
        options.format === 'json' ? JSON.stringify(summary, null, 2) + '\n' : summaryTable(summary, outDir),
      );
      return endOfRun(summary, {
        io,
        outDir,
        interrupted: signals.received,
        undelivered: alertOutputs.undeliveredText(),
        problems: optional.flatMap((sink) => (sink.problem === null ? [] : [sink.problem])),
        // Bad input rows, or damaged input data over its limit (summary.dataQuality.ok, data-quality.ts).
        inputProblems: input.skipped.length > 0 || summary.dataQuality?.ok === false,
      });
    } finally {
      signals.dispose();
      if (!settled) await output.discard();
    }
  },
});

function positive(option: string, value: number): number {
  if (!(value > 0)) throw new RaqibError('USAGE', `${option} must be > 0, got ${value}`);
  return value;
}

/** Zone outlines in frame pixels for the annotated video (image-space zones; geo zones need per-frame ground). */
function zoneOutlines(zones: readonly Zone[]): (frame: FrameMeta) => ZoneOutline[] {
  return (frame) =>
    zones
      .filter((zone) => zone.space === 'image')
      .map((zone) => {
        if (isAreaZone(zone)) {
          const ring = zoneRingsPx(zone, { widthPx: frame.width, heightPx: frame.height })[0] ?? [];
          return { zoneId: zone.id, pointsPx: ring, closed: true };
        }
        const pointsPx = zone.geometry.points.map(([x, y]) => [x * frame.width, y * frame.height] as const);
        return { zoneId: zone.id, pointsPx, closed: false };
      });
}
