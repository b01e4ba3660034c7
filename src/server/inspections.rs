//! `POST /api/inspections`: records one inspection and answers with the cell's new
//! coverage, so the page can recolour it at once.
//!
//! A client may send an `Idempotency-Key` header (a field device that lost the
//! answer sends the same request again): the same key from the same user stores one
//! inspection and answers the first result, even after a restart; the same key with
//! another request is refused (422). The workspace is locked for the write alone,
//! and inspections sent at the same time share one commit ([`super::writes`]); the
//! cell's coverage comes from the answers kept for readers, built beside it.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::auth::Signed;
use super::coverage::{coverage_answer, coverage_key};
use super::error::ApiError;
use super::workspace::{default_window, site_cells, ServerData};
use super::{ApiJson, AppState};
use crate::api::{CellBrief, CoverageAnswer, InspectionAnswer, RecordedInspection};
use crate::model::dates::DateWindow;
use crate::store::{
    outcome_effect, Evidence, InspectionInput, InspectionResult, Once, Position,
    MAX_SIGNATURE_BYTES, MIN_OFFICERS,
};

/// The header a client names a write with.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
/// Sent with an answer given again for a repeated key.
pub const IDEMPOTENT_REPLAYED: &str = "idempotent-replayed";
/// Longest key accepted.
const MAX_KEY_LEN: usize = 255;

/// The body: which site, when, what was found; a field record adds its evidence.
#[derive(Deserialize, Serialize, schemars::JsonSchema)]
pub struct InspectionRequest {
    /// The site (or hotspot) inspected.
    pub site_id: String,
    /// The day of the visit (`YYYY-MM-DD`); the time is now unless `at` gives it.
    pub date: String,
    /// `compliant`, `hazard`, `unlicensed_operation`, `closed` or `not_found`; may be
    /// left out when `outcome` is given (the outcome decides it then).
    pub result: Option<String>,
    /// Free-text remarks.
    pub notes: Option<String>,
    /// When the record was made on the device, township local time
    /// (`YYYY-MM-DDTHH:MM:SS`, on `date`, not in the future): a record sent later keeps it.
    pub at: Option<String>,
    /// Checklist codes found wrong (the rules' `findings` of the site's kind).
    pub findings: Option<Vec<String>>,
    /// An outcome code from the rules' `outcomes` (`compliant`, `rectify`, `close`,
    /// `refer`, `not_found`).
    pub outcome: Option<String>,
    /// 整改 deadline (`YYYY-MM-DD`); default: the rules' `follow_ups.rectify_days`.
    pub rectify_by: Option<String>,
    /// The authority a `refer` outcome hands the case to (市场监管, 消防, 公安, 卫健…).
    pub refer_to: Option<String>,
    /// The officers present: at least two names.
    pub officers: Option<Vec<String>>,
    /// The phone's GPS fix.
    pub position: Option<Position>,
    /// The site representative's name.
    pub representative: Option<String>,
    /// The representative's signature: a `data:image/png;base64,…` URL (≤ 150 KB).
    pub signature: Option<String>,
}

impl InspectionRequest {
    fn has_evidence(&self) -> bool {
        self.findings.is_some()
            || self.outcome.is_some()
            || self.rectify_by.is_some()
            || self.refer_to.is_some()
            || self.officers.is_some()
            || self.position.is_some()
            || self.representative.is_some()
            || self.signature.is_some()
    }
}

/// The prefix of a PNG data URL.
const PNG_DATA_URL: &str = "data:image/png;base64,";

/// A short text field: trimmed, `None` when blank, refused past `max` characters.
fn short_text(field: &str, text: Option<&String>, max: usize) -> Result<Option<String>, ApiError> {
    match text.map(|t| t.trim()) {
        Some(t) if t.chars().count() > max => Err(ApiError::bad_request(format!(
            "{field}: longer than {max} characters"
        ))),
        Some(t) if !t.is_empty() => Ok(Some(t.to_string())),
        _ => Ok(None),
    }
}

/// The evidence of `req`, checked for form (the store checks it against the rules).
fn evidence_of(req: &InspectionRequest) -> Result<Option<Evidence>, ApiError> {
    if !req.has_evidence() {
        return Ok(None);
    }
    let officers: Vec<String> = req
        .officers
        .iter()
        .flatten()
        .map(|o| o.trim().to_string())
        .filter(|o| !o.is_empty())
        .collect();
    if req.officers.is_some() && officers.len() < MIN_OFFICERS {
        return Err(ApiError::bad_request(format!(
            "officers: at least {MIN_OFFICERS} officers must be named"
        )));
    }
    if officers.iter().any(|o| o.chars().count() > 50) || officers.len() > 20 {
        return Err(ApiError::bad_request(
            "officers: at most 20 names of 50 characters",
        ));
    }
    let findings = req.findings.clone().unwrap_or_default();
    if findings.len() > 100 {
        return Err(ApiError::bad_request("findings: at most 100 codes"));
    }
    let rectify_by = req
        .rectify_by
        .as_deref()
        .map(|d| {
            NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
                ApiError::bad_request(format!("rectify_by: `{d}` is not a date (YYYY-MM-DD)"))
            })
        })
        .transpose()?;
    let signature = req
        .signature
        .as_deref()
        .map(|url| {
            let data = url.strip_prefix(PNG_DATA_URL).ok_or_else(|| {
                ApiError::bad_request("signature: a data:image/png;base64,… URL is needed")
            })?;
            if data.len() > MAX_SIGNATURE_BYTES * 4 / 3 + 4 {
                return Err(ApiError::payload_too_large_for(format!(
                    "signature: at most {} KB of PNG",
                    MAX_SIGNATURE_BYTES / 1024
                )));
            }
            base64::engine::general_purpose::STANDARD
                .decode(data)
                .map_err(|_| ApiError::bad_request("signature: the base64 does not decode"))
        })
        .transpose()?;
    Ok(Some(Evidence {
        findings,
        outcome: short_text("outcome", req.outcome.as_ref(), 50)?,
        rectify_by,
        refer_to: short_text("refer_to", req.refer_to.as_ref(), 100)?,
        officers,
        position: req.position.clone(),
        representative: short_text("representative", req.representative.as_ref(), 50)?,
        signature,
    }))
}

/// The time of the visit: `at` when given (on `day`), else `day` at the server's time.
fn visit_time(
    req: &InspectionRequest,
    day: NaiveDate,
    now: NaiveDateTime,
) -> Result<NaiveDateTime, ApiError> {
    let Some(at) = &req.at else {
        return Ok(day.and_time(now.time()));
    };
    let at = NaiveDateTime::parse_from_str(at, "%Y-%m-%dT%H:%M:%S").map_err(|_| {
        ApiError::bad_request(format!("at: `{at}` is not a time (YYYY-MM-DDTHH:MM:SS)"))
    })?;
    if at.date() != day {
        return Err(ApiError::bad_request(format!(
            "at: `{at}` is not on date {day}"
        )));
    }
    Ok(at)
}

/// The `Idempotency-Key` of a request, checked: 1 to 255 visible ASCII characters.
pub fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get(IDEMPOTENCY_KEY) else {
        return Ok(None);
    };
    let key = value.to_str().unwrap_or_default();
    if key.is_empty() || key.len() > MAX_KEY_LEN || !key.chars().all(|c| c.is_ascii_graphic()) {
        return Err(ApiError::bad_request(format!(
            "Idempotency-Key: 1 to {MAX_KEY_LEN} visible ASCII characters (a UUID will do)"
        )));
    }
    Ok(Some(key.to_string()))
}

/// The page's view of the coverage of the cell holding `site_id`: from the coverage
/// answer the readers share (built beside the writers, not under their lock).
/// Blocking when `quick` and the answers must be built: then `None`.
fn cell_of(
    data: &ServerData,
    site_id: &str,
    quick: bool,
) -> Result<Option<Option<CellBrief>>, ApiError> {
    let DateWindow { from, to } = data.read(default_window)?;
    let cells = match quick {
        true => data.checked::<HashMap<String, String>>(SITE_CELLS),
        false => Some(data.kept(SITE_CELLS, site_cells)?),
    };
    let coverage = match quick {
        true => data.checked_answer(&coverage_key(from, to)),
        false => Some(coverage_answer(data, from, to)?),
    };
    let (Some(cells), Some(coverage)) = (cells, coverage) else {
        return Ok(None);
    };
    let Some(cell) = cells.get(site_id) else {
        return Ok(Some(None));
    };
    let answer: CoverageAnswer = serde_json::from_slice(&coverage).map_err(ApiError::internal)?;
    Ok(Some(
        answer
            .cells
            .iter()
            .find(|c| c.cell_id == *cell)
            .map(CellBrief::from),
    ))
}

/// The key the site → cell map is kept under.
const SITE_CELLS: &str = "site cells";

/// What a recorded inspection is answered with, and kept as under its key.
fn answer(i: &crate::store::Inspection) -> String {
    // A plain struct of strings and numbers always serialises.
    serde_json::to_string(&RecordedInspection::from(i)).unwrap_or_default()
}

/// An inspector records a site that another team has on its published route that day
/// only if their own team has it too: the routes share out the day's sites.
fn on_own_route(
    data: &ServerData,
    site: &str,
    team: Option<&str>,
    day: NaiveDate,
) -> Result<(), ApiError> {
    let stored = data.read(|ws| Ok(ws.plans_on(&day.to_string())?))?;
    let plans: Vec<crate::shift::ShiftPlan> = stored
        .iter()
        .filter(|p| p.published)
        .filter_map(|p| serde_json::from_str(&p.body).ok())
        .collect();
    let teams = crate::shift::visibility::teams_visiting(&plans, site);
    if teams.is_empty() || teams.iter().any(|t| Some(*t) == team) {
        return Ok(());
    }
    Err(ApiError::forbidden(format!(
        "site `{site}` is on team {}'s route on {day}, not your team's",
        teams.join("、")
    )))
}

/// Records an inspection (any signed-in user; the team is theirs, or `lead`).
pub async fn post_inspection(
    State(state): State<AppState>,
    Signed(user): Signed,
    headers: HeaderMap,
    ApiJson(req): ApiJson<InspectionRequest>,
) -> Result<Response, ApiError> {
    let key = idempotency_key(&headers)?;
    let day = NaiveDate::parse_from_str(&req.date, "%Y-%m-%d").map_err(|_| {
        ApiError::bad_request(format!("date: `{}` is not a date (YYYY-MM-DD)", req.date))
    })?;
    let given: Option<InspectionResult> = req
        .result
        .as_deref()
        .map(|r| {
            r.parse()
                .map_err(|_| ApiError::bad_request(format!("result: `{r}` is not a known result")))
        })
        .transpose()?;
    if req.notes.as_ref().is_some_and(|n| n.chars().count() > 2000) {
        return Err(ApiError::bad_request("notes: longer than 2000 characters"));
    }
    let evidence = evidence_of(&req)?;
    let outcome = evidence.as_ref().and_then(|e| e.outcome.as_deref());
    let has_findings = evidence.as_ref().is_some_and(|e| !e.findings.is_empty());
    let (result, close) = match (outcome, given) {
        (Some(outcome), given) => outcome_effect(outcome, given, has_findings)?,
        (None, Some(result)) => (result, false),
        (None, None) => {
            return Err(ApiError::bad_request(
                "result: needed (or an outcome that decides it)",
            ))
        }
    };
    let at = visit_time(&req, day, state.data.now())?;
    let (data, site, team) = (state.data.clone(), req.site_id.clone(), user.team.clone());
    if !user.is_lead() {
        super::blocking(move || on_own_route(&data, &site, team.as_deref(), day)).await?;
    }
    let request_hash = hex::encode(Sha256::digest(
        serde_json::to_vec(&req).map_err(ApiError::internal)?,
    ));
    let input = InspectionInput {
        site_id: req.site_id.clone(),
        at,
        team_id: user.team.clone().unwrap_or_else(|| "lead".into()),
        result,
        notes: req.notes.clone().filter(|n| !n.trim().is_empty()),
        rectify_by: evidence.as_ref().and_then(|e| e.rectify_by),
        close,
        lookback_days: None,
        evidence,
    };
    let site_id = input.site_id.clone();
    let key = key.map(|k| (user.name.clone(), k, request_hash));
    let written = state
        .inspections
        .record(state.data.clone(), &user.name, key, input, answer)
        .await?;
    let (inspection, replayed): (RecordedInspection, bool) = match written {
        Once::Written(i) => (
            serde_json::from_str(&answer(&i)).map_err(ApiError::internal)?,
            false,
        ),
        Once::Replayed(first) => (
            serde_json::from_str(&first).map_err(ApiError::internal)?,
            true,
        ),
        Once::KeyReused => return Err(ApiError::key_reused(
            "this Idempotency-Key was used for another request: use a new key for a new inspection",
        )),
    };
    // Mostly a reader has built the answers after this write already.
    let cell = match cell_of(&state.data, &site_id, true)? {
        Some(cell) => cell,
        None => {
            let data = state.data.clone();
            tokio::task::spawn_blocking(move || cell_of(&data, &site_id, false))
                .await
                .map_err(ApiError::internal)??
                .flatten()
        }
    };
    if replayed {
        tracing::info!(site = %inspection.site_id, user = %user.name, "inspection sent again: first answer given");
    } else {
        tracing::info!(site = %inspection.site_id, user = %user.name, "inspection recorded");
    }
    let mut response = axum::Json(InspectionAnswer { inspection, cell }).into_response();
    if replayed {
        response
            .headers_mut()
            .insert(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"));
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_checked() {
        let mut headers = HeaderMap::new();
        assert_eq!(idempotency_key(&headers).unwrap(), None);
        headers.insert(IDEMPOTENCY_KEY, HeaderValue::from_static("5f0c-11ee"));
        assert_eq!(
            idempotency_key(&headers).unwrap().as_deref(),
            Some("5f0c-11ee")
        );
        headers.insert(IDEMPOTENCY_KEY, HeaderValue::from_static("a b"));
        assert!(idempotency_key(&headers).is_err());
        let long = HeaderValue::from_str(&"k".repeat(256)).unwrap();
        headers.insert(IDEMPOTENCY_KEY, long);
        assert!(idempotency_key(&headers).is_err());
    }
}
