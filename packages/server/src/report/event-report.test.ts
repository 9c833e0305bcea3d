import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRaqibError } from '@raqib/core';
import { SqliteStore } from '../storage/sqlite/sqlite-store.js';
import type { ReadingBucket } from '../storage/store-records.js';
import { buildEventReport } from './build-event-report.js';
import type { EventReport } from './event-report.js';
import { chromiumAvailable, printHtmlToPdf } from './print-pdf.js';
import { renderReportHtml } from './render-report-html.js';
import { REPORT_LANGS, REPORT_STRINGS } from './report-strings.js';
import { recordDemoEvent, type RecordedDemoEvent } from './testing/record-demo-event.js';

const T0 = Date.UTC(2026, 5, 1, 18, 0, 0);
const dir = mkdtempSync(join(tmpdir(), 'raqib-report-'));
let store: SqliteStore;
let recorded: RecordedDemoEvent;
let report: EventReport;
let seconds: ReadingBucket[];

/** Every URL-ish reference a page could load from elsewhere. */
const EXTERNAL = /(https?:|ftp:|wss?:)\/\/|(src|href)\s*=\s*(?!["']?#)|url\(\s*(?!["']?(data:|#))|@import/i;

beforeAll(async () => {
  store = SqliteStore.open({ path: join(dir, 'raqib.db') });
  // 100 s of the demo's bottleneck: readings in both zones and on the exit line, alerts from ~40 s.
  recorded = await recordDemoEvent(store, { startMs: T0, seconds: 100 });
  for (const [state, atS, reason] of [
    ['starting', 0, null],
    ['live', 0.5, null],
    ['stalled', 50, 'no frame for 5 s'],
    ['live', 62, null],
    ['ended', 100, 'stream stopped'],
  ] as const) {
    await store.recordStreamState({ streamId: 'drone1', state, atMs: T0 + atS * 1000, reason });
  }
  const [first] = (await store.listAlerts({ state: 'all', limit: 100 })).sort((a, b) => a.raisedAtMs - b.raisedAtMs);
  await store.applyAlertAction(
    first!.id,
    { kind: 'acknowledge', note: 'stewards <b>sent</b> to the gate' },
    'user:alice',
  );
  await store.applyAlertAction(first!.id, { kind: 'assign', assignee: 'bob' }, 'user:alice');
  await store.applyAlertAction(first!.id, { kind: 'resolve', note: 'queue cleared' }, 'user:carol');
  seconds = await store.listReadings({
    streamId: 'drone1',
    resolution: '1s',
    fromMs: 0,
    toMs: T0 + 3_600_000,
    limit: 100_000,
  });
  report = await buildEventReport(store, 'match', {
    nowMs: T0 + 3_600_000,
    model: { name: 'raqib-density', version: '9' },
  });
}, 60_000);

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('buildEventReport (a recorded demo crowd)', () => {
  it('gives each zone its peak count and persons per m² from the stored readings, at the second they were stored', () => {
    expect(report.timelineResolution).toBe('1s');
    const stream = report.streams[0]!;
    expect(stream.zones.map((z) => z.id)).toEqual(expect.arrayContaining(['approach', 'exit', 'frame']));
    for (const zoneId of ['approach', 'frame']) {
      const stored = seconds.filter((b) => b.zoneId === zoneId);
      const zone = stream.zones.find((z) => z.id === zoneId)!;
      const maxCount = Math.max(...stored.map((b) => b.countMax));
      expect(zone.peakCount).toEqual({
        value: maxCount,
        atMs: stored.find((b) => b.countMax === maxCount)!.bucketStartMs,
        resolution: '1s',
      });
      const maxDensity = Math.max(...stored.map((b) => b.densityPerM2Mean ?? -1));
      expect(maxDensity).toBeGreaterThan(0);
      expect(zone.peakDensityPerM2?.value).toBe(maxDensity);
      expect(zone.peakDensityPerM2?.atMs).toBe(stored.find((b) => b.densityPerM2Mean === maxDensity)!.bucketStartMs);
      expect(zone.timeline).toHaveLength(stored.length);
    }
    // The crowd builds up: the peak is well after the start.
    expect(stream.zones.find((z) => z.id === 'approach')!.peakCount!.atMs).toBeGreaterThan(T0 + 30_000);
    expect(stream.gsd).toBe('all');
  });

  it('totals the exit line’s crossings from the stored minutes', async () => {
    const minutes = await store.listReadings({
      streamId: 'drone1',
      zoneId: 'exit',
      resolution: '1m',
      fromMs: 0,
      toMs: T0 + 3_600_000,
      limit: 100,
    });
    const exit = report.streams[0]!.zones.find((z) => z.id === 'exit')!;
    expect(exit.shape).toBe('line');
    const total = (key: 'inCount' | 'outCount') => minutes.reduce((sum, b) => sum + (b[key] ?? 0), 0);
    expect(exit.lineTotals).toEqual({ in: total('inCount'), out: total('outCount') });
    expect(exit.lineTotals!.in + exit.lineTotals!.out).toBeGreaterThan(0);
    expect(report.streams[0]!.zones.find((z) => z.id === 'approach')!.lineTotals).toBeNull();
  });

  it('lists every alert with who acknowledged, assigned and resolved it', () => {
    expect(report.alerts.length).toBe(new Set(recorded.alerts.map((a) => a.id)).size);
    expect(report.alerts.length).toBeGreaterThan(0);
    const handled = report.alerts.find((a) => a.status === 'resolved')!;
    expect(handled.history.map((h) => [h.kind, h.actor])).toEqual(
      expect.arrayContaining([
        [handled.escalatedFromId ? 'escalated' : 'raised', 'system'],
        ['acknowledged', 'user:alice'],
        ['assigned', 'user:alice'],
        ['resolved', 'user:carol'],
      ]),
    );
    expect(handled.history.find((h) => h.kind === 'assigned')!.assignee).toBe('bob');
    const raised = report.alerts.map((a) => a.raisedAtMs);
    expect(raised).toEqual([...raised].sort((a, b) => a - b));
  });

  it('reports the stream’s source, its stalled period and the covered time range', () => {
    const stream = report.streams[0]!;
    expect(stream.sourceKind).toBe('none');
    expect(stream.interruptions).toEqual([
      { state: 'stalled', fromMs: T0 + 50_000, toMs: T0 + 62_000, reason: 'no frame for 5 s' },
    ]);
    expect(stream.states.map((s) => s.state)).toEqual(['starting', 'live', 'stalled', 'live', 'ended']);
    expect(report.range).toEqual({ fromMs: seconds[0]!.bucketStartMs, toMs: seconds.at(-1)!.bucketStartMs + 1000 });
    expect(stream.readingGaps).toEqual([]);
  });

  it('names the known events when the event does not exist', async () => {
    const error = await buildEventReport(store, 'nope', { nowMs: T0 }).catch((e: unknown) => e);
    expect(isRaqibError(error, 'NOT_FOUND')).toBe(true);
    expect((error as Error).message).toBe("event 'nope' does not exist; known events: match");
  });

  it('still reports an event without readings', async () => {
    await store.createEvent({ id: 'empty', name: 'Nothing flown' }, 'user:admin');
    await store.createStream(
      { id: 'drone9', eventId: 'empty', name: 'Spare', sourceUrl: 'rtsp://u:secret@cam.local:554/live?token=x' },
      'user:admin',
    );
    const empty = await buildEventReport(store, 'empty', { nowMs: T0 });
    expect(empty.range).toBeNull();
    expect(empty.alerts).toEqual([]);
    expect(empty.streams[0]).toMatchObject({
      sourceKind: 'rtsp',
      sourceLocation: 'rtsp://cam.local:554/live',
      zones: [],
    });
    const html = renderReportHtml(empty, 'en');
    expect(html).toContain(REPORT_STRINGS.en.noReadings);
    expect(html).not.toContain('secret');
    expect(html).not.toContain('<svg');
  });
});

describe('buildEventReport (a long event: two flights 40 min apart)', () => {
  it('charts per minute, times each peak to the second from the 1 s readings of its minute, and shows the gap', async () => {
    const long = SqliteStore.open({ path: join(dir, 'long.db') });
    try {
      await recordDemoEvent(long, { startMs: T0, seconds: 45 });
      await recordDemoEvent(long, { startMs: T0 + 40 * 60_000, seconds: 90, existing: true });
      const built = await buildEventReport(long, 'match', { nowMs: T0 + 7_200_000 });
      expect(built.timelineResolution).toBe('1m');
      const query = { streamId: 'drone1', zoneId: 'approach', fromMs: 0, toMs: T0 + 7_200_000, limit: 10_000 };
      const minutes = await long.listReadings({ ...query, resolution: '1m' });
      const perSecond = await long.listReadings({ ...query, resolution: '1s' });
      const zone = built.streams[0]!.zones.find((z) => z.id === 'approach')!;
      expect(zone.timeline.map((p) => p.atMs)).toEqual(minutes.map((b) => b.bucketStartMs));
      const maxCount = Math.max(...perSecond.map((b) => b.countMax));
      // The minutes' maximum is the seconds' maximum; its time comes from the first second that reached it.
      expect(zone.peakCount).toEqual({
        value: Math.max(...minutes.map((b) => b.countMax)),
        atMs: perSecond.find((b) => b.countMax === maxCount)!.bucketStartMs,
        resolution: '1s',
      });
      expect(zone.peakCount!.value).toBe(maxCount);
      expect(zone.peakCount!.atMs).toBeGreaterThan(T0 + 40 * 60_000);
      const [gap] = built.streams[0]!.readingGaps;
      expect(gap).toEqual({ fromMs: T0 + 60_000, toMs: T0 + 40 * 60_000 });
      const html = renderReportHtml(built, 'fr');
      expect(html).toContain('(à la seconde)');
      expect(html).toContain('Trous dans les mesures (≥ 1 min)');
    } finally {
      await long.close();
    }
  }, 60_000);
});

describe('renderReportHtml', () => {
  it('is one self-contained page in each language (Arabic right-to-left) with no external reference', () => {
    for (const lang of REPORT_LANGS) {
      const html = renderReportHtml(report, lang);
      expect(html.startsWith('<!doctype html>')).toBe(true);
      expect(html).toContain(`<html lang="${lang}" dir="${lang === 'ar' ? 'rtl' : 'ltr'}">`);
      expect(html).toMatch(/Content-Security-Policy" content="default-src 'none'/);
      const external = html.match(EXTERNAL);
      // In-page anchors (#summary) are the only references allowed.
      expect(external?.[0] ?? null, lang).toBeNull();
      expect(html).not.toMatch(/<script|<link|<img|<iframe/i);
      expect(html).toContain(REPORT_STRINGS[lang].title);
      expect(html).toContain(REPORT_STRINGS[lang].alerts);
      expect(html).toContain(REPORT_STRINGS[lang].history_acknowledged);
    }
  });

  it('shows the figures and the alert workflow, with operators’ notes escaped', () => {
    const html = renderReportHtml(report, 'en');
    const approach = report.streams[0]!.zones.find((z) => z.id === 'approach')!;
    expect(html).toContain(`<strong>${approach.peakCount!.value}</strong>`);
    expect(html).toContain(new Date(approach.peakCount!.atMs).toISOString().slice(11, 19));
    expect(html).toContain('user:alice');
    expect(html).toContain('user:carol');
    expect(html).toContain('assigned to <bdi>bob</bdi>');
    expect(html).toContain('stewards &#60;b&#62;sent&#60;/b&#62; to the gate');
    expect(html).not.toContain('<b>sent');
    expect(html).toContain('raqib-density 9');
    expect(html).toContain('no frame for 5 s');
    // Charts and heatmaps are inline SVG.
    expect(html.match(/<svg /g)!.length).toBeGreaterThanOrEqual(3);
    expect(html).toContain('break-before: page');
  });

  it('leaves no English text of the report in the Arabic and French pages', () => {
    for (const lang of ['ar', 'fr'] as const) {
      const text = renderReportHtml(report, lang)
        .replace(/<style>[\s\S]*?<\/style>/, '')
        // Identifiers (incident ids name the severity in English) are shown as stored.
        .replace(/<bdi class="id">[^<]*<\/bdi>/g, '')
        .replace(/<[^>]+>/g, ' ');
      const english = Object.entries(REPORT_STRINGS.en)
        .map(([key, value]) => ({ key, value: value.split('{')[0]!.trim() }))
        // Short words (units, ids) and texts the language shares with English are not evidence.
        .filter(
          ({ key, value }) =>
            value.length >= 8 && REPORT_STRINGS[lang][key as 'title'] !== REPORT_STRINGS.en[key as 'title'],
        );
      expect(english.length).toBeGreaterThan(40);
      for (const { key, value } of english) expect(text, `${lang}: ${key}`).not.toContain(value);
    }
  });

  it('has every key of the report in French and Arabic, translated', () => {
    const keys = Object.keys(REPORT_STRINGS.en);
    for (const lang of ['fr', 'ar'] as const) {
      expect(Object.keys(REPORT_STRINGS[lang]).sort()).toEqual([...keys].sort());
      for (const key of keys) expect(REPORT_STRINGS[lang][key as 'title'], `${lang}.${key}`).not.toBe('');
    }
    const arabic = Object.values(REPORT_STRINGS.ar).filter((text) => /[\u0600-\u06ff]/.test(text)).length;
    expect(arabic / keys.length).toBeGreaterThan(0.9);
  });
});

const needsChromium = process.env.CI === 'true';
describe('printHtmlToPdf', () => {
  it('prints the report to a multi-page PDF with Debian’s Chromium', async (context) => {
    if (!(await chromiumAvailable())) {
      // CI installs Chromium (scripts/install-system-deps.sh): there its absence is a failure.
      expect(needsChromium, 'Chromium must be installed in CI (/usr/bin/chromium)').toBe(false);
      context.skip();
    }
    const pdf = await printHtmlToPdf(renderReportHtml(report, 'ar'));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page\b/g)?.length ?? 0;
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(pdf.length).toBeGreaterThan(20_000);
  }, 90_000);
});
