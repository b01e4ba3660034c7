// An office's own tile server under the township's layers (`serve --tile-url`), as
// a person would see it: first while that server is down (the page must still load
// and work), then up, serving vector tiles in the OpenMapTiles schema with CORS (as
// tileserver-gl and martin do). The tiles come from GP_TILE_DIR ({z}/{x}/{y}.pbf),
// served here on GP_TILE_PORT, the port gridpatrol was told.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import { BASE, ARTIFACTS, launch, check, mapReady, idle, rendered } from './lib.mjs';

const DIR = process.env.GP_TILE_DIR;
const PORT = Number(process.env.GP_TILE_PORT);

function officeTileServer() {
  return createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    try {
      const body = await readFile(join(DIR, path));
      res.writeHead(200, { 'content-type': 'application/x-protobuf', 'access-control-allow-origin': '*' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'access-control-allow-origin': '*' });
      res.end();
    }
  });
}

const browser = await launch();
let office = null;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const r = await page.request.post(`${BASE}/api/login`, { data: { name: process.env.GP_USER, password: process.env.GP_PASSWORD } });
  check(r.ok(), 'signed in');

  // The office's server is down: its tiles fail, the township's own map and the
  // panels still come up.
  await page.goto(BASE);
  await mapReady(page);
  await page.waitForFunction(() => window.gp.pageReady === true);
  const failed = await page.evaluate((port) => window.gp.errors.filter((e) => e.includes(`:${port}/`)).length, PORT);
  check(failed > 0, `the office's tiles failed while it was down (${failed} errors)`);
  check((await rendered(page, 'base-street-minor')).length > 0, 'the township\'s own streets are drawn anyway');
  check((await rendered(page, 'cells-fill')).length > 0 && (await page.$$('#coverage-table tbody tr')).length > 0, 'cells on the map and the coverage table filled anyway');

  // The office's server is up: its streets and buildings are drawn under the township's.
  office = officeTileServer();
  await new Promise((resolve) => office.listen(PORT, '127.0.0.1', resolve));
  await page.goto(BASE);
  await mapReady(page);
  await page.uncheck('input[data-layer=base]');
  await idle(page);
  const roads = (await rendered(page, 'tiles-road-minor')).length + (await rendered(page, 'tiles-road-major')).length;
  const buildings = (await rendered(page, 'tiles-building')).length;
  check(roads > 0 && buildings > 0, `the office's vector tiles are drawn (${roads} road and ${buildings} building features)`);
  await page.screenshot({ path: `${ARTIFACTS}/09-office-vector-tiles.png` });
  await page.check('input[data-layer=base]');
  console.log('office tiles: all steps passed');
} finally {
  await browser.close();
  if (office) office.close();
}
