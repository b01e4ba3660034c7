// The 专项 panel as a lead uses it: a saved campaign's progress per 网格 cell (the
// visit the test recorded counted as done), then 重排剩余, which saves the re-planned
// campaign and shows its progress. The Rust test saves the campaign and records the
// visit first; GP_TODAY is that visit's day.
import { BASE, ARTIFACTS, launch, check, mapReady } from './lib.mjs';

const TODAY = process.env.GP_TODAY;
const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(BASE);
  await mapReady(page);
  await page.click('#sign-in-open');
  await page.fill('#sign-in-form input[name=name]', process.env.GP_USER);
  await page.fill('#sign-in-form input[name=password]', process.env.GP_PASSWORD);
  await page.click('#sign-in-form button[type=submit]');
  await page.waitForFunction(() => !document.getElementById('sign-out').hidden);

  await page.click('.tabs [data-panel=campaign]');
  check(await page.isVisible('#panel-campaign'), 'the 专项 tab opens its panel');
  await page.fill('#campaign-form input[name=today]', TODAY);
  await page.click('#campaign-form button[type=submit]');
  await page.waitForFunction(() => document.querySelectorAll('#campaign-cells tbody tr').length > 0);
  const summary = await page.textContent('#campaign-summary');
  check(summary.startsWith('专项 #1') && summary.includes('已完成 1 次'), `the summary counts the recorded visit (${summary})`);
  const inspected = await page.$$eval('#campaign-cells tbody tr', (rows) => rows.reduce((n, r) => n + Number(r.children[2].textContent), 0));
  check(inspected === 1, `one site inspected over the cells (${inspected})`);
  await page.screenshot({ path: `${ARTIFACTS}/campaign-progress.png` });

  await page.click('#campaign-replan');
  await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('已重排为专项 #2'), null, { timeout: 60000 });
  const said = await page.textContent('#status');
  check(said.includes('替代 #1') && said.includes('调整'), `重排剩余 says what moved (${said})`);
  await page.waitForFunction(() => document.getElementById('campaign-summary').textContent.startsWith('专项 #2'));
  check(await page.inputValue('#campaign-form input[name=campaign]') === '2', 'the form follows the new campaign');
  check(errors.length === 0, `no page errors (${errors.join('; ')})`);
  await page.screenshot({ path: `${ARTIFACTS}/campaign-replanned.png` });
  console.log('campaign: all steps passed');
} finally {
  await browser.close();
}
