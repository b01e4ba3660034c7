//! `POST /api/campaign`: a lead plans a 专项治理 campaign over a window of days (see
//! [`crate::campaign::township`]). The answer is the plan; nothing is stored.

use axum::extract::State;
use serde::Deserialize;

use super::auth::Signed;
use super::error::ApiError;
use super::{ApiJson, AppState};
use crate::calendar::{Calendar, DutyRoster};
use crate::campaign::township::{
    build_campaign, plan_township, CampaignOutput, Teams, TownshipInput,
};
use crate::campaign::CampaignOptions;
use crate::network::Profile;
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
}

fn date(text: &str, field: &str) -> Result<chrono::NaiveDate, ApiError> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| ApiError::bad_request(format!("{field}: `{text}` is not YYYY-MM-DD")))
}

/// Plans the campaign and answers it.
pub async fn post_campaign(
    State(state): State<AppState>,
    Signed(_user): Signed,
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
    let seconds = req.seconds.unwrap_or(DEFAULT_SECONDS);
    if !(seconds.is_finite() && seconds > 0.0 && seconds <= MAX_SECONDS) {
        return Err(ApiError::bad_request(format!(
            "seconds: give more than 0 and at most {MAX_SECONDS}"
        )));
    }
    let roster = match &req.roster {
        Some(text) => Some(
            DutyRoster::from_toml(text, "roster")
                .map_err(|e| ApiError::bad_request(format!("roster: {e}")))?,
        ),
        None => None,
    };
    let count = req.teams.unwrap_or(1);
    if roster.is_none() && !(1..=MAX_TEAMS).contains(&count) {
        return Err(ApiError::bad_request(format!(
            "teams: give 1 to {MAX_TEAMS} teams, not {count}"
        )));
    }
    let options = CampaignOptions {
        time_limit_s: seconds,
        max_iterations: Some(req.iterations.unwrap_or(3000)),
        seed: req.seed.unwrap_or(1),
        team_day_cost_s: TEAM_DAY_COST_S,
        polish_iterations: 200,
    };
    let profile = req.profile.unwrap_or(Profile::Walk);
    let answer = tokio::task::spawn_blocking(move || -> Result<CampaignOutput, ApiError> {
        let (day, night) = state.data.read(|ws| {
            Ok((
                ShiftData::from_store(ws, from, Shift::Day)?,
                ShiftData::from_store(ws, from, Shift::Night)?,
            ))
        })?;
        let router = state.planner.router(profile)?;
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
            calendar: Calendar::china(),
            teams,
        };
        let tc = build_campaign(&input, router)
            .map_err(|e| ApiError::conflict("campaign_setup", e.to_string()))?;
        let (_, output) =
            plan_township(&tc, from, to, &options, false).map_err(ApiError::internal)?;
        Ok(output)
    })
    .await
    .map_err(ApiError::internal)??;
    Ok(axum::Json(answer))
}
