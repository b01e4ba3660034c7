// The lead's desk, in real chromium: the 用户 panel (add an inspector; the one-time
// password is shown once; the new inspector signs in and is made to set a password of
// their own), and the coverage panel (a 网格 row opens its overdue list and its
// 拉网式 sweep, drawn on the map with a sheet and a GPX download).
import { BASE, ARTIFACTS, launch, check, mapReady } from './lib.mjs';

async function signIn(page, name, password) {
  await page.click('#sign-in-open');
  await page.fill('#sign-in-form input[name=name]', name);
  await page.fill('#sign-in-form input[name=password]', password);
  await page.click('#sign-in-form button[type=submit]');
}

const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(BASE);
  await mapReady(page);
  check(!(await page.isVisible('.tabs [data-panel=users]')), 'the 用户 tab is hidden before a lead signs in');
  await signIn(page, process.env.GP_USER, process.env.GP_PASSWORD);
  await page.waitForFunction(() => !document.getElementById('sign-out').hidden);

  // Users.
  await page.click('.tabs [data-panel=users]');
  await page.waitForFunction(() => document.querySelectorAll('#user-rows tr').length >= 3);
  await page.fill('#user-add-form input[name=name]', 'zhou.e');
  await page.selectOption('#user-add-form select[name=role]', 'inspector');
  await page.fill('#user-add-form input[name=team]', 'B');
  await page.click('#user-add-form button[type=submit]');
  await page.waitForSelector('.one-time-password');
  const given = (await page.textContent('.one-time-password')).trim();
  check(given.length === 14, `a one-time password is shown (${given.length} characters)`);
  await page.waitForSelector('#user-rows tr[data-user="zhou.e"]');
  check((await page.textContent('#user-rows tr[data-user="zhou.e"]')).includes('待改密码'), 'the new user must change the password');
  await page.screenshot({ path: `${ARTIFACTS}/desk-users.png` });

  // Coverage: a row opens its cell; the sweep is drawn, with a sheet and a GPX.
  await page.click('.tabs [data-panel=coverage]');
  await page.waitForFunction(() => document.querySelectorAll('#coverage-table tbody tr').length > 0);
  const headers = await page.$$eval('#coverage-table th', (ths) => ths.map((th) => th.textContent));
  check(['逾期', '街道已巡', '晚查'].every((x) => headers.includes(x)), `the coverage table has overdue, swept and evening columns (${headers.join(' ')})`);
  check(!(await page.textContent('#coverage-table tbody')).includes('G1'), 'cells are shown by name, not code');
  await page.click('#coverage-table tbody tr[data-cell=G1]');
  await page.waitForSelector('#cell-sweep-button');
  const overdue = await page.$$eval('.overdue-list li', (li) => li.length);
  const counted = Number(await page.textContent('#coverage-table tbody tr[data-cell=G1] td:nth-child(4)'));
  check(overdue === counted, `the overdue list has as many sites as the table counts (${overdue})`);
  await page.click('#cell-sweep-button');
  await page.waitForSelector('.sweep-shifts li', { timeout: 60000 });
  await page.waitForFunction(() => window.gp.map.getSource('sweep') && window.gp.map.querySourceFeatures('sweep').length > 0, null, { timeout: 30000 });
  check(true, 'the sweep is drawn on the map');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#cell-sweep a[download]')]);
  const path = await download.path();
  const { readFileSync } = await import('node:fs');
  const gpx = readFileSync(path, 'utf8');
  check(gpx.includes('<trk>') && gpx.includes('第1网格 第1班'), 'the GPX has a track per shift, named in Chinese');
  await page.click('#cell-sweep button:has-text("打印路线单")');
  check(await page.isVisible('#sheet'), 'the sweep sheet opens for printing');
  check((await page.textContent('#sheet')).includes('拉网式巡查路线单'), 'the sheet has its Chinese title');
  await page.screenshot({ path: `${ARTIFACTS}/desk-sweep.png` });

  // The new inspector signs in with the given password and is asked for their own.
  const second = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'zh-CN' });
  const phone = await second.newPage();
  phone.on('pageerror', (e) => errors.push(String(e)));
  await phone.goto(BASE);
  await mapReady(phone);
  await signIn(phone, 'zhou.e', given);
  await phone.waitForSelector('#password-dialog[open]');
  check(await phone.isVisible('#password-forced'), 'the page asks for a password of their own first');
  await phone.fill('#password-form input[name=current]', given);
  await phone.fill('#password-form input[name=new]', 'zhou-own-password');
  await phone.fill('#password-form input[name=again]', 'zhou-own-password');
  await phone.click('#password-form button[type=submit]');
  await phone.waitForFunction(() => !document.getElementById('password-dialog').open);
  check((await phone.textContent('#status')) === '密码已修改', 'the password is changed');
  check(errors.length === 0, `no page errors (${errors.join('; ')})`);
  console.log('desk: all steps passed');
} finally {
  await browser.close();
}
