// The page's API client (web/js/api.js) as the server sees it: every POST carries a
// fresh Idempotency-Key (a UUID), so a write the network repeats is done once; and an
// answer of 429 (too many sign-in attempts) reads as a clear Chinese message with when
// to try again, whatever code the server gives it.
import { BASE, launch, check, mapReady } from './lib.mjs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const keys = [];
  page.on('request', (r) => { if (r.method() === 'POST') keys.push(r.headers()['idempotency-key']); });
  await page.goto(BASE);
  await mapReady(page);

  const signIn = async (password) => {
    await page.click('#sign-in-open');
    await page.fill('#sign-in-form input[name=name]', process.env.GP_USER);
    await page.fill('#sign-in-form input[name=password]', password);
    await page.click('#sign-in-form button[type=submit]');
  };
  // Two refused sign-ins: each POST has its own key.
  for (let i = 0; i < 2; i++) {
    await signIn('wrong-password');
    await page.waitForFunction(() => document.getElementById('sign-in-error').textContent.length > 0);
    await page.click('#sign-in-cancel');
  }
  check(keys.length === 2 && keys.every((k) => UUID.test(k || '')), `every POST carries an Idempotency-Key UUID (${keys.join(', ')})`);
  check(keys[0] !== keys[1], 'a fresh key for each request');

  // The server says too many attempts.
  await page.route(`${BASE}/api/login`, (route) => route.fulfill({
    status: 429, contentType: 'application/json', headers: { 'Retry-After': '30' },
    body: JSON.stringify({ error: { code: 'rate_limited', message: 'too many sign-in attempts' } }),
  }));
  await signIn('any-password');
  await page.waitForFunction(() => document.getElementById('sign-in-error').textContent.length > 0);
  const text = await page.textContent('#sign-in-error');
  check(text.startsWith('请求过于频繁，请稍后再试') && text.includes('30 秒后可再试'), `429 reads as a clear Chinese message (${text})`);
  console.log('api client: all steps passed');
} finally {
  await browser.close();
}
