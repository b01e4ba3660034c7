// @ts-check
// The gridpatrol page: wires the map and the panels to the store, then loads what the
// first map needs. Where things are: api.js (every call and answer), store.js (the
// state and who redraws on a change), map/ (the map, its layers, labels and popups),
// panels/ (one module per panel), i18n.js (every label, Chinese first).
import * as api from './api.js';
import { errorText } from './i18n.js';
import { byId, status } from './dom.js';
import { gp } from './gp.js';
import { store } from './store.js';
import { LAYERS } from './map/style.js';
import { copyLayer, isBig, loadAllLayers } from './map/layers.js';
import { createMap } from './map/map.js';
import { openPanel, wireTabs } from './panels/tabs.js';
import { wireLayers } from './panels/layers.js';
import { wireSignIn } from './panels/signin.js';
import { refreshPins, refreshPlan, wirePlan } from './panels/plan.js';
import { refreshProposals, wireProposals } from './panels/proposals.js';
import { pickSite, wireRecord } from './panels/record.js';
import { refreshCoverage, wireCoverage } from './panels/coverage.js';
import { wireCampaign } from './panels/campaign.js';
import { wireDraw } from './panels/draw.js';
import { wireExports } from './panels/export.js';
import { askNewPassword, wireUsers } from './panels/users.js';
import { refreshDossiers, wireDay } from './field/day.js';
import { wireRecordForm } from './field/form.js';
import { keepDayData, syncNow, wireSync } from './field/sync.js';
import { wireSiteDesk } from './panels/site_edit.js';
import { routeOnStart, wireDossier } from './panels/dossier.js';

// Start the map's worker now, while the page asks the server who is signed in: the
// worker's start-up is the largest fixed cost of the first rendered map.
window.maplibregl.prewarm();

/** The township's rules (the record form's checklist and outcomes), for a session. */
async function refreshRules() {
  if (!store.get().user) return store.set({ rules: null });
  try {
    store.set({ rules: await api.rules() });
  } catch (e) {
    gp.errors.push(String(e));
  }
}

/** An inspector starts on their day; the worker keeps the day's data for offline use. */
async function startDay() {
  const { user, config } = store.get();
  if (!user) return;
  if (user.role === 'inspector') openPanel('day');
  if (gp.field) await gp.field.controlled;
  await Promise.all([keepDayData(config ? config.layers : []), refreshDossiers()]);
  await syncNow();
}

/** After signing in or out: the layers, the plan and the coverage this session may see. */
async function afterSignChange() {
  await loadAllLayers();
  await Promise.all([refreshPlan(), refreshPins(), refreshProposals(), refreshRules()]);
  if (store.get().user) {
    await refreshCoverage();
    await startDay();
  }
}

async function main() {
  wireTabs();
  wireLayers();
  wireSignIn(afterSignChange);
  wirePlan();
  wireProposals();
  wireRecord();
  wireCoverage();
  wireCampaign();
  wireDraw();
  wireExports();
  wireUsers();
  wireDay();
  wireRecordForm();
  wireSync();
  wireSiteDesk();
  wireDossier();
  if (window.matchMedia('(min-width: 800px)').matches) document.body.classList.add('side-open');
  // Public layers need not wait to learn who is signed in (index.html preloads these).
  const publicCopies = LAYERS.filter((l) => l.public).map((l) => copyLayer(l.name));
  const [config, me] = await Promise.all([api.config(), api.me()]);
  store.set({ config, user: me.user });
  if (me.must_change_password) askNewPassword(true);
  gp.marks.config = performance.now();
  byId('township').textContent = config.township || '';
  store.start();
  // The small layers first, so the map starts with all it draws (one pass of its
  // worker instead of a second after they arrive); they take milliseconds.
  await Promise.all([...publicCopies, ...LAYERS.filter((l) => !l.public && !isBig(l.name)).map((l) => copyLayer(l.name))]);
  createMap(config, pickSite);
  await gp.ready;
  if (store.get().user) await Promise.all([refreshPlan(), refreshPins(), refreshProposals(), refreshCoverage(), refreshRules(), copyLayer('institutions')]);
  gp.pageReady = true;
  if (store.get().user) routeOnStart();
  await startDay();
}

main().catch((e) => {
  gp.errors.push(String(e));
  status(errorText(e), true);
});
