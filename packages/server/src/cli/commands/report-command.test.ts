import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable } from '../../report/print-pdf.js';
import { recordDemoEvent } from '../../report/testing/record-demo-event.js';
import { SqliteStore } from '../../storage/sqlite/sqlite-store.js';
import { main } from '../main.js';

const dir = mkdtempSync(join(tmpdir(), 'raqib-report-cli-'));
const data = join(dir, 'data');
const T0 = Date.UTC(2026, 5, 1, 18);
let peakCount = 0;

async function raqib(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const code = await main(argv, { stdout, stderr });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

beforeAll(async () => {
  mkdirSync(data);
  const store = SqliteStore.open({ path: join(data, 'raqib.db') });
  await recordDemoEvent(store, { startMs: T0, seconds: 60 });
  const [alert] = await store.listAlerts({ state: 'all', limit: 1 });
  await store.applyAlertAction(alert!.id, { kind: 'acknowledge', note: 'on it' }, 'user:nadia');
  await store.createEvent({ id: 'rehearsal', name: 'Rehearsal' }, 'user:admin');
  const seconds = await store.listReadings({
    streamId: 'drone1',
    zoneId: 'approach',
    resolution: '1s',
    fromMs: 0,
    toMs: T0 + 3_600_000,
    limit: 1000,
  });
  peakCount = Math.max(...seconds.map((b) => b.countMax));
  await store.close();
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('raqib report', () => {
  it('writes report.html for an event, in the language asked', async () => {
    const out = join(dir, 'out-ar');
    const result = await raqib('report', '--event', 'match', '--out', out, '--data', data, '--lang', 'ar');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^wrote .*report\.html \(1 streams, 3 zones, \d+ alerts, 1s timelines\)\n$/);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<html lang="ar" dir="rtl">');
    expect(html).toContain(`<strong>${peakCount}</strong>`);
    expect(html).toContain('user:nadia');
  });

  it('reads the data folder from --config', async () => {
    const config = join(dir, 'raqib.yaml');
    writeFileSync(config, `storage:\n  dataDir: ${JSON.stringify(data)}\n`);
    const out = join(dir, 'out-config');
    const result = await raqib('report', '--event', 'match', '--out', out, '--config', config, '--lang', 'fr');
    expect(result.code).toBe(0);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<html lang="fr" dir="ltr">');
  });

  it('names the known events for an unknown one, and reports an event without readings', async () => {
    const unknown = await raqib('report', '--event', 'final', '--out', join(dir, 'x'), '--data', data);
    expect(unknown).toMatchObject({
      code: 1,
      stderr: "raqib report: error NOT_FOUND: event 'final' does not exist; known events: match, rehearsal\n",
    });
    const empty = await raqib('report', '--event', 'rehearsal', '--out', join(dir, 'empty'), '--data', data);
    expect(empty.code).toBe(0);
    expect(empty.stderr).toBe(
      "raqib report: warning: event 'rehearsal' has no stored readings; the report says so and lists its streams and alerts\n",
    );
    expect(readFileSync(join(dir, 'empty', 'report.html'), 'utf8')).toContain('No readings were stored for this event');
  });

  it('refuses missing options, a wrong language, a missing database and an --out that is a file', async () => {
    expect(await raqib('report', '--out', dir, '--data', data)).toMatchObject({
      code: 2,
      stderr: 'raqib report: error USAGE: raqib report: --event is required (the id of an event)\n',
    });
    expect((await raqib('report', '--event', 'match', '--out', dir, '--lang', 'de')).code).toBe(2);
    const missing = await raqib('report', '--event', 'match', '--out', join(dir, 'o'), '--data', join(dir, 'nope'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/INPUT_NOT_FOUND: .*nope.*raqib\.db: no Raqib database there/);
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const onFile = await raqib('report', '--event', 'match', '--out', join(file, 'sub'), '--data', data);
    expect(onFile).toMatchObject({ code: 1 });
    expect(onFile.stderr).toMatch(
      /OUTPUT_INVALID: --out .*a-file.sub: cannot make the folder \(it is a file, or lies under a file\)/,
    );
  });

  it('prints report.pdf with --pdf when Chromium is installed', async (context) => {
    if (!(await chromiumAvailable())) {
      expect(process.env.CI, 'Chromium must be installed in CI').not.toBe('true');
      context.skip();
    }
    const out = join(dir, 'out-pdf');
    const result = await raqib('report', '--event', 'match', '--out', out, '--data', data, '--pdf');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`wrote ${join(out, 'report.pdf')}`);
    const pdf = readFileSync(join(out, 'report.pdf'));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  }, 90_000);

  it('keeps report.html and exits 4 when the PDF cannot be printed', async () => {
    const out = join(dir, 'out-nochrome');
    process.env.RAQIB_CHROMIUM = join(dir, 'no-chromium-here');
    try {
      const result = await raqib('report', '--event', 'match', '--out', out, '--data', data, '--pdf');
      expect(result.code).toBe(4);
      expect(result.stderr).toMatch(/^raqib report: error: .*report\.pdf: .*no-chromium-here: Chromium not found/);
      expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<!doctype html>');
    } finally {
      delete process.env.RAQIB_CHROMIUM;
    }
  });
});
