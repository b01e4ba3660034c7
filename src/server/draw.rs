//! `POST /api/draw`: a 双随机 draw (random sites, random inspectors) from a published
//! seed, appended to the workspace's hash-chained draw log so it can be re-checked.

use axum::extract::State;
use serde::Deserialize;

use super::auth::Signed;
use super::error::ApiError;
use super::{ApiJson, AppState};
use crate::api::{DrawAnswer, DrawRecord, DrawnSite};
use crate::coverage::draw::{canonical_json, draw, Stratify};
use crate::coverage::draw_candidates::{draw_candidates, draw_from_registers, RegisterDrawError};

/// The body: how many sites and inspectors, and the seed (a new one when absent).
#[derive(Deserialize, schemars::JsonSchema)]
pub struct DrawRequest {
    /// How many sites to draw (1 to 1000).
    pub sites: usize,
    /// How many of the paired inspectors the answer lists (at least one); every inspector account takes part.
    pub inspectors: usize,
    /// The published seed; blank or absent: a new one from today's date and a random token.
    pub seed: Option<String>,
    /// Draw from the registers instead (`sites` and `inspectors` are then unused): each
    /// risk tier at its ratio from the rules, at least two officers per target from the
    /// officer register, none recused; refused with what is short when it cannot be met.
    #[serde(default)]
    pub register: bool,
}

/// Runs a draw stratified by cell; only leads draw.
pub async fn post_draw(
    State(state): State<AppState>,
    Signed(user): Signed,
    ApiJson(req): ApiJson<DrawRequest>,
) -> Result<axum::Json<DrawAnswer>, ApiError> {
    if !req.register && (req.sites == 0 || req.sites > 1000) {
        return Err(ApiError::bad_request("sites: between 1 and 1000"));
    }
    let seed = req
        .seed
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| {
            format!(
                "{} {}",
                state.data.today().format("%Y-%m-%d"),
                &super::auth::new_token()[..16]
            )
        });
    let user_name = user.name.clone();
    let answer = tokio::task::spawn_blocking(move || {
        let mut ws = state.data.store_as(&user_name)?;
        if req.register {
            let (d, entry) = draw_from_registers(&mut ws, &seed).map_err(|e| match e {
                RegisterDrawError::Draw(e) => ApiError::bad_request(e.to_string()),
                RegisterDrawError::Store(e) => e.into(),
            })?;
            return Ok(DrawAnswer {
                draw: record(&ws, &d, entry, usize::MAX)?,
            });
        }
        let candidates = draw_candidates(&ws, Stratify::Cell)?;
        let mut inspectors: Vec<String> = ws
            .users()?
            .into_iter()
            .filter(|u| u.role == crate::store::Role::Inspector)
            .map(|u| u.username)
            .collect();
        inspectors.sort();
        let at = state.data.now().format("%Y-%m-%dT%H:%M:%S").to_string();
        let d = draw(
            &seed,
            req.sites,
            Stratify::Cell,
            &candidates,
            &inspectors,
            &at,
        )
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
        let entry = ws.draw_append(&canonical_json(&d))?;
        Ok::<_, ApiError>(DrawAnswer {
            draw: record(&ws, &d, entry, req.inspectors.max(1))?,
        })
    })
    .await
    .map_err(ApiError::internal)??;
    tracing::info!(user = %user.name, "draw made");
    Ok(axum::Json(answer))
}

/// The answer's record of a logged draw, listing at most `people` of its officers.
fn record(
    ws: &crate::store::Workspace,
    d: &crate::coverage::draw::Draw,
    entry: crate::store::DrawLogEntry,
    people: usize,
) -> Result<DrawRecord, ApiError> {
    let sites = ws.institutions()?;
    let names: std::collections::HashMap<&str, &str> = sites
        .iter()
        .map(|s| (s.id.as_str(), s.name.as_str()))
        .collect();
    let mut everyone: Vec<String> = d.picks.iter().flat_map(|p| p.officers()).collect();
    everyone.sort();
    everyone.dedup();
    everyone.truncate(people);
    let sites = d
        .picks
        .iter()
        .map(|p| DrawnSite {
            id: p.site_id.clone(),
            name: names.get(p.site_id.as_str()).map(|n| n.to_string()),
            cell: p.stratum.clone(),
            inspector: p.inspector.clone(),
            officers: p.officers(),
        })
        .collect();
    Ok(DrawRecord {
        seq: entry.seq,
        seed: d.seed.clone(),
        head: entry.hash.clone(),
        hash: entry.hash,
        prev_hash: entry.prev_hash,
        sites,
        inspectors: everyone,
        publish_by: d.publish_by.map(|p| p.to_string()),
    })
}
