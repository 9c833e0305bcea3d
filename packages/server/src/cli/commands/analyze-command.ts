import { mkdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { RaqibError, isAreaZone, zoneRingsPx, type FrameAnalysis, type FrameMeta, type Zone } from '@raqib/core';
import { AlertOutputs } from '../../analysis/alert-outputs.js';
import { loadCalibrationFile, loadZonesFile } from '../../analysis/analysis-config-files.js';
import { openAnalysisInput, openPointsAnalysisInput, type AnalysisInput } from '../../analysis/analysis-input.js';
import { createOnnxDensityEstimator, modelPeopleScale } from '../../inference/index.js';
import { loadTelemetryForVideo } from '../../ingest/telemetry-sidecar.js';
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
import { SummaryFileSink } from '../../sinks/summary-file-sink.js';
import { TracksCsvSink } from '../../sinks/tracks-csv-sink.js';
import { ZonesCsvSink } from '../../sinks/zones-csv-sink.js';
import { defineCommand } from '../command-spec.js';
import { ProgressReporter } from '../progress-reporter.js';
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
    const overrides = {
      ...(options.altitude === undefined ? {} : { altitudeM: positive('--altitude', options.altitude) }),
      ...(options.hfov === undefined ? {} : { hfovDeg: positive('--hfov', options.hfov) }),
      ...(options.gsd === undefined ? {} : { gsdMPerPx: positive('--gsd', options.gsd) }),
    };
    const zones: Zone[] = options.zones ? await loadZonesFile(options.zones) : [];
    const calibration = options.calibration ? await loadCalibrationFile(options.calibration) : undefined;
    const rules = options.rules ? await readRulesFile(options.rules) : undefined;
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

    await mkdir(outDir, { recursive: true });
    const alertOutputs = await AlertOutputs.open(outDir, options.notify);
    const estimator =
      input.kind === 'points'
        ? undefined
        : await createOnnxDensityEstimator({
            ...(options.model ? { modelPath: options.model } : {}),
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
      const scaleFor = (frame: FrameMeta): number =>
        options.scale ??
        (frame.gsdMPerPx === undefined ? 1 : (modelPeopleScale(estimator.model, frame.gsdMPerPx) ?? 1));
      stages.push(new DensityStage(estimator, scaleFor));
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
    const sinks: Sink[] = [
      new AnalysisJsonlSink(join(outDir, 'analysis.jsonl')),
      new ZonesCsvSink(join(outDir, 'zones.csv')),
      new HeatmapSink(join(outDir, 'heatmap.png')),
      new TracksCsvSink(join(outDir, 'tracks.csv'), frameOf),
      new LinesFileSink(join(outDir, 'lines.json')),
    ];
    if (options.annotate && input.kind !== 'points')
      sinks.push(new AnnotatedVideoSink(join(outDir, 'annotated.mp4'), input.fps, zoneOutlines(zones)));
    sinks.push(new SummaryFileSink(join(outDir, 'summary.json')));

    const progress = new ProgressReporter(io, input.durationS, options.start ?? 0);
    let summary;
    try {
      summary = await analyzeStream(input.source, stages, sinks, {
        frameIntervalS: 1 / input.fps,
        onProgress: ({ frames, timeS }) => progress.update(frames, timeS),
      });
    } finally {
      progress.done();
      await estimator?.close();
      await alertOutputs.close();
    }
    for (const problem of input.skipped) io.stderr.write(`raqib analyze: skipped ${problem.message}\n`);
    if (!summary.source.completed && summary.source.reason)
      io.stderr.write(`raqib analyze: warning: ${summary.source.reason}\n`);
    io.stdout.write(
      options.format === 'json' ? JSON.stringify(summary, null, 2) + '\n' : summaryTable(summary, outDir),
    );
    return input.skipped.length > 0 || summary.frames === 0 ? 1 : 0;
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
