/**
 * The dashboard screenshots of the README and docs/dashboard.md, taken in Debian's Chromium against
 * a real `raqib serve --demo` after it has run long enough for readings and alerts to exist (WAIT_S,
 * default 75 s: the demo's first alerts come at ~40 s, `pressure` critical at ~70 s). The demo drone
 * is placed on the map with pushed telemetry, a site plan is uploaded as its base map, and a geo zone
 * is added over the crowd's approach. Run: `npm run build && npm run screenshots -w @raqib/web`.
 * Writes docs/img/dashboard-{live-en,live-ar,map,zones,report}.png.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { approachGeoZone, PLAN_CORNERS, pushDemoTelemetry, sitePlanPng } from '../src/e2e/demo-site.js';
import { apiSession, CHROMIUM, startDemoServer } from '../src/e2e/serve-demo.js';

const OUT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../docs/img');
const waitS = Number(process.env.WAIT_S ?? 75);
const log = (line: string) => process.stderr.write(`screenshots: ${line}\n`);

mkdirSync(OUT, { recursive: true });
const server = await startDemoServer();
const call = await apiSession(server);
const stopTelemetry = pushDemoTelemetry(call);
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--mute-audio', '--enable-unsafe-swiftshader', '--hide-scrollbars'],
});
try {
  // The site: a geo zone next to the demo's image zones, and the site plan as the event's base map.
  const zones = await call<{ document: { features: unknown[] } }>('GET', '/streams/demo-drone/zones');
  await call('PUT', '/streams/demo-drone/zones', {
    type: 'FeatureCollection',
    features: [...zones.document.features, approachGeoZone()],
  });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
  await page.goto(`${server.url}/live?lang=en`);
  await page.fill('input[name=username]', server.username);
  await page.fill('input[name=password]', server.password);
  await page.click('button[type=submit]');
  await page.getByTestId('live-count').waitFor();
  const upload = await page.evaluate(
    async ({ bytes, corners }) => {
      const response = await fetch(`/api/v1/events/demo/basemap?corners=${corners.flat().join(',')}`, {
        method: 'PUT',
        headers: { 'content-type': 'image/png', 'x-csrf-token': sessionStorage.getItem('raqib.csrf') ?? '' },
        body: new Uint8Array(bytes),
      });
      return response.status;
    },
    { bytes: [...(await sitePlanPng())], corners: PLAN_CORNERS },
  );
  if (upload !== 200) throw new Error(`base map upload answered ${upload}`);

  log(`waiting ${waitS} s for readings and alerts`);
  await page.waitForTimeout(waitS * 1000);

  const shot = async (target: Page, name: string) => {
    await target.screenshot({ path: join(OUT, `dashboard-${name}.png`) });
    log(`wrote docs/img/dashboard-${name}.png`);
  };
  await page.goto(`${server.url}/live?lang=en`);
  await page.getByTestId('live-count').waitFor();
  await page.waitForTimeout(4000);
  await shot(page, 'live-en');
  await page.goto(`${server.url}/live?lang=ar`);
  await page.getByTestId('live-count').waitFor();
  await page.waitForTimeout(4000);
  await shot(page, 'live-ar');

  await page.goto(`${server.url}/map?lang=en`);
  const map = page.getByTestId('map');
  await map.waitFor();
  await page.waitForFunction(
    () =>
      /plaza-geo:[A-F]/.test(document.querySelector('[data-testid=map]')?.getAttribute('data-rendered-zones') ?? ''),
    null,
    {
      timeout: 30_000,
    },
  );
  await page.locator('[data-testid=map-zone][data-zone=plaza-geo]').click();
  await page.getByTestId('zone-series').waitFor({ timeout: 15_000 });
  await page.waitForTimeout(1500);
  await shot(page, 'map');

  await page.goto(`${server.url}/zones?lang=en`);
  await page.waitForFunction(
    () => document.querySelector('[data-testid=frame-surface]')?.getAttribute('data-has-still') === 'true',
    null,
    {
      timeout: 20_000,
    },
  );
  await page.getByTestId('zone-item').first().click();
  await shot(page, 'zones');

  await page.goto(`${server.url}/api/v1/events/demo/report?lang=en`);
  await page.waitForLoadState('load');
  await shot(page, 'report');
} finally {
  stopTelemetry();
  await browser.close();
  await server.stop();
}
