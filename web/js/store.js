// @ts-check
// The page's state in one place. Whatever draws from it says which parts it reads
// (`watch`); a change draws again exactly the watchers whose parts changed, so no
// hand-kept list of what to redraw. Nothing is drawn before `start`, the page's
// first full drawing, once it knows its configuration and who is signed in.

/** @typedef {import('./api.js').User} User */
/** @typedef {import('./api.js').Config} Config */
/** @typedef {import('./api.js').ShiftPlan} ShiftPlan */
/** @typedef {import('./api.js').CoverageRow} CoverageRow */
/** @typedef {import('./api.js').ApiError} ApiError */
/** @typedef {import('geojson').FeatureCollection} FeatureCollection */
/**
 * What the plan panel says when there is no plan to show.
 * @typedef {{ kind: 'none' } | { kind: 'hidden', until: string } | { kind: 'error', error: ApiError }} PlanNote
 */
/**
 * @typedef {object} State
 * @property {string} lang  `zh-CN` or `en`
 * @property {User | null} user  who is signed in
 * @property {Config | null} config
 * @property {ShiftPlan | null} plan  the current plan, as this user may see it
 * @property {PlanNote | null} planNote  why there is no plan (null: say nothing)
 * @property {import('./api.js').Pin[]} pins  the lead's pins (empty for inspectors)
 * @property {import('./api.js').Proposal[]} proposals  pending 摸排 proposals (leads)
 * @property {CoverageRow[]} coverageRows
 * @property {{ key: string, dir: number }} sort  the coverage table's order
 * @property {ReadonlySet<string>} hidden  layers switched off by their toggle
 * @property {Readonly<Record<string, FeatureCollection>>} layers  the page's copy of each map layer
 * @property {import('./api.js').Rules | null} rules  the township's rules (checklists, outcomes)
 * @property {import('./api.js').FieldPosition | null} position  the phone's last GPS fix
 * @property {boolean} online  the browser says it has a network
 * @property {import('./field/outbox.js').OutboxEntry[]} outbox  records kept on this phone
 * @property {Readonly<Record<string, { arrived?: string, done?: string }>>} stopMarks  到达/完成 per site of today's plan
 * @property {Readonly<Record<string, import('./api.js').Dossier>>} dossiers  the day's sites' records, by site id
 */

/**
 * @template S
 * @typedef {object} Watcher
 * @property {(state: S) => unknown[]} deps
 * @property {(state: S) => void} draw
 * @property {unknown[]} last  what `deps` picked out when it last drew
 * @property {boolean} drawn  it has drawn at least once
 */

/** @template S */
export class Store {
  /** @param {S} initial */
  constructor(initial) {
    /** @private */
    this.state = initial;
    /** @private @type {Watcher<S>[]} */
    this.watchers = [];
    /** @private */
    this.started = false;
  }

  /** The current state (never changed in place: `set` makes a new one). */
  get() {
    return this.state;
  }

  /** Changes some parts and draws again what reads them. @param {Partial<S>} patch */
  set(patch) {
    this.state = { ...this.state, ...patch };
    if (!this.started) return;
    for (const w of [...this.watchers]) this.drawIfChanged(w);
  }

  /** @private @param {Watcher<S>} w */
  drawIfChanged(w) {
    const now = w.deps(this.state);
    if (w.drawn && now.length === w.last.length && now.every((v, i) => Object.is(v, w.last[i]))) return;
    w.last = now;
    w.drawn = true;
    w.draw(this.state);
  }

  /**
   * Calls `draw` whenever one of the parts `deps` picks out changes (compared by
   * identity), and once at `start`.
   * @param {(state: S) => unknown[]} deps
   * @param {(state: S) => void} draw
   */
  watch(deps, draw) {
    this.watchers.push({ deps, draw, last: deps(this.state), drawn: false });
  }

  /** The first full drawing; from now on every change draws its watchers. */
  start() {
    this.started = true;
    // A watcher that a change made during this first drawing has drawn already is
    // not drawn twice.
    for (const w of [...this.watchers]) this.drawIfChanged(w);
  }
}

/** @returns {State} */
function initialState() {
  return {
    lang: localStorage.getItem('gp.lang') || 'zh-CN',
    user: null,
    config: null,
    plan: null,
    planNote: null,
    pins: [],
    proposals: [],
    coverageRows: [],
    sort: { key: 'cell_id', dir: 1 },
    hidden: new Set(JSON.parse(localStorage.getItem('gp.hidden') || '[]')),
    layers: {},
    rules: null,
    position: null,
    online: typeof navigator === 'undefined' || navigator.onLine !== false,
    outbox: [],
    stopMarks: {},
    dossiers: {},
  };
}

/** The page's one store. */
export const store = new Store(initialState());
