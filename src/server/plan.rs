//! Planning from the page: `POST /api/plan` (a lead plans a shift), `GET /api/plan`
//! (the plan this user may see), `GET /api/plan/sheet/{team}` (a team's route sheet),
//! the `routes` map layer and each team's GPX.
//!
//! Who sees what (四不两直: plans must not leak): leads see every plan in full;
//! inspectors see only their own team's route, and a night plan only once its shift
//! has started.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, Query, State};
use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;
use serde_json::Value;

use super::auth::{Signed, User};
use super::error::ApiError;
use super::{ApiJson, AppState, ServerData};
use crate::api::layers::FeatureCollection;
use crate::api::{PagePlan, PlanAnswer, SheetAnswer};
use crate::formats::osm::OsmData;
use crate::network::{BuildOptions, Profile, RoadNetwork};
use crate::plan::SolveOptions;
use crate::routing::turns::{RoutingRules, TurnCosts};
use crate::routing::Router;
use crate::shift::replan::{
    done_visits, plan_teams, replan_from_now, working_plan, DoneVisit, ShiftUnderWay,
};
use crate::shift::visibility::{plan_as_seen, visible_from, Viewer};
use crate::shift::TownshipError;
use crate::shift::{plan_shift, Shift, ShiftData, ShiftPlan, ShiftSettings, TeamSpec};
use crate::store::Workspace;
use crate::units::{parse_clock, ClockSeconds};

/// Most teams one plan may have.
const MAX_TEAMS: usize = 20;
/// Longest search the page may ask for.
const MAX_SECONDS: f64 = 60.0;
/// How many recent plans are looked through for the current one.
const RECENT_PLANS: usize = 50;

/// The road networks, built on first use from the extract the server was given (one
/// per profile, and one more with the compounds' gates closed for night shifts), and
/// their routers, rebuilt when the township's turn costs change.
pub struct Planner {
    osm: OsmData,
    networks: Mutex<HashMap<NetworkKey, Built>>,
    routing_cache: Option<std::path::PathBuf>,
}

/// One profile's router with the costs it was built with, or why it could not be built.
type Built = Result<(TurnCosts, Arc<Router>), String>;

/// Which network: the profile, and whether the compounds' gates are closed.
type NetworkKey = (Profile, bool);

impl Planner {
    /// Plans on the streets of `osm`.
    pub fn new(osm: OsmData) -> Self {
        Self {
            osm,
            networks: Mutex::new(HashMap::new()),
            routing_cache: None,
        }
    }

    /// Keeps each router's contraction hierarchy in `dir` (beside the workspace), so a
    /// restart reads it instead of building it again.
    pub fn with_routing_cache(mut self, dir: std::path::PathBuf) -> Self {
        self.routing_cache = Some(dir);
        self
    }

    /// A new router, with its hierarchy from the cache when there is one (else built on
    /// the first big matrix, and kept then).
    fn fresh(&self, mut router: Router) -> Router {
        if let Some(dir) = &self.routing_cache {
            let found = crate::store::route_cache::attach(&mut router, dir, |kept| {
                match kept.written {
                    Ok(()) => {
                        tracing::info!(path = %kept.path.display(), build_s = kept.build_time.as_secs_f64(), "routing hierarchy built and kept")
                    }
                    Err(e) => {
                        tracing::warn!(path = %kept.path.display(), error = %e, "cannot keep the routing hierarchy")
                    }
                }
            });
            tracing::info!(dir = %dir.display(), ?found, "routing cache");
        }
        router
    }

    /// The router of `profile` with the rules' turn costs (blocking the first time:
    /// call from `spawn_blocking`).
    pub fn router(&self, profile: Profile, rules: &RoutingRules) -> Result<Arc<Router>, ApiError> {
        self.router_with(profile, rules, false)
    }

    /// Like [`Planner::router`], on the network with the compounds' gates closed when
    /// `gates_closed` (night shifts, when the rules say compounds close at night).
    pub fn router_with(
        &self,
        profile: Profile,
        rules: &RoutingRules,
        gates_closed: bool,
    ) -> Result<Arc<Router>, ApiError> {
        let costs = rules.costs_for(profile);
        let key = (profile, gates_closed);
        let mut networks = self.networks.lock().unwrap_or_else(|e| e.into_inner());
        let fresh = match networks.get(&key) {
            Some(Ok((built_with, _))) => *built_with != costs,
            Some(Err(_)) => false,
            None => true,
        };
        if fresh {
            let built = match networks.remove(&key) {
                // Same streets, new costs: keep the network, rebuild the turn graph.
                Some(Ok((_, old))) => {
                    Ok(self.fresh(Router::with_costs(old.network().clone(), costs)))
                }
                _ => RoadNetwork::build_with(&self.osm, profile, &BuildOptions { gates_closed })
                    .map(|n| self.fresh(Router::with_costs(n, costs)))
                    .map_err(|e| e.to_string()),
            };
            networks.insert(key, built.map(|r| (costs, Arc::new(r))));
        }
        match networks.get(&key) {
            Some(Ok((_, router))) => Ok(Arc::clone(router)),
            Some(Err(e)) => Err(ApiError::unavailable(format!("no {profile} network: {e}"))),
            None => Err(ApiError::unavailable(format!("no {profile} network"))),
        }
    }
}

/// Teams as names (`["A", "B"]`) or as a count (`2` → `T1`, `T2`).
pub use crate::shift::teams::TeamList as TeamsField;

/// `POST /api/plan` body.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    /// The day to plan, `YYYY-MM-DD`.
    pub date: String,
    /// `day` or `night`.
    pub shift: String,
    /// The teams, as a count or as names.
    pub teams: TeamsField,
    /// Working minutes per team (default: the whole shift).
    pub budget_min: Option<f64>,
    /// Search time in seconds (default 3).
    pub seconds: Option<f64>,
    /// The solver's seed (default 1): the same seed and data give the same plan.
    pub seed: Option<u64>,
    /// Walk or drive (default walk).
    pub profile: Option<Profile>,
    /// The most visits per team (default: no limit but the time).
    pub max_stops: Option<usize>,
    /// Sites needing a joint inspection (联合检查) and the teams that can do them.
    #[serde(default)]
    pub joint_sites: Vec<String>,
    /// The teams with staff for joint inspections; each must be one of `teams`.
    #[serde(default)]
    pub joint_teams: Vec<String>,
    /// Re-plan the shift under way from this time (`HH:MM`, or `now` for the township's
    /// clock): stops recorded as done stay done, each team sets out from its last done
    /// stop, and the rest of the working plan (the latest published one of the date and
    /// shift) changes as little as it can. The teams are the working plan's; `teams` is
    /// then ignored.
    pub from_now: Option<String>,
    /// A duty roster as TOML text (teams, members, duty days, leave, weekend duty): the
    /// teams on duty that day with at least two officers plan; `teams` is then ignored.
    pub roster: Option<String>,
}

fn parse_date(text: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| ApiError::bad_request(format!("date `{text}` is not YYYY-MM-DD")))
}

fn teams(req: &PlanRequest) -> Result<Vec<TeamSpec>, ApiError> {
    let choice = crate::shift::teams::TeamChoice {
        list: req.teams.clone(),
        depot: None,
        max_stops: req.max_stops,
        joint_teams: req.joint_teams.clone(),
    };
    let teams = choice.teams().map_err(|e| match e {
        TownshipError::UnknownJointTeam(j) => {
            ApiError::bad_request(format!("joint_teams: no team `{j}` in this plan"))
        }
        _ => ApiError::bad_request(format!("teams: give 1 to {MAX_TEAMS} teams, not 0")),
    })?;
    if teams.len() > MAX_TEAMS {
        return Err(ApiError::bad_request(format!(
            "teams: give 1 to {MAX_TEAMS} teams, not {}",
            teams.len()
        )));
    }
    Ok(teams)
}

/// Checks the request and turns it into settings and search options.
fn settings(
    req: &PlanRequest,
    rules: &crate::rules::Rules,
) -> Result<(ShiftSettings, SolveOptions, Profile), ApiError> {
    let date = parse_date(&req.date)?;
    let shift: Shift = req
        .shift
        .parse()
        .map_err(|e: crate::shift::TownshipError| ApiError::bad_request(e.to_string()))?;
    let mut settings = ShiftSettings::from_rules(rules, date, shift, teams(req)?);
    settings.joint_sites = req
        .joint_sites
        .iter()
        .map(|s| s.trim().to_string())
        .collect();
    if let Some(minutes) = req.budget_min {
        if !(10.0..=1440.0).contains(&minutes) {
            return Err(ApiError::bad_request(format!(
                "budget_min: {minutes} is not between 10 and 1440 minutes"
            )));
        }
        let w = &mut settings.window;
        w.end_s = w.end_s.min(w.start_s + minutes * 60.0);
    }
    let seconds = req.seconds.unwrap_or(3.0);
    if !(seconds > 0.0 && seconds <= MAX_SECONDS) {
        return Err(ApiError::bad_request(format!(
            "seconds: {seconds} is not in (0, {MAX_SECONDS}]"
        )));
    }
    // An iteration budget, the seconds only a cap: the same seed gives the same plan.
    let options = SolveOptions {
        time_limit_s: seconds,
        max_iterations: Some(crate::plan::DEFAULT_ITERATIONS),
        seed: req.seed.unwrap_or(1),
        ..Default::default()
    };
    Ok((settings, options, req.profile.unwrap_or_default()))
}

/// The teams on duty on the settings' date in the roster `text`, with their officers.
fn rostered(
    text: &str,
    settings: &ShiftSettings,
    joint_teams: &[String],
    calendar: &crate::calendar::Calendar,
) -> Result<Vec<TeamSpec>, ApiError> {
    let roster = crate::calendar::DutyRoster::from_toml(text, "roster")
        .map_err(|e| ApiError::bad_request(format!("roster: {e}")))?;
    let day = crate::shift::teams::roster_teams(&roster, settings.date, calendar)
        .map_err(|e| ApiError::bad_request(format!("roster: {e}")))?;
    let mut teams = day.on_duty;
    for team in &mut teams {
        team.joint = joint_teams.contains(&team.id);
    }
    Ok(teams)
}

/// The time a re-plan starts from: `now` (the township's clock) or `HH:MM`.
fn from_now_time(text: &str, data: &ServerData) -> Result<ClockSeconds, ApiError> {
    if text.trim() == "now" {
        use chrono::Timelike as _;
        return Ok(f64::from(data.now().time().num_seconds_from_midnight()));
    }
    parse_clock(text).ok_or_else(|| {
        ApiError::bad_request(format!("from_now: `{text}` is not `now` or a time (HH:MM)"))
    })
}

/// The working plan of the settings' date and shift, and what was done by `now_s`.
fn shift_under_way(
    ws: &Workspace,
    settings: &ShiftSettings,
    now_s: ClockSeconds,
) -> Result<(ShiftPlan, Vec<DoneVisit>), ApiError> {
    let (date, shift) = (settings.date, settings.shift);
    let Some((_, previous)) = working_plan(ws, date, shift)? else {
        return Err(ApiError::conflict(
            "no_plan",
            format!("from_now: no {shift} plan on {date} to re-plan"),
        ));
    };
    Ok((previous, done_visits(ws, date, now_s)?))
}

/// Plans a shift on the workspace's data (blocking); with `from_now`, re-plans the
/// shift under way from then.
fn make_plan(
    data: &ServerData,
    planner: &Planner,
    settings: &ShiftSettings,
    options: &SolveOptions,
    profile: Profile,
    from_now: Option<ClockSeconds>,
) -> Result<ShiftPlan, ApiError> {
    let (shift_data, under_way) = data.read(|ws| {
        let shift_data = ShiftData::from_store(ws, settings.date, settings.shift)?;
        let under_way = from_now
            .map(|now_s| shift_under_way(ws, settings, now_s).map(|u| (now_s, u)))
            .transpose()?;
        Ok((shift_data, under_way))
    })?;
    let routing = &shift_data.rules.routing;
    let gates_closed = settings.shift.after_dark() && routing.compounds_closed_at_night;
    let router = planner.router_with(profile, routing, gates_closed)?;
    let input = shift_data.input();
    let planned = match &under_way {
        None => plan_shift(&input, settings, &router, options, &mut |_| {}),
        Some((now_s, (previous, done))) => {
            let mut settings = settings.clone();
            let joint: Vec<String> = settings
                .teams
                .iter()
                .filter(|t| t.joint)
                .map(|t| t.id.clone())
                .collect();
            settings.teams = plan_teams(previous);
            for team in &mut settings.teams {
                team.joint = joint.contains(&team.id);
            }
            let state = ShiftUnderWay {
                previous,
                now_s: *now_s,
                done,
            };
            replan_from_now(&input, &settings, state, &router, options, &mut |_| {})
        }
    };
    use crate::shift::TownshipError as E;
    planned.map_err(|e| match e {
        E::NoDepot => ApiError::conflict("no_depot", e.to_string()),
        E::DepotUnreachable { .. } => ApiError::conflict("depot_unreachable", e.to_string()),
        E::Solve(_) => ApiError::internal(e),
        _ => ApiError::bad_request(e.to_string()),
    })
}

/// Plans a shift and keeps it as a draft (inspectors do not see it until it is
/// published); answers the plan as the lead sees it.
pub async fn post_plan(
    State(state): State<AppState>,
    Signed(user): Signed,
    ApiJson(req): ApiJson<PlanRequest>,
) -> Result<axum::Json<PlanAnswer>, ApiError> {
    let rules = state.data.store()?.rules()?;
    let (mut settings, options, profile) = settings(&req, &rules)?;
    if let Some(text) = &req.roster {
        let calendar = state.data.store()?.calendar()?;
        settings.teams = rostered(text, &settings, &req.joint_teams, &calendar)?;
    }
    let from_now = req
        .from_now
        .as_deref()
        .map(|t| from_now_time(t, &state.data))
        .transpose()?;
    let plan = tokio::task::spawn_blocking(move || -> Result<PagePlan, ApiError> {
        let data = &state.data;
        let plan = make_plan(data, &state.planner, &settings, &options, profile, from_now)?;
        let body = serde_json::to_string(&plan).map_err(ApiError::internal)?;
        let id = state.data.store_as(&user.name)?.plan_save_draft(
            &plan.date.to_string(),
            &plan.shift.to_string(),
            None,
            &body,
        )?;
        tracing::info!(id, date = %plan.date, shift = %plan.shift, planned = plan.summary.planned, "plan made");
        Ok(for_page(id, plan, &user, false))
    })
    .await
    .map_err(ApiError::internal)??;
    Ok(axum::Json(PlanAnswer {
        plan: Some(plan),
        hidden_until: None,
    }))
}

/// Publishes a lead's draft (logged): from now on inspectors see it.
pub async fn publish_plan(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<String>,
) -> Result<axum::Json<PlanAnswer>, ApiError> {
    // Read here, not by axum's extractor, so a bad id is a JSON error like every other.
    let id: i64 = id
        .parse()
        .map_err(|_| ApiError::bad_request(format!("plan id `{id}` is not a number")))?;
    let plan = tokio::task::spawn_blocking(move || -> Result<PagePlan, ApiError> {
        let stored = state.data.store_as(&user.name)?.plan_publish(id)?;
        let stored = stored.ok_or_else(|| ApiError::not_found(format!("no plan {id}")))?;
        let plan: ShiftPlan = serde_json::from_str(&stored.body).map_err(ApiError::internal)?;
        tracing::info!(id, date = %plan.date, shift = %plan.shift, "plan published");
        Ok(for_page(id, plan, &user, stored.published))
    })
    .await
    .map_err(ApiError::internal)??;
    Ok(axum::Json(PlanAnswer {
        plan: Some(plan),
        hidden_until: None,
    }))
}

/// `?date=YYYY-MM-DD&shift=day|night` narrows the choice of plan.
#[derive(Deserialize, Default, schemars::JsonSchema)]
pub struct PlanQuery {
    /// The day, `YYYY-MM-DD` (default: the most recent plans).
    pub date: Option<String>,
    /// `day` or `night` (default: either).
    pub shift: Option<String>,
}

/// The plan as `user` may see it at `now`, or `None` when not yet.
fn visible(plan: &ShiftPlan, user: &User, now: NaiveDateTime) -> Option<ShiftPlan> {
    let viewer = if user.is_lead() {
        Viewer::Lead
    } else {
        Viewer::Team(user.team.as_deref())
    };
    plan_as_seen(plan, viewer, now)
}

/// The page's view of a plan: the plan (each team coloured), its id, whether it is
/// published, who looks.
fn for_page(id: i64, plan: ShiftPlan, user: &User, published: bool) -> PagePlan {
    PagePlan {
        id,
        published,
        viewer_is_lead: user.is_lead(),
        plan: plan.with_colours(),
    }
}

/// What [`current`] found: the plan (filtered for the user) or why there is none.
enum Current {
    /// The plan's id, the plan, and whether it is published.
    Plan(i64, Box<ShiftPlan>, bool),
    /// A plan exists but this user may not see it yet.
    Hidden(NaiveDateTime),
    None,
}

/// The newest plan matching `query` that the user may see (blocking).
fn current(data: &ServerData, user: &User, query: &PlanQuery) -> Result<Current, ApiError> {
    let date = query.date.as_deref().map(parse_date).transpose()?;
    let stored = data.read(|ws| match date {
        Some(d) => {
            let mut on = ws.plans_on(&d.to_string())?;
            on.reverse();
            Ok(on)
        }
        None => Ok(ws.plans_latest(RECENT_PLANS)?),
    })?;
    let now = data.now();
    let mut hidden = None;
    for s in stored {
        if query.shift.as_deref().is_some_and(|q| q != s.shift) {
            continue;
        }
        if !s.published && !user.is_lead() {
            continue; // a lead's draft: inspectors keep the published plan
        }
        let Ok(plan) = serde_json::from_str::<ShiftPlan>(&s.body) else {
            continue; // a plan written by another version: skip, do not fail the page
        };
        match visible(&plan, user, now) {
            Some(p) => return Ok(Current::Plan(s.id, Box::new(p), s.published)),
            None => hidden = hidden.or(visible_from(&plan)),
        }
    }
    Ok(hidden.map_or(Current::None, Current::Hidden))
}

async fn current_for(
    state: AppState,
    user: User,
    query: PlanQuery,
) -> Result<(Current, User), ApiError> {
    tokio::task::spawn_blocking(move || Ok((current(&state.data, &user, &query)?, user)))
        .await
        .map_err(ApiError::internal)?
}

/// The current plan as this user may see it (`{"plan": null}` when none).
pub async fn get_plan(
    State(state): State<AppState>,
    Signed(user): Signed,
    Query(query): Query<PlanQuery>,
) -> Result<axum::Json<PlanAnswer>, ApiError> {
    Ok(axum::Json(match current_for(state, user, query).await? {
        (Current::Plan(id, plan, published), user) => PlanAnswer {
            plan: Some(for_page(id, *plan, &user, published)),
            hidden_until: None,
        },
        (Current::Hidden(from), _) => PlanAnswer {
            plan: None,
            hidden_until: Some(from.format("%Y-%m-%d %H:%M").to_string()),
        },
        (Current::None, _) => PlanAnswer {
            plan: None,
            hidden_until: None,
        },
    }))
}

/// One team's route from the current plan, if this user may see it (with whether the
/// plan is published).
async fn team_route(
    state: AppState,
    user: User,
    query: PlanQuery,
    team: &str,
) -> Result<(i64, ShiftPlan, usize, User, bool), ApiError> {
    match current_for(state, user, query).await? {
        (Current::Plan(id, plan, published), user) => {
            match plan.teams.iter().position(|t| t.team == team) {
                Some(i) => Ok((id, *plan, i, user, published)),
                None => Err(ApiError::not_found(format!(
                    "no route for team `{team}` in the plan you may see"
                ))),
            }
        }
        (Current::Hidden(from), _) => Err(ApiError::forbidden(format!(
            "the night plan is shown from {}",
            from.format("%Y-%m-%d %H:%M")
        ))),
        (Current::None, _) => Err(ApiError::conflict("no_plan", "no plan has been made yet")),
    }
}

/// A team's printable route sheet: the township, the shift and the team's route.
pub async fn get_sheet(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(team): Path<String>,
    Query(query): Query<PlanQuery>,
) -> Result<axum::Json<SheetAnswer>, ApiError> {
    let township = state.data.township_name().to_string();
    let (id, plan, i, _, _) = team_route(state, user, query, &team).await?;
    let plan = plan.with_colours();
    Ok(axum::Json(SheetAnswer {
        township,
        plan_id: id,
        date: plan.date,
        shift: plan.shift,
        team: plan.teams[i].clone(),
    }))
}

/// `routes-{team}.gpx`: the team's route for a field device.
pub async fn team_gpx(state: AppState, user: User, team: &str) -> Result<Vec<u8>, ApiError> {
    let (_, plan, i, _, _) = team_route(state, user, PlanQuery::default(), team).await?;
    Ok(plan.teams[i].to_gpx(plan.date, plan.shift).into_bytes())
}

/// The `routes` layer: the current plan's lines and stops, coloured per team.
pub fn routes_layer(data: &ServerData, user: Option<&User>) -> Result<Value, ApiError> {
    let plan = match user {
        Some(user) => current(data, user, &PlanQuery::default())?,
        None => Current::None,
    };
    Ok(match plan {
        Current::Plan(_, plan, _) => plan.with_colours().to_geojson(),
        _ => {
            serde_json::to_value(FeatureCollection::<Value>::of([])).map_err(ApiError::internal)?
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::Role;

    fn plan(shift: Shift) -> ShiftPlan {
        let text = include_str!("../../tests/fixtures/plan-two-teams.json");
        let mut p: ShiftPlan = serde_json::from_str(text).expect("fixture");
        p.shift = shift;
        p.window.start_s = 19.0 * 3600.0;
        p
    }

    fn user(role: Role, team: Option<&str>) -> User {
        User {
            name: "u".into(),
            role,
            team: team.map(str::to_string),
        }
    }

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn inspectors_see_their_own_team_only() {
        let p = plan(Shift::Day);
        let names: Vec<_> = p.teams.iter().map(|t| t.team.clone()).collect();
        assert!(names.len() >= 2);
        let own = visible(
            &p,
            &user(Role::Inspector, Some(&names[1])),
            at("2026-11-23 08:00"),
        )
        .unwrap();
        assert_eq!(own.teams.len(), 1);
        assert_eq!(own.teams[0].team, names[1]);
        assert!(own.unassigned.is_empty());
        let lead = visible(&p, &user(Role::Lead, None), at("2026-11-23 08:00")).unwrap();
        assert_eq!(lead, p);
    }

    #[test]
    fn night_plans_stay_hidden_until_the_shift_starts() {
        let p = plan(Shift::Night);
        let date = p.date;
        let inspector = user(Role::Inspector, Some(&p.teams[0].team));
        let before = date.and_hms_opt(18, 59, 0).unwrap();
        let after = date.and_hms_opt(19, 0, 0).unwrap();
        assert!(visible(&p, &inspector, before).is_none());
        assert!(visible(&p, &inspector, after).is_some());
        assert!(visible(&p, &user(Role::Lead, None), before).is_some());
    }
}

#[cfg(test)]
mod network_tests {
    use super::*;
    use crate::network::NodeControl;

    fn barriers(router: &Router) -> usize {
        let graph = &router.network().graph;
        graph
            .node_weights()
            .filter(|n| n.control == NodeControl::Barrier)
            .count()
    }

    #[test]
    fn night_plans_get_a_network_with_the_compounds_gates_closed() {
        let bytes = crate::sample::file(crate::sample::OSM_PBF).unwrap();
        let osm = crate::formats::osm::read_bytes(&bytes, "sample").unwrap();
        let planner = Planner::new(osm);
        let rules = RoutingRules::default();
        let day = planner.router(Profile::Walk, &rules).unwrap();
        let night = planner.router_with(Profile::Walk, &rules, true).unwrap();
        assert!(
            barriers(&night) > barriers(&day),
            "{} vs {}",
            barriers(&night),
            barriers(&day)
        );
        // Each is built once and kept.
        assert!(Arc::ptr_eq(
            &day,
            &planner.router(Profile::Walk, &rules).unwrap()
        ));
        assert!(Arc::ptr_eq(
            &night,
            &planner.router_with(Profile::Walk, &rules, true).unwrap()
        ));
    }
}
