// Shared by the browser scripts: start Debian's chromium through playwright-core
// (never a downloaded browser) and small helpers around the page's window.gp.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

export const BASE = process.env.GP_URL || 'http://127.0.0.1:8080';
export const ARTIFACTS = process.env.GP_ARTIFACTS || 'test-artifacts';
mkdirSync(ARTIFACTS, { recursive: true });

// playwright gives every launch a new empty profile (--user-data-dir) of its own.
export async function launch() {
  const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--use-angle=swiftshader', '--enable-unsafe-swiftshader'];
  return chromium.launch({ executablePath: process.env.GP_CHROMIUM || '/usr/bin/chromium', args, headless: true });
}

export function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
  console.log(`ok - ${message}`);
}

// Waits until the page's map has loaded its layers and rendered once.
export async function mapReady(page, timeout = 30000) {
  await page.waitForFunction(() => window.gp && window.gp.firstRenderMs !== null, null, { timeout });
}

// Waits for the map to be idle (all sources loaded, frame drawn).
export async function idle(page) {
  await page.evaluate(() => window.gp.idle());
}

// Features of a style layer as the map rendered them.
export async function rendered(page, layerId) {
  return page.evaluate((id) => window.gp.rendered(id), layerId);
}

// Clicks the first feature of a style layer where the map drew it.
// Clicks a rendered feature of `layerId` that nothing drawn above it covers (a click
// goes to the topmost feature, as a person's would).
export async function clickFeature(page, layerId) {
  const at = await page.evaluate((id) => {
    const map = window.gp.map;
    for (const f of map.queryRenderedFeatures({ layers: [id] })) {
      const p = map.project(f.geometry.coordinates);
      const top = map.queryRenderedFeatures(p, { layers: window.gp.clickable.filter((l) => map.getLayer(l)) })[0];
      if (!top || top.layer.id !== id) continue;
      const r = map.getCanvas().getBoundingClientRect();
      return { x: r.left + p.x, y: r.top + p.y };
    }
    return null;
  }, layerId);
  if (!at) throw new Error(`no feature of ${layerId} is uncovered on the map`);
  await page.mouse.click(at.x, at.y);
}

// Back to the whole township in view, drawn.
export async function showTownship(page) {
  await page.evaluate(() => window.gp.map.fitBounds(window.gp.mapBounds, { padding: 20, duration: 0 }));
  await idle(page);
}
