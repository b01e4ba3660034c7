//! The sites a 双随机 draw may pick, each in its stratum: every site of the workspace
//! not ordered closed (关停), by the cell it was placed in or by its kind. The CLI and
//! the server both draw from this list. [`draw_from_registers`] makes the draw from the
//! two registers (sites with their risk tier, officers with their recusals) and logs it.

use std::collections::{BTreeMap, HashMap};

use super::draw::{canonical_json, Candidate, Draw, DrawError, Stratify};
use super::register_draw::{register_draw, risk_tier, RegisterInputs, RiskTier, TierRatios};
use crate::store::{kind_name, DrawLogEntry, StoreError, Workspace};

/// Why a draw from the registers was not made.
#[derive(Debug, thiserror::Error)]
pub enum RegisterDrawError {
    /// The workspace could not be read or written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The registers cannot satisfy the draw (the message says what is short).
    #[error(transparent)]
    Draw(#[from] DrawError),
}

/// The 检查对象名录库 as of `today`: each site not closed, its cell and its risk tier by
/// the rules (licence, findings in the rules' window, tip-offs on record).
pub fn site_register(
    ws: &Workspace,
    today: chrono::NaiveDate,
) -> Result<Vec<Candidate>, StoreError> {
    let rules = ws.rules()?.draw;
    let since = today - chrono::Duration::days(rules.findings_window_days);
    let mut findings: HashMap<String, u32> = HashMap::new();
    for i in ws.inspections(since.and_hms_opt(0, 0, 0), None)? {
        if i.result.is_finding() {
            *findings.entry(i.site_id).or_default() += 1;
        }
    }
    let tip_offs = tip_off_counts(ws, today, since)?;
    let mut sites = draw_candidates(ws, Stratify::Cell)?;
    let licences: HashMap<String, crate::model::Licence> = ws
        .institutions()?
        .into_iter()
        .map(|s| (s.id, s.licence))
        .collect();
    for c in &mut sites {
        let licence = licences
            .get(&c.id)
            .copied()
            .unwrap_or(crate::model::Licence::Unlicensed);
        c.tier = Some(risk_tier(
            licence,
            findings.get(&c.id).copied().unwrap_or(0),
            tip_offs.get(&c.id).copied().unwrap_or(0),
            &rules,
        ));
    }
    Ok(sites)
}

/// Tip-offs per site for its risk tier: the 举报 register's received since `since` for
/// every site the register knows (dated entries win), else the imported count.
fn tip_off_counts(
    ws: &Workspace,
    today: chrono::NaiveDate,
    since: chrono::NaiveDate,
) -> Result<HashMap<String, u32>, StoreError> {
    let mut counts: HashMap<String, u32> = ws
        .priority_inputs(today)?
        .into_iter()
        .map(|p| (p.site_id, p.complaints))
        .collect();
    let mut registered: HashMap<String, u32> = HashMap::new();
    for t in ws.tip_offs(&crate::store::TipOffFilter::default())? {
        let Some(site) = t.site_id else { continue };
        let recent = u32::from(t.received_at.date() >= since);
        *registered.entry(site).or_default() += recent;
    }
    counts.extend(registered);
    Ok(counts)
}

/// Who must not go where: each officer's declared conflicts, the officers at the site's
/// last inspection, and those sent to it by the last draw that drew it.
pub fn recusals(ws: &Workspace) -> Result<BTreeMap<String, Vec<String>>, StoreError> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for o in ws.officers()? {
        for site in o.conflicts {
            out.entry(site).or_default().push(o.name.clone());
        }
    }
    for (site, officers) in ws.last_inspecting_officers()? {
        out.entry(site).or_default().extend(officers);
    }
    let mut last_drawn: HashMap<String, Vec<String>> = HashMap::new();
    for entry in ws.draw_log()? {
        if let Ok(d) = serde_json::from_str::<Draw>(&entry.body) {
            for p in d.picks {
                let officers = p.officers();
                last_drawn.insert(p.site_id, officers);
            }
        }
    }
    for (site, officers) in last_drawn {
        out.entry(site).or_default().extend(officers);
    }
    for list in out.values_mut() {
        list.sort();
        list.dedup();
    }
    Ok(out)
}

/// Draws from the registers with the township's rules, dates the publication deadline
/// by its calendar (`publish_working_days` after today) and logs the draw.
pub fn draw_from_registers(
    ws: &mut Workspace,
    seed: &str,
) -> Result<(Draw, DrawLogEntry), RegisterDrawError> {
    let now = ws.now()?;
    let rules = ws.rules()?.draw;
    let publish_by = ws
        .calendar()?
        .add_working_days(now.date(), rules.publish_working_days);
    let input = RegisterInputs {
        seed: seed.to_string(),
        at: now.format("%Y-%m-%dT%H:%M:%S").to_string(),
        candidates: site_register(ws, now.date())?,
        officers: ws.officers()?.into_iter().map(|o| o.name).collect(),
        recusals: recusals(ws)?,
        ratios: TierRatios::from_rules(&rules),
        publish_by: Some(publish_by),
    };
    let d = register_draw(&input)?;
    let entry = ws.draw_append(&canonical_json(&d))?;
    Ok((d, entry))
}

/// How many sites of the register are in each tier.
pub fn tier_counts(register: &[Candidate]) -> BTreeMap<RiskTier, usize> {
    let mut out = BTreeMap::new();
    for c in register {
        if let Some(t) = c.tier {
            *out.entry(t).or_default() += 1;
        }
    }
    out
}

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
            tier: None,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn register_tip_offs_decide_the_risk_tier_over_an_imported_count() {
        let mut ws = Workspace::in_memory().unwrap();
        let sample = crate::formats::township::load_sample().unwrap();
        ws.import_township(&sample).unwrap();
        let today = ws.today().unwrap();
        let licensed: Vec<&crate::model::Institution> = sample
            .institutions
            .iter()
            .filter(|s| s.licence == crate::model::Licence::Licensed)
            .collect();
        let tier_of = |ws: &Workspace, id: &str| {
            site_register(ws, today)
                .unwrap()
                .into_iter()
                .find(|c| c.id == id)
                .and_then(|c| c.tier)
        };
        // A licensed site with no tip-offs on record and one with two in the register.
        let quiet = licensed
            .iter()
            .find(|s| s.complaints == 0 && tier_of(&ws, &s.id) != Some(RiskTier::High))
            .expect("a quiet licensed site");
        let received = today.and_hms_opt(9, 0, 0).unwrap();
        for _ in 0..2 {
            ws.receive_tip_off(&crate::store::TipOffInput {
                source: crate::model::tipoff::TipOffSource::Hotline12345,
                summary: "周末有学科类培训".into(),
                place: None,
                received_at: received,
                complainant_name: None,
                complainant_contact: None,
                site_id: Some(quiet.id.clone()),
                position: None,
            })
            .unwrap();
        }
        assert_eq!(tier_of(&ws, &quiet.id), Some(RiskTier::High));
    }

    #[test]
    fn a_draw_from_the_registers_recuses_and_dates_its_publication() {
        let mut ws = Workspace::in_memory().unwrap();
        let sample = crate::formats::township::load_sample().unwrap();
        ws.import_township(&sample).unwrap();
        let short = draw_from_registers(&mut ws, "种子")
            .unwrap_err()
            .to_string();
        assert!(short.contains("执法检查人员名录库只有 0 名"), "{short}");
        for (name, dept) in [("张伟", "市场监管"), ("李娜", "教育"), ("王强", "消防")]
        {
            ws.officer_add(name, dept).unwrap();
        }
        let site = sample.institutions[0].id.clone();
        ws.officer_conflict_add("张伟", &site, None).unwrap();
        let (d, entry) = draw_from_registers(&mut ws, "种子").unwrap();
        assert_eq!(entry.seq, 1);
        let today = ws.today().unwrap();
        let publish_by = d.publish_by.unwrap();
        assert_eq!(
            ws.calendar()
                .unwrap()
                .working_days_between(today, publish_by),
            20
        );
        assert!(d.recusals[&site].contains(&"张伟".to_string()));
        for p in &d.picks {
            assert!(p.officers.len() >= 2);
            if p.site_id == site {
                assert!(!p.officers.contains(&"张伟".to_string()));
            }
        }
        // The next draw recuses whoever this one sent.
        let again = recusals(&ws).unwrap();
        for p in &d.picks {
            for o in &p.officers {
                assert!(again[&p.site_id].contains(o));
            }
        }
        let log = ws.draw_log().unwrap();
        let entries: Vec<_> = log
            .iter()
            .map(|e| {
                (
                    e.seq,
                    e.body.as_str(),
                    e.prev_hash.as_str(),
                    e.hash.as_str(),
                )
            })
            .collect();
        crate::coverage::draw::verify_chain(&entries).unwrap();
    }
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
