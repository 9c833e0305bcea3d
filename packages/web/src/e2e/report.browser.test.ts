import { existsSync } from 'node:fs';
import { chromium, type Browser, type FrameLocator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiSession, CHROMIUM, startDemoServer, type DemoServer } from './serve-demo.js';

// Debian's Chromium (scripts/install-system-deps.sh); CI must have it, a developer without it skips.
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser && process.env.CI) throw new Error(`${CHROMIUM} missing: run scripts/install-system-deps.sh`);

/** The peak counts of the report's summary table (4th column, the bold value above its time). */
const peakCounts = (report: FrameLocator) =>
  report
    .locator('table.summary tbody tr td:nth-child(4) strong')
    .allTextContents()
    .then((texts) => texts.map((text) => Number(text.replace(/[^\d.]/g, ''))));

/**
 * The report page in a real browser against a real `raqib serve --demo`: the server's report shown
 * in the page's frame (zone table with a peak count from stored readings), its PDF through the
 * page's own session, and the page and the framed report in Arabic, right to left.
 */
describe.skipIf(!haveBrowser)('report page in Chromium against raqib serve --demo', () => {
  let server: DemoServer;
  let browser: Browser;
  let page: Page;
  let api: Awaited<ReturnType<typeof apiSession>>;
  let eventName: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startDemoServer();
    api = await apiSession(server);
    eventName = (await api<{ id: string; name: string }[]>('GET', '/events'))[0]!.name;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, locale: 'en-US' });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows the event report in the page, with the zone table and a peak count', async () => {
    // A report of something: the report spans the stored minute buckets (a minute is stored when it
    // ends), so wait for the demo drone's first minute with people in it: up to a minute after start.
    await expect
      .poll(
        async () =>
          (
            await api<{ buckets: { countMax: number }[] }>('GET', '/streams/demo-drone/readings?resolution=1m')
          ).buckets.filter((bucket) => bucket.countMax > 0).length,
        { timeout: 90_000, interval: 1_000 },
      )
      .toBeGreaterThan(0);
    await page.goto(`${server.url}/report`);
    await page.fill('input[name=username]', server.username);
    await page.fill('input[name=password]', server.password);
    await page.click('button[type=submit]');
    const frame = page.getByTestId('report-frame');
    await frame.waitFor({ timeout: 20_000 });
    // The only event is chosen, and the report is in the interface's language.
    expect(await page.getByTestId('report-language').inputValue()).toBe('en');
    const src = (await frame.getAttribute('src'))!;
    expect(src).toMatch(/^\/api\/v1\/events\/[^/]+\/report\?lang=en$/);
    const report = page.frameLocator('[data-testid=report-frame]');
    await report.locator('table.summary').waitFor({ timeout: 20_000 });
    expect(await report.locator('h1').textContent()).toBe('Post-event report');
    expect(await report.locator('.event-name').textContent()).toContain(eventName);
    expect(Math.max(...(await peakCounts(report)))).toBeGreaterThan(0);
    expect(await report.locator('html').getAttribute('dir')).toBe('ltr');
    // Loaded: no "building" status nor error left on the page.
    await expect.poll(() => page.locator('.report-page [role=status], .report-page [role=alert]').count()).toBe(0);
    // "Open in a new tab" is the same report on its own.
    expect(await page.getByTestId('report-open').getAttribute('href')).toBe(src);
    expect(await page.getByTestId('report-open').getAttribute('target')).toBe('_blank');
  });

  it('the Print / PDF link gives a PDF of several pages, through the page session', async () => {
    const link = page.getByTestId('report-pdf');
    const href = (await link.getAttribute('href'))!;
    expect(href).toMatch(/[?&]format=pdf(&|$)/);
    expect(await link.getAttribute('download')).toMatch(/\.pdf$/);
    // Fetched from inside the page: its cookie, nothing else (an anonymous fetch is refused).
    const fetched = await page.evaluate(async (url) => {
      const response = await fetch(url, { credentials: 'same-origin' });
      const bytes = new Uint8Array(await response.arrayBuffer());
      let latin1 = '';
      for (const byte of bytes) latin1 += String.fromCharCode(byte);
      return { status: response.status, type: response.headers.get('content-type'), latin1 };
    }, href);
    expect(fetched.status).toBe(200);
    expect(fetched.type).toBe('application/pdf');
    expect(fetched.latin1.startsWith('%PDF-')).toBe(true);
    const pages = fetched.latin1.match(/\/Type\s*\/Page(?!s)/g) ?? [];
    console.log(`report PDF: ${pages.length} pages, ${fetched.latin1.length} bytes`);
    expect(pages.length).toBeGreaterThan(1);
    const anonymous = await fetch(`${server.url}${href}`);
    expect(anonymous.status).toBe(401);
  });

  it('in Arabic: the page is right to left and the framed report is in Arabic', async () => {
    await page.getByTestId('language').selectOption('ar');
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    // The report follows the interface's language (none was chosen on the page).
    expect(await page.getByTestId('report-language').inputValue()).toBe('ar');
    const frame = page.getByTestId('report-frame');
    await expect.poll(() => frame.getAttribute('src')).toMatch(/lang=ar/);
    const report = page.frameLocator('[data-testid=report-frame]');
    await expect.poll(() => report.locator('html').getAttribute('dir'), { timeout: 20_000 }).toBe('rtl');
    expect(await report.locator('html').getAttribute('lang')).toBe('ar');
    await report.locator('table.summary').waitFor();
    expect(await report.locator('h1').textContent()).toMatch(/^[\u0600-\u06ff\s]+$/);
    expect(Math.max(...(await peakCounts(report)))).toBeGreaterThan(0);
    expect(await page.getByTestId('report-pdf').getAttribute('href')).toMatch(/lang=ar/);
    // A report language chosen on the page wins over the interface's.
    await page.getByTestId('report-language').selectOption('fr');
    await expect.poll(() => report.locator('html').getAttribute('lang'), { timeout: 20_000 }).toBe('fr');
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    expect(pageErrors).toEqual([]);
  });
});
