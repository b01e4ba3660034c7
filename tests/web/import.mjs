// The import panel as a lead uses it: pick the xlsx, see the preview (rows to add,
// refused with the reason, needing a position), confirm, see the new sites on the
// map, then place the row without a position with a click on the map.
import { BASE, ARTIFACTS, launch, check, mapReady, idle } from './lib.mjs';

const USER = process.env.GP_USER || 'lead';
const PASSWORD = process.env.GP_PASSWORD || 'password';
const LIST = process.env.GP_LIST;

const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  await page.goto(BASE);
  await mapReady(page);
  await page.click('#sign-in-open');
  await page.fill('#sign-in-form input[name=name]', USER);
  await page.fill('#sign-in-form input[name=password]', PASSWORD);
  await page.click('#sign-in-form button[type=submit]');
  await page.waitForSelector('body.signed-in');
  await page.waitForFunction(() => (window.gp.counts.institutions || 0) > 0);
  const before = await page.evaluate(() => window.gp.counts.institutions);

  await page.click('[data-panel=import]');
  check((await page.textContent('[data-panel=import]')) === '导入', 'the import tab reads 导入');
  await page.setInputFiles('#import-file', LIST);
  await page.click('#import-preview-button');
  await page.waitForSelector('#import-counts');
  const counts = await page.textContent('#import-counts');
  check(counts.includes('新增 3') && counts.includes('拒绝 1') && counts.includes('待定位 1'), `the preview counts rows (${counts})`);
  check((await page.locator('tr[data-result=added]').count()) === 3, 'three rows to add in the table');
  const refused = await page.textContent('tr[data-result=refused]');
  check(refused.includes('证照情况') && refused.includes('row 6'), `the refused row says why and where (${refused})`);
  check((await page.textContent('#import-preview')).includes('按地址定位：学生活动中心'), 'a row placed by its address says by what');
  check(await page.evaluate(() => window.gp.counts.institutions) === before, 'nothing written before 确认导入');
  await page.screenshot({ path: `${ARTIFACTS}/import-preview.png` });

  check((await page.textContent('#import-confirm')) === '确认导入', 'the confirm button reads 确认导入');
  await page.click('#import-confirm');
  await page.waitForFunction((n) => window.gp.counts.institutions === n + 3, before);
  check(true, 'the three sites are on the map after 确认导入');
  await page.waitForSelector('#import-pending li[data-pending]');
  check((await page.textContent('#import-pending')).includes('火星培训'), 'the row without a position is listed');

  await page.click('#import-pending button[data-action=place]');
  const box = await page.locator('#map canvas').boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForFunction((n) => window.gp.counts.institutions === n + 4, before);
  await page.waitForFunction(() => !document.querySelector('#import-pending li[data-pending]'));
  check(true, 'a click on the map places it as a site');
  await idle(page);
  await page.screenshot({ path: `${ARTIFACTS}/import-placed.png` });
  check(problems.length === 0, `no page errors (${problems.join('; ')})`);
  console.log('import: all steps passed');
} finally {
  await browser.close();
}
