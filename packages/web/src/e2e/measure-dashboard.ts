/**
 * Measures the dashboard against a real `raqib serve --demo` in Debian's Chromium (the figures in
 * docs/dashboard.md): JS/CSS size (gzip) of the built app, time to interactive of the sign-in page
 * and of the live view, glass-to-glass delay of the live picture on loopback, and the browser's
 * main-thread CPU while the live view runs with DRONES drones on screen (default 4: the demo drone
 * and DRONES-1 RTMP push streams fed by ffmpeg with a looped still picture, PICTURE or a test
 * pattern, analysed by the density model like any drone). Run: `npm run build && npm run bench:dashboard`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { apiSession, CHROMIUM, DASHBOARD_INDEX, startDemoServer } from './serve-demo.js';

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
};

const assets = join(dirname(DASHBOARD_INDEX), 'assets');
const index = readFileSync(DASHBOARD_INDEX, 'utf8');
let initialJs = 0;
let allJs = 0;
let css = 0;
for (const file of readdirSync(assets)) {
  const gz = gzipSync(readFileSync(join(assets, file)), { level: 9 }).length;
  if (file.endsWith('.js')) {
    allJs += gz;
    // Loaded by the page itself (script or modulepreload), as opposed to on first visit of a page.
    if (index.includes(file)) initialJs += gz;
  } else if (file.endsWith('.css')) css += gz;
}
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

const measureS = Number(process.env.MEASURE_S ?? 20);
const drones = Number(process.env.DRONES ?? 4);
const server = await startDemoServer();
const pushers: ChildProcess[] = [];
if (drones > 1) {
  if (!server.rtmpBase) throw new Error('the RTMP ingest did not start (nginx): cannot add drones');
  const api = await apiSession(server);
  const picture = process.env.PICTURE;
  for (let i = 1; i < drones; i++) {
    const id = `drone-${i}`;
    await api('POST', '/streams', { id, eventId: 'demo', name: `Drone ${i}` });
    const { publishKey } = await api<{ publishKey: string }>('POST', `/streams/${id}/publish-key`);
    const input =
      picture && existsSync(picture)
        ? ['-re', '-loop', '1', '-framerate', '10', '-i', picture, '-vf', 'scale=960:540']
        : ['-re', '-f', 'lavfi', '-i', 'testsrc2=size=960x540:rate=10'];
    const ffmpeg = spawn(
      'ffmpeg',
      [
        '-loglevel',
        'error',
        ...input,
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-tune',
        'zerolatency',
        '-pix_fmt',
        'yuv420p',
        '-g',
        '10',
        '-f',
        'flv',
        `${server.rtmpBase}${publishKey}`,
      ],
      { stdio: 'ignore' },
    );
    pushers.push(ffmpeg);
  }
}
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--mute-audio'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const start = Date.now();
  await page.goto(`${server.url}/live`);
  await page.locator('input[name=username]').waitFor();
  const loginReadyMs = await page.evaluate(() => performance.now());
  const loginWallMs = Date.now() - start;
  await page.fill('input[name=username]', server.username);
  await page.fill('input[name=password]', server.password);
  const clickedAt = await page.evaluate(() => performance.now());
  await page.click('button[type=submit]');
  await page.waitForFunction(() => document.querySelector('[data-testid=picture]')?.getAttribute('data-seq'));
  const liveReadyMs = (await page.evaluate(() => performance.now())) - clickedAt;
  // Every drone's tile shows a picture before measuring (push streams start at their first publish).
  await page
    .waitForFunction((n) => document.querySelectorAll('.drone-tile img').length >= n, drones, {
      timeout: 120_000,
      polling: 500,
    })
    .catch(async () => {
      await page.reload();
      await page.waitForFunction((n) => document.querySelectorAll('.drone-tile img').length >= n, drones, {
        timeout: 60_000,
        polling: 500,
      });
    });

  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const metric = async (name: string) =>
    ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === name)?.value ?? 0) as number;
  await page.evaluate(() => {
    (window as unknown as { raqibMetrics: { glassToGlassMs: number[] } }).raqibMetrics.glassToGlassMs.length = 0;
  });
  const busy0 = await metric('TaskDuration');
  const wall0 = Date.now();
  await page.waitForTimeout(measureS * 1000);
  const busyS = (await metric('TaskDuration')) - busy0;
  const wallS = (Date.now() - wall0) / 1000;
  const samples = await page.evaluate(
    () => (window as unknown as { raqibMetrics: { glassToGlassMs: number[] } }).raqibMetrics.glassToGlassMs,
  );
  const tiles = await page.locator('.drone-tile img').count();
  // A video drone large: its picture leaves after its analysis, so its delay includes inference.
  let videoGlassToGlassMs: { p50: number; p95: number; pictures: number } | undefined;
  if (drones > 1) {
    await page.locator('.drone-tile button:not([data-testid="tile-demo-drone"])').first().click();
    await page.waitForTimeout(2000);
    await page.evaluate(() => {
      (window as unknown as { raqibMetrics: { glassToGlassMs: number[] } }).raqibMetrics.glassToGlassMs.length = 0;
    });
    await page.waitForTimeout(measureS * 1000);
    const video = await page.evaluate(
      () => (window as unknown as { raqibMetrics: { glassToGlassMs: number[] } }).raqibMetrics.glassToGlassMs,
    );
    videoGlassToGlassMs = { p50: quantile(video, 0.5), p95: quantile(video, 0.95), pictures: video.length };
  }
  process.stdout.write(
    JSON.stringify(
      {
        bundleGzip: { initialJs: kb(initialJs), allJs: kb(allJs), css: kb(css) },
        signInInteractiveMs: Math.round(loginReadyMs),
        signInWallMs: loginWallMs,
        liveFirstPictureAfterSignInMs: Math.round(liveReadyMs),
        glassToGlassMs: { p50: quantile(samples, 0.5), p95: quantile(samples, 0.95), pictures: samples.length },
        rendererMainThreadBusy: `${((100 * busyS) / wallS).toFixed(1)} % over ${wallS.toFixed(0)} s`,
        dronesOnScreen: tiles,
        videoDroneLargeGlassToGlassMs: videoGlassToGlassMs,
      },
      null,
      2,
    ) + '\n',
  );
} finally {
  for (const pusher of pushers) pusher.kill('SIGTERM');
  await browser.close();
  await server.stop();
}
