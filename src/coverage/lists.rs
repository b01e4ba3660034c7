//! Who is on the white list (白名单) and the black list (黑名单), and why: one rule for
//! the exported tables ([`super::report::list_table`]), the map's list layers and the
//! site dossier. A site that entered the white list and was later found at fault is
//! flagged for the lead: the list published before still names it.
//!
//! Each site's white-list entry is followed through its inspections in order: a
//! compliant visit of a licensed site with no follow-up open after it puts the site on
//! the list (or back on it); a finding after that is the flag, until a visit puts it
//! back. The licence is the site's current one (its licence history is not kept).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;

use super::report::List;
use crate::model::{Institution, Licence};
use crate::store::{FollowUp, Inspection, InspectionResult, StoreError, Workspace};

/// Why a site is on the white list.
pub const WHITE_REASON: &str = "有证有照，最近检查合规";
/// Why a closed site is on the black list.
pub const BLACK_CLOSED: &str = "已责令关停";
/// Why a site found operating unlawfully is on the black list.
pub const BLACK_FOUND_UNLICENSED: &str = "检查发现无证违规经营";
/// Why an unlicensed site is on the black list.
pub const BLACK_UNLICENSED: &str = "无证无照";

/// Why `site` is on `list` now, or `None` when it is not: the white list takes a
/// licensed site whose latest inspection was compliant with nothing open; the black
/// list a closed site, one last found operating unlawfully, or an unlicensed one.
pub fn list_reason(
    list: List,
    site: &Institution,
    last: Option<InspectionResult>,
    open_follow_ups: usize,
    closed: bool,
) -> Option<&'static str> {
    match list {
        List::White => (site.licence == Licence::Licensed
            && last == Some(InspectionResult::Compliant)
            && open_follow_ups == 0
            && !closed)
            .then_some(WHITE_REASON),
        List::Black if closed => Some(BLACK_CLOSED),
        List::Black if last == Some(InspectionResult::UnlicensedOperation) => {
            Some(BLACK_FOUND_UNLICENSED)
        }
        List::Black => (site.licence == Licence::Unlicensed).then_some(BLACK_UNLICENSED),
    }
}

/// A finding at a white-listed site, after it entered the list.
#[derive(Debug, Clone, PartialEq)]
pub struct NewFinding {
    /// The inspection that found it.
    pub inspection_id: i64,
    /// When.
    pub at: NaiveDateTime,
    /// What it found.
    pub result: InspectionResult,
}

/// One site's place on the lists.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    /// The site.
    pub site_id: String,
    /// On the white list now, with the reason.
    pub white: Option<&'static str>,
    /// On the black list now, with the reason.
    pub black: Option<&'static str>,
    /// When it last entered the white list (the compliant visit that put it there).
    pub white_since: Option<NaiveDateTime>,
    /// It entered the white list and was found at fault since: flag it for the lead.
    pub flag: Option<NewFinding>,
}

impl Standing {
    /// Shown on the white-list layer: on the list, or flagged off it.
    pub fn on_white_layer(&self) -> bool {
        self.white.is_some() || self.flag.is_some()
    }
}

/// Every site's standing (sites on no list and never white-listed included), in the
/// sites' order. `inspections` oldest first.
pub fn standings(
    sites: &[Institution],
    inspections: &[Inspection],
    follow_ups: &[FollowUp],
    closed: &HashSet<String>,
) -> Vec<Standing> {
    let mut visits: HashMap<&str, Vec<&Inspection>> = HashMap::new();
    for i in inspections {
        visits.entry(i.site_id.as_str()).or_default().push(i);
    }
    let at_of: HashMap<i64, NaiveDateTime> = inspections.iter().map(|i| (i.id, i.at)).collect();
    let mut raised: HashMap<&str, Vec<&FollowUp>> = HashMap::new();
    for f in follow_ups {
        raised.entry(f.site_id.as_str()).or_default().push(f);
    }
    sites
        .iter()
        .map(|site| {
            let visits = visits
                .get(site.id.as_str())
                .map_or(&[][..], |v| v.as_slice());
            let follow = raised
                .get(site.id.as_str())
                .map_or(&[][..], |v| v.as_slice());
            let open_now = follow
                .iter()
                .filter(|f| f.state == crate::store::FollowUpState::Open)
                .count();
            let last = visits.last().map(|i| i.result);
            let is_closed = closed.contains(&site.id);
            let (white_since, flag) = white_spell(site, visits, follow, &at_of);
            let white = list_reason(List::White, site, last, open_now, is_closed);
            Standing {
                site_id: site.id.clone(),
                white,
                black: list_reason(List::Black, site, last, open_now, is_closed),
                white_since,
                flag: flag.filter(|_| white.is_none()),
            }
        })
        .collect()
}

/// Follows the site's visits: when it last entered the white list, and the first
/// finding since (cleared when a visit puts it back).
fn white_spell(
    site: &Institution,
    visits: &[&Inspection],
    follow_ups: &[&FollowUp],
    at_of: &HashMap<i64, NaiveDateTime>,
) -> (Option<NaiveDateTime>, Option<NewFinding>) {
    let mut since = None;
    let mut flag: Option<NewFinding> = None;
    for visit in visits {
        let open_after = |f: &FollowUp| {
            let raised = at_of.get(&f.inspection_id).copied();
            let resolved = f.resolved_by.and_then(|r| at_of.get(&r).copied());
            let done_without_visit =
                f.state == crate::store::FollowUpState::Done && f.resolved_by.is_none();
            raised.is_some_and(|r| r <= visit.at)
                && resolved.is_none_or(|r| r > visit.at)
                && !done_without_visit
        };
        let qualifies = site.licence == Licence::Licensed
            && visit.result == InspectionResult::Compliant
            && !follow_ups.iter().any(|&f| open_after(f));
        if qualifies {
            if since.is_none() || flag.is_some() {
                since = Some(visit.at);
            }
            flag = None;
        } else if visit.result.is_finding() && since.is_some() && flag.is_none() {
            flag = Some(NewFinding {
                inspection_id: visit.id,
                at: visit.at,
                result: visit.result,
            });
        }
    }
    (since, flag)
}

/// Every site's standing, from the workspace.
pub fn standings_from_store(ws: &Workspace) -> Result<Vec<Standing>, StoreError> {
    Ok(standings(
        &ws.institutions()?,
        &ws.inspections(None, None)?,
        &ws.follow_ups(None)?,
        &ws.closed_sites()?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Actor, InspectionInput, SiteChanges};

    fn ws() -> Workspace {
        let mut ws = Workspace::in_memory().unwrap();
        ws.import_township(&crate::store::sites_test_support::small_township())
            .unwrap();
        ws.set_actor(Actor::web_user("lead"));
        ws
    }

    fn visit(ws: &mut Workspace, site: &str, when: &str, result: InspectionResult) {
        ws.record_inspection(&InspectionInput {
            site_id: site.into(),
            at: crate::store::parse_when(when).unwrap(),
            team_id: "T1".into(),
            result,
            notes: None,
            rectify_by: None,
            close: false,
            lookback_days: None,
            evidence: None,
        })
        .unwrap();
    }

    fn standing(ws: &Workspace, site: &str) -> Standing {
        standings_from_store(ws)
            .unwrap()
            .into_iter()
            .find(|s| s.site_id == site)
            .unwrap()
    }

    #[test]
    fn a_white_listed_site_found_at_fault_is_flagged_until_it_is_back() {
        let mut ws = ws();
        // S1 is licensed: a compliant visit puts it on the white list.
        visit(
            &mut ws,
            "S1",
            "2025-03-01 10:00",
            InspectionResult::Compliant,
        );
        let s1 = standing(&ws, "S1");
        assert_eq!(s1.white, Some(WHITE_REASON));
        assert_eq!(s1.white_since, crate::store::parse_when("2025-03-01 10:00"));
        assert!(s1.flag.is_none());
        // A hazard: off the list, flagged with the inspection that found it.
        visit(&mut ws, "S1", "2025-03-05 10:00", InspectionResult::Hazard);
        let s1 = standing(&ws, "S1");
        assert!(s1.white.is_none() && s1.on_white_layer());
        let flag = s1.flag.unwrap();
        assert_eq!(flag.result, InspectionResult::Hazard);
        assert_eq!(
            flag.at,
            crate::store::parse_when("2025-03-05 10:00").unwrap()
        );
        // Rectified: the compliant visit leaves a 回头看 open, so still flagged.
        visit(
            &mut ws,
            "S1",
            "2025-03-09 10:00",
            InspectionResult::Compliant,
        );
        assert!(standing(&ws, "S1").flag.is_some());
        // The 回头看 done: back on the list, entered anew, no flag.
        visit(
            &mut ws,
            "S1",
            "2025-04-10 10:00",
            InspectionResult::Compliant,
        );
        let s1 = standing(&ws, "S1");
        assert_eq!(s1.white, Some(WHITE_REASON));
        assert!(s1.flag.is_none());
        assert_eq!(s1.white_since, crate::store::parse_when("2025-04-10 10:00"));
    }

    #[test]
    fn a_finding_at_a_site_never_white_listed_is_no_flag() {
        let mut ws = ws();
        visit(
            &mut ws,
            "S3",
            "2025-03-01 10:00",
            InspectionResult::Compliant,
        );
        visit(&mut ws, "S3", "2025-03-02 10:00", InspectionResult::Hazard);
        let s3 = standing(&ws, "S3");
        assert!(s3.white.is_none() && s3.flag.is_none() && s3.white_since.is_none());
        // S2 is unlicensed: black from the start; closed by the lead, for that reason.
        assert_eq!(standing(&ws, "S2").black, Some(BLACK_UNLICENSED));
        let close = SiteChanges {
            closed: Some(true),
            ..SiteChanges::default()
        };
        ws.change_site("S2", &close).unwrap();
        assert_eq!(standing(&ws, "S2").black, Some(BLACK_CLOSED));
    }
}
