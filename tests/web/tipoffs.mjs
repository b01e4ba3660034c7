// The 举报 and 复查 panels as a township lead uses them, in headless chromium: receive a
// tip-off on a site (an old one, overdue) and one by clicking its place on the map; the
// overdue one is listed first and highlighted, the open ones are on the map; assign it,
// record the inspection in the record panel, link it, verify, answer and close it; then
// put a due 整改 check into the next plan with one click (a must-visit pin that day).
import { BASE, ARTIFACTS, launch, check, mapReady, idle, rendered } from './lib.mjs';

const USER = process.env.GP_USER || 'lead';
const PASSWORD = process.env.GP_PASSWORD || 'password';

const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  // Each prompt of a step is answered by the next value queued here.
  const answers = [];
  page.on('dialog', (d) => d.accept(answers.shift() ?? ''));

  await page.goto(BASE);
  await mapReady(page);
  await page.click('#sign-in-open');
  await page.fill('#sign-in-form input[name=name]', USER);
  await page.fill('#sign-in-form input[name=password]', PASSWORD);
  await page.click('#sign-in-form button[type=submit]');
  await page.waitForSelector('body.signed-in');
  await page.waitForFunction(() => (window.gp.counts.institutions || 0) > 0);

  // Receive: a 12345 call about a known site, received long ago (overdue).
  await page.click('[data-panel=tipoffs]');
  check(await page.isVisible('#tipoff-form'), 'the 举报 panel opens with the receiving form');
  await page.selectOption('#tipoff-source', 'hotline_12345');
  await page.fill('#tipoff-form textarea[name=summary]', '周末有学科类培训');
  await page.fill('#tipoff-form input[name=received_at]', '2024-09-30T09:00');
  await page.selectOption('#tipoff-site', 'S000');
  await page.fill('#tipoff-form input[name=complainant_contact]', '13800000000');
  await page.click('#tipoff-form button[type=submit]');
  await page.waitForSelector('#tipoff-list li[data-tipoff]');
  const first = await page.getAttribute('#tipoff-list li[data-tipoff]', 'data-tipoff');
  check((await page.textContent('#status')).includes('2024-10-12'), 'received: due 12 October 2024, after the National Day week');

  // Receive: a place clicked on the map, received now.
  await page.selectOption('#tipoff-source', 'online');
  await page.fill('#tipoff-form textarea[name=summary]', '小区内有托管班');
  await page.click('#tipoff-pick');
  const box = await page.evaluate(() => {
    const r = window.gp.map.getCanvas().getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
  });
  await page.mouse.click(box.x, box.y);
  await page.waitForFunction(() => document.getElementById('tipoff-picked').textContent.length > 0);
  await page.click('#tipoff-form button[type=submit]');
  await page.waitForFunction(() => document.querySelectorAll('#tipoff-list li[data-tipoff]').length === 2);
  const order = await page.$$eval('#tipoff-list li[data-tipoff]', (lis) => lis.map((li) => ({ id: li.dataset.tipoff, overdue: li.classList.contains('overdue'), bg: getComputedStyle(li).backgroundColor })));
  check(order[0].id === first && order[0].overdue && !order[1].overdue, 'the overdue tip-off is listed first');
  check(order[0].bg !== order[1].bg, `and highlighted (${order[0].bg})`);
  check((await page.textContent('#tipoff-list')).includes('13800000000'), 'the lead sees the complainant');
  await idle(page);
  const points = await rendered(page, 'tipoffs-open');
  check(points.length === 2 && points.some((p) => p.overdue), `the open tip-offs are on the map (${points.length})`);
  await page.screenshot({ path: `${ARTIFACTS}/tipoffs-01-register.png` });

  // A step out of order is refused: the list offers only the next steps.
  const li = `#tipoff-list li[data-tipoff="${first}"]`;
  check(!(await page.$(`${li} [data-action=close]`)), 'a received tip-off offers no 办结');

  // Assign to team A.
  answers.push('A');
  await page.click(`${li} [data-action=assign]`);
  await page.waitForSelector(`${li}[data-status=assigned]`);
  check(true, 'assigned to team A (已交办)');

  // Inspect: the record panel records the visit.
  await page.click('[data-panel=record]');
  await page.selectOption('#record-site', 'S000');
  await page.fill('#record-form input[name=date]', '2024-10-08');
  await page.selectOption('#record-form select[name=result]', 'hazard');
  await page.click('#record-form button[type=submit]');
  await page.waitForFunction(() => /#\d+/.test(document.getElementById('record-result').textContent));
  const inspection = (await page.textContent('#record-result')).match(/#(\d+)/)[1];
  check(Number(inspection) > 0, `inspection #${inspection} recorded`);

  // Link it, verify, answer, close.
  await page.click('[data-panel=tipoffs]');
  await page.waitForSelector(`${li} [data-action=handle]`);
  answers.push(inspection);
  await page.click(`${li} [data-action=handle]`);
  await page.waitForSelector(`${li}[data-status=handled]`);
  check(!(await page.getAttribute(li, 'class')).includes('overdue'), 'checked: no longer overdue');
  answers.push('属实');
  await page.click(`${li} [data-action=verify]`);
  await page.waitForSelector(`${li}[data-status=verified]`);
  answers.push('已责令整改，电话答复举报人');
  await page.click(`${li} [data-action=answer]`);
  await page.waitForSelector(`${li}[data-status=answered]`);
  await page.click(`${li} [data-action=close]`);
  await page.waitForFunction((sel) => !document.querySelector(sel), li);
  check(true, 'closed (已办结): gone from the open list');
  await page.check('#tipoff-all');
  await page.waitForSelector(`${li}[data-status=closed]`);
  check((await page.textContent(li)).includes('已办结'), 'listed as 已办结 with the closed ones');
  const api = await (await page.request.get(`${BASE}/api/tipoffs?status=closed`)).json();
  check(api.tipoffs.length === 1 && api.tipoffs[0].inspection_id === Number(inspection) && api.tipoffs[0].verdict === 'substantiated', 'the server holds it closed, with its inspection and verdict');
  await idle(page);
  check((await rendered(page, 'tipoffs-open')).length === 1, 'the map keeps only the open one');

  // Follow-ups: the hazard's 整改 check is due; one click pins it into the next plan.
  await page.click('[data-panel=followups]');
  await page.waitForSelector('#followup-list li[data-followup]');
  const item = '#followup-list li[data-kind=rectification]';
  check((await page.textContent(item)).includes('S000'), 'the 整改 check of S000 is on the worklist');
  check((await page.getAttribute(item, 'class')).includes('overdue'), 'overdue, and marked so');
  check((await page.$$('#followup-calendar .cal-day')).length >= 28, 'the month calendar is drawn');
  const day = await page.inputValue('#followup-day');
  await page.click(`${item} [data-action=plan]`);
  await page.waitForFunction(() => document.getElementById('status').textContent.includes('必查'));
  const pins = (await (await page.request.get(`${BASE}/api/pins`)).json()).pins.filter((p) => p.site_id === 'S000');
  check(pins.some((p) => p.kind === 'must_visit') && pins.some((p) => p.kind === 'day' && p.date === day), `S000 pinned must-visit on ${day}`);
  await page.screenshot({ path: `${ARTIFACTS}/tipoffs-02-followups.png` });

  check(problems.length === 0, `no page errors${problems.length ? ': ' + problems.join(' | ') : ''}`);
  console.log('tipoffs: all steps passed');
} finally {
  await browser.close();
}
