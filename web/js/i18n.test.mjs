// Unit tests of the labels and error wording (node --test, run by `npm run check`).
import { test } from 'node:test';
import assert from 'node:assert/strict';

globalThis.localStorage = { getItem: () => null, setItem: () => {} };
const { MESSAGES, t, errorText } = await import('./i18n.js');
const { store } = await import('./store.js');

test('Chinese and English name the same labels', () => {
  assert.deepEqual(Object.keys(MESSAGES.en).sort(), Object.keys(MESSAGES['zh-CN']).sort());
});

test('labels follow the language, Chinese first', () => {
  store.set({ lang: 'zh-CN' });
  assert.equal(t('sign_in'), '登录');
  store.set({ lang: 'en' });
  assert.equal(t('sign_in'), 'Sign in');
  assert.equal(t('no_such_label'), 'no_such_label');
  store.set({ lang: 'zh-CN' });
});

test('an error reads as its label, then what the server said', () => {
  assert.equal(errorText({ code: 'bad_credentials', message: 'wrong user name or password' }), '用户名或密码错误 (wrong user name or password)');
  assert.equal(errorText({ code: 'some_new_code', message: 'x' }), '服务器错误 (x)');
});

test('too many requests says when to try again, in Chinese', () => {
  assert.equal(errorText({ code: 'too_many_requests', message: 'too many sign-in attempts', retryAfterS: 30 }), '请求过于频繁，请稍后再试（30 秒后可再试）');
  assert.equal(errorText({ code: 'too_many_requests', message: 'too many', retryAfterS: null }), '请求过于频繁，请稍后再试');
});
