// The field app on a phone (375 × 812, GPS set): an inspector signs in and loads the
// day; the network goes off; the page reloads from its service worker; two inspections
// are recorded, each with a camera photo; the page closes; a new one opens, the network
// returns, and the outbox sends everything. The server must then hold exactly two new
// inspections, with their positions and photos whose SHA-256 equals the hash of the
// shrunk bytes the page kept. Prints the figures the note needs.
import { createHash } from 'node:crypto';
import { request as apiRequest } from 'playwright-core';
import { BASE, ARTIFACTS, launch, check } from './lib.mjs';

const LEAD = process.env.GP_USER || 'lead';
const INSPECTOR = process.env.GP_INSPECTOR || 'li.a';
const PASSWORD = process.env.GP_PASSWORD || 'password';

/** `YYYY-MM-DD` today, local time (as the page and the server count days). */
function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The lead's API session: publishes today's plan, reads the ledger and the records. */
async function leadApi() {
  const api = await apiRequest.newContext({ baseURL: BASE });
  const login = await api.post('/api/login', { data: { name: LEAD, password: PASSWORD } });
  check(login.ok(), `the lead signs in through the API (${login.status()})`);
  return api;
}

/** Inspections in the ledger (one CSV row each, after the header). */
async function ledgerRows(api) {
  const r = await api.get('/api/export/ledger.csv');
  check(r.ok(), 'the ledger is readable');
  return (await r.text()).trim().split('\n').length - 1;
}

const lead = await leadApi();
const made = await lead.post('/api/plan', { data: { date: today(), shift: 'day', teams: ['A', 'B'], budget_min: null, seconds: 1 } });
check(made.ok(), `a plan for today is made (${made.status()})`);
const plan = (await made.json()).plan;
const published = await lead.post(`/api/plan/${plan.id}/publish`);
check(published.ok(), 'the plan is published');
const route = plan.teams.find((team) => team.team === 'A');
check(route && route.stops.length >= 2, `team A's route has stops (${route ? route.stops.length : 0})`);
const ledgerBefore = await ledgerRows(lead);
const manifest = await lead.get('/manifest.webmanifest');
check(manifest.headers()['content-type'] === 'application/manifest+json' && (await manifest.json()).icons.length > 0, `the app manifest is served, with icons (${manifest.status()} ${manifest.headers()['content-type']})`);
const sw = await lead.get('/sw.js');
check(sw.headers()['content-type'] === 'text/javascript' && sw.headers()['service-worker-allowed'] === '/', 'the service worker is served as JavaScript, allowed the whole page');
// The phone stands 50 m north of the first stop.
const here = { latitude: route.stops[0].lat + 0.00045, longitude: route.stops[0].lon, accuracy: 8 };

const browser = await launch();
try {
  const context = await browser.newContext({
    viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN',
    geolocation: here, permissions: ['geolocation'], serviceWorkers: 'allow',
  });
  const problems = [];
  const watch = (page) => {
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  };
  let page = await context.newPage();
  watch(page);

  // First load, online, as the phone would open it.
  let t0 = Date.now();
  await page.goto(BASE);
  await page.waitForFunction(() => window.gp && window.gp.pageReady === true, null, { timeout: 60000 });
  const firstLoadMs = Date.now() - t0;
  await page.click('#sign-in-open');
  await page.fill('#sign-in-form input[name=name]', INSPECTOR);
  await page.fill('#sign-in-form input[name=password]', PASSWORD);
  await page.click('#sign-in-form button[type=submit]');
  await page.waitForSelector('body.signed-in');
  await page.waitForSelector('#panel-day:not([hidden]) #day-stops li.stop');
  const stops = await page.$$eval('#day-stops li.stop', (lis) => lis.map((li) => li.dataset.site));
  check(stops.join(',') === route.stops.map((s) => s.site_id).join(','), `今日任务 lists team A's published route in order (${stops.length} stops)`);
  await page.waitForFunction(() => !document.querySelector('#day-stops li.stop .away').textContent.includes('—'));
  const away = await page.textContent('#day-stops li.stop .away');
  check(/^(4\d|5\d) m$/.test(away.trim()), `the first stop is about 50 m from the phone (${away.trim()})`);
  check((await page.textContent('#net-state')) === '在线', 'the header says 在线');
  // The worker controls the page and has kept the day's data.
  await page.waitForFunction(async () => {
    const data = await caches.open('gp-data-v1');
    return !!navigator.serviceWorker.controller && !!(await data.match('/api/plan')) && !!(await data.match('/api/rules')) && !!(await data.match('/api/layers/institutions'));
  }, null, { timeout: 30000 });
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).scope);
  check(scope === `${new URL(BASE).origin}/`, `the service worker controls the whole page (${scope})`);
  const cachedBytes = await page.evaluate(() => window.gp.field.cachedBytes());
  const cachedTiles = await page.evaluate(async () => (await (await caches.open('gp-data-v1')).keys()).filter((r) => new URL(r.url).pathname.startsWith('/api/tiles/')).length);
  await page.screenshot({ path: `${ARTIFACTS}/field-01-day.png` });

  // Two camera photos: 4000 × 3000 JPEGs, made by the browser itself.
  const photos = [];
  for (const i of [0, 1]) {
    photos.push(Buffer.from(await page.evaluate(async (n) => {
      const c = document.createElement('canvas');
      c.width = 4000; c.height = 3000;
      const g = c.getContext('2d');
      const grad = g.createLinearGradient(0, 0, 4000, 3000);
      grad.addColorStop(0, n ? '#2e7d32' : '#1565c0'); grad.addColorStop(1, '#ffb300');
      g.fillStyle = grad; g.fillRect(0, 0, 4000, 3000);
      for (let k = 0; k < 400; k++) { g.fillStyle = `hsl(${(k * 7 + n * 90) % 360},60%,50%)`; g.fillRect((k * 97) % 4000, (k * 61) % 3000, 120, 80); }
      g.fillStyle = '#fff'; g.font = '300px sans-serif'; g.fillText(`营业执照 ${n + 1}`, 800, 1600);
      const blob = await new Promise((r) => c.toBlob(r, 'image/jpeg', 0.92));
      return [...new Uint8Array(await blob.arrayBuffer())];
    }, i)));
  }
  const photo = photos[0];

  // Offline: the page reloads from the service worker.
  await context.setOffline(true);
  t0 = Date.now();
  const reloaded = await page.reload();
  await page.waitForFunction(() => window.gp && window.gp.pageReady === true, null, { timeout: 60000 });
  await page.waitForSelector('#day-stops li.stop');
  const offlineReloadMs = Date.now() - t0;
  check(reloaded.fromServiceWorker(), 'offline, the page itself comes from the service worker');
  check((await page.textContent('#net-state')) === '离线', 'the header says 离线');
  check((await page.$$('#day-stops li.stop')).length === stops.length, 'offline, the day is still there');

  // Two inspections, a photo each, saved while offline.
  for (const [i, site] of stops.slice(0, 2).entries()) {
    if (!(await page.isVisible('#panel-day'))) await page.click('#menu-toggle');
    await page.click(`#day-stops li.stop[data-site="${site}"] button.arrive`);
    await page.click(`#day-stops li.stop[data-site="${site}"] button.record`);
    await page.waitForSelector('#field-form:not([hidden])');
    const outcomes = await page.$$eval('#field-outcome option', (os) => os.map((o) => o.value));
    check(outcomes.includes('rectify') && outcomes.includes('close'), `the outcomes come from the rules (${outcomes.join(' ')})`);
    await page.selectOption('#field-outcome', i === 0 ? 'rectify' : 'compliant');
    if (i === 0) {
      check((await page.inputValue('#field-form input[name=rectify_by]')) > today(), 'the 整改 deadline is prefilled after today');
      const box = page.locator('#field-findings input[type=checkbox]').first();
      if (await box.count()) await box.check();
    }
    await page.fill('#field-officers', `${INSPECTOR}，赵六`);
    await page.fill('#field-form input[name=representative]', '王店长');
    await page.setInputFiles('#field-photo-input', { name: `photo-${i}.jpg`, mimeType: 'image/jpeg', buffer: photos[i] });
    await page.waitForSelector('#field-photos li');
    await page.locator('#field-signature').scrollIntoViewIfNeeded();
    const pad = await page.locator('#field-signature').boundingBox();
    await page.mouse.move(pad.x + 20, pad.y + 30);
    await page.mouse.down();
    await page.mouse.move(pad.x + 120, pad.y + 80, { steps: 5 });
    await page.mouse.move(pad.x + 220, pad.y + 30, { steps: 5 });
    await page.mouse.up();
    await page.click('#field-form button[type=submit]');
    await page.waitForFunction((n) => document.querySelectorAll('#outbox-list li[data-state=pending]').length === n, i + 1);
    await page.click(`#day-stops li.stop[data-site="${site}"] button.finish`);
  }
  check((await page.textContent('#net-waiting')).includes('待上传 2'), 'the header says 待上传 2');
  // A business nobody knew of (摸排), proposed where the phone stands, with a photo.
  await page.click('#propose summary');
  await page.fill('#propose-form input[name=name]', '阳光托管（新发现）');
  await page.fill('#propose-form input[name=address]', '西土城路88号');
  await page.selectOption('#propose-form select[name=kind]', 'care');
  await page.setInputFiles('#propose-photo-input', { name: 'sign.jpg', mimeType: 'image/jpeg', buffer: photos[1] });
  await page.click('#propose-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('net').dataset.waiting === '3');
  check(true, 'the 摸排 proposal waits too (待上传 3)');
  await page.screenshot({ path: `${ARTIFACTS}/field-02-offline-two-kept.png` });

  // What the page kept: every photo's bytes hash to the name it was kept under.
  const kept = await page.evaluate(async () => {
    const box = await window.gp.field.outbox();
    const out = [];
    for (const e of await box.list()) {
      if (e.kind !== 'inspection') continue;
      for (const p of e.photos) out.push({ entry: e.id, site: e.body.site_id, sha256: p.sha256, bytes: [...new Uint8Array(await (await box.store.getPhoto(p.sha256)).arrayBuffer())] });
    }
    return out;
  });
  check(kept.length === 2 && kept[0].sha256 !== kept[1].sha256, 'two photos are kept in the outbox');
  for (const k of kept) {
    const bytes = Buffer.from(k.bytes);
    check(createHash('sha256').update(bytes).digest('hex') === k.sha256, `the kept photo of ${k.site} hashes to its name (${bytes.length} bytes)`);
    check(bytes[0] === 0xff && bytes[1] === 0xd8, 'the kept photo is a JPEG');
  }
  const size = await page.evaluate(async (sha) => {
    const blob = await (await window.gp.field.outbox()).store.getPhoto(sha);
    const bitmap = await createImageBitmap(blob);
    return { width: bitmap.width, height: bitmap.height };
  }, kept[0].sha256);
  check(Math.max(size.width, size.height) === 1600, `the 4000 × 3000 photo is shrunk to ${size.width} × ${size.height}`);

  // The page closes; a new one opens, still offline: nothing is lost.
  await page.close();
  page = await context.newPage();
  watch(page);
  await page.goto(BASE);
  await page.waitForFunction(() => window.gp && window.gp.pageReady === true, null, { timeout: 60000 });
  await page.waitForFunction(() => document.getElementById('net').dataset.waiting === '3');
  check(true, 'a new page, offline, still holds the two records and the proposal');

  // The network returns: the outbox empties.
  t0 = Date.now();
  await context.setOffline(false);
  try {
    await page.waitForFunction(() => document.getElementById('net').dataset.waiting === '0' && document.querySelectorAll('#outbox-list li[data-state=done]').length === 3, null, { timeout: 60000 });
  } catch (e) {
    const state = await page.evaluate(async () => (await (await window.gp.field.outbox()).list()).map((x) => ({ state: x.state, error: x.error, serverId: x.serverId, photos: x.photos })));
    throw new Error(`the outbox did not empty: ${JSON.stringify(state)}\n${e}`);
  }
  const syncMs = Date.now() - t0;
  check((await page.textContent('#net-state')) === '在线', 'the header says 在线 again');
  const ids = await page.evaluate(async () => (await (await window.gp.field.outbox()).list()).filter((e) => e.kind === 'inspection').map((e) => ({ id: e.serverId, site: e.body.site_id, position: e.body.position })));
  check(ids.length === 2, 'two inspections were acknowledged');
  await page.screenshot({ path: `${ARTIFACTS}/field-03-synced.png` });

  // The server holds exactly two new inspections, with their photos and positions.
  check((await ledgerRows(lead)) - ledgerBefore === 2, 'the ledger has exactly two more inspections');
  for (const { id, site, position } of ids) {
    const r = await lead.get(`/api/inspections/${id}`);
    check(r.ok(), `inspection ${id} is readable`);
    const body = await r.json();
    const record = body.inspection || body;
    check(record.site_id === site, `inspection ${id} is of ${site}`);
    check(record.position && Math.abs(record.position.lat - here.latitude) < 1e-6 && Math.abs(record.position.lon - here.longitude) < 1e-6 && record.position.accuracy_m === position.accuracy_m,
      `inspection ${id} keeps the phone's position`);
    check((record.officers || []).length === 2, `inspection ${id} names two officers`);
    check(typeof record.signature === 'string' && record.signature.startsWith('data:image/png;base64,'), `inspection ${id} keeps the drawn signature`);
    const sha = kept.find((k) => k.site === site).sha256;
    check(record.photos.length === 1 && record.photos[0].sha256 === sha, `inspection ${id} holds its photo, hash equal to the kept bytes'`);
    const bytes = await (await lead.get(record.photos[0].url)).body();
    check(createHash('sha256').update(bytes).digest('hex') === sha, `the photo served back hashes to ${sha.slice(0, 12)}…`);
  }

  const proposals = (await (await lead.get('/api/sites/proposals')).json()).proposals.filter((p) => p.name === '阳光托管（新发现）');
  check(proposals.length === 1 && Math.abs(proposals[0].lat - here.latitude) < 1e-6 && proposals[0].kind === 'care' && proposals[0].photos.length === 1,
    'the lead sees the one proposal, where the phone stood, with its photo');

  // The first site's 一家一册 lists the new record and the 整改 it opened.
  if (!(await page.isVisible('#panel-day'))) await page.click('#menu-toggle');
  await page.click(`#day-stops li.stop[data-site="${stops[0]}"] button.dossier`);
  await page.waitForSelector('#sheet:not([hidden]) table.dossier');
  check((await page.$$('#sheet table.dossier tr[data-id]')).length === 1 && (await page.textContent('#sheet')).includes('待整改'),
    'the site\'s dossier (一家一册) lists the record and its open 整改');
  await page.click('#sheet button:has-text("关闭")');

  // The printed 现场检查记录 of the first one.
  await page.click('#outbox-list li[data-state=done] button.print-record');
  await page.waitForSelector('#sheet:not([hidden]) table.record');
  await page.waitForFunction(() => [...document.querySelectorAll('#sheet .record-photos img')].every((i) => i.complete && i.naturalWidth > 0));
  const sheet = await page.textContent('#sheet');
  check(sheet.includes('现场检查记录') && sheet.includes('赵六') && sheet.includes('王店长') && sheet.includes('西土城路'), 'the record sheet shows the site address, the officers and the representative');
  check((await page.$$('#sheet .record-photos img')).length === 1, 'the record sheet shows the photo');
  check(await page.$eval('#sheet img.signature-print', (i) => i.complete && i.naturalWidth > 0), 'the record sheet shows the signature');
  await page.emulateMedia({ media: 'print' });
  await page.screenshot({ path: `${ARTIFACTS}/field-04-record-sheet.png`, fullPage: true });
  await page.emulateMedia({ media: 'screen' });

  check(problems.length === 0, `no page errors (${problems.join('; ')})`);
  console.log(`figure: cached by the service worker: ${(cachedBytes / 1024).toFixed(0)} KiB (site tiles among them: ${cachedTiles})`);
  console.log(`figure: first load (375x812, to pageReady): ${firstLoadMs} ms`);
  console.log(`figure: offline reload (to the day listed): ${offlineReloadMs} ms`);
  console.log(`figure: photo 4000x3000 JPEG ${(photo.length / 1024).toFixed(0)} KiB shrunk to ${size.width}x${size.height}, ${(kept[0].bytes.length / 1024).toFixed(0)} KiB`);
  console.log(`figure: reconnect to synced (2 inspections and a proposal, 3 photos): ${syncMs} ms`);
  console.log('field: all steps passed');
} finally {
  await browser.close();
  await lead.dispose();
}
