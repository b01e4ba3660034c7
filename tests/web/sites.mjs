// The lead's site desk in the real page: add a site by clicking the map, drag it to
// another cell (confirmed), edit its name, close it (关停, with a reason), open its
// 一家一册 and print it; the white/black list rings are on the map. Each step is checked
// through the API as well as on the page. Screenshots go to test-artifacts/.
import { BASE, ARTIFACTS, launch, check, mapReady, idle, rendered, showTownship } from './lib.mjs';

const USER = process.env.GP_USER;
const PASSWORD = process.env.GP_PASSWORD;

/** The site as the server has it now. */
async function stored(page, id) {
  return page.evaluate(async (siteId) => (await fetch(`/api/sites/${encodeURIComponent(siteId)}`)).json(), id);
}

/** Opens the edit form of site `id` from its popup's 编辑 button (a click on its dot). */
async function editSiteOf(page, id) {
  const { site } = await stored(page, id);
  await page.evaluate(([lon, lat]) => window.gp.map.jumpTo({ center: [lon, lat], zoom: 17 }), [site.lon, site.lat]);
  await page.waitForFunction((siteId) => window.gp.rendered('institutions').some((p) => p.id === siteId), id);
  const at = await pixel(page, site.lon, site.lat);
  await page.mouse.click(at.x, at.y);
  await page.click('.maplibregl-popup [data-action=edit-site]');
  await page.waitForFunction((siteId) => document.getElementById('site-edit-title').textContent.includes(`（${siteId}）`), id);
  check(true, `the popup's 编辑 opens ${id} in the site desk`);
  await page.click('.maplibregl-popup-close-button');
}

/** The page pixel of a WGS-84 point on the map. */
async function pixel(page, lon, lat) {
  return page.evaluate(([x, y]) => {
    const p = window.gp.map.project([x, y]);
    const r = window.gp.map.getCanvas().getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  }, [lon, lat]);
}

/** Asks `read` again until `done` says yes (10 s at most); gives the last answer. */
async function until(read, done) {
  const end = Date.now() + 10000;
  let value = await read();
  while (!done(value) && Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  const dialogs = [];
  page.on('dialog', async (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    await (d.type() === 'prompt' ? d.accept('已停业') : d.accept());
  });

  await page.goto(BASE);
  await mapReady(page);
  await page.click('#sign-in-open');
  await page.fill('#sign-in-form input[name=name]', USER);
  await page.fill('#sign-in-form input[name=password]', PASSWORD);
  await page.click('#sign-in-form button[type=submit]');
  await page.waitForSelector('body.signed-in');
  await page.waitForFunction(() => (window.gp.counts.institutions || 0) > 0);
  await idle(page);

  // The lists as layers, with their toggles.
  check(await page.isVisible('input[data-layer=whitelist]') && await page.isVisible('input[data-layer=blacklist]'), 'the layers panel toggles the white and black lists');
  check((await rendered(page, 'blacklist')).length > 0, `black-listed sites ringed on the map (${(await rendered(page, 'blacklist')).length})`);

  // Add: pick the place on the map, name it, save.
  await page.click('.tabs [data-panel=sites]');
  check(await page.isVisible('#panel-sites'), 'the 机构 tab opens the site desk');
  await page.click('#site-pick');
  const clicked = { lon: 116.3528, lat: 39.9566 };
  const at = await pixel(page, clicked.lon, clicked.lat);
  await page.mouse.click(at.x, at.y);
  const coordinates = await page.inputValue('#site-add-form input[name=coordinates]');
  const [lon, lat] = coordinates.split(',').map(Number);
  check(Math.abs(lon - clicked.lon) < 1e-4 && Math.abs(lat - clicked.lat) < 1e-4, `the click fills the coordinates (${coordinates})`);
  check(await page.isVisible('.drag-marker'), 'a marker shows the picked place');
  check((await page.locator('.maplibregl-popup').count()) === 0, 'the click that places a site opens no popup');
  await page.fill('#site-add-form input[name=name]', '点选托管班');
  await page.selectOption('#site-add-form select[name=kind]', 'care');
  await page.fill('#site-add-form input[name=address]', '西土城路 1 号');
  await page.click('#site-add-form button[type=submit]');
  await page.waitForSelector('#site-edit-form:not([hidden])');
  const title = await page.textContent('#site-edit-title');
  const id = /（(.+)）/.exec(title)[1];
  let d = await stored(page, id);
  check(d.site.name === '点选托管班' && d.site.cell_id === 'G1' && Math.abs(d.site.lon - lon) < 1e-6, `site ${id} added where clicked, in cell G1`);
  await page.waitForFunction((siteId) => (window.gp.data.institutions.features || []).some((f) => f.properties.id === siteId), id);
  check(true, 'the new site is on the site layer');
  await page.screenshot({ path: `${ARTIFACTS}/sites-01-added.png` });

  // Add another by pasting 高德 (GCJ-02) coordinates: stored in WGS-84.
  await page.fill('#site-add-form input[name=coordinates]', process.env.GP_PASTE_GCJ02);
  await page.selectOption('#site-add-form select[name=crs]', 'gcj02');
  await page.fill('#site-add-form input[name=name]', '粘贴坐标培训部');
  await page.click('#site-add-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('site-edit-title').textContent.includes('粘贴坐标培训部'));
  const pastedId = /（(.+)）/.exec(await page.textContent('#site-edit-title'))[1];
  const pasted = (await stored(page, pastedId)).site;
  const [wlon, wlat] = process.env.GP_PASTE_WGS84.split(',').map(Number);
  check(Math.abs(pasted.lon - wlon) < 1e-6 && Math.abs(pasted.lat - wlat) < 1e-6, `pasted GCJ-02 ${process.env.GP_PASTE_GCJ02} stored as WGS-84 ${pasted.lon.toFixed(6)}, ${pasted.lat.toFixed(6)}`);
  await editSiteOf(page, id);

  // Drag it to the north-east cell; the page asks first.
  await page.click('#site-move');
  await page.waitForSelector('.drag-marker');
  // The whole township in view, so the drop place is on the screen.
  await showTownship(page);
  const box = await page.locator('.drag-marker').boundingBox();
  const from = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  const target = await page.evaluate(() => window.gp.map.project([116.3625, 39.9635]));
  const canvas = await page.evaluate(() => { const r = window.gp.map.getCanvas().getBoundingClientRect(); return { x: r.left, y: r.top }; });
  const site = await pixel(page, d.site.lon, d.site.lat);
  const dx = canvas.x + target.x - site.x, dy = canvas.y + target.y - site.y;
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + dx / 2, from.y + dy / 2, { steps: 5 });
  await page.mouse.move(from.x + dx, from.y + dy, { steps: 5 });
  await page.mouse.up();
  d = await until(() => stored(page, id), (x) => x.site.cell_id === 'G4');
  check(dialogs.some((m) => m.startsWith('confirm') && m.includes('点选托管班')), `the move is confirmed first (${dialogs.join(' | ')})`);
  check(Math.abs(d.site.lon - 116.3625) < 3e-4 && Math.abs(d.site.lat - 39.9635) < 3e-4, `dragged to ${d.site.lon.toFixed(5)}, ${d.site.lat.toFixed(5)}, in cell G4`);

  // Edit its name.
  await page.fill('#site-edit-form input[name=name]', '点选托管');
  await page.click('#site-edit-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('status').textContent.includes('已保存'));
  d = await stored(page, id);
  check(d.site.name === '点选托管', 'the edited name is stored');

  // Close it, with a reason.
  await page.click('#site-close');
  await page.waitForFunction(() => document.getElementById('site-close').textContent === '恢复');
  d = await stored(page, id);
  check(d.site.closed && d.history.some((h) => h.field === 'reason' && h.after === '已停业'), 'closed (关停) with its reason');

  // The dossier: fields, history, lists, printable.
  await page.click('#site-dossier');
  await page.waitForSelector('#sheet:not([hidden]) .dossier-title');
  check((await page.textContent('.dossier-title')).includes('点选托管'), 'the 一家一册 opens');
  check(page.url().endsWith(`#/site/${id}`), `its address is #/site/${id}`);
  const actions = await page.$$eval('#sheet table.history tr[data-action]', (rows) => [...new Set(rows.map((r) => r.dataset.action))]);
  check(['add', 'move', 'edit', 'close'].every((a) => actions.includes(a)), `the history shows ${actions.join(', ')}`);
  check((await page.textContent('#sheet .lists')).includes('黑名单'), 'the lists it is on (黑名单: closed)');
  check(await page.isVisible('#sheet [data-slot=tipoffs]'), 'a place for its tip-offs');
  await page.screenshot({ path: `${ARTIFACTS}/sites-02-dossier.png`, fullPage: true });
  await page.emulateMedia({ media: 'print' });
  check(await page.isVisible('#sheet .dossier-title') && !(await page.isVisible('#panel-sites')) && !(await page.isVisible('#dossier-print')), 'printed, only the dossier shows');
  await page.pdf({ path: `${ARTIFACTS}/sites-dossier.pdf`, format: 'A4' });
  await page.emulateMedia({ media: 'screen' });

  // Opened again from its address.
  await page.reload();
  await page.waitForSelector('#sheet:not([hidden]) .dossier-title', { timeout: 30000 });
  check((await page.textContent('.dossier-title')).includes(id), 'the dossier reopens from its address');

  check(problems.length === 0, `no page errors (${problems.join('; ')})`);
  console.log('sites: all steps passed');
} finally {
  await browser.close();
}
