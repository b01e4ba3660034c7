//! The sites a 双随机 draw may pick, each in its stratum: every site of the workspace
//! not ordered closed (关停), by the cell it was placed in or by its kind. The CLI and
//! the server both draw from this list.

use super::draw::{Candidate, Stratify};
use crate::store::{kind_name, StoreError, Workspace};

/// The stratum of a site outside every cell.
pub const NO_CELL: &str = "-";

/// The draw's candidates, in the workspace's site order.
pub fn draw_candidates(ws: &Workspace, by: Stratify) -> Result<Vec<Candidate>, StoreError> {
    let closed = ws.closed_sites()?;
    let cells = match by {
        Stratify::Cell => ws.site_cells()?,
        Stratify::Kind => Default::default(),
    };
    Ok(ws
        .institutions()?
        .into_iter()
        .filter(|s| !closed.contains(&s.id))
        .map(|s| Candidate {
            stratum: match by {
                Stratify::Cell => cells.get(&s.id).cloned().unwrap_or_else(|| NO_CELL.into()),
                Stratify::Kind => kind_name(s.kind).to_string(),
            },
            id: s.id,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{InspectionInput, InspectionResult};

    #[test]
    fn closed_sites_are_left_out_and_strata_follow_the_choice() {
        let mut ws = Workspace::in_memory().unwrap();
        let sample = crate::formats::township::load_sample().unwrap();
        ws.import_township(&sample).unwrap();
        let first = sample.institutions[0].id.clone();
        ws.record_inspection(&InspectionInput {
            site_id: first.clone(),
            at: crate::store::parse_when("2026-11-01 10:00").unwrap(),
            team_id: "A".into(),
            result: InspectionResult::Closed,
            notes: None,
            rectify_by: None,
            close: true,
            lookback_days: None,
            evidence: None,
        })
        .unwrap();
        let by_cell = draw_candidates(&ws, Stratify::Cell).unwrap();
        assert_eq!(by_cell.len(), sample.institutions.len() - 1);
        assert!(by_cell.iter().all(|c| c.id != first));
        let placed = ws.site_cells().unwrap();
        assert!(by_cell
            .iter()
            .all(|c| placed.get(&c.id).map_or(NO_CELL, String::as_str) == c.stratum));
        let by_kind = draw_candidates(&ws, Stratify::Kind).unwrap();
        assert!(by_kind
            .iter()
            .all(|c| c.stratum == "training" || c.stratum == "care"));
    }
}
