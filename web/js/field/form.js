// @ts-check
// The record form (现场检查记录) and the 摸排 form. The checklist and the outcomes come
// from the township's rules (GET /api/rules), the 整改 deadline from its rules too
// (editable); photos are shrunk and hashed on the phone; the position is the phone's
// GPS fix; a signature may be drawn. The result of the ledger follows from the outcome
// (the server decides it). A saved record goes to the outbox, never straight
// to the network: it is sent from there, now or when the signal returns.
import { t } from '../i18n.js';
import { h, byId, status } from '../dom.js';
import { today } from '../format.js';
import { store } from '../store.js';
import { addDays, localStamp } from './geo.js';
import { shrinkPhoto } from './photo.js';
import { keep } from './sync.js';

/** @typedef {import('../api.js').FindingItem} FindingItem */

/** Photos taken for the record being made: kept bytes and their hash. @type {{ sha256: string, blob: Blob, url: string }[]} */
let photos = [];
/** The 整改 deadline the form proposed (the rules' count, weekends only). */
let proposedDeadline = '';
/** A signature has been drawn. */
let signed = false;
/** The kind of the site being recorded (its checklist), null for a hotspot. @type {'care' | 'training' | null} */
let siteKind = null;

/** The checklist as checkboxes: a group's sub-items each have their own. @param {FindingItem[]} items @returns {HTMLElement[]} */
function checklist(items) {
  return items.map((item) => item.items && item.items.length
    ? h('div', { class: 'finding-group' }, h('span', {}, item.label), h('div', { class: 'finding-items' }, checklist(item.items)))
    : h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'findings', value: item.code }), item.label));
}

/** Fills the outcomes and the checklist of the site's kind from the rules. */
function fillFromRules() {
  const { rules } = store.get();
  const outcome = byId('field-outcome', HTMLSelectElement);
  const legend = byId('field-findings').querySelector('legend');
  if (!rules) {
    byId('field-findings').replaceChildren(...(legend ? [legend] : []), h('p', { class: 'muted' }, t('no_rules')));
    return;
  }
  outcome.replaceChildren(...rules.outcomes.map((o) => h('option', { value: o.code }, o.label)));
  const items = siteKind ? rules.findings[siteKind] : [];
  byId('field-findings').replaceChildren(...(legend ? [legend] : []), ...checklist(items));
  byId('field-findings').hidden = items.length === 0;
}

/** The 整改 deadline shows only for 责令整改, the authority only for 移交. */
function showRectify() {
  const form = byId('field-form', HTMLFormElement);
  byId('field-rectify').hidden = form.outcome.value !== 'rectify';
  byId('field-refer').hidden = form.outcome.value !== 'refer';
}

/**
 * Opens the form on a site.
 * @param {string} siteId
 * @param {string} name
 * @param {'care' | 'training' | null} kind
 */
export function openRecordForm(siteId, name, kind) {
  const form = byId('field-form', HTMLFormElement);
  const { rules, user } = store.get();
  form.reset();
  siteKind = kind;
  form.site_id.value = siteId;
  byId('field-site').textContent = `${name} (${siteId})`;
  fillFromRules();
  const days = rules ? rules.follow_ups.rectify_days : 14;
  proposedDeadline = addDays(today(), days, rules ? rules.follow_ups.rectify_days_unit : 'calendar_days');
  form.rectify_by.value = proposedDeadline;
  const plan = store.get().plan;
  const team = plan && user ? plan.teams.find((x) => x.team === user.team) : null;
  const members = team && Array.isArray(/** @type {any} */ (team).members) ? /** @type {string[]} */ (/** @type {any} */ (team).members) : [];
  byId('field-officers', HTMLInputElement).value = [...new Set([...(user ? [user.name] : []), ...members])].join('，');
  for (const p of photos) URL.revokeObjectURL(p.url);
  photos = [];
  renderPhotos();
  clearSignature();
  byId('field-error').textContent = '';
  showRectify();
  renderPosition();
  locate();
  form.hidden = false;
  form.scrollIntoView();
}

function renderPhotos() {
  byId('field-photos').replaceChildren(...photos.map((p, i) => h('li', { 'data-sha256': p.sha256 },
    h('img', { src: p.url, alt: '' }), `${Math.round(p.blob.size / 1024)} KB `,
    h('button', { type: 'button', class: 'link', onclick: () => { URL.revokeObjectURL(p.url); photos.splice(i, 1); renderPhotos(); } }, t('remove')))));
}

function renderPosition() {
  const p = store.get().position;
  byId('field-position').textContent = p ? `${p.lat.toFixed(6)}, ${p.lon.toFixed(6)} ±${Math.round(p.accuracy_m)} m · ${p.at.slice(11)}` : t('no_position');
}

/** Asks the phone for a fresh fix. */
function locate() {
  if (!('geolocation' in navigator)) return;
  navigator.geolocation.getCurrentPosition((p) => store.set({
    position: { lon: p.coords.longitude, lat: p.coords.latitude, accuracy_m: p.coords.accuracy, at: localStamp(new Date(p.timestamp)) },
  }), () => {}, { enableHighAccuracy: true, maximumAge: 10000, timeout: 20000 });
}

function clearSignature() {
  const canvas = byId('field-signature', HTMLCanvasElement);
  const ctx = canvas.getContext('2d');
  if (ctx) ctx.clearRect(0, 0, canvas.width, canvas.height);
  signed = false;
}

/** Drawing with a finger or a mouse on the signature canvas. */
function wireSignature() {
  const canvas = byId('field-signature', HTMLCanvasElement);
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  /** @param {PointerEvent} e @returns {[number, number]} */
  const at = (e) => {
    const r = canvas.getBoundingClientRect();
    return [(e.clientX - r.left) * (canvas.width / r.width), (e.clientY - r.top) * (canvas.height / r.height)];
  };
  let drawing = false;
  canvas.addEventListener('pointerdown', (e) => {
    drawing = true;
    canvas.setPointerCapture(e.pointerId);
    ctx.beginPath();
    ctx.moveTo(...at(e));
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!drawing) return;
    ctx.lineWidth = 3;
    ctx.lineCap = 'round';
    ctx.lineTo(...at(e));
    ctx.stroke();
    signed = true;
  });
  canvas.addEventListener('pointerup', () => { drawing = false; });
  byId('field-signature-clear').addEventListener('click', clearSignature);
}

/** The officers typed, split on commas, 、 and spaces. @param {string} text */
export function officerNames(text) {
  return [...new Set(text.split(/[,，、;；\s]+/).map((x) => x.trim()).filter(Boolean))];
}

/** Saves the form into the outbox. @param {HTMLFormElement} form */
async function save(form) {
  const f = new FormData(form);
  const officers = officerNames(String(f.get('officers') || ''));
  const error = byId('field-error');
  if (officers.length < 2) {
    error.textContent = t('need_two_officers');
    return;
  }
  const outcome = String(f.get('outcome') || '');
  if (outcome === 'refer' && !String(f.get('refer_to') || '').trim()) {
    error.textContent = t('need_refer_to');
    return;
  }
  const now = new Date();
  const notes = String(f.get('notes') || '');
  /** @type {Record<string, unknown>} */
  const body = {
    site_id: String(f.get('site_id')),
    date: today(),
    notes: notes || null,
    findings: f.getAll('findings').map(String),
    outcome,
    officers,
    at: localStamp(now),
  };
  // A deadline left as proposed is the server's to count (with the township's own
  // holidays); one the inspector changed is sent as given.
  const deadline = String(f.get('rectify_by') || '');
  if (outcome === 'rectify' && deadline && deadline !== proposedDeadline) body.rectify_by = deadline;
  const referTo = String(f.get('refer_to') || '').trim();
  if (outcome === 'refer' && referTo) body.refer_to = referTo;
  const representative = String(f.get('representative') || '').trim();
  if (representative) body.representative = representative;
  const position = store.get().position;
  if (position) body.position = position;
  if (signed) body.signature = byId('field-signature', HTMLCanvasElement).toDataURL('image/png');
  await keep('inspection', byId('field-site').textContent || String(body.site_id), body, photos.map(({ sha256, blob }) => ({ sha256, blob })));
  for (const p of photos) URL.revokeObjectURL(p.url);
  photos = [];
  form.hidden = true;
  status(t('record_kept'));
}

/** Saves a 摸排 proposal where the phone stands. @param {HTMLFormElement} form */
async function propose(form) {
  const f = new FormData(form);
  const position = store.get().position;
  if (!position) {
    status(t('no_position'), true);
    locate();
    return;
  }
  const name = String(f.get('name') || '').trim();
  const input = byId('propose-photo-input', HTMLInputElement);
  const shots = [];
  for (const file of input.files || []) shots.push(await shrinkPhoto(file));
  const body = { name, address: String(f.get('address') || '').trim() || null, kind: String(f.get('kind')), lon: position.lon, lat: position.lat, notes: String(f.get('notes') || '').trim() || null };
  await keep('proposal', `${t('propose_site')}: ${name}`, body, shots.map(({ sha256, blob }) => ({ sha256, blob })));
  form.reset();
  status(t('record_kept'));
}

export function wireRecordForm() {
  const form = byId('field-form', HTMLFormElement);
  store.watch((s) => [s.lang, s.rules], () => { if (!form.hidden) fillFromRules(); });
  store.watch((s) => [s.lang, s.position], renderPosition);
  form.outcome.addEventListener('change', showRectify);
  byId('field-locate').addEventListener('click', locate);
  byId('field-cancel').addEventListener('click', () => { form.hidden = true; });
  byId('field-photo-input', HTMLInputElement).addEventListener('change', async (ev) => {
    const input = /** @type {HTMLInputElement} */ (ev.target);
    for (const file of input.files || []) {
      try {
        const shrunk = await shrinkPhoto(file);
        photos.push({ sha256: shrunk.sha256, blob: shrunk.blob, url: URL.createObjectURL(shrunk.blob) });
      } catch (e) {
        byId('field-error').textContent = `${t('photo_failed')}: ${e}`;
      }
    }
    input.value = '';
    renderPhotos();
  });
  wireSignature();
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    save(form).catch((e) => { byId('field-error').textContent = String(e); });
  });
  const proposal = byId('propose-form', HTMLFormElement);
  proposal.addEventListener('submit', (ev) => {
    ev.preventDefault();
    propose(proposal).catch((e) => status(String(e), true));
  });
}
