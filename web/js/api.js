// @ts-check
// The API client: every call the page makes to the server, with the shape of each
// answer (read from src/server/**), and one place that turns a failure into an
// ApiError with the server's stable code (src/server/error.rs).

/** @typedef {import('geojson').FeatureCollection} FeatureCollection */
/** @typedef {'lead' | 'inspector'} Role */
/**
 * A signed-in person (src/server/auth.rs `User`).
 * @typedef {object} User
 * @property {string} name
 * @property {Role} role
 * @property {string | null} team  the team of an inspector (leads may have none)
 */
/**
 * `GET /api/config`: what the page needs before it draws the map.
 * @typedef {object} Config
 * @property {string} township
 * @property {[number, number, number, number]} bounds  west, south, east, north (WGS-84)
 * @property {string | null} tile_url  an office's tile server, `{z}/{x}/{y}` template
 * @property {'raster' | 'vector'} tile_kind
 * @property {string[]} layers  the layer names, bottom to top
 */
/** @typedef {{ user: User | null, must_change_password?: boolean }} MeAnswer  `GET /api/me` */
/** @typedef {{ user: User, must_change_password?: boolean }} LoginAnswer  `POST /api/login` */
/**
 * A user in the lead's list (src/server/users.rs `UserRow`).
 * @typedef {object} UserRow
 * @property {string} name
 * @property {Role} role
 * @property {string | null} team
 * @property {boolean} disabled
 * @property {boolean} must_change_password
 */
/** @typedef {{ user: UserRow, password: string }} PasswordOnce  a password shown this once */
/**
 * One row of `GET /api/coverage` (src/server/workspace.rs `coverage_row`).
 * @typedef {object} CoverageRow
 * @property {string} cell_id
 * @property {string} name
 * @property {string | null} officer
 * @property {number} sites
 * @property {number} sites_inspected
 * @property {number} sites_overdue
 * @property {number | null} coverage  inspected / sites, 0..1; null without sites
 * @property {number | null} street_coverage  0..1; null without streets
 * @property {number} hotspots
 * @property {number} hotspots_checked_night
 * @property {number} street_m  walkable street in the cell
 * @property {number} swept_m  of it, swept in the window
 * @property {number} evening_checks  inspections in the evening shift and night checks
 * @property {OverdueSite[]} overdue  never inspected first, then the oldest
 * @property {number} open_tipoffs  举报 not closed in the cell
 * @property {number} overdue_tipoffs  of those, past their deadline
 * @property {number} followups_due  open 整改 checks, closures and 回头看 due by `to`
 * @property {string | null} last_activity
 */
/**
 * @typedef {object} OverdueSite
 * @property {string} site_id
 * @property {string} name
 * @property {string} cell_id
 * @property {'licensed' | 'registered_only' | 'unlicensed'} licence
 * @property {string | null} last_inspected
 */
/**
 * `GET /api/sweep/{cell}` (src/server/sweep.rs).
 * @typedef {object} SweepAnswer
 * @property {string} cell
 * @property {string} name
 * @property {number} required_m
 * @property {number} total_m
 * @property {number} ratio
 * @property {{ index: number, length_m: number, minutes: number, streets: { name: string, length_m: number }[] }[]} shifts
 * @property {import('geojson').FeatureCollection} geojson
 */
/** @typedef {{ from: string, to: string, cells: CoverageRow[] }} CoverageAnswer */
/**
 * A site of `GET /api/layers/institutions` (src/formats/geojson.rs and
 * src/server/layers.rs; properties without a value are left out).
 * @typedef {object} InstitutionProperties
 * @property {string} id
 * @property {string} name
 * @property {'training' | 'care'} [kind]
 * @property {'subject' | 'non_subject'} [subject]
 * @property {'licensed' | 'registered_only' | 'unlicensed'} licence
 * @property {string} [address]
 * @property {string} [open_hours]
 * @property {number} [complaints]
 * @property {string} [last_inspected]  `YYYY-MM-DD`
 * @property {string} [findings]  the last inspection's result, in Chinese
 * @property {string} [cell_id]
 * @property {boolean} [inspected_in_period]  inspected in the map's window
 */
/**
 * A cell of `GET /api/layers/cells`, with its coverage over the map's window.
 * @typedef {object} CellProperties
 * @property {string} id
 * @property {string} name
 * @property {string} [officer]
 * @property {number} [coverage]
 * @property {number} [sites]
 * @property {number} [sites_inspected]
 * @property {number} [sites_overdue]
 * @property {number} [street_coverage]
 */
/**
 * A hotspot of `GET /api/layers/hotspots`, with its score when it has one (the map's
 * copy may carry `parts` as a JSON string).
 * @typedef {object} HotspotProperties
 * @property {string} id
 * @property {string} name
 * @property {'office_building' | 'residential_compound'} [kind]
 * @property {boolean} needs_night_check  flagged for a night check
 * @property {number} [score]
 * @property {Record<string, number> | string} [parts]
 */

/** @typedef {'mandatory' | 'unlicensed' | 'overdue' | 'night_check' | 'routine'} PriorityClass */
/** @typedef {'no_time' | 'unreachable' | 'window_unreachable' | 'skill_missing' | 'closed' | 'outside_shift' | 'excluded' | 'pinned_to_other_day' | 'pinned_team_off'} UnplannedReason */
/**
 * One visit of a team's route (src/plan `PlannedVisit`, its site flattened in).
 * @typedef {object} PlannedVisit
 * @property {number} seq
 * @property {string} site_id
 * @property {string} name
 * @property {'institution' | 'hotspot'} kind
 * @property {PriorityClass} class
 * @property {string[]} why
 * @property {string | null} address
 * @property {number} lon
 * @property {number} lat
 * @property {string[]} open_hours
 * @property {string} arrival  `HH:MM`
 * @property {string} start
 * @property {string} departure
 * @property {number} arrival_s
 * @property {number} start_s
 * @property {number} departure_s
 * @property {number} service_s
 * @property {number} leg_distance_m
 * @property {number} leg_duration_s
 */
/**
 * One team's route as the page gets it (src/plan `TeamRoute` plus its colour).
 * @typedef {object} TeamRoute
 * @property {string} team
 * @property {string} depot_id
 * @property {string} depot_name
 * @property {number} depot_lon
 * @property {number} depot_lat
 * @property {string} departure
 * @property {string} return_at
 * @property {number} departure_s
 * @property {number} return_s
 * @property {string | null} break_  `HH:MM-HH:MM` when the route spans the break
 * @property {PlannedVisit[]} stops
 * @property {number} distance_m
 * @property {number} travel_s
 * @property {number} duration_s
 * @property {[number, number][]} geometry  the route on the streets, [lon, lat]
 * @property {string} color  added by the server for the page
 */
/**
 * A site the plan left out, and why.
 * @typedef {object} UnplannedSite
 * @property {string} site_id
 * @property {string} name
 * @property {'institution' | 'hotspot'} kind
 * @property {PriorityClass} class
 * @property {boolean} mandatory
 * @property {UnplannedReason} reason
 * @property {string} detail
 */
/**
 * A shift's plan as this user may see it (src/server/plan.rs `for_page`).
 * @typedef {object} ShiftPlan
 * @property {number} id
 * @property {boolean} viewer_is_lead
 * @property {boolean} published  false: a lead's draft, not yet shown to inspectors
 * @property {string} date  `YYYY-MM-DD`
 * @property {'day' | 'evening' | 'night' | 'weekend'} shift
 * @property {string} profile
 * @property {number} seed
 * @property {{ start_s: number, end_s: number }} window
 * @property {TeamRoute[]} teams
 * @property {UnplannedSite[]} unassigned
 * @property {Record<string, unknown>} summary
 * @property {FromNow} [from_now]  a plan re-made while the shift was under way
 */
/**
 * What a re-plan from now kept and changed (src/shift/replan.rs).
 * @typedef {object} FromNow
 * @property {string} at  `HH:MM`
 * @property {{ site_id: string, name: string, team: string, at: string }[]} done
 * @property {number} kept  sites still with the team that had them
 * @property {{ site_id: string, name: string, from_team: string | null, to_team: string | null }[]} changes
 */
/**
 * A lead's pin (src/model/pin.rs): a site kept to a team or a day, must-visit, or left out.
 * @typedef {{ site_id: string, kind: 'team', team: string, note?: string }
 *   | { site_id: string, kind: 'day', date: string, note?: string }
 *   | { site_id: string, kind: 'must_visit' | 'exclude', note?: string }} Pin
 */
/**
 * `GET /api/plan`: the plan, or none (then `hidden_until` when a night plan exists
 * that this user may not see yet).
 * @typedef {{ plan: ShiftPlan | null, hidden_until?: string }} PlanAnswer
 */
/**
 * `POST /api/plan`'s body.
 * @typedef {object} PlanRequest
 * @property {string} date
 * @property {string} shift
 * @property {string[]} teams
 * @property {number | null} budget_min
 * @property {number} seconds
 * @property {string} [from_now]  `now` or `HH:MM`: re-plan the shift under way
 */
/**
 * `POST /api/inspections`'s body.
 * @typedef {object} InspectionRequest
 * @property {string} site_id
 * @property {string} date
 * @property {string} result
 * @property {string | null} notes
 */
/**
 * `POST /api/inspections`: the inspection and its cell's new coverage.
 * @typedef {object} InspectionAnswer
 * @property {{ id: number, site_id: string, at: string, result: string }} inspection
 * @property {{ id: string, name: string | null, coverage: number | null } | null} cell
 */
/**
 * One item of the findings checklist (src/rules.rs `FindingItem`).
 * @typedef {{ code: string, label: string, items?: FindingItem[] }} FindingItem
 */
/**
 * `GET /api/rules`, the parts the field app reads (src/rules.rs `Rules`).
 * @typedef {object} Rules
 * @property {{ care: FindingItem[], training: FindingItem[] }} findings
 * @property {{ code: string, label: string }[]} outcomes
 * @property {{ rectify_days: number, rectify_days_unit: 'calendar_days' | 'working_days' }} follow_ups
 */
/**
 * Where a record was made (the phone's GPS).
 * @typedef {{ lon: number, lat: number, accuracy_m: number, at: string }} FieldPosition
 */
/**
 * `GET /api/inspections/{id}`: one inspection with its evidence.
 * @typedef {object} InspectionRecord
 * @property {number} id
 * @property {string} site_id
 * @property {string | null} [site_name]
 * @property {string | null} [site_address]
 * @property {string} [date]
 * @property {string} at
 * @property {string} result
 * @property {string | null} [notes]
 * @property {string[]} [findings]
 * @property {string | null} [outcome]
 * @property {string | null} [rectify_by]
 * @property {string | null} [refer_to]
 * @property {string[]} [officers]
 * @property {FieldPosition | null} [position]
 * @property {string | null} [representative]
 * @property {string | null} [signature]  a PNG data URL
 * @property {string | null} [user]
 * @property {{ sha256: string, url: string }[]} photos
 */
/**
 * A follow-up a record opened (整改, 关停 check, 回头看).
 * @typedef {{ id: number, kind: string, due: string | null, state: string, resolved_by: number | null }} FollowUpBrief
 */
/**
 * `GET /api/sites/{id}/dossier`: a site's 一家一册, every record of it.
 * @typedef {object} Dossier
 * @property {{ id: string, name: string, kind: string, licence: string, address: string | null, lon: number, lat: number }} site
 * @property {InspectionRecord[]} inspections
 * @property {FollowUpBrief[]} open_follow_ups
 */
/** @typedef {{ sites: number, inspectors: number, seed: string | null, register?: boolean }} DrawRequest */
/**
 * `POST /api/draw`: a 双随机 draw, as appended to the hash-chained log.
 * @typedef {object} Draw
 * @property {number} seq
 * @property {string} seed
 * @property {string} hash
 * @property {string | null} prev_hash
 * @property {{ id: string, name: string | null, cell: string, inspector: string | null, officers: string[] }[]} sites
 * @property {string[]} inspectors
 * @property {string | null} publish_by  the last day to publish (draws from the registers)
 */
/** @typedef {{ draw: Draw }} DrawAnswer */
/**
 * One 网格 cell of a campaign's progress.
 * @typedef {object} CampaignCell
 * @property {string} cell  empty for sites outside every cell
 * @property {number} sites_planned
 * @property {number} sites_inspected
 * @property {number} sites_to_do
 * @property {number} visits_planned
 * @property {number} visits_done
 */
/**
 * `GET /api/campaign/progress`: a saved campaign's progress on a day.
 * @typedef {object} CampaignProgress
 * @property {number | null} campaign_id
 * @property {string} from
 * @property {string} to
 * @property {string} today
 * @property {CampaignCell[]} cells
 * @property {{ visits_planned: number, done: number, done_other_day: number, overdue: number, due_today: number, ahead: number, sites_planned: number, sites_inspected: number, sites_to_do: number, unplanned: number }} totals
 * @property {{ date: string, shift: string, team: string, site: string, name: string }[]} overdue
 */
/** @typedef {{ id: string | null, today: string | null, teams: number, save: boolean }} ReplanRequest */
/**
 * `POST /api/campaign/replan`: the campaign with its rest planned again.
 * @typedef {object} Replanned
 * @property {number} replaces
 * @property {number | null} campaign_id
 * @property {string} kept_through
 * @property {number} covered_sites
 * @property {{ kept: number, moved: number, dropped: number, added: number }} changes
 */

/** A failed call: the server's stable code (or `network`), its message and status. */
export class ApiError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   * @param {number} status  HTTP status, 0 when the server was not reached
   * @param {number | null} [retryAfterS]  from `Retry-After` on 429
   */
  constructor(code, message, status, retryAfterS = null) {
    super(message);
    this.code = code;
    this.status = status;
    this.retryAfterS = retryAfterS;
  }
}

/** The code the page shows for 429, whatever the server calls it. */
export const TOO_MANY_REQUESTS = 'too_many_requests';

/**
 * One call. A body is sent as JSON; every POST carries a fresh Idempotency-Key, so a
 * write the network repeats is done once by a server that honours the key.
 * @param {string} path
 * @param {{ method?: 'GET' | 'POST' | 'PATCH' | 'DELETE', json?: unknown }} [options]
 * @returns {Promise<unknown>}
 */
async function call(path, { method = 'GET', json } = {}) {
  /** @type {Record<string, string>} */
  const headers = {};
  /** @type {RequestInit} */
  const init = { method, credentials: 'same-origin', headers };
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(json);
  }
  if (method === 'POST') headers['Idempotency-Key'] = crypto.randomUUID();
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError('network', String(e), 0);
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) throw failure(response, body);
  return body;
}

/**
 * The ApiError for a failed answer (`{"error": {"code", "message"}}`).
 * @param {Response} response
 * @param {any} body
 */
function failure(response, body) {
  const error = (body && body.error) || { code: 'internal', message: response.statusText };
  if (response.status === 429) {
    const after = Number(response.headers.get('Retry-After'));
    return new ApiError(TOO_MANY_REQUESTS, error.message, 429, Number.isFinite(after) && after > 0 ? after : null);
  }
  return new ApiError(String(error.code), String(error.message ?? ''), response.status);
}

/** @template T @param {string} path @returns {Promise<T>} */
function get(path) {
  return /** @type {Promise<T>} */ (call(path));
}
/** @template T @param {string} path @param {unknown} [json] @returns {Promise<T>} */
function post(path, json) {
  return /** @type {Promise<T>} */ (call(path, { method: 'POST', json }));
}

/** @returns {Promise<Config>} */
export const config = () => get('/api/config');
/** @returns {Promise<MeAnswer>} */
export const me = () => get('/api/me');
/** @param {string} name @param {string} password @returns {Promise<LoginAnswer>} */
export const login = (name, password) => post('/api/login', { name, password });
/** @returns {Promise<{ ok: boolean }>} */
export const logout = () => post('/api/logout');
/** Every user (leads only). @returns {Promise<{ users: UserRow[] }>} */
export const users = () => get('/api/users');
/** Adds a user with a one-time password. @param {{ name: string, role: Role, team: string | null }} user @returns {Promise<PasswordOnce>} */
export const addUser = (user) => post('/api/users', user);
/**
 * Changes a user's role, team or state (`team: ""` takes them off any team).
 * @param {string} name @param {{ role?: Role, team?: string, disabled?: boolean }} change @returns {Promise<UserRow>}
 */
export const changeUser = (name, change) => /** @type {Promise<UserRow>} */ (call(`/api/users/${encodeURIComponent(name)}`, { method: 'PATCH', json: change }));
/** A new one-time password for a user. @param {string} name @returns {Promise<PasswordOnce>} */
export const resetPassword = (name) => post(`/api/users/${encodeURIComponent(name)}/password-reset`);
/** @param {string} current @param {string} next @returns {Promise<{ ok: boolean }>} */
export const changeMyPassword = (current, next) => post('/api/me/password', { current_password: current, new_password: next });
/** A map layer as GeoJSON. @param {string} name @returns {Promise<FeatureCollection>} */
export const layer = (name) => get(`/api/layers/${name}`);
/** @returns {Promise<PlanAnswer>} */
export const currentPlan = () => get('/api/plan');
/** @param {PlanRequest} request @returns {Promise<{ plan: ShiftPlan }>} */
export const makePlan = (request) => post('/api/plan', request);
/** Publishes a draft plan (leads only). @param {number} id @returns {Promise<{ plan: ShiftPlan }>} */
export const publishPlan = (id) => post(`/api/plan/${id}/publish`);
/**
 * A 摸排 proposal: a business an inspector found in the street (src/api/field.rs).
 * @typedef {object} Proposal
 * @property {number} id
 * @property {string} name
 * @property {string | null} address
 * @property {'care' | 'training'} kind
 * @property {number} lon
 * @property {number} lat
 * @property {string} proposed_by
 * @property {string} created_at
 * @property {'pending' | 'accepted' | 'merged' | 'rejected'} state
 */
/** The 摸排 proposals this user may see. @returns {Promise<{ proposals: Proposal[] }>} */
export const proposals = () => get('/api/sites/proposals');
/**
 * A lead's decision on a proposal.
 * @param {number} id @param {'accept' | 'merge' | 'reject'} decision @param {object} body
 * @returns {Promise<Proposal>}
 */
export const decideProposal = (id, decision, body) => post(`/api/sites/proposals/${id}/${decision}`, body);
/** The lead's pins. @returns {Promise<{ pins: Pin[] }>} */
export const pins = () => get('/api/pins');
/** Pins a site (leads only). @param {Pin} pin @returns {Promise<{ pins: Pin[] }>} */
export const setPin = (pin) => post('/api/pins', pin);
/** Removes a site's pin of `kind`. @param {string} site @param {string} kind @returns {Promise<{ pins: Pin[] }>} */
export const removePin = (site, kind) => /** @type {Promise<{ pins: Pin[] }>} */ (call(`/api/pins/${encodeURIComponent(site)}?kind=${encodeURIComponent(kind)}`, { method: 'DELETE' }));
/** @param {URLSearchParams} period `from`, `to` @returns {Promise<CoverageAnswer>} */
export const coverage = (period) => get(`/api/coverage?${period}`);
/** The 拉网式 sweep of a cell. @param {string} cell @returns {Promise<SweepAnswer>} */
export const sweep = (cell) => get(`/api/sweep/${encodeURIComponent(cell)}`);
/** @param {InspectionRequest} request @returns {Promise<InspectionAnswer>} */
export const recordInspection = (request) => post('/api/inspections', request);
/** @returns {Promise<Rules>} */
export const rules = () => get('/api/rules');
/** One inspection with its photos. @param {number | string} id @returns {Promise<unknown>} */
export const inspection = (id) => get(`/api/inspections/${encodeURIComponent(String(id))}`);
/** A site's dossier (一家一册). @param {string} id @returns {Promise<Dossier>} */
export const dossier = (id) => get(`/api/sites/${encodeURIComponent(id)}/dossier`);
/** @param {DrawRequest} request @returns {Promise<DrawAnswer>} */
export const draw = (request) => post('/api/draw', request);
/** A saved campaign's progress (leads only). @param {URLSearchParams} query `id`, `today` @returns {Promise<CampaignProgress>} */
export const campaignProgress = (query) => get(`/api/campaign/progress?${query}`);
/** Keeps a saved campaign's days to today and plans the rest (leads only). @param {ReplanRequest} request @returns {Promise<Replanned>} */
export const replanCampaign = (request) => post('/api/campaign/replan', request);
/**
 * A site as stored (src/api/sites.rs `SiteAnswer`).
 * @typedef {object} SiteAnswer
 * @property {string} id
 * @property {string} name
 * @property {string} kind  training, care, office_building or residential_compound
 * @property {string | null} subject
 * @property {string | null} licence
 * @property {string | null} address
 * @property {string | null} open_hours
 * @property {number} lon  WGS-84
 * @property {number} lat
 * @property {string | null} cell_id
 * @property {boolean} closed
 */
/**
 * `POST /api/sites`: a new institution or hotspot, its position in `crs`.
 * @typedef {{ id?: string, name: string, kind: string, subject?: string, licence?: string, address?: string, open_hours?: string, lon: number, lat: number, crs?: string, size_m?: number }} SiteRequest
 */
/** `PATCH /api/sites/{id}`: only the fields given change. @typedef {Partial<SiteRequest> & { closed?: boolean, reason?: string }} SitePatch */
/**
 * One changed field of a site's history.
 * @typedef {{ change: number, at: string, actor: string, via: string, action: string, field: string, before: string | null, after: string | null }} SiteChange
 */
/**
 * Where a site stands on the white and black lists.
 * @typedef {{ white: boolean, black: boolean, reason: string | null, white_since: string | null, new_finding: { inspection_id: number, at: string, result: string } | null }} ListStanding
 */
/**
 * `GET /api/sites/{id}`: the whole 一家一册.
 * @typedef {object} SiteDossier
 * @property {SiteAnswer} site
 * @property {SiteChange[]} history
 * @property {(InspectionRecord & { team_id: string })[]} inspections
 * @property {FollowUpBrief[]} follow_ups
 * @property {ListStanding} lists
 * @property {TipOff[]} tipoffs  举报 register: the tip-offs about the site
 */
/** Adds a site or a hotspot (leads). @param {SiteRequest} request @returns {Promise<SiteAnswer>} */
export const addSite = (request) => post('/api/sites', request);
/** Moves, edits, closes or reopens a site (leads). @param {string} id @param {SitePatch} patch @returns {Promise<SiteAnswer>} */
export const changeSite = (id, patch) => /** @type {Promise<SiteAnswer>} */ (call(`/api/sites/${encodeURIComponent(id)}`, { method: 'PATCH', json: patch }));
/** A site's whole dossier. @param {string} id @returns {Promise<SiteDossier>} */
export const siteDossier = (id) => get(`/api/sites/${encodeURIComponent(id)}`);

/**
 * A tip-off of the 举报 register (src/api/tipoffs.rs `TipOffAnswer`); the complainant
 * only in leads' answers.
 * @typedef {object} TipOff
 * @property {number} id
 * @property {'hotline_12345' | 'phone' | 'letter' | 'online' | 'superior'} source
 * @property {string} source_label
 * @property {string} summary
 * @property {string | null} place
 * @property {string} received_at
 * @property {string} [complainant_name]
 * @property {string} [complainant_contact]
 * @property {string | null} site_id
 * @property {string | null} site_name
 * @property {number} lon
 * @property {number} lat
 * @property {'received' | 'assigned' | 'handled' | 'verified' | 'answered' | 'closed'} status
 * @property {string} status_label
 * @property {string | null} team_id
 * @property {string} due  `YYYY-MM-DD`
 * @property {boolean} overdue
 * @property {number | null} inspection_id
 * @property {string | null} verdict
 * @property {string | null} answer
 * @property {string | null} closed_at
 */
/** @typedef {{ tipoffs: TipOff[], overdue: number }} TipOffsAnswer  `GET /api/tipoffs` */
/**
 * A due follow-up (src/api/tipoffs.rs `FollowUpAnswer`).
 * @typedef {object} FollowUpItem
 * @property {number} id
 * @property {'rectification' | 'closure' | 'lookback'} kind
 * @property {string} kind_label
 * @property {string} site_id
 * @property {string} site_name
 * @property {string | null} address
 * @property {number} lon
 * @property {number} lat
 * @property {string | null} due
 * @property {boolean} overdue
 * @property {number} inspection_id
 */
/** @typedef {{ today: string, next_working_day: string, followups: FollowUpItem[] }} FollowUpsAnswer  `GET /api/followups` */
/** The register, overdue first. @param {URLSearchParams} query `status`, `overdue`, `site` @returns {Promise<TipOffsAnswer>} */
export const tipOffs = (query) => get(`/api/tipoffs?${query}`);
/** Receives a tip-off (leads). @param {object} request @returns {Promise<TipOff>} */
export const receiveTipOff = (request) => post('/api/tipoffs', request);
/** One step on a tip-off. @param {number} id @param {object} patch `action` and its fields @returns {Promise<TipOff>} */
export const changeTipOff = (id, patch) => /** @type {Promise<TipOff>} */ (call(`/api/tipoffs/${id}`, { method: 'PATCH', json: patch }));
/** The due follow-ups (leads). @returns {Promise<FollowUpsAnswer>} */
export const followUps = () => get('/api/followups');

/**
 * `POST /api/import/preview` and `/api/import/{id}/confirm` (src/server/imports.rs):
 * what a lead's list would do, by row.
 * @typedef {object} ImportPreview
 * @property {string} source
 * @property {{ header: string, field: string | null }[]} columns
 * @property {string[]} filled
 * @property {{ place: string, id: string, name: string, position: { from: string, label?: string } }[]} added
 * @property {{ place: string, id: string, name: string, fields: { field: string, before: string, after: string }[] }[]} changed
 * @property {number} unchanged
 * @property {{ place: string, reason: string }[]} refused
 * @property {{ place: string, name: string, address: string | null }[]} needs_position
 * @property {boolean} written
 */
/** @typedef {{ id: string, preview: ImportPreview }} PreviewAnswer */
/**
 * A site kept from a list until a lead places it (`GET /api/import/pending`).
 * @typedef {{ id: number, place: string, site_id: string, name: string, address: string | null, imported_by: string, imported_at: string }} PendingSite
 */

/**
 * Sends a list file as it is (xlsx, xls, ods or CSV) for a preview; nothing is written.
 * @param {File} file @param {string} crs @returns {Promise<PreviewAnswer>}
 */
export async function importPreview(file, crs) {
  const path = `/api/import/preview?name=${encodeURIComponent(file.name)}&crs=${encodeURIComponent(crs)}`;
  let response;
  try {
    response = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/octet-stream', 'Idempotency-Key': crypto.randomUUID() },
      body: file,
    });
  } catch (e) {
    throw new ApiError('network', String(e), 0);
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) throw failure(response, body);
  return body;
}
/** @param {string} id @returns {Promise<PreviewAnswer>} */
export const importConfirm = (id) => post(`/api/import/${encodeURIComponent(id)}/confirm`);
/** @returns {Promise<{ pending: PendingSite[] }>} */
export const importPending = () => get('/api/import/pending');
/** @param {number} id @param {number} lon @param {number} lat @returns {Promise<{ site_id: string, pending: PendingSite[] }>} */
export const placePending = (id, lon, lat) => post(`/api/import/pending/${id}/place`, { lon, lat });
/**
 * An officer of the 执法检查人员名录库.
 * @typedef {{ name: string, department: string, conflicts: string[] }} Officer
 */
/**
 * `GET /api/officers`: the officer register, and the site register's tiers and ratios.
 * @typedef {{ officers: Officer[], tiers: Record<string, number>, ratios: Record<string, number>, officers_per_target: number }} OfficersAnswer
 */
/** @returns {Promise<OfficersAnswer>} */
export const officers = () => get('/api/officers');
/** @param {{ name: string, department: string }} request @returns {Promise<OfficersAnswer>} */
export const addOfficer = (request) => post('/api/officers', request);
/** @param {{ officer: string, site_id: string, reason: string | null }} request @returns {Promise<OfficersAnswer>} */
export const declareConflict = (request) => post('/api/officers/conflicts', request);
/**
 * `GET /api/draws`: the draw log, newest first.
 * @typedef {{ seq: number, seed: string, at: string, targets: number, register: boolean, publish_by: string | null, hash: string }} DrawSummary
 * @typedef {{ head: string, draws: DrawSummary[] }} DrawsAnswer
 */
/** @returns {Promise<DrawsAnswer>} */
export const draws = () => get('/api/draws');
