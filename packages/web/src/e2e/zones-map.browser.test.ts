import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approachGeoZone, DEMO_SITE, PLAN_CORNERS, pushDemoTelemetry, sitePlanPng } from './demo-site.js';
import { singleTilePmtiles } from './single-tile-pmtiles.js';
import { apiSession, CHROMIUM, startDemoServer, type DemoServer } from './serve-demo.js';

const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser && process.env.CI) throw new Error(`${CHROMIUM} missing: run scripts/install-system-deps.sh`);

type Call = Awaited<ReturnType<typeof apiSession>>;

/** Text in Latin letters outside data marked translate="no": the same scan as dashboard.browser.test.ts. */
const untranslated = (page: Page) =>
  page.evaluate(() => {
    const skip = (el: Element | null) => el?.closest('[translate="no"], [lang]:not([lang="ar"]), script, style');
    const found: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent?.trim() ?? '';
      if (/[A-Za-z]/.test(text) && !skip(node.parentElement)) found.push(text);
    }
    for (const el of document.body.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
      for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
        const value = el.getAttribute(name) ?? '';
        if (/[A-Za-z]/.test(value) && !skip(el)) found.push(`${name}=${value}`);
      }
    }
    return found;
  });
interface StoredZones {
  document: { features: { properties: Record<string, unknown>; geometry: { type: string; coordinates: unknown } }[] };
}

/**
 * The zones editor and the map in Chromium against a real `raqib serve --demo`: a zone drawn on the
 * drone's frame (mouse and keyboard) is saved and gets readings; the server's validation message is
 * shown as the API gives it; the map shows an uploaded PNG site plan, the drone, and a geo zone
 * shaded by its density level.
 */
describe.skipIf(!haveBrowser)('zones editor and map in Chromium against raqib serve --demo', () => {
  let server: DemoServer;
  let browser: Browser;
  let page: Page;
  let call: Call;
  let stopTelemetry = () => {};
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startDemoServer();
    call = await apiSession(server);
    stopTelemetry = pushDemoTelemetry(call);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--mute-audio', '--enable-unsafe-swiftshader'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, locale: 'en-US' });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${server.url}/zones`);
    await page.fill('input[name=username]', server.username);
    await page.fill('input[name=password]', server.password);
    await page.click('button[type=submit]');
  });

  afterAll(async () => {
    stopTelemetry();
    await browser?.close();
    await server?.stop();
  });

  it('draws an area on the frame, saves it, and its readings appear', async () => {
    const surface = page.getByTestId('frame-surface');
    await expect.poll(() => surface.getAttribute('data-has-still'), { timeout: 20_000 }).toBe('true');
    await page.getByTestId('draw-area').click();
    // Three corners by mouse, the fourth by keyboard (the cross starts at the centre), Enter closes.
    const box = (await surface.boundingBox())!;
    for (const [x, y] of [
      [0.4, 0.3],
      [0.7, 0.3],
      [0.7, 0.7],
    ] as const) {
      await page.mouse.click(box.x + x * box.width, box.y + y * box.height);
    }
    await surface.focus();
    for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowLeft'); // 0.5 -> 0.4
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowDown'); // 0.5 -> 0.54
    await page.keyboard.press('Shift+ArrowDown'); // -> 0.59
    await page.keyboard.press('Shift+ArrowDown'); // -> 0.64
    await page.keyboard.press('Shift+ArrowDown'); // -> 0.69
    await page.keyboard.press('Space');
    await page.keyboard.press('Enter');

    const properties = page.getByTestId('zone-properties');
    await properties.locator('input[name=zone-id]').fill('e2e-area');
    await properties.locator('select[name=zone-kind]').selectOption('queue');
    await properties.locator('input[name=zone-capacity]').fill('-5');
    await page.getByTestId('save-zones').click();
    // The server's message, word for word as the API gives it for the same file.
    const shown = (await page.getByTestId('zones-message').textContent()) ?? '';
    const stored = await call<StoredZones>('GET', '/streams/demo-drone/zones');
    const attempt = {
      type: 'FeatureCollection',
      features: [
        ...stored.document.features,
        {
          type: 'Feature',
          properties: { id: 'e2e-area', kind: 'queue', capacity: -5 },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [0.4, 0.3],
                [0.7, 0.3],
                [0.7, 0.7],
                [0.4, 0.69],
                [0.4, 0.3],
              ],
            ],
          },
        },
      ],
    };
    const refused = await call('PUT', '/streams/demo-drone/zones', attempt).then(
      () => '',
      (error: Error) => error.message,
    );
    const apiMessage = (JSON.parse(refused.replace(/^PUT \S+: 400 /, '')) as { error: { message: string } }).error
      .message;
    expect(shown).toBe(apiMessage);
    expect(shown).toMatch(/capacity/);

    await properties.locator('input[name=zone-capacity]').fill('50');
    await properties.locator('input[name=zone-capacity]').press('Tab');
    await page.getByTestId('save-zones').click();
    await expect.poll(() => page.getByTestId('zones-message').textContent()).toMatch(/^Zones saved/);

    const saved = await call<StoredZones>('GET', '/streams/demo-drone/zones');
    const zone = saved.document.features.find((f) => f.properties['id'] === 'e2e-area');
    expect(zone?.properties).toEqual({ id: 'e2e-area', kind: 'queue', capacity: 50 });
    const ring = (zone?.geometry.coordinates as number[][][])[0]!;
    expect(ring).toHaveLength(5);
    expect(ring[0]).toEqual(ring[4]);
    expect(ring[0]![0]).toBeCloseTo(0.4, 2);
    expect(ring[3]![0]).toBeCloseTo(0.4, 5);
    expect(ring[3]![1]).toBeCloseTo(0.69, 5);

    // The stream restarts with the new zone within 2 s; its 1 s readings follow.
    await expect
      .poll(
        async () =>
          (
            await call<{ buckets: { countMean: number }[] }>(
              'GET',
              '/streams/demo-drone/readings?zone=e2e-area&resolution=1s',
            )
          ).buckets.length,
        { timeout: 20_000, interval: 1000 },
      )
      .toBeGreaterThan(0);
  });

  it('edits a rule threshold with the default shown; the server refuses a wrong one in its own words', async () => {
    const input = page.locator(
      '[data-testid=rules-editor] tr[data-rule=density] input[data-path="density.warning.raise"]',
    );
    await page.locator('[data-testid=rules-editor] select').first().selectOption('e2e-area');
    // A queue's default (Still's standing ladder) is the placeholder.
    expect(await input.getAttribute('placeholder')).toBe('3.5');
    await input.fill('high');
    await input.press('Tab');
    await page.getByTestId('save-rules').click();
    const shown = (await page.getByTestId('rules-message').textContent()) ?? '';
    expect(shown).toMatch(/zones\.e2e-area\.density\.warning\.raise/);
    await input.fill('4');
    await input.press('Tab');
    await page.getByTestId('save-rules').click();
    await expect.poll(() => page.getByTestId('rules-message').textContent()).toBe('Rules saved.');
    const rules = await call<{ document: { zones: Record<string, unknown> } }>('GET', '/streams/demo-drone/rules');
    expect(rules.document.zones['e2e-area']).toEqual({ density: { warning: { raise: 4 } } });
  });

  it('shows the map with an uploaded PNG site plan, the drone and a geo zone shaded by its level', async () => {
    const stored = await call<StoredZones>('GET', '/streams/demo-drone/zones');
    await call('PUT', '/streams/demo-drone/zones', {
      type: 'FeatureCollection',
      features: [...stored.document.features, approachGeoZone()],
    });
    await page.goto(`${server.url}/map`);
    // Uploaded through the map page's form, as an operator would.
    const form = page.getByTestId('basemap-form');
    await form.locator('input[type=file]').setInputFiles({
      name: 'site-plan.png',
      mimeType: 'image/png',
      buffer: await sitePlanPng(),
    });
    const corners = ['topLeft', 'topRight', 'bottomRight', 'bottomLeft'];
    for (const [i, corner] of corners.entries()) {
      await form.locator(`input[name=${corner}-lng]`).fill(String(PLAN_CORNERS[i]![0]));
      await form.locator(`input[name=${corner}-lat]`).fill(String(PLAN_CORNERS[i]![1]));
    }
    await form.locator('button[type=submit]').click();
    await expect.poll(() => page.getByTestId('basemap-message').textContent()).toBe('Base map saved.');
    const basemap = await call<{ kind: string; corners: number[][] }>('GET', '/events/demo/basemap');
    expect(basemap.kind).toBe('image');
    expect(basemap.corners).toEqual(PLAN_CORNERS);

    const map = page.getByTestId('map');
    await expect.poll(() => map.getAttribute('data-basemap'), { timeout: 10_000 }).toBe('image');
    await expect.poll(() => map.getAttribute('data-basemap-loaded'), { timeout: 15_000 }).toBe('true');
    // Read back from the renderer: the geo zone is drawn with a Fruin level (not the grey "no data").
    await expect
      .poll(() => map.getAttribute('data-rendered-zones'), { timeout: 20_000, interval: 500 })
      .toMatch(/plaza-geo:[A-F]/);
    await page.getByTestId('drone-marker').first().waitFor({ timeout: 10_000 });
    // Scale bar and coordinates (of the centre, or under the pointer) in the interface's language.
    expect(await page.getByTestId('map-scale').textContent()).toMatch(/^\d+ k?m$/);
    expect(await page.getByTestId('map-coords').textContent()).toMatch(/^21\.41\d*° N, 39\.89\d*° E$/);
    await page.locator('[data-testid=map-zone][data-zone=plaza-geo]').click();
    await expect
      .poll(async () => Number(await page.getByTestId('zone-series').getAttribute('data-points')), { timeout: 15_000 })
      .toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
  });

  it('shows a raster PMTiles base map read by byte ranges through the API', async () => {
    const magenta = await sharp({ create: { width: 256, height: 256, channels: 3, background: '#ff00ff' } })
      .png()
      .toBuffer();
    const lngs = PLAN_CORNERS.map((c) => c[0]);
    const lats = PLAN_CORNERS.map((c) => c[1]);
    const archive = singleTilePmtiles(magenta, [
      Math.min(...lngs),
      Math.min(...lats),
      Math.max(...lngs),
      Math.max(...lats),
    ]);
    const status = await page.evaluate(
      async (bytes) => {
        const response = await fetch('/api/v1/events/demo/basemap', {
          method: 'PUT',
          headers: {
            'content-type': 'application/vnd.pmtiles',
            'x-csrf-token': sessionStorage.getItem('raqib.csrf') ?? '',
          },
          body: new Uint8Array(bytes),
        });
        return response.status;
      },
      [...archive],
    );
    expect(status).toBe(200);
    await page.goto(`${server.url}/map`);
    const map = page.getByTestId('map');
    await expect.poll(() => map.getAttribute('data-basemap'), { timeout: 10_000 }).toBe('pmtiles');
    await expect.poll(() => map.getAttribute('data-basemap-loaded'), { timeout: 15_000 }).toBe('true');
    // The tile is drawn: a point of the map away from zones, markers and controls is magenta.
    const shot = await map.screenshot();
    const { data, info } = await sharp(shot).raw().toBuffer({ resolveWithObject: true });
    const at = (Math.floor(info.height * 0.85) * info.width + Math.floor(info.width * 0.1)) * info.channels;
    expect([data[at], data[at + 1], data[at + 2]]).toEqual([255, 0, 255]);
  });

  it('draws a counting line on the map (geo space) and saves it in longitude/latitude', async () => {
    await page.goto(`${server.url}/zones`);
    await page.getByTestId('space-geo').click();
    const map = page.getByTestId('map');
    await expect.poll(() => map.getAttribute('data-ready'), { timeout: 15_000 }).toBe('true');
    await page.getByTestId('draw-line').click();
    const box = (await map.boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.45, box.y + box.height * 0.5);
    await page.mouse.click(box.x + box.width * 0.55, box.y + box.height * 0.5);
    await page.keyboard.press('Enter');
    await page.getByTestId('zone-properties').locator('input[name=zone-length]').fill('4.5');
    await page.getByTestId('zone-properties').locator('input[name=zone-length]').press('Tab');
    await page.getByTestId('save-zones').click();
    await expect.poll(() => page.getByTestId('zones-message').textContent()).toMatch(/^Zones saved/);
    const saved = await call<StoredZones>('GET', '/streams/demo-drone/zones');
    const line = saved.document.features.find((f) => f.properties['id'] === 'line-1');
    expect(line?.properties).toEqual({ id: 'line-1', kind: 'gate', space: 'geo', lengthM: 4.5 });
    const [a, b] = line!.geometry.coordinates as [number, number][];
    // West to east across the plan's middle (the plan spans 60 m around the drone).
    expect(a![0]).toBeLessThan(b![0]);
    for (const [lng, lat] of [a!, b!]) {
      expect(Math.abs(lng - DEMO_SITE.lng)).toBeLessThan(0.0004);
      expect(Math.abs(lat - DEMO_SITE.lat)).toBeLessThan(0.0003);
    }
    expect(pageErrors).toEqual([]);
  });

  it('offers an operator the zones but not the rules, and a viewer neither', async () => {
    for (const role of ['operator', 'viewer'] as const) {
      await call('POST', '/users', { username: role, role, password: `${role} test passphrase` });
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'en-US' });
      try {
        const other = await context.newPage();
        await other.goto(`${server.url}/zones`);
        await other.fill('input[name=username]', role);
        await other.fill('input[name=password]', `${role} test passphrase`);
        await other.click('button[type=submit]');
        await other.getByTestId('zone-item').first().waitFor({ timeout: 15_000 });
        const count = (testId: string) => other.getByTestId(testId).count();
        expect([role, await count('draw-area'), await count('save-zones'), await count('rules-editor')]).toEqual(
          role === 'operator' ? [role, 1, 1, 0] : [role, 0, 0, 0],
        );
        await other.goto(`${server.url}/map`);
        // Once the events are listed, the form is there or not.
        await other.locator('select option[value=demo]').waitFor({ state: 'attached' });
        await other.getByTestId('fruin-legend').waitFor();
        if (role === 'operator') await other.getByTestId('basemap-form').waitFor({ timeout: 5_000 });
        else expect(await other.getByTestId('basemap-form').count()).toBe(0);
      } finally {
        await context.close();
      }
    }
  });

  it('in Arabic: the map and the editor (rules included) have no untranslated text', async () => {
    await page.goto(`${server.url}/map?lang=ar`);
    await expect.poll(() => page.getByTestId('map').getAttribute('data-ready'), { timeout: 15_000 }).toBe('true');
    await page.locator('[data-testid=map-zone][data-zone=plaza-geo]').click();
    await page.getByTestId('zone-series').waitFor({ timeout: 15_000 });
    expect(await untranslated(page), 'untranslated on /map').toEqual([]);
    await page.goto(`${server.url}/zones?lang=ar`);
    await page.getByTestId('rules-editor').waitFor();
    await page.getByTestId('zone-item').first().click();
    await page.getByTestId('draw-area').click();
    expect(await untranslated(page), 'untranslated on /zones').toEqual([]);
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    expect(pageErrors).toEqual([]);
  });
});
