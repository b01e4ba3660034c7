//! The follow-up worklist: every open 整改 check, 关停 to verify and 回头看, with its
//! site, overdue first, then by due day (the lead's desk and its month calendar).

use serde::Serialize;

use super::{FollowUp, FollowUpKind, FollowUpState, StoreError, Workspace};

/// One open follow-up with what the worklist shows of its site.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FollowUpItem {
    /// The follow-up.
    pub follow_up: FollowUp,
    /// Its site's name (empty when the site is gone).
    pub site_name: String,
    /// Its site's address.
    pub address: Option<String>,
    /// Longitude, WGS-84.
    pub lon: f64,
    /// Latitude, WGS-84.
    pub lat: f64,
    /// Due before today and still open.
    pub overdue: bool,
}

/// The stored and API name of a follow-up kind.
pub fn follow_up_kind_name(kind: FollowUpKind) -> &'static str {
    match kind {
        FollowUpKind::Rectification => "rectification",
        FollowUpKind::Closure => "closure",
        FollowUpKind::Lookback => "lookback",
    }
}

/// What leads call a follow-up kind.
pub fn follow_up_kind_label(kind: FollowUpKind) -> &'static str {
    match kind {
        FollowUpKind::Rectification => "整改复查",
        FollowUpKind::Closure => "关停核查",
        FollowUpKind::Lookback => "回头看",
    }
}

impl Workspace {
    /// Open follow-ups: overdue first, then by due day (undated last), then number.
    pub fn follow_up_worklist(&self) -> Result<Vec<FollowUpItem>, StoreError> {
        let today = self.today()?;
        let sites: std::collections::HashMap<String, crate::model::Institution> = self
            .institutions()?
            .into_iter()
            .map(|s| (s.id.clone(), s))
            .collect();
        let mut items: Vec<FollowUpItem> = self
            .follow_ups(None)?
            .into_iter()
            .filter(|f| f.state == FollowUpState::Open)
            .map(|f| {
                let site = sites.get(&f.site_id);
                FollowUpItem {
                    site_name: site.map(|s| s.name.clone()).unwrap_or_default(),
                    address: site.and_then(|s| s.address.clone()),
                    lon: site.map_or(f64::NAN, |s| s.location.lon()),
                    lat: site.map_or(f64::NAN, |s| s.location.lat()),
                    overdue: f.due.is_some_and(|d| d < today),
                    follow_up: f,
                }
            })
            .collect();
        items.sort_by_key(|i| {
            (
                !i.overdue,
                i.follow_up.due.is_none(),
                i.follow_up.due,
                i.follow_up.id,
            )
        });
        Ok(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sites::tests::small_township;
    use crate::store::InspectionResult;
    use crate::store::{parse_when, InspectionInput};

    #[test]
    fn overdue_follow_ups_come_first_then_by_due_day() {
        let mut ws = Workspace::in_memory().unwrap();
        ws.import_township(&small_township()).unwrap();
        let visit = |site: &str, at: &str, result, rectify_by| InspectionInput {
            site_id: site.into(),
            at: parse_when(at).unwrap(),
            team_id: "A".into(),
            result,
            notes: None,
            rectify_by,
            close: false,
            lookback_days: None,
            evidence: None,
        };
        let later = chrono::NaiveDate::from_ymd_opt(2099, 1, 10);
        let earlier = chrono::NaiveDate::from_ymd_opt(2099, 1, 5);
        ws.record_inspection(&visit(
            "S1",
            "2025-03-01 10:00",
            InspectionResult::Hazard,
            later,
        ))
        .unwrap();
        ws.record_inspection(&visit(
            "S2",
            "2025-03-01 11:00",
            InspectionResult::Hazard,
            earlier,
        ))
        .unwrap();
        // Long past: a 整改 due 2022 is overdue (recorded then, so rectify_by is allowed).
        let past = chrono::NaiveDate::from_ymd_opt(2022, 1, 20);
        ws.record_inspection(&visit(
            "S3",
            "2022-01-06 10:00",
            InspectionResult::Hazard,
            past,
        ))
        .unwrap();
        let list = ws.follow_up_worklist().unwrap();
        let order: Vec<(&str, bool)> = list
            .iter()
            .map(|i| (i.follow_up.site_id.as_str(), i.overdue))
            .collect();
        assert_eq!(order, [("S3", true), ("S2", false), ("S1", false)]);
        assert!(list.iter().all(|i| !i.site_name.is_empty()));
        assert_eq!(follow_up_kind_label(list[0].follow_up.kind), "整改复查");
    }
}
