//! `POST /api/campaign`: a lead plans a 专项治理 campaign over a window of days (see
//! [`crate::campaign::township`]); with `"save": true` it is kept and the answer carries
//! its id. `GET /api/campaign/progress` follows a saved campaign; `POST
//! /api/campaign/replan` keeps its days up to today and plans the rest again (see
//! [`crate::campaign::replan`]). Leads only (the access table says so).

use std::sync::Arc;

use axum::extract::{Query, State};
use serde::Deserialize;

use super::auth::Signed;
use super::error::ApiError;
use super::{ApiJson, AppState};
use crate::calendar::DutyRoster;
use crate::campaign::progress::CampaignProgress;
use crate::campaign::replan::{progress_of, replan, rest_input, FollowError, Replanned};
use crate::campaign::township::{
    build_campaign, plan_township, CampaignOutput, Streets, Teams, TownshipInput,
};
use crate::campaign::CampaignOptions;
use crate::network::Profile;
use crate::routing::Router;
use crate::rules::RoutingRules;
use crate::shift::{Shift, ShiftData};

/// Most teams a campaign may have.
const MAX_TEAMS: usize = 20;
/// Longest planning time the page may ask for.
const MAX_SECONDS: f64 = 120.0;
/// Planning time when the request gives none.
const DEFAULT_SECONDS: f64 = 30.0;
/// Longest window, days.
const MAX_DAYS: i64 = 92;
/// One more team out on a shift weighs as much as two hours of travel.
const TEAM_DAY_COST_S: f64 = 7200.0;
/// Search iterations when the request gives none.
const DEFAULT_ITERATIONS: u64 = 3000;

/// `POST /api/campaign` body.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignRequest {
    /// First day, `YYYY-MM-DD`.
    pub from: String,
    /// Last day, `YYYY-MM-DD` (inclusive).
    pub to: String,
    /// Teams T1..Tn on every working day (default 1), unless `roster` is given.
    pub teams: Option<usize>,
    /// A duty roster as TOML text (teams, members, duty days, leave, weekend duty).
    pub roster: Option<String>,
    /// Planning time cap in seconds (default 30).
    pub seconds: Option<f64>,
    /// Search iterations (default 3000).
    pub iterations: Option<u64>,
    /// The seed (default 1).
    pub seed: Option<u64>,
    /// Walk or drive (default walk).
    pub profile: Option<Profile>,
    /// Keep the plan in the workspace (default no); the answer's `campaign_id` names it.
    pub save: Option<bool>,
}

fn date(text: &str, field: &str) -> Result<chrono::NaiveDate, ApiError> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| ApiError::bad_request(format!("{field}: `{text}` is not YYYY-MM-DD")))
}

/// Plans the campaign and answers it.
pub async fn post_campaign(
    State(state): State<AppState>,
    Signed(user): Signed,
    ApiJson(req): ApiJson<CampaignRequest>,
) -> Result<axum::Json<CampaignOutput>, ApiError> {
    let from = date(&req.from, "from")?;
    let to = date(&req.to, "to")?;
    let days = (to - from).num_days() + 1;
    if !(1..=MAX_DAYS).contains(&days) {
        return Err(ApiError::bad_request(format!(
            "to: the window must be 1 to {MAX_DAYS} days from `from`, not {days}"
        )));
    }
    let search = Search::read(
        req.seconds,
        req.iterations,
        req.seed,
        req.teams,
        req.roster.as_deref(),
    )?;
    let (options, roster, count) = (search.options, search.roster, search.count);
    let profile = req.profile.unwrap_or(Profile::Walk);
    let save = req.save.unwrap_or(false);
    let answer = tokio::task::spawn_blocking(move || -> Result<CampaignOutput, ApiError> {
        let (day, night) = state.data.read(|ws| {
            Ok((
                ShiftData::from_store(ws, from, Shift::Day)?,
                ShiftData::from_store(ws, from, Shift::Night)?,
            ))
        })?;
        let (router, night_router) = routers(&state, profile, &day.rules.routing)?;
        let teams = match &roster {
            Some(r) => Teams::Roster(r),
            None => Teams::Count(count),
        };
        let input = TownshipInput {
            from,
            to,
            institutions: &day.institutions,
            priorities: &day.priorities,
            hotspots: &night.hotspots,
            depots: &day.depots,
            rules: &day.rules,
            calendar: &day.calendar,
            teams,
            pins: &day.pins,
        };
        let tc = build_campaign(&input, streets(&router, &night_router))
            .map_err(|e| ApiError::conflict("campaign_setup", e.to_string()))?;
        let (_, mut output) =
            plan_township(&tc, from, to, &options, false).map_err(ApiError::internal)?;
        if save {
            let body = serde_json::to_string(&output).map_err(ApiError::internal)?;
            let id = state.data.store_as(&user.name)?.campaign_save(
                &output.from,
                &output.to,
                &body,
                None,
            )?;
            tracing::info!(id, from = %output.from, to = %output.to, "campaign saved");
            output.campaign_id = Some(id);
        }
        Ok(output)
    })
    .await
    .map_err(ApiError::internal)??;
    Ok(axum::Json(answer))
}

/// The search settings and teams a request asks for, checked.
struct Search {
    options: CampaignOptions,
    roster: Option<DutyRoster>,
    count: usize,
}

impl Search {
    fn read(
        seconds: Option<f64>,
        iterations: Option<u64>,
        seed: Option<u64>,
        teams: Option<usize>,
        roster: Option<&str>,
    ) -> Result<Self, ApiError> {
        let seconds = seconds.unwrap_or(DEFAULT_SECONDS);
        if !(seconds.is_finite() && seconds > 0.0 && seconds <= MAX_SECONDS) {
            return Err(ApiError::bad_request(format!(
                "seconds: give more than 0 and at most {MAX_SECONDS}"
            )));
        }
        let roster = match roster {
            Some(text) => Some(
                DutyRoster::from_toml(text, "roster")
                    .map_err(|e| ApiError::bad_request(format!("roster: {e}")))?,
            ),
            None => None,
        };
        let count = teams.unwrap_or(1);
        if roster.is_none() && !(1..=MAX_TEAMS).contains(&count) {
            return Err(ApiError::bad_request(format!(
                "teams: give 1 to {MAX_TEAMS} teams, not {count}"
            )));
        }
        let options = CampaignOptions {
            time_limit_s: seconds,
            max_iterations: Some(iterations.unwrap_or(DEFAULT_ITERATIONS)),
            seed: seed.unwrap_or(1),
            team_day_cost_s: TEAM_DAY_COST_S,
            polish_iterations: 200,
        };
        Ok(Self {
            options,
            roster,
            count,
        })
    }
}

/// A saved campaign's id as text (`?id=` or the body's `id`), read here so that a bad
/// one is a JSON 400 like every other error.
fn campaign_id(text: Option<&str>) -> Result<Option<i64>, ApiError> {
    text.map(|t| {
        t.trim()
            .parse::<i64>()
            .map_err(|_| ApiError::bad_request(format!("id: campaign id `{t}` is not a number")))
    })
    .transpose()
}

/// The day counted to: the request's, or the township's today.
fn today_of(state: &AppState, text: Option<&str>) -> Result<chrono::NaiveDate, ApiError> {
    match text {
        Some(t) => date(t, "today"),
        None => Ok(state.data.today()),
    }
}

impl From<FollowError> for ApiError {
    fn from(e: FollowError) -> Self {
        match e {
            FollowError::Store(s) => s.into(),
            FollowError::NoSuchCampaign(_) | FollowError::NoneSaved => {
                ApiError::not_found(e.to_string())
            }
            FollowError::Ended { .. } => ApiError::conflict("campaign_ended", e.to_string()),
            FollowError::Township(_) => ApiError::conflict("campaign_setup", e.to_string()),
            other => ApiError::internal(other),
        }
    }
}

/// `?id=N&today=YYYY-MM-DD` (both optional).
#[derive(Deserialize, Default, schemars::JsonSchema)]
pub struct ProgressQuery {
    /// The saved campaign (default: the one saved last).
    pub id: Option<String>,
    /// The day to count up to (default: the township's today).
    pub today: Option<String>,
}

/// A saved campaign's progress: planned against done, per day and shift and per cell.
pub async fn get_progress(
    State(state): State<AppState>,
    Signed(_lead): Signed,
    Query(q): Query<ProgressQuery>,
) -> Result<axum::Json<CampaignProgress>, ApiError> {
    let id = campaign_id(q.id.as_deref())?;
    let today = today_of(&state, q.today.as_deref())?;
    let answer =
        tokio::task::spawn_blocking(move || state.data.read(|ws| Ok(progress_of(ws, id, today)?)))
            .await
            .map_err(ApiError::internal)??;
    Ok(axum::Json(answer))
}

/// `POST /api/campaign/replan` body.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplanRequest {
    /// The saved campaign (default: the one saved last).
    pub id: Option<String>,
    /// The last day kept as planned, `YYYY-MM-DD` (default: the township's today).
    pub today: Option<String>,
    /// Teams T1..Tn on every working day (default 1), unless `roster` is given.
    pub teams: Option<usize>,
    /// A duty roster as TOML text.
    pub roster: Option<String>,
    /// Planning time cap in seconds (default 30).
    pub seconds: Option<f64>,
    /// Search iterations (default 3000).
    pub iterations: Option<u64>,
    /// The seed (default 1).
    pub seed: Option<u64>,
    /// Walk or drive (default walk).
    pub profile: Option<Profile>,
    /// Keep the new plan as a campaign replacing the old one (default no).
    pub save: Option<bool>,
}

/// Keeps a saved campaign's days up to today and plans the rest again.
pub async fn post_replan(
    State(state): State<AppState>,
    Signed(user): Signed,
    ApiJson(req): ApiJson<ReplanRequest>,
) -> Result<axum::Json<Replanned>, ApiError> {
    let id = campaign_id(req.id.as_deref())?;
    let today = today_of(&state, req.today.as_deref())?;
    let search = Search::read(
        req.seconds,
        req.iterations,
        req.seed,
        req.teams,
        req.roster.as_deref(),
    )?;
    let profile = req.profile.unwrap_or(Profile::Walk);
    let save = req.save.unwrap_or(false);
    let answer = tokio::task::spawn_blocking(move || -> Result<Replanned, ApiError> {
        let (rest, rules) = state
            .data
            .read(|ws| Ok((rest_input(ws, id, today)?, ws.rules()?)))?;
        let (router, night) = routers(&state, profile, &rules.routing)?;
        let teams = match &search.roster {
            Some(r) => Teams::Roster(r),
            None => Teams::Count(search.count),
        };
        let mut replanned = replan(&rest, teams, streets(&router, &night), &search.options)?;
        if save {
            let body = serde_json::to_string(&replanned.plan).map_err(ApiError::internal)?;
            let new_id = state.data.store_as(&user.name)?.campaign_save(
                &replanned.plan.from,
                &replanned.plan.to,
                &body,
                Some(replanned.replaces),
            )?;
            tracing::info!(new_id, replaces = replanned.replaces, "campaign re-planned");
            replanned.campaign_id = Some(new_id);
            replanned.plan.campaign_id = Some(new_id);
        }
        Ok(replanned)
    })
    .await
    .map_err(ApiError::internal)??;
    Ok(axum::Json(answer))
}

/// The campaign's routers: the open streets, and the night's with the compounds' gates
/// closed when the rules say they close.
fn routers(
    state: &AppState,
    profile: Profile,
    rules: &RoutingRules,
) -> Result<(Arc<Router>, Option<Arc<Router>>), ApiError> {
    let open = state.planner.router(profile, rules)?;
    let night = match rules.compounds_closed_at_night {
        true => Some(state.planner.router_with(profile, rules, true)?),
        false => None,
    };
    Ok((open, night))
}

fn streets<'a>(open: &'a Arc<Router>, night: &'a Option<Arc<Router>>) -> Streets<'a> {
    Streets {
        open,
        gates_closed: night.as_deref(),
    }
}
