// The lead's reports from the page, in headless chromium: sign in, fill the officer
// register in the 双随机 panel, draw from the registers, then download the draw's
// publishable result and every report of the export panel (周报告, 月通报, 台账, 白名单,
// 黑名单) as CSV and Excel. The files land in GP_DOWNLOADS for the Rust test to open
// with openpyxl.
import { copyFileSync, readFileSync } from 'node:fs';
import { BASE, launch, check, mapReady } from './lib.mjs';

const USER = process.env.GP_USER || 'lead';
const PASSWORD = process.env.GP_PASSWORD || 'password';
const DOWNLOADS = process.env.GP_DOWNLOADS || 'test-artifacts';
const DAY = process.env.GP_REPORT_DAY || '2025-03-12';

const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true, locale: 'zh-CN' });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(BASE);
  await mapReady(page);
  await page.click('#sign-in-open');
  await page.fill('#sign-in-form input[name=name]', USER);
  await page.fill('#sign-in-form input[name=password]', PASSWORD);
  await page.click('#sign-in-form button[type=submit]');
  await page.waitForSelector('body.signed-in');

  await page.click('[data-panel=draw]');
  await page.waitForSelector('#officer-register table.officers');
  for (const [name, department] of [['张伟', '市场监管'], ['李娜', '教育'], ['王强', '消防']]) {
    await page.fill('#officer-form input[name=name]', name);
    await page.fill('#officer-form input[name=department]', department);
    await page.click('#officer-form button[type=submit]');
    await page.waitForFunction((n) => document.querySelector('#officer-register')?.textContent?.includes(n), name);
  }
  check((await page.textContent('#officer-register')).includes('市场监管'), 'the officer register shows each officer\'s department');
  await page.fill('#conflict-form input[name=officer]', '李娜');
  await page.fill('#conflict-form input[name=site_id]', 'S001');
  await page.click('#conflict-form button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#officer-register')?.textContent?.includes('S001'));
  check((await page.textContent('#officer-register')).includes('S001'), 'a declared conflict is listed with its officer');
  await page.fill('#draw-form input[name=seed]', `${DAY} 公开种子`);
  await page.click('#draw-form button[type=submit]');
  await page.waitForSelector('#draw-result .publish-by');
  check((await page.textContent('#draw-result')).includes('公示截止'), 'the draw shows its publish-by date');
  await page.waitForSelector('#draw-log li[data-seq="1"]');
  const head = await page.textContent('#draw-log .draw-head');
  check(/^[0-9a-f]{64}$/.test(head || ''), `the draw log shows the chain head (${head})`);

  /** Clicks a link and keeps the download under `name`. @param {string} selector @param {string} name */
  const keep = async (selector, name) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
    const path = await download.path();
    copyFileSync(path, `${DOWNLOADS}/${name}`);
    return readFileSync(path);
  };
  for (const ext of ['csv', 'xlsx']) {
    const bytes = await keep(`#draw-log li[data-seq="1"] a[href="/api/export/draw-1.${ext}"]`, `draw-1.${ext}`);
    check(bytes.length > 0, `the draw's publishable result downloads as ${ext} (${bytes.length} bytes)`);
  }

  await page.click('[data-panel=export]');
  await page.fill('#report-date', DAY);
  await page.dispatchEvent('#report-date', 'change');
  for (const stem of ['weekly', 'monthly', 'whitelist', 'blacklist']) {
    for (const ext of ['csv', 'xlsx']) {
      const bytes = await keep(`a[data-report="${stem}.${ext}"]`, `${stem}.${ext}`);
      check(bytes.length > 0, `${stem}.${ext} downloads from the export panel (${bytes.length} bytes)`);
    }
  }
  // Chromium holds back a tab's downloads after ten; the ledger comes from a second tab.
  const second = await context.newPage();
  await second.goto(BASE);
  await second.waitForSelector('body.signed-in');
  await second.click('[data-panel=export]');
  for (const ext of ['csv', 'xlsx']) {
    const [download] = await Promise.all([second.waitForEvent('download'), second.click(`a[href="/api/export/ledger.${ext}"]`)]);
    const path = await download.path();
    copyFileSync(path, `${DOWNLOADS}/ledger.${ext}`);
    check(readFileSync(path).length > 0, `the ledger downloads as ${ext}`);
  }
  check(problems.length === 0, `no page errors (${problems.join('; ')})`);
  console.log('reports: all steps passed');
} finally {
  await browser.close();
}
