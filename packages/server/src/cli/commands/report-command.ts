import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RaqibError } from '@raqib/core';
import { buildEventReport } from '../../report/build-event-report.js';
import { densityModelCard } from '../../report/density-model-card.js';
import { printHtmlToPdf } from '../../report/print-pdf.js';
import { renderReportHtml } from '../../report/render-report-html.js';
import { REPORT_LANGS, type ReportLang } from '../../report/report-strings.js';
import { readServerConfig } from '../../serve/read-server-config.js';
import { defineCommand } from '../command-spec.js';
import { EXIT_CODE } from '../exit-codes.js';
import { openDataStore } from './data-store.js';

export const reportCommand = defineCommand({
  name: 'report',
  summary:
    'Write the post-event report of an event: peaks, timelines, heatmaps, line totals, alert timeline and data sources (HTML, and PDF with Chromium)',
  usage: '--event ID --out DIR [--data DIR | --config raqib.yaml] [--lang en|fr|ar] [--pdf]',
  options: {
    event: { type: 'string', description: 'Id of the event (see GET /api/v1/events)', valueName: 'ID' },
    out: {
      type: 'string',
      description: 'Folder to write report.html (and report.pdf) into; created if missing',
      valueName: 'DIR',
    },
    data: {
      type: 'string',
      description: 'Data folder of the server (SQLite raqib.db inside; overrides storage.dataDir; default data)',
      valueName: 'DIR',
    },
    config: {
      type: 'string',
      description: 'Server config file (YAML): its storage.dataDir and live.modelPath',
      valueName: 'FILE',
    },
    lang: { type: 'string', description: 'Language of the report', choices: REPORT_LANGS, default: 'en' },
    pdf: {
      type: 'boolean',
      description: 'Also print report.pdf with headless Chromium (/usr/bin/chromium or RAQIB_CHROMIUM)',
    },
  },
  examples: [
    'raqib report --event demo --out reports/demo',
    'raqib report --event final-2026 --out reports/final --lang ar --pdf',
    'raqib report --event final-2026 --out reports/final --config /etc/raqib/raqib.yaml --lang fr',
  ],
  async run({ options, io }) {
    if (!options.event) throw new RaqibError('USAGE', 'raqib report: --event is required (the id of an event)');
    if (!options.out) throw new RaqibError('USAGE', 'raqib report: --out is required (a folder for report.html)');
    const config = options.config ? await readServerConfig(options.config) : undefined;
    const dataDir = options.data ?? config?.storage.dataDir ?? 'data';
    const lang = options.lang as ReportLang;
    await ensureOutputFolder(options.out);
    const store = await openDataStore(dataDir, { create: false, postgres: config?.storage.postgres });
    let html: string;
    let summary: string;
    try {
      const report = await buildEventReport(store, options.event, {
        nowMs: Date.now(),
        model: await densityModelCard(config?.live.modelPath),
      });
      if (report.range === null) {
        io.stderr.write(
          `raqib report: warning: event '${report.event.id}' has no stored readings; the report says so and lists its streams and alerts\n`,
        );
      }
      html = renderReportHtml(report, lang);
      const zones = report.streams.reduce((sum, s) => sum + s.zones.length, 0);
      summary = `${report.streams.length} streams, ${zones} zones, ${report.alerts.length} alerts, ${report.timelineResolution} timelines`;
    } finally {
      await store.close();
    }
    const htmlPath = join(options.out, 'report.html');
    await writeAtomically(htmlPath, html);
    io.stdout.write(`wrote ${htmlPath} (${summary})\n`);
    if (!options.pdf) return EXIT_CODE.ok;
    const pdfPath = join(options.out, 'report.pdf');
    try {
      await writeAtomically(pdfPath, await printHtmlToPdf(html));
    } catch (error) {
      io.stderr.write(
        `raqib report: error: ${pdfPath}: ${(error as Error).message}; ${htmlPath} is complete (print it from a browser)\n`,
      );
      return EXIT_CODE.outputsIncomplete;
    }
    io.stdout.write(`wrote ${pdfPath}\n`);
    return EXIT_CODE.ok;
  },
});

async function ensureOutputFolder(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EEXIST' || code === 'ENOTDIR'
        ? 'it is a file, or lies under a file'
        : code === 'EACCES' || code === 'EROFS'
          ? 'permission denied'
          : (error as Error).message;
    throw new RaqibError('OUTPUT_INVALID', `--out ${dir}: cannot make the folder (${why}); choose another --out`, {
      cause: error,
    });
  }
  if (!(await stat(dir)).isDirectory()) {
    throw new RaqibError('OUTPUT_INVALID', `--out ${dir}: not a folder; choose another --out`);
  }
}

/** Writes next to the target, then renames: a reader never sees half a report. */
async function writeAtomically(path: string, data: string | Buffer): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    throw new RaqibError('OUTPUT_FAILED', `${path}: cannot write it (${(error as Error).message})`, { cause: error });
  }
}
