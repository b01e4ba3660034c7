// The page loads cleanly: every module under web/js is served from the binary with a
// JavaScript type under the page's Content-Security-Policy, and the page comes up
// signed in with no console error, page error or failed request. Then the same load
// with one module answered by a 404 must be caught: so a module the binary lacks
// (or a wrong import path) fails this test instead of leaving a blank page.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { relative, join } from 'node:path';
import { BASE, launch, check, idle } from './lib.mjs';

const WEB_JS = fileURLToPath(new URL('../../web/js/', import.meta.url));

/** Every module on disk, as the page's URLs name them. */
function modulesOnDisk(dir = WEB_JS) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? modulesOnDisk(join(dir, e.name)) : e.name.endsWith('.js') ? [`/static/js/${relative(WEB_JS, join(dir, e.name))}`] : []);
}

/**
 * Opens the page and collects what went wrong; `brokenModule` (a path under js/) is
 * answered by the server's 404 instead.
 */
async function load(context, brokenModule) {
  const page = await context.newPage();
  const problems = [];
  const modules = new Map();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure() && r.failure().errorText})`));
  page.on('response', (r) => {
    const url = new URL(r.url());
    if (url.origin !== new URL(BASE).origin) return;
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${url.pathname}`);
    if (url.pathname.startsWith('/static/js/')) modules.set(url.pathname, r.headers()['content-type']);
  });
  if (brokenModule) {
    await page.route(`${BASE}/static/js/${brokenModule}`, (route) => route.continue({ url: `${BASE}/static/js/no-such-module.js` }));
  }
  const response = await page.goto(BASE);
  const deadline = Date.now() + 30000;
  let ready = false;
  while (Date.now() < deadline && !ready && problems.length === 0) {
    ready = await page.evaluate(() => window.gp !== undefined && window.gp.pageReady === true);
    if (!ready) await page.waitForTimeout(100);
  }
  if (ready) {
    // Late work (labels, the site tiles) has its chance to fail too.
    await page.evaluate(() => window.gp.labelsReady);
    await idle(page);
  }
  return { page, problems, modules, ready, csp: response.headers()['content-security-policy'] || '' };
}

const browser = await launch();
try {
  // The page's service worker would answer the module requests itself, out of reach of
  // page.route (the broken-module check below); this test is about the modules alone.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', serviceWorkers: 'block' });
  const r = await context.request.post(`${BASE}/api/login`, { data: { name: process.env.GP_USER, password: process.env.GP_PASSWORD } });
  check(r.ok(), 'signed in');

  const clean = await load(context);
  check(clean.csp.includes("script-src 'self'"), `the page is served under its Content-Security-Policy (${clean.csp.split(';')[1]})`);
  check(clean.ready, 'the page comes up (window.gp.pageReady)');
  check(clean.problems.length === 0, `no console error, page error or failed request${clean.problems.length ? ': ' + clean.problems.join(' | ') : ''}`);
  const onDisk = modulesOnDisk().sort();
  const loaded = [...clean.modules.keys()].sort();
  check(JSON.stringify(loaded) === JSON.stringify(onDisk), `every module under web/js is embedded and loaded (${loaded.length}): ${onDisk.filter((m) => !loaded.includes(m)).join(' ') || 'none missing'}`);
  const preloaded = (await clean.page.$$eval('link[rel=modulepreload]', (links) => links.map((l) => new URL(l.href).pathname))).sort();
  check(JSON.stringify(preloaded) === JSON.stringify(onDisk), `index.html preloads every module, and only those (${preloaded.length})`);
  const types = [...new Set(clean.modules.values())];
  check(types.length === 1 && types[0] === 'text/javascript', `modules are served as JavaScript (${types.join(', ')})`);
  check((await clean.page.textContent('[data-panel=layers]')) === '图层', 'the page reads in Chinese');
  await clean.page.close();

  // A module the server does not have: the check above must notice.
  const broken = await load(context, 'panels/draw.js');
  check(!broken.ready, 'with a module missing, the page does not come up');
  check(broken.problems.some((p) => p.includes('404')), `and the missing module is reported (${broken.problems.join(' | ')})`);
  await broken.page.close();
  console.log('page load: all steps passed');
} finally {
  await browser.close();
}
