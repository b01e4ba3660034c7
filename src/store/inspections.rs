//! Inspections, their findings and follow-ups (整改 rectification, 关停 closure, 回头看
//! look-back), night checks of hotspots, and the per-site figures the planner ranks by.

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;

use super::audit::{self, Actor};
use super::{map_rows, parse_date_text, parse_time_text, time_text, StoreError, Workspace};
use crate::model::dates::{check_record_time, CAMPAIGN_EPOCH};
use crate::model::follow_up::{next_follow_ups, FollowUpPolicy, OpenFollowUp, Visit};
pub use crate::model::follow_up::{FollowUpKind, FollowUpState, InspectionResult};
use crate::model::Licence;

impl std::str::FromStr for InspectionResult {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| {
            StoreError::invalid(
                "result",
                format!("{s:?} is not one of compliant, hazard, unlicensed_operation, closed, not_found"),
            )
        })
    }
}

/// A follow-up of an inspection.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FollowUp {
    /// The follow-up's row id.
    pub id: i64,
    /// The site it concerns.
    pub site_id: String,
    /// The inspection that raised it.
    pub inspection_id: i64,
    /// 整改, 关停 or 回头看.
    pub kind: FollowUpKind,
    /// The day it falls due (township date), if it has one.
    pub due: Option<NaiveDate>,
    /// Open or done.
    pub state: FollowUpState,
    /// The inspection that closed it, once done.
    pub resolved_by: Option<i64>,
}

/// What to record for one inspection (the CLI's `gridpatrol inspect` takes the same).
#[derive(Debug, Clone, PartialEq)]
pub struct InspectionInput {
    /// The site (or hotspot) inspected.
    pub site_id: String,
    /// When the visit took place, township local time.
    pub at: NaiveDateTime,
    /// The team that made the visit.
    pub team_id: String,
    /// What the team found.
    pub result: InspectionResult,
    /// Free-text remarks of the team.
    pub notes: Option<String>,
    /// 整改 due date for a hazard (default: the rules' `follow_ups.rectify_days` after the visit).
    pub rectify_by: Option<NaiveDate>,
    /// Order the site closed (关停).
    pub close: bool,
    /// Schedule a 回头看 this many days after the visit (closures and finished
    /// rectifications get one after the rules' `follow_ups.look_back_days` anyway).
    pub lookback_days: Option<u32>,
    /// What the inspector recorded in the field beside the result (checked against the
    /// rules' checklist and outcomes).
    pub evidence: Option<super::evidence::Evidence>,
}

/// A recorded inspection.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Inspection {
    /// The inspection's row id (the ledger's number).
    pub id: i64,
    /// The site inspected.
    pub site_id: String,
    /// When the visit took place, township local time.
    pub at: NaiveDateTime,
    /// The team that made the visit.
    pub team_id: String,
    /// What the team found.
    pub result: InspectionResult,
    /// Free-text remarks of the team.
    pub notes: Option<String>,
}

/// A recorded night check of a hotspot (夜查).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NightCheck {
    /// The night check's row id.
    pub id: i64,
    /// The hotspot checked.
    pub hotspot_id: String,
    /// When the check took place, township local time.
    pub at: NaiveDateTime,
    /// The team that made the check.
    pub team_id: String,
    /// What the team found.
    pub result: InspectionResult,
    /// Free-text remarks of the team.
    pub notes: Option<String>,
}

/// What the planner needs to rank one site on `date`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SitePriority {
    /// The site's id.
    pub site_id: String,
    /// Its licence status (sets how often it must be inspected).
    pub licence: Licence,
    /// Complaints and tip-offs on record.
    pub complaints: u32,
    /// Ordered closed (关停) and not reopened.
    pub closed: bool,
    /// The latest inspection on or before `date` (or the imported date when none).
    pub last_inspected: Option<NaiveDate>,
    /// What the latest inspection on or before `date` found.
    pub last_result: Option<InspectionResult>,
    /// Whole days from `last_inspected` to `date`; `None` when never inspected.
    pub days_since_inspection: Option<i64>,
    /// Past the licence class's inspection interval (or never inspected).
    pub overdue: bool,
    /// Follow-ups still open on the site.
    pub open_follow_ups: Vec<FollowUp>,
    /// The earliest open rectification due date.
    pub rectification_due: Option<NaiveDate>,
    /// The earliest open 回头看 date.
    pub reinspection_due: Option<NaiveDate>,
    /// A 回头看 or a rectification check is due on or before `date`.
    pub reinspection_due_now: bool,
    /// The register holds tip-offs of this site: they, with their dates, rank it, not
    /// the imported `complaints` count (kept for workspaces without a register).
    pub tip_offs_registered: bool,
    /// Open tip-offs of the register still waiting for their inspection, earliest
    /// deadline first.
    pub tip_offs_due: Vec<super::tipoffs::TipOffDue>,
}

/// One row of the ledger (台账): an inspection with its site, findings and follow-ups.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LedgerRow {
    /// The inspection itself.
    pub inspection: Inspection,
    /// The site's name (empty when the site is no longer in the workspace).
    pub site_name: String,
    /// The site's kind, as stored.
    pub site_kind: String,
    /// The site's licence status, as stored.
    pub licence: String,
    /// The site's address, if known.
    pub address: Option<String>,
    /// The site's longitude, WGS-84 degrees (NaN when the site is gone).
    pub lon: f64,
    /// The site's latitude, WGS-84 degrees (NaN when the site is gone).
    pub lat: f64,
    /// Findings as `kind` or `kind: notes`, in recorded order.
    pub findings: Vec<String>,
    /// Follow-ups the inspection raised.
    pub follow_ups: Vec<FollowUp>,
    /// Checklist codes the inspector marked (the field app's evidence), in order.
    pub checklist: Vec<String>,
    /// The outcome's code from the evidence (`rectify`, `close`…), if recorded.
    pub outcome: Option<String>,
    /// The 整改 deadline from the evidence, if any.
    pub rectify_by: Option<chrono::NaiveDate>,
    /// How many photos the inspection holds.
    pub photos: usize,
}

fn follow_up_kind(text: &str) -> Result<FollowUpKind, StoreError> {
    match text {
        "rectification" => Ok(FollowUpKind::Rectification),
        "closure" => Ok(FollowUpKind::Closure),
        "lookback" => Ok(FollowUpKind::Lookback),
        other => Err(StoreError::corrupt("follow-up kind", other)),
    }
}

fn kind_str(k: FollowUpKind) -> &'static str {
    match k {
        FollowUpKind::Rectification => "rectification",
        FollowUpKind::Closure => "closure",
        FollowUpKind::Lookback => "lookback",
    }
}

impl Workspace {
    /// Records one inspection, its findings and follow-ups, in one transaction; the
    /// team is created on first use. Returns the stored inspection.
    pub fn record_inspection(&mut self, input: &InspectionInput) -> Result<Inspection, StoreError> {
        if input.team_id.trim().is_empty() {
            return Err(StoreError::invalid("team", "is empty"));
        }
        let actor = self.actor.clone();
        self.write(|tx| record_tx(tx, input, &actor))
    }

    /// Records many inspections in one transaction (all or none): a device's upload.
    pub fn record_inspections(
        &mut self,
        inputs: &[InspectionInput],
    ) -> Result<Vec<Inspection>, StoreError> {
        if let Some(bad) = inputs.iter().find(|i| i.team_id.trim().is_empty()) {
            return Err(StoreError::invalid(
                "team",
                format!("is empty (site {})", bad.site_id),
            ));
        }
        let actor = self.actor.clone();
        self.write(|tx| inputs.iter().map(|i| record_tx(tx, i, &actor)).collect())
    }

    /// Records a night check (夜查) of a hotspot.
    pub fn record_night_check(
        &mut self,
        hotspot_id: &str,
        at: NaiveDateTime,
        team_id: &str,
        result: InspectionResult,
        notes: Option<&str>,
    ) -> Result<NightCheck, StoreError> {
        let actor = self.actor.clone();
        self.write(|tx| {
            check_time(tx, at)?;
            let known: Option<i64> =
                tx.query_row("SELECT 1 FROM hotspots WHERE id = ?1", [hotspot_id], |r| r.get(0)).optional()?;
            if known.is_none() {
                return Err(StoreError::UnknownSite(hotspot_id.to_string()));
            }
            ensure_team(tx, team_id)?;
            tx.execute(
                "INSERT INTO night_checks (hotspot_id, at, team_id, result, notes) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![hotspot_id, time_text(at), team_id, result.as_str(), notes],
            )?;
            let detail = format!("night check at {} by team {team_id}: {}", time_text(at), result.as_str());
            audit::record(tx, &actor, "night_check", hotspot_id, &detail)?;
            Ok(NightCheck {
                id: tx.last_insert_rowid(),
                hotspot_id: hotspot_id.to_string(),
                at,
                team_id: team_id.to_string(),
                result,
                notes: notes.map(str::to_string),
            })
        })
    }

    /// Whether `id` names a site (institution).
    pub fn is_site(&self, id: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT 1 FROM sites WHERE id = ?1", [id], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Whether `id` names a hotspot.
    pub fn is_hotspot(&self, id: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT 1 FROM hotspots WHERE id = ?1", [id], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Inspections with `from <= at < to` (either bound optional), oldest first.
    pub fn inspections(
        &self,
        from: Option<NaiveDateTime>,
        to: Option<NaiveDateTime>,
    ) -> Result<Vec<Inspection>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, site_id, at, team_id, result, notes FROM inspections
             WHERE at >= ?1 AND at < ?2 ORDER BY at, id",
        )?;
        map_rows(&mut stmt, window_text(from, to), visit_row)
    }

    /// The latest inspection of each site with `at < before`: `(site_id, at)`.
    pub fn last_inspections(
        &self,
        before: NaiveDateTime,
    ) -> Result<Vec<(String, NaiveDateTime)>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT site_id, MAX(at) FROM inspections WHERE at < ?1 GROUP BY site_id",
        )?;
        map_rows(&mut stmt, [time_text(before)], |r| {
            Ok((r.get(0)?, parse_time_text(&r.get::<_, String>(1)?)?))
        })
    }

    /// Night checks with `from <= at < to`, oldest first.
    pub fn night_checks(
        &self,
        from: Option<NaiveDateTime>,
        to: Option<NaiveDateTime>,
    ) -> Result<Vec<NightCheck>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, hotspot_id, at, team_id, result, notes FROM night_checks
             WHERE at >= ?1 AND at < ?2 ORDER BY at, id",
        )?;
        map_rows(&mut stmt, window_text(from, to), |r| {
            let v = visit_row(r)?;
            Ok(NightCheck {
                id: v.id,
                hotspot_id: v.site_id,
                at: v.at,
                team_id: v.team_id,
                result: v.result,
                notes: v.notes,
            })
        })
    }

    /// Follow-ups of one site (or of all sites), oldest first.
    pub fn follow_ups(&self, site_id: Option<&str>) -> Result<Vec<FollowUp>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, site_id, inspection_id, kind, due, state, resolved_by FROM follow_ups
             WHERE ?1 IS NULL OR site_id = ?1 ORDER BY id",
        )?;
        map_rows(&mut stmt, [site_id], |r| {
            Ok(FollowUp {
                id: r.get(0)?,
                site_id: r.get(1)?,
                inspection_id: r.get(2)?,
                kind: follow_up_kind(&r.get::<_, String>(3)?)?,
                due: r
                    .get::<_, Option<String>>(4)?
                    .as_deref()
                    .map(parse_date_text)
                    .transpose()?,
                state: if r.get::<_, String>(5)? == "open" {
                    FollowUpState::Open
                } else {
                    FollowUpState::Done
                },
                resolved_by: r.get(6)?,
            })
        })
    }

    /// Re-opens a closed (关停) site, a decision of its own that no inspection result
    /// makes: its status turns active and its open closure orders end (resolved by none).
    pub fn reopen_site(&mut self, site_id: &str) -> Result<(), StoreError> {
        let actor = self.actor.clone();
        self.write(|tx| {
            let n = tx.execute("UPDATE sites SET status = 'active' WHERE id = ?1", [site_id])?;
            if n == 0 {
                return Err(StoreError::UnknownSite(site_id.to_string()));
            }
            tx.execute(
                "UPDATE follow_ups SET state = 'done' WHERE site_id = ?1 AND kind = 'closure' AND state = 'open'",
                [site_id],
            )?;
            audit::record(tx, &actor, "site_reopen", site_id, "re-opened")?;
            Ok(())
        })
    }

    /// Open 回头看 follow-ups due on or before `date`, closed (关停) sites included: a
    /// look-back exists to catch a closed business that opened again. Oldest due first.
    pub fn due_lookbacks(&self, date: NaiveDate) -> Result<Vec<FollowUp>, StoreError> {
        let mut due: Vec<FollowUp> = self
            .follow_ups(None)?
            .into_iter()
            .filter(|f| {
                f.kind == FollowUpKind::Lookback
                    && f.state == FollowUpState::Open
                    && f.due.is_none_or(|d| d <= date)
            })
            .collect();
        due.sort_by_key(|f| (f.due, f.id));
        Ok(due)
    }

    /// Per-site inputs of the planner's priorities on `date` (closed sites included,
    /// with `closed` set, so their due 回头看 can be planned): last inspection, open
    /// follow-ups, 回头看 due, overdue by licence class. Sorted by site id.
    pub fn priority_inputs(&self, date: NaiveDate) -> Result<Vec<SitePriority>, StoreError> {
        let end = date
            .succ_opt()
            .unwrap_or(date)
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default();
        let last: std::collections::HashMap<String, NaiveDateTime> =
            self.last_inspections(end)?.into_iter().collect();
        let mut last_result = std::collections::HashMap::new();
        for i in self.inspections(None, Some(end))? {
            last_result.insert(i.site_id.clone(), i.result);
        }
        let mut follow = std::collections::HashMap::<String, Vec<FollowUp>>::new();
        for f in self.follow_ups(None)? {
            if f.state == FollowUpState::Open {
                follow.entry(f.site_id.clone()).or_default().push(f);
            }
        }
        let closed = self.closed_sites()?;
        let mut register = self.tip_off_dues()?;
        let overdue_days = super::rules::rules_in(self.conn())?.overdue_days;
        let mut out = Vec::new();
        for site in self.institutions()? {
            let last_date = last.get(&site.id).map(|t| t.date()).or(site.last_inspected);
            let days = last_date.map(|d| (date - d).num_days());
            let open = follow.remove(&site.id).unwrap_or_default();
            let earliest = |k: FollowUpKind| {
                open.iter()
                    .filter(|f| f.kind == k)
                    .filter_map(|f| f.due)
                    .min()
            };
            let rectification_due = earliest(FollowUpKind::Rectification);
            let reinspection_due = earliest(FollowUpKind::Lookback);
            let due_now = [rectification_due, reinspection_due]
                .into_iter()
                .flatten()
                .any(|d| d <= date);
            let (tip_offs_registered, tip_offs_due) = register.remove(&site.id).unwrap_or_default();
            out.push(SitePriority {
                tip_offs_registered,
                tip_offs_due,
                overdue: days.is_none_or(|d| d > overdue_days.after(site.licence)),
                licence: site.licence,
                complaints: site.complaints,
                closed: closed.contains(&site.id),
                last_inspected: last_date,
                last_result: last_result.get(&site.id).copied(),
                days_since_inspection: days,
                open_follow_ups: open,
                rectification_due,
                reinspection_due,
                reinspection_due_now: due_now,
                site_id: site.id,
            });
        }
        Ok(out)
    }

    /// The ledger (台账) rows for inspections with `from <= at < to`, oldest first.
    pub fn ledger_rows(
        &self,
        from: Option<NaiveDateTime>,
        to: Option<NaiveDateTime>,
    ) -> Result<Vec<LedgerRow>, StoreError> {
        let inspections = self.inspections(from, to)?;
        let sites: std::collections::HashMap<String, crate::model::Institution> = self
            .institutions()?
            .into_iter()
            .map(|s| (s.id.clone(), s))
            .collect();
        let mut follow = std::collections::HashMap::<i64, Vec<FollowUp>>::new();
        for f in self.follow_ups(None)? {
            follow.entry(f.inspection_id).or_default().push(f);
        }
        let mut findings = std::collections::HashMap::<i64, Vec<String>>::new();
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT inspection_id, kind, notes FROM findings ORDER BY id")?;
        let rows = map_rows(&mut stmt, [], |r| {
            let (kind, notes): (String, Option<String>) = (r.get(1)?, r.get(2)?);
            let text = match notes {
                Some(n) if !n.is_empty() => format!("{kind}: {n}"),
                _ => kind,
            };
            Ok((r.get::<_, i64>(0)?, text))
        })?;
        for (id, text) in rows {
            findings.entry(id).or_default().push(text);
        }
        let mut evidence = self.ledger_evidence()?;
        let mut photos = std::collections::HashMap::<i64, usize>::new();
        let mut stmt = self.conn().prepare_cached(
            "SELECT inspection_id, count(*) FROM inspection_photos GROUP BY inspection_id",
        )?;
        for (id, n) in map_rows(&mut stmt, [], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
        })? {
            photos.insert(id, usize::try_from(n).unwrap_or(0));
        }
        let mut out = Vec::new();
        for i in inspections {
            let site = sites.get(&i.site_id);
            let (checklist, outcome, rectify_by) = evidence.remove(&i.id).unwrap_or_default();
            out.push(LedgerRow {
                site_name: site.map(|s| s.name.clone()).unwrap_or_default(),
                site_kind: site
                    .map(|s| super::sites::kind_text(s.kind).to_string())
                    .unwrap_or_default(),
                licence: site
                    .map(|s| super::sites::licence_text(s.licence).to_string())
                    .unwrap_or_default(),
                address: site.and_then(|s| s.address.clone()),
                lon: site.map_or(f64::NAN, |s| s.location.lon()),
                lat: site.map_or(f64::NAN, |s| s.location.lat()),
                findings: findings.remove(&i.id).unwrap_or_default(),
                follow_ups: follow.remove(&i.id).unwrap_or_default(),
                checklist,
                outcome,
                rectify_by,
                photos: photos.remove(&i.id).unwrap_or(0),
                inspection: i,
            });
        }
        Ok(out)
    }

    /// Each inspection's checklist codes, outcome and 整改 deadline, for the ledger.
    #[allow(clippy::type_complexity)]
    fn ledger_evidence(
        &self,
    ) -> Result<
        std::collections::HashMap<i64, (Vec<String>, Option<String>, Option<chrono::NaiveDate>)>,
        StoreError,
    > {
        let mut stmt = self.conn().prepare_cached(
            "SELECT inspection_id, findings, outcome, rectify_by FROM inspection_evidence",
        )?;
        let rows = map_rows(&mut stmt, [], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?;
        let mut out = std::collections::HashMap::new();
        for (id, findings, outcome, rectify_by) in rows {
            let checklist: Vec<String> = serde_json::from_str(&findings)
                .map_err(|_| StoreError::corrupt("evidence findings", &findings))?;
            let rectify_by = rectify_by.map(|d| super::parse_date_text(&d)).transpose()?;
            out.insert(id, (checklist, outcome, rectify_by));
        }
        Ok(out)
    }
}

/// A window's bounds as stored text; an open bound takes a sentinel below or above every
/// stored time.
fn window_text(from: Option<NaiveDateTime>, to: Option<NaiveDateTime>) -> [String; 2] {
    [
        from.map_or_else(|| "0000".to_string(), time_text),
        to.map_or_else(|| "9999".to_string(), time_text),
    ]
}

/// A visit row `(id, site or hotspot id, at, team, result, notes)`, the shape of both
/// `inspections` and `night_checks`.
fn visit_row(r: &rusqlite::Row<'_>) -> Result<Inspection, StoreError> {
    Ok(Inspection {
        id: r.get(0)?,
        site_id: r.get(1)?,
        at: parse_time_text(&r.get::<_, String>(2)?)?,
        team_id: r.get(3)?,
        result: r.get::<_, String>(4)?.parse()?,
        notes: r.get(5)?,
    })
}

pub(crate) fn ensure_team(tx: &Transaction<'_>, team_id: &str) -> Result<(), StoreError> {
    tx.execute(
        "INSERT OR IGNORE INTO teams (id, name) VALUES (?1, ?1)",
        [team_id],
    )?;
    Ok(())
}

/// The key of the township's campaign start (`YYYY-MM-DD`) in `meta`.
const CAMPAIGN_START_KEY: &str = "campaign_start";

/// The day the township's campaign data begin: its setting, or [`CAMPAIGN_EPOCH`].
pub(crate) fn campaign_start(conn: &rusqlite::Connection) -> Result<NaiveDate, StoreError> {
    let set: Option<String> = conn
        .query_row(
            "SELECT value FROM meta WHERE key = ?1",
            [CAMPAIGN_START_KEY],
            |r| r.get(0),
        )
        .optional()?;
    set.map_or(Ok(CAMPAIGN_EPOCH), |d| parse_date_text(&d))
}

/// Refuses a record dated in the future or before the campaign data begin.
pub(crate) fn check_time(conn: &rusqlite::Connection, at: NaiveDateTime) -> Result<(), StoreError> {
    let now = super::tracks::township_now(conn)?;
    check_record_time(at, now, campaign_start(conn)?)
        .map_err(|p| StoreError::invalid("at", p.to_string()))
}

impl Workspace {
    /// The day the township's campaign data begin: inspections before it are refused.
    pub fn campaign_start(&self) -> Result<NaiveDate, StoreError> {
        campaign_start(self.conn())
    }

    /// Sets the day the township's campaign data begin (not before [`CAMPAIGN_EPOCH`]).
    pub fn set_campaign_start(&mut self, day: NaiveDate) -> Result<(), StoreError> {
        if day < CAMPAIGN_EPOCH {
            return Err(StoreError::invalid(
                "campaign_start",
                format!("{day} is before the 双减 campaign began ({CAMPAIGN_EPOCH})"),
            ));
        }
        self.set_meta(CAMPAIGN_START_KEY, &day.to_string())
    }
}

pub(super) fn record_tx(
    tx: &Transaction<'_>,
    input: &InspectionInput,
    actor: &Actor,
) -> Result<Inspection, StoreError> {
    check_time(tx, input.at)?;
    let known: Option<i64> = tx
        .query_row("SELECT 1 FROM sites WHERE id = ?1", [&input.site_id], |r| {
            r.get(0)
        })
        .optional()?;
    if known.is_none() {
        return Err(StoreError::UnknownSite(input.site_id.clone()));
    }
    if let Some(evidence) = &input.evidence {
        let kind: String = tx.query_row(
            "SELECT kind FROM sites WHERE id = ?1",
            [&input.site_id],
            |r| r.get(0),
        )?;
        super::evidence::check_evidence(
            tx,
            evidence,
            super::sites::parse_kind(&input.site_id, &kind)?,
        )?;
    }
    ensure_team(tx, &input.team_id)?;
    let now = time_text(super::tracks::township_now(tx)?);
    tx.execute(
        "INSERT INTO inspections (site_id, at, team_id, result, notes, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![input.site_id, time_text(input.at), input.team_id, input.result.as_str(), input.notes, now],
    )?;
    let id = tx.last_insert_rowid();
    tx.execute(
        "UPDATE sites SET last_inspection_at = ?2
         WHERE id = ?1 AND (last_inspection_at IS NULL OR last_inspection_at < ?2)",
        params![input.site_id, time_text(input.at)],
    )?;
    if input.result.is_finding() {
        tx.execute(
            "INSERT INTO findings (inspection_id, kind, notes) VALUES (?1, ?2, ?3)",
            params![id, input.result.as_str(), input.notes],
        )?;
    }
    apply_follow_ups(tx, input, id)?;
    if let Some(evidence) = &input.evidence {
        super::evidence::store_evidence(tx, id, evidence)?;
    }
    let detail = format!(
        "inspection {id} at {} by team {}: {}{}",
        time_text(input.at),
        input.team_id,
        input.result.as_str(),
        if input.close { ", ordered closed" } else { "" }
    );
    audit::record(tx, actor, "inspection", &input.site_id, &detail)?;
    Ok(Inspection {
        id,
        site_id: input.site_id.clone(),
        at: input.at,
        team_id: input.team_id.clone(),
        result: input.result,
        notes: input.notes.clone(),
    })
}

/// Applies the follow-up rules ([`next_follow_ups`]) of visit `id` to its site.
fn apply_follow_ups(
    tx: &Transaction<'_>,
    input: &InspectionInput,
    id: i64,
) -> Result<(), StoreError> {
    let site = input.site_id.as_str();
    let closed: bool = tx.query_row(
        "SELECT status = 'closed' FROM sites WHERE id = ?1",
        [site],
        |r| r.get(0),
    )?;
    let mut stmt = tx.prepare_cached(
        "SELECT id, kind, due FROM follow_ups WHERE site_id = ?1 AND state = 'open' ORDER BY id",
    )?;
    let open = map_rows(&mut stmt, [site], |r| {
        Ok(OpenFollowUp {
            id: r.get(0)?,
            kind: follow_up_kind(&r.get::<_, String>(1)?)?,
            due: r
                .get::<_, Option<String>>(2)?
                .as_deref()
                .map(parse_date_text)
                .transpose()?,
        })
    })?;
    let visit = Visit {
        day: input.at.date(),
        result: input.result,
        rectify_by: input.rectify_by,
        close: input.close,
        lookback_days: input.lookback_days,
    };
    let rules = super::rules::rules_in(tx)?.follow_ups;
    let policy = FollowUpPolicy {
        rectify_days: rules.rectify_days,
        lookback_days: rules.look_back_days,
        rectify_days_unit: rules.rectify_days_unit,
    };
    let calendar = super::calendar::calendar_in(tx)?;
    let effects = next_follow_ups(closed, &open, &visit, &policy, &calendar);
    for f in &effects.resolve {
        tx.execute(
            "UPDATE follow_ups SET state = 'done', resolved_by = ?1 WHERE id = ?2",
            params![id, f],
        )?;
    }
    for (f, due) in &effects.set_due {
        tx.execute(
            "UPDATE follow_ups SET due = ?1 WHERE id = ?2",
            params![due.to_string(), f],
        )?;
    }
    for f in &effects.drop {
        tx.execute("DELETE FROM follow_ups WHERE id = ?1", [f])?;
    }
    for (kind, due) in &effects.open {
        tx.execute(
            "INSERT INTO follow_ups (site_id, inspection_id, kind, due, state) VALUES (?1, ?2, ?3, ?4, 'open')",
            params![site, id, kind_str(*kind), due.to_string()],
        )?;
    }
    let status = if effects.site_closed {
        "closed"
    } else {
        "active"
    };
    tx.execute(
        "UPDATE sites SET status = ?2 WHERE id = ?1",
        params![site, status],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sites::tests::small_township;
    use chrono::Duration;

    fn at(text: &str) -> NaiveDateTime {
        crate::store::parse_when(text).unwrap()
    }

    fn input(site: &str, when: &str, result: InspectionResult) -> InspectionInput {
        InspectionInput {
            site_id: site.into(),
            at: at(when),
            team_id: "T1".into(),
            result,
            notes: None,
            rectify_by: None,
            close: false,
            lookback_days: None,
            evidence: None,
        }
    }

    fn ws() -> Workspace {
        let mut ws = Workspace::in_memory().unwrap();
        ws.import_township(&small_township()).unwrap();
        ws
    }

    #[test]
    fn unknown_site_is_refused_and_nothing_written() {
        let mut ws = ws();
        let err = ws.record_inspection(&input(
            "NOPE",
            "2025-03-01 10:00",
            InspectionResult::Compliant,
        ));
        assert!(matches!(err, Err(StoreError::UnknownSite(_))));
        assert_eq!(ws.counts().unwrap().inspections, 0);
        let teams: i64 = ws
            .conn()
            .query_row("SELECT COUNT(*) FROM teams", [], |r| r.get(0))
            .unwrap();
        assert_eq!(teams, 0);
    }

    #[test]
    fn hazard_then_fix_then_lookback() {
        let mut ws = ws();
        let mut i = input("S1", "2025-03-01 10:00", InspectionResult::Hazard);
        i.rectify_by = NaiveDate::from_ymd_opt(2025, 3, 10);
        ws.record_inspection(&i).unwrap();
        let p = ws
            .priority_inputs(NaiveDate::from_ymd_opt(2025, 3, 5).unwrap())
            .unwrap();
        let s1 = p.iter().find(|p| p.site_id == "S1").unwrap();
        assert_eq!(s1.rectification_due, NaiveDate::from_ymd_opt(2025, 3, 10));
        assert!(!s1.reinspection_due_now);
        let p = ws
            .priority_inputs(NaiveDate::from_ymd_opt(2025, 3, 11).unwrap())
            .unwrap();
        assert!(
            p.iter()
                .find(|p| p.site_id == "S1")
                .unwrap()
                .reinspection_due_now
        );

        ws.record_inspection(&input(
            "S1",
            "2025-03-09 10:00",
            InspectionResult::Compliant,
        ))
        .unwrap();
        let f = ws.follow_ups(Some("S1")).unwrap();
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].state, FollowUpState::Done);
        assert_eq!(f[1].kind, FollowUpKind::Lookback);
        assert_eq!(f[1].due, NaiveDate::from_ymd_opt(2025, 4, 8));
        // An early visit does not count as the 回头看; one on the date does.
        ws.record_inspection(&input(
            "S1",
            "2025-03-20 10:00",
            InspectionResult::Compliant,
        ))
        .unwrap();
        assert_eq!(
            ws.follow_ups(Some("S1")).unwrap()[1].state,
            FollowUpState::Open
        );
        ws.record_inspection(&input(
            "S1",
            "2025-04-08 19:00",
            InspectionResult::Compliant,
        ))
        .unwrap();
        assert_eq!(
            ws.follow_ups(Some("S1")).unwrap()[1].state,
            FollowUpState::Done
        );
    }

    #[test]
    fn closure_marks_site_and_schedules_lookback() {
        let mut ws = ws();
        let mut i = input(
            "S2",
            "2025-03-01 10:00",
            InspectionResult::UnlicensedOperation,
        );
        i.close = true;
        i.lookback_days = Some(7);
        ws.record_inspection(&i).unwrap();
        let p = ws
            .priority_inputs(NaiveDate::from_ymd_opt(2025, 3, 8).unwrap())
            .unwrap();
        let s2 = p.iter().find(|p| p.site_id == "S2").unwrap();
        assert!(s2.closed);
        assert_eq!(s2.reinspection_due, NaiveDate::from_ymd_opt(2025, 3, 8));
        assert!(s2.reinspection_due_now);
        assert_eq!(s2.last_result, Some(InspectionResult::UnlicensedOperation));
        assert_eq!(s2.days_since_inspection, Some(7));
        let ledger = ws.ledger_rows(None, None).unwrap();
        assert_eq!(ledger[0].findings, vec!["unlicensed_operation".to_string()]);
        assert_eq!(ledger[0].follow_ups.len(), 2);
    }

    #[test]
    fn overdue_follows_licence_class() {
        let ws = ws();
        // Imported last inspection 2025-01-02 for all three.
        let p = ws
            .priority_inputs(NaiveDate::from_ymd_opt(2025, 2, 15).unwrap())
            .unwrap();
        let overdue: Vec<_> = p
            .iter()
            .filter(|p| p.overdue)
            .map(|p| p.site_id.as_str())
            .collect();
        assert_eq!(overdue, vec!["S2"]);
    }

    #[test]
    fn night_check_needs_a_hotspot() {
        let mut ws = ws();
        assert!(ws
            .record_night_check(
                "S1",
                at("2025-03-01 20:00"),
                "T",
                InspectionResult::Compliant,
                None
            )
            .is_err());
        ws.record_night_check(
            "H1",
            at("2025-03-01 20:00"),
            "T",
            InspectionResult::Compliant,
            None,
        )
        .unwrap();
        assert_eq!(ws.night_checks(None, None).unwrap().len(), 1);
    }

    #[test]
    fn a_visit_in_the_future_or_before_the_campaign_is_refused() {
        let mut ws = ws();
        let tomorrow = chrono::Local::now().naive_local() + Duration::days(1);
        let mut future = input("S1", "2025-03-01 10:00", InspectionResult::Compliant);
        future.at = tomorrow;
        let err = ws.record_inspection(&future).unwrap_err().to_string();
        assert!(err.contains("in the future"), "{err}");
        ws.set_campaign_start(NaiveDate::from_ymd_opt(2024, 9, 1).unwrap())
            .unwrap();
        let early = input("S1", "2024-08-31 10:00", InspectionResult::Compliant);
        let err = ws.record_inspection(&early).unwrap_err().to_string();
        assert!(
            err.contains("before the township's campaign data begin (2024-09-01)"),
            "{err}"
        );
        let err = ws
            .record_night_check("H1", tomorrow, "T", InspectionResult::Compliant, None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("in the future"), "{err}");
        assert_eq!(ws.counts().unwrap().inspections, 0);
        assert!(ws
            .set_campaign_start(NaiveDate::from_ymd_opt(2020, 1, 1).unwrap())
            .is_err());
    }

    #[test]
    fn a_compliant_visit_does_not_re_open_a_closed_site_and_fulfils_the_closure() {
        let mut ws = ws();
        let mut order = input(
            "S2",
            "2025-03-01 10:00",
            InspectionResult::UnlicensedOperation,
        );
        order.close = true;
        ws.record_inspection(&order).unwrap();
        let check = ws
            .record_inspection(&input(
                "S2",
                "2025-03-05 10:00",
                InspectionResult::Compliant,
            ))
            .unwrap();
        assert!(ws.closed_sites().unwrap().contains("S2"), "re-opened");
        let f = ws.follow_ups(Some("S2")).unwrap();
        let closure = f.iter().find(|f| f.kind == FollowUpKind::Closure).unwrap();
        assert_eq!(
            (closure.state, closure.resolved_by),
            (FollowUpState::Done, Some(check.id))
        );
        // The 回头看 of the closed site, due 30 days later, is exposed to the planner.
        let day = NaiveDate::from_ymd_opt(2025, 4, 4).unwrap();
        let due = ws.due_lookbacks(day).unwrap();
        assert_eq!(due.len(), 1);
        assert_eq!((due[0].site_id.as_str(), due[0].due), ("S2", Some(day)));
        assert!(ws
            .due_lookbacks(day.pred_opt().unwrap())
            .unwrap()
            .is_empty());
        let p = ws.priority_inputs(day).unwrap();
        let s2 = p.iter().find(|p| p.site_id == "S2").unwrap();
        assert!(s2.closed && s2.reinspection_due_now);
        // Re-opening is its own decision.
        ws.reopen_site("S2").unwrap();
        assert!(ws.closed_sites().unwrap().is_empty());
    }
}
