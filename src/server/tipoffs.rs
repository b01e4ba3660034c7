//! `/api/tipoffs` (the 举报 register) and `/api/followups` (the follow-up worklist).
//!
//! Leads receive, assign, verify, answer and close tip-offs and see the complainant;
//! an inspector sees their own team's tip-offs without the complainant and may link the
//! inspection that checked one (核查). The store decides every step's order.

use std::str::FromStr;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::auth::Signed;
use super::error::ApiError;
use super::{blocking, ApiJson, AppState, User};
use crate::api::tipoffs::{
    FollowUpAnswer, FollowUpsAnswer, TipOffAnswer, TipOffPatch, TipOffQuery, TipOffRequest,
    TipOffsAnswer,
};
use crate::crs::Crs;
use crate::model::tipoff::{TipOffStatus, TipOffStep};
use crate::store::{StoreError, TipOffChange, TipOffFilter, TipOffInput};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn tip_off_id(text: &str) -> Result<i64, ApiError> {
    text.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::bad_request(format!("id: `{text}` is not a tip-off number")))
}

/// A store refusal, with a wrong step as 409 `wrong_step`.
fn refused(e: StoreError) -> ApiError {
    match e {
        StoreError::Invalid {
            field: "status",
            problem,
        } => ApiError::conflict("wrong_step", problem),
        other => other.into(),
    }
}

/// The map position of a request, in WGS-84.
fn position(req: &TipOffRequest) -> Result<Option<(f64, f64)>, ApiError> {
    match (req.lon, req.lat) {
        (None, None) => Ok(None),
        (Some(lon), Some(lat)) if lon.is_finite() && lat.is_finite() => {
            let crs = match req.crs.as_deref() {
                None | Some("") => Crs::Wgs84,
                Some(name) => {
                    Crs::from_str(name).map_err(|e| ApiError::bad_request(format!("crs: {e}")))?
                }
            };
            Ok(Some(crs.to_wgs84(lon, lat)))
        }
        _ => Err(ApiError::bad_request(
            "lon/lat: give both (or neither, with site_id)",
        )),
    }
}

/// `POST /api/tipoffs`: receive a tip-off (leads).
pub async fn post_tipoff(
    State(state): State<AppState>,
    Signed(lead): Signed,
    ApiJson(req): ApiJson<TipOffRequest>,
) -> Result<Json<TipOffAnswer>, ApiError> {
    let position = position(&req)?;
    let received = match req.received_at.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(crate::store::parse_when(text).ok_or_else(|| {
            ApiError::bad_request(format!(
                "received_at: `{text}` is not a time (YYYY-MM-DD HH:MM)"
            ))
        })?),
    };
    let tip = blocking(move || {
        let mut ws = state.data.store_as(&lead.name)?;
        let input = TipOffInput {
            source: req.source,
            summary: req.summary,
            place: req.place,
            received_at: match received {
                Some(t) => t,
                None => ws.now()?,
            },
            complainant_name: req.complainant_name,
            complainant_contact: req.complainant_contact,
            site_id: req.site_id.filter(|s| !s.trim().is_empty()),
            position,
        };
        ws.receive_tip_off(&input).map_err(refused)
    })
    .await?;
    Ok(Json(TipOffAnswer::new(&tip, true)))
}

/// The filter of a query: `status` is `open` (default), `all` or one status; an
/// inspector sees only their team's.
fn filter_of(query: TipOffQuery, user: &User) -> Result<TipOffFilter, ApiError> {
    let (status, open_only) = match query.status.as_deref().map(str::trim) {
        None | Some("") | Some("open") => (None, true),
        Some("all") => (None, false),
        Some(text) => (
            Some(TipOffStatus::parse(text).ok_or_else(|| {
                ApiError::bad_request(format!(
                    "status: `{text}` is not open, all, received, assigned, handled, verified, answered or closed"
                ))
            })?),
            false,
        ),
    };
    let team_id = match (user.is_lead(), &user.team) {
        (true, _) => None,
        (false, Some(team)) => Some(team.clone()),
        // An inspector without a team has no tip-offs: a team no one has.
        (false, None) => Some(String::new()),
    };
    Ok(TipOffFilter {
        status,
        open_only,
        overdue: query.overdue,
        site_id: query.site.filter(|s| !s.trim().is_empty()),
        team_id,
    })
}

/// `GET /api/tipoffs?status=&overdue=&site=`: overdue first (leads all, inspectors their
/// team's without the complainant).
pub async fn get_tipoffs(
    State(state): State<AppState>,
    Signed(user): Signed,
    query: Result<Query<TipOffQuery>, QueryRejection>,
) -> Result<Json<TipOffsAnswer>, ApiError> {
    // A query that does not read (`overdue=maybe`) is a JSON 400 like every refusal.
    let Query(query) = query?;
    let filter = filter_of(query, &user)?;
    let list = blocking(move || state.data.read(|ws| Ok(ws.tip_offs(&filter)?))).await?;
    let private = user.is_lead();
    Ok(Json(TipOffsAnswer {
        overdue: list.iter().filter(|t| t.overdue).count(),
        tipoffs: list.iter().map(|t| TipOffAnswer::new(t, private)).collect(),
    }))
}

/// The store's change for a patch, or what the patch lacks.
fn change_of(patch: TipOffPatch) -> Result<TipOffChange, ApiError> {
    let need = |field: &str| {
        ApiError::bad_request(format!("{field}: needed for {}", patch.action.as_str()))
    };
    Ok(match patch.action {
        TipOffStep::Assign => TipOffChange::Assign {
            team: patch.team.clone().ok_or_else(|| need("team"))?,
            due: match patch.due.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(text) => Some(chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(
                    |_| ApiError::bad_request(format!("due: `{text}` is not a date (YYYY-MM-DD)")),
                )?),
            },
        },
        TipOffStep::Handle => TipOffChange::Handle {
            inspection_id: patch.inspection_id.ok_or_else(|| need("inspection_id"))?,
        },
        TipOffStep::Verify => TipOffChange::Verify {
            verdict: patch.verdict.ok_or_else(|| need("verdict"))?,
            note: patch.note.clone(),
        },
        TipOffStep::Answer => TipOffChange::Answer {
            answer: patch.answer.clone().ok_or_else(|| need("answer"))?,
        },
        TipOffStep::Close => TipOffChange::Close,
    })
}

/// `PATCH /api/tipoffs/{id}`: one step (assign, handle, verify, answer, close); a step
/// out of order is 409 `wrong_step`, saying what comes next.
pub async fn patch_tipoff(
    State(state): State<AppState>,
    Signed(user): Signed,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<TipOffPatch>,
) -> Result<Json<TipOffAnswer>, ApiError> {
    let id = tip_off_id(&id)?;
    let step = patch.action;
    let change = change_of(patch)?;
    let private = user.is_lead();
    let tip = blocking(move || {
        if !user.is_lead() {
            let team = state.data.read(|ws| Ok(ws.tip_off(id)?.map(|t| t.team_id)))?;
            let team = team.ok_or_else(|| ApiError::not_found(format!("no tip-off {id}")))?;
            let own = team.as_deref().is_some_and(|t| user.may_see_team(t));
            if step != TipOffStep::Handle || !own {
                return Err(ApiError::forbidden(
                    "an inspector may only link the inspection that checked their own team's tip-off (核查); the rest is a lead's",
                ));
            }
        }
        let mut ws = state.data.store_as(&user.name)?;
        ws.change_tip_off(id, &change).map_err(refused)
    })
    .await?;
    Ok(Json(TipOffAnswer::new(&tip, private)))
}

/// `GET /api/tipoffs/export/{file}`: the whole register as `tipoffs.csv` or
/// `tipoffs.xlsx`, Chinese headers, without the complainant (leads).
pub async fn get_tipoffs_export(
    State(state): State<AppState>,
    Signed(_lead): Signed,
    Path(file): Path<String>,
) -> Result<Response, ApiError> {
    let (mime, xlsx) = match file.as_str() {
        "tipoffs.csv" => ("text/csv; charset=utf-8", false),
        "tipoffs.xlsx" => (XLSX, true),
        _ => {
            return Err(ApiError::not_found(format!(
                "no export `{file}`: tipoffs.csv or tipoffs.xlsx"
            )))
        }
    };
    let bytes = blocking(move || {
        let (all, title) = state.data.read(|ws| {
            let context = crate::coverage::report::ReportContext::of_workspace(ws)?;
            let title = context.title("举报登记表", &format!("截至{}", ws.today()?));
            Ok((ws.tip_offs(&TipOffFilter::default())?, title))
        })?;
        let table = crate::store::tip_off_table(&all, title);
        let bytes = if xlsx {
            crate::formats::table::to_xlsx(&[&table])
        } else {
            crate::formats::table::to_csv(&table)
        };
        bytes.map_err(ApiError::internal)
    })
    .await?;
    let disposition = format!("attachment; filename=\"{file}\"");
    Ok((
        [
            (CONTENT_TYPE, mime.to_string()),
            (CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /api/followups`: open 整改 checks, closures to verify and 回头看, overdue first
/// (leads).
pub async fn get_followups(
    State(state): State<AppState>,
    Signed(_lead): Signed,
) -> Result<Json<FollowUpsAnswer>, ApiError> {
    let (today, next, items) = blocking(move || {
        state.data.read(|ws| {
            let today = ws.today()?;
            let next = ws.calendar()?.add_working_days(today, 1);
            Ok((today, next, ws.follow_up_worklist()?))
        })
    })
    .await?;
    Ok(Json(FollowUpsAnswer {
        today: today.to_string(),
        next_working_day: next.to_string(),
        followups: items.iter().map(FollowUpAnswer::from).collect(),
    }))
}
