//! The 举报 register: tip-offs received, each linked to a site or placed on the map,
//! assigned to a team with a deadline in working days from the township's rules and
//! calendar (有报必查), handled by an inspection, verified, answered and closed. The
//! steps follow [`crate::model::tipoff::next_status`]; every step is in the audit log.
//! The complainant's name and contact are kept here and given only to leads by the
//! shells: no audit entry, export or layer carries them.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use rusqlite::{params, OptionalExtension, Row, Transaction};
use serde::Serialize;

use super::audit;
use super::{map_rows, parse_date_text, parse_time_text, time_text, StoreError, Workspace};
use crate::model::tipoff::{
    deadline, is_overdue, next_status, TipOffSource, TipOffStatus, TipOffStep, TipOffVerdict,
};

/// 10: the 举报 register.
pub(crate) const TIPOFF_REGISTER: &str = r#"
CREATE TABLE tipoffs (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    summary TEXT NOT NULL,
    place TEXT,
    received_at TEXT NOT NULL,
    complainant_name TEXT,
    complainant_contact TEXT,
    site_id TEXT REFERENCES sites(id),
    lon REAL,
    lat REAL,
    status TEXT NOT NULL DEFAULT 'received',
    team_id TEXT,
    due TEXT NOT NULL,
    inspection_id INTEGER REFERENCES inspections(id),
    verdict TEXT,
    verify_note TEXT,
    answer TEXT,
    closed_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (site_id IS NOT NULL OR (lon IS NOT NULL AND lat IS NOT NULL)));
CREATE INDEX tipoffs_site ON tipoffs(site_id);
CREATE INDEX tipoffs_status ON tipoffs(status, due);
"#;

/// A tip-off as received.
#[derive(Debug, Clone, PartialEq)]
pub struct TipOffInput {
    /// Where it came in.
    pub source: TipOffSource,
    /// What is complained of.
    pub summary: String,
    /// Where, as the complainant said it.
    pub place: Option<String>,
    /// When it was received, township local time.
    pub received_at: NaiveDateTime,
    /// The complainant's name (private: leads only).
    pub complainant_name: Option<String>,
    /// The complainant's phone or address (private: leads only).
    pub complainant_contact: Option<String>,
    /// The site it concerns, when known.
    pub site_id: Option<String>,
    /// Where it is on the map, WGS-84 `(lon, lat)`, when no site is known.
    pub position: Option<(f64, f64)>,
}

/// A stored tip-off.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TipOff {
    /// Its number in the register.
    pub id: i64,
    /// Where it came in.
    pub source: TipOffSource,
    /// What is complained of.
    pub summary: String,
    /// Where, as the complainant said it.
    pub place: Option<String>,
    /// When it was received, township local time.
    pub received_at: NaiveDateTime,
    /// The complainant's name (private: leads only).
    pub complainant_name: Option<String>,
    /// The complainant's contact (private: leads only).
    pub complainant_contact: Option<String>,
    /// The site it concerns.
    pub site_id: Option<String>,
    /// That site's name.
    pub site_name: Option<String>,
    /// Where it is, WGS-84 (the site's position when linked to one).
    pub lon: f64,
    /// Latitude, WGS-84.
    pub lat: f64,
    /// Where it stands.
    pub status: TipOffStatus,
    /// The team that has it.
    pub team_id: Option<String>,
    /// The day it must be checked by.
    pub due: NaiveDate,
    /// Still unchecked after `due` (on the workspace's today).
    pub overdue: bool,
    /// The inspection that checked it.
    pub inspection_id: Option<i64>,
    /// What the check found of the complaint.
    pub verdict: Option<TipOffVerdict>,
    /// The lead's note on the verdict.
    pub verify_note: Option<String>,
    /// The answer given to the complainant (or superior).
    pub answer: Option<String>,
    /// When it was closed.
    pub closed_at: Option<NaiveDateTime>,
    /// Last change, township local time.
    pub updated_at: NaiveDateTime,
}

/// One step on a tip-off, with what the step needs.
#[derive(Debug, Clone, PartialEq)]
pub enum TipOffChange {
    /// 交办 to `team`; `due` replaces the deadline from the rules when given.
    Assign {
        /// The team's id.
        team: String,
        /// Another deadline than the rules'.
        due: Option<NaiveDate>,
    },
    /// 核查: the inspection that checked it (of its site, after it was received).
    Handle {
        /// The inspection's number.
        inspection_id: i64,
    },
    /// 核实: what the check found of the complaint.
    Verify {
        /// 属实 / 部分属实 / 不属实.
        verdict: TipOffVerdict,
        /// The lead's note.
        note: Option<String>,
    },
    /// 答复: the answer given.
    Answer {
        /// Its text.
        answer: String,
    },
    /// 办结.
    Close,
}

impl TipOffChange {
    /// The step this change is.
    pub fn step(&self) -> TipOffStep {
        match self {
            TipOffChange::Assign { .. } => TipOffStep::Assign,
            TipOffChange::Handle { .. } => TipOffStep::Handle,
            TipOffChange::Verify { .. } => TipOffStep::Verify,
            TipOffChange::Answer { .. } => TipOffStep::Answer,
            TipOffChange::Close => TipOffStep::Close,
        }
    }
}

/// Which tip-offs to list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TipOffFilter {
    /// Only this status.
    pub status: Option<TipOffStatus>,
    /// Only open ones (not closed).
    pub open_only: bool,
    /// Only overdue ones (`Some(true)`), or only those not overdue (`Some(false)`).
    pub overdue: Option<bool>,
    /// Only this site's.
    pub site_id: Option<String>,
    /// Only this team's.
    pub team_id: Option<String>,
}

/// An open tip-off still waiting for its inspection, as the planner needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TipOffDue {
    /// Its number in the register.
    pub id: i64,
    /// The day it must be checked by.
    pub due: NaiveDate,
}

fn text_field(
    field: &'static str,
    value: Option<&str>,
    max_chars: usize,
) -> Result<Option<String>, StoreError> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if value.chars().count() > max_chars {
        return Err(StoreError::invalid(
            field,
            format!("longer than {max_chars} characters"),
        ));
    }
    Ok(Some(value.to_string()))
}

fn check_input(input: &TipOffInput) -> Result<(), StoreError> {
    if text_field("summary", Some(&input.summary), 2000)?.is_none() {
        return Err(StoreError::invalid("summary", "say what is complained of"));
    }
    if !(1900..=9999).contains(&input.received_at.year()) {
        return Err(StoreError::invalid(
            "received_at",
            format!("{} is not a plausible day", input.received_at.date()),
        ));
    }
    text_field("place", input.place.as_deref(), 500)?;
    text_field("complainant_name", input.complainant_name.as_deref(), 100)?;
    text_field(
        "complainant_contact",
        input.complainant_contact.as_deref(),
        200,
    )?;
    match (&input.site_id, input.position) {
        (None, None) => Err(StoreError::invalid(
            "site_id/lon/lat",
            "link the tip-off to a site or place it on the map",
        )),
        (_, Some((lon, lat)))
            if !((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat)) =>
        {
            Err(StoreError::invalid(
                "lon/lat",
                "WGS-84 degrees: lon -180..180, lat -90..90",
            ))
        }
        _ => Ok(()),
    }
}

fn site_exists(tx: &Transaction<'_>, site_id: &str) -> Result<bool, StoreError> {
    Ok(tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM sites WHERE id = ?1)",
        [site_id],
        |r| r.get(0),
    )?)
}

const SELECT: &str = "SELECT t.id, t.source, t.summary, t.place, t.received_at, t.complainant_name,
        t.complainant_contact, t.site_id, s.name, COALESCE(s.lon, t.lon), COALESCE(s.lat, t.lat),
        t.status, t.team_id, t.due, t.inspection_id, t.verdict, t.verify_note, t.answer,
        t.closed_at, t.updated_at
    FROM tipoffs t LEFT JOIN sites s ON s.id = t.site_id";

fn tip_off_of(row: &Row<'_>, today: NaiveDate) -> Result<TipOff, StoreError> {
    let id: i64 = row.get(0)?;
    let what = |column: &str| format!("tipoffs.{column} of tip-off {id}");
    let source: String = row.get(1)?;
    let status: String = row.get(11)?;
    let status =
        TipOffStatus::parse(&status).ok_or_else(|| StoreError::corrupt(what("status"), &status))?;
    let due = parse_date_text(&row.get::<_, String>(13)?)?;
    let overdue = is_overdue(status, due, today);
    let verdict = row
        .get::<_, Option<String>>(15)?
        .map(|v| TipOffVerdict::parse(&v).ok_or_else(|| StoreError::corrupt(what("verdict"), &v)))
        .transpose()?;
    Ok(TipOff {
        id,
        source: TipOffSource::parse(&source)
            .ok_or_else(|| StoreError::corrupt(what("source"), &source))?,
        summary: row.get(2)?,
        place: row.get(3)?,
        received_at: parse_time_text(&row.get::<_, String>(4)?)?,
        complainant_name: row.get(5)?,
        complainant_contact: row.get(6)?,
        site_id: row.get(7)?,
        site_name: row.get(8)?,
        lon: row.get::<_, Option<f64>>(9)?.unwrap_or(f64::NAN),
        lat: row.get::<_, Option<f64>>(10)?.unwrap_or(f64::NAN),
        overdue,
        status,
        team_id: row.get(12)?,
        due,
        inspection_id: row.get(14)?,
        verdict,
        verify_note: row.get(16)?,
        answer: row.get(17)?,
        closed_at: row
            .get::<_, Option<String>>(18)?
            .as_deref()
            .map(parse_time_text)
            .transpose()?,
        updated_at: parse_time_text(&row.get::<_, String>(19)?)?,
    })
}

impl Workspace {
    /// Receives a tip-off: checked, its deadline counted from the day received in
    /// working days (`rules.campaign.tip_off_working_days`, the workspace's calendar),
    /// kept and logged. Gives it as stored.
    pub fn receive_tip_off(&mut self, input: &TipOffInput) -> Result<TipOff, StoreError> {
        check_input(input)?;
        let rules = super::rules::rules_in(self.conn())?;
        let calendar = self.calendar()?;
        let due = deadline(
            input.received_at.date(),
            rules.campaign.tip_off_working_days,
            &calendar,
        );
        let actor = self.actor().clone();
        let id = self.write(|tx| {
            let site = text_field("site_id", input.site_id.as_deref(), 100)?;
            if let Some(site) = &site {
                if !site_exists(tx, site)? {
                    return Err(StoreError::UnknownSite(site.clone()));
                }
            }
            let now = time_text(super::tracks::township_now(tx)?);
            tx.execute(
                "INSERT INTO tipoffs (source, summary, place, received_at, complainant_name,
                    complainant_contact, site_id, lon, lat, due, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
                params![
                    input.source.as_str(),
                    input.summary.trim(),
                    text_field("place", input.place.as_deref(), 500)?,
                    time_text(input.received_at),
                    text_field("complainant_name", input.complainant_name.as_deref(), 100)?,
                    text_field(
                        "complainant_contact",
                        input.complainant_contact.as_deref(),
                        200
                    )?,
                    site,
                    input.position.map(|p| p.0),
                    input.position.map(|p| p.1),
                    due.to_string(),
                    now
                ],
            )?;
            let id = tx.last_insert_rowid();
            let place = match (&site, input.position) {
                (Some(site), _) => format!("site {site}"),
                (None, Some((lon, lat))) => format!("{lon:.6},{lat:.6}"),
                (None, None) => String::new(),
            };
            let detail = format!(
                "{} received {}: {place}, due {due}",
                input.source.label_zh(),
                time_text(input.received_at)
            );
            audit::record(tx, &actor, "tipoff_receive", &id.to_string(), &detail)?;
            Ok(id)
        })?;
        self.tip_off(id)?
            .ok_or_else(|| StoreError::NotFound(format!("tip-off {id}")))
    }

    /// One tip-off.
    pub fn tip_off(&self, id: i64) -> Result<Option<TipOff>, StoreError> {
        let today = self.today()?;
        let mut stmt = self
            .conn()
            .prepare_cached(&format!("{SELECT} WHERE t.id = ?1"))?;
        Ok(map_rows(&mut stmt, [id], |r| tip_off_of(r, today))?
            .into_iter()
            .next())
    }

    /// The tip-offs `filter` lets through: overdue first, then by deadline, then number.
    pub fn tip_offs(&self, filter: &TipOffFilter) -> Result<Vec<TipOff>, StoreError> {
        let today = self.today()?;
        let mut stmt = self.conn().prepare_cached(&format!(
            "{SELECT} WHERE (?1 IS NULL OR t.site_id = ?1) AND (?2 IS NULL OR t.team_id = ?2)
                AND (?3 IS NULL OR t.status = ?3) ORDER BY t.due, t.id"
        ))?;
        let status = filter.status.map(TipOffStatus::as_str);
        let mut all = map_rows(
            &mut stmt,
            params![filter.site_id, filter.team_id, status],
            |r| tip_off_of(r, today),
        )?;
        all.retain(|t| {
            (!filter.open_only || t.status.is_open())
                && filter.overdue.is_none_or(|o| t.overdue == o)
        });
        all.sort_by_key(|t| (!t.overdue, t.due, t.id));
        Ok(all)
    }

    /// Takes one step on tip-off `id`: refused (nothing written) when the tip-off is not
    /// where the step may start, or what the step needs is wrong. Gives the tip-off after.
    pub fn change_tip_off(&mut self, id: i64, change: &TipOffChange) -> Result<TipOff, StoreError> {
        let actor = self.actor().clone();
        self.write(|tx| {
            let row: Option<(String, Option<String>, String)> = tx
                .query_row(
                    "SELECT status, site_id, received_at FROM tipoffs WHERE id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let (status, site_id, received_at) =
                row.ok_or_else(|| StoreError::NotFound(format!("tip-off {id}")))?;
            let from = TipOffStatus::parse(&status).ok_or_else(|| {
                StoreError::corrupt(format!("tipoffs.status of tip-off {id}"), &status)
            })?;
            let to = next_status(from, change.step())
                .map_err(|e| StoreError::invalid("status", e.to_string()))?;
            let now = time_text(super::tracks::township_now(tx)?);
            let detail = apply(tx, id, change, site_id.as_deref(), &received_at, &now)?;
            tx.execute(
                "UPDATE tipoffs SET status = ?2, updated_at = ?3 WHERE id = ?1",
                params![id, to.as_str(), now],
            )?;
            let action = format!("tipoff_{}", change.step().as_str());
            let detail = format!("{} → {}{detail}", from.as_str(), to.as_str());
            audit::record(tx, &actor, &action, &id.to_string(), &detail)
        })?;
        self.tip_off(id)?
            .ok_or_else(|| StoreError::NotFound(format!("tip-off {id}")))
    }

    /// Per site, the register's say on its tip-offs: `(has any entry, the open ones still
    /// waiting for their inspection)`. A site in this map is ranked by its register
    /// entries, not by an imported complaint count.
    pub fn tip_off_dues(&self) -> Result<HashMap<String, (bool, Vec<TipOffDue>)>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT site_id, id, status, due FROM tipoffs WHERE site_id IS NOT NULL ORDER BY due, id",
        )?;
        let rows = map_rows(&mut stmt, [], |r| {
            let status: String = r.get(2)?;
            let status = TipOffStatus::parse(&status)
                .ok_or_else(|| StoreError::corrupt("tipoffs.status", &status))?;
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                status,
                parse_date_text(&r.get::<_, String>(3)?)?,
            ))
        })?;
        let mut out: HashMap<String, (bool, Vec<TipOffDue>)> = HashMap::new();
        for (site, id, status, due) in rows {
            let entry = out.entry(site).or_insert((true, Vec::new()));
            if status.awaits_inspection() {
                entry.1.push(TipOffDue { id, due });
            }
        }
        Ok(out)
    }
}

/// The register as a table for CSV or xlsx, Chinese headers and values, under `title`
/// (the township, 举报登记表 and the date). The complainant's name and contact are
/// never in it.
pub fn tip_off_table(tip_offs: &[TipOff], title: String) -> crate::formats::table::Table {
    use crate::formats::table::Value;
    let headers = [
        "编号",
        "来源",
        "受理时间",
        "举报内容",
        "举报地点",
        "机构编号",
        "机构名称",
        "经度",
        "纬度",
        "状态",
        "承办队伍",
        "办理时限",
        "是否逾期",
        "核查记录",
        "核实结论",
        "核实说明",
        "答复内容",
        "办结时间",
    ];
    let text = |v: &Option<String>| v.clone().map_or(Value::Empty, Value::Text);
    let rows = tip_offs
        .iter()
        .map(|t| {
            vec![
                Value::Number(t.id as f64),
                t.source.label_zh().into(),
                time_text(t.received_at).into(),
                t.summary.clone().into(),
                text(&t.place),
                text(&t.site_id),
                text(&t.site_name),
                Value::Number(t.lon),
                Value::Number(t.lat),
                t.status.label_zh().into(),
                text(&t.team_id),
                t.due.to_string().into(),
                (if t.overdue { "逾期" } else { "否" }).into(),
                t.inspection_id
                    .map_or(Value::Empty, |i| Value::Number(i as f64)),
                t.verdict.map_or(Value::Empty, |v| v.label_zh().into()),
                text(&t.verify_note),
                text(&t.answer),
                t.closed_at.map_or(Value::Empty, |c| time_text(c).into()),
            ]
        })
        .collect();
    crate::formats::table::Table {
        name: "举报登记".into(),
        title,
        headers: headers.iter().map(|h| h.to_string()).collect(),
        rows,
    }
}

/// Writes what `change` sets besides the status; gives the audit detail's tail.
fn apply(
    tx: &Transaction<'_>,
    id: i64,
    change: &TipOffChange,
    site_id: Option<&str>,
    received_at: &str,
    now: &str,
) -> Result<String, StoreError> {
    match change {
        TipOffChange::Assign { team, due } => {
            let team = text_field("team", Some(team.as_str()), 50)?
                .ok_or_else(|| StoreError::invalid("team", "name the team"))?;
            let received = parse_time_text(received_at)?.date();
            if due.is_some_and(|d| d.year() > 9999) {
                return Err(StoreError::invalid("due", "not a plausible day"));
            }
            if due.is_some_and(|d| d < received) {
                return Err(StoreError::invalid(
                    "due",
                    format!("before the day the tip-off was received ({received})"),
                ));
            }
            tx.execute(
                "UPDATE tipoffs SET team_id = ?2, due = COALESCE(?3, due) WHERE id = ?1",
                params![id, team, due.map(|d| d.to_string())],
            )?;
            let due: String =
                tx.query_row("SELECT due FROM tipoffs WHERE id = ?1", [id], |r| r.get(0))?;
            Ok(format!(": team {team}, due {due}"))
        }
        TipOffChange::Handle { inspection_id } => {
            let inspection: Option<(String, String)> = tx
                .query_row(
                    "SELECT site_id, at FROM inspections WHERE id = ?1",
                    [inspection_id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let (inspected, at) = inspection
                .ok_or_else(|| StoreError::NotFound(format!("inspection {inspection_id}")))?;
            if site_id.is_some_and(|s| s != inspected) {
                return Err(StoreError::invalid(
                    "inspection_id",
                    format!(
                        "inspection {inspection_id} is of site {inspected}, the tip-off of site {}",
                        site_id.unwrap_or_default()
                    ),
                ));
            }
            if parse_time_text(&at)?.date() < parse_time_text(received_at)?.date() {
                return Err(StoreError::invalid(
                    "inspection_id",
                    format!("inspection {inspection_id} ({at}) is older than the tip-off ({received_at})"),
                ));
            }
            // A tip-off placed on the map takes the site its inspection found.
            tx.execute(
                "UPDATE tipoffs SET inspection_id = ?2, site_id = ?3 WHERE id = ?1",
                params![id, inspection_id, inspected],
            )?;
            Ok(format!(": inspection {inspection_id} of site {inspected}"))
        }
        TipOffChange::Verify { verdict, note } => {
            tx.execute(
                "UPDATE tipoffs SET verdict = ?2, verify_note = ?3 WHERE id = ?1",
                params![
                    id,
                    verdict.as_str(),
                    text_field("note", note.as_deref(), 2000)?
                ],
            )?;
            Ok(format!(": {}", verdict.label_zh()))
        }
        TipOffChange::Answer { answer } => {
            let answer = text_field("answer", Some(answer.as_str()), 2000)?
                .ok_or_else(|| StoreError::invalid("answer", "say what was answered"))?;
            tx.execute(
                "UPDATE tipoffs SET answer = ?2 WHERE id = ?1",
                params![id, answer],
            )?;
            Ok(String::new())
        }
        TipOffChange::Close => {
            tx.execute(
                "UPDATE tipoffs SET closed_at = ?2 WHERE id = ?1",
                params![id, now],
            )?;
            Ok(String::new())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sites::tests::small_township;
    use crate::store::InspectionInput;
    use crate::store::InspectionResult;

    fn ws() -> Workspace {
        let mut ws = Workspace::in_memory().unwrap();
        ws.import_township(&small_township()).unwrap();
        ws
    }

    fn tip(site: Option<&str>, received: &str) -> TipOffInput {
        TipOffInput {
            source: TipOffSource::Hotline12345,
            summary: "周末有学科类培训".into(),
            place: Some("西土城路".into()),
            received_at: super::super::parse_when(received).unwrap(),
            complainant_name: Some("张女士".into()),
            complainant_contact: Some("13800000000".into()),
            site_id: site.map(String::from),
            position: site.is_none().then_some((116.35, 39.96)),
        }
    }

    fn inspect(ws: &mut Workspace, site: &str, at: &str) -> i64 {
        ws.record_inspection(&InspectionInput {
            site_id: site.into(),
            at: super::super::parse_when(at).unwrap(),
            team_id: "A".into(),
            result: InspectionResult::Hazard,
            notes: None,
            rectify_by: None,
            close: false,
            lookback_days: None,
            evidence: None,
        })
        .unwrap()
        .id
    }

    #[test]
    fn a_tip_off_goes_from_received_to_closed_and_every_step_is_logged() {
        let mut ws = ws();
        let t = ws
            .receive_tip_off(&tip(Some("S1"), "2024-09-30 09:00"))
            .unwrap();
        assert_eq!(t.status, TipOffStatus::Received);
        // Five working days after 30 September 2024: the National Day week is skipped.
        assert_eq!(t.due, NaiveDate::from_ymd_opt(2024, 10, 12).unwrap());
        assert!(t.site_name.is_some() && t.lon.is_finite());
        // Closing it at once is refused, and nothing changes.
        let err = ws
            .change_tip_off(t.id, &TipOffChange::Close)
            .unwrap_err()
            .to_string();
        assert!(err.contains("交办"), "{err}");
        assert_eq!(
            ws.tip_off(t.id).unwrap().unwrap().status,
            TipOffStatus::Received
        );
        ws.change_tip_off(
            t.id,
            &TipOffChange::Assign {
                team: "A".into(),
                due: None,
            },
        )
        .unwrap();
        // An inspection of another site, or from before the tip-off, does not answer it.
        let other = inspect(&mut ws, "S2", "2024-10-08 10:00");
        let before = inspect(&mut ws, "S1", "2024-09-20 10:00");
        for wrong in [other, before] {
            let err = ws
                .change_tip_off(
                    t.id,
                    &TipOffChange::Handle {
                        inspection_id: wrong,
                    },
                )
                .unwrap_err()
                .to_string();
            assert!(err.contains("inspection_id"), "{err}");
        }
        let visit = inspect(&mut ws, "S1", "2024-10-08 10:00");
        let t = ws
            .change_tip_off(
                t.id,
                &TipOffChange::Handle {
                    inspection_id: visit,
                },
            )
            .unwrap();
        assert_eq!(
            (t.status, t.inspection_id),
            (TipOffStatus::Handled, Some(visit))
        );
        ws.change_tip_off(
            t.id,
            &TipOffChange::Verify {
                verdict: TipOffVerdict::Substantiated,
                note: Some("现场有学员".into()),
            },
        )
        .unwrap();
        assert!(ws
            .change_tip_off(t.id, &TipOffChange::Answer { answer: " ".into() })
            .is_err());
        ws.change_tip_off(
            t.id,
            &TipOffChange::Answer {
                answer: "已责令整改".into(),
            },
        )
        .unwrap();
        let t = ws.change_tip_off(t.id, &TipOffChange::Close).unwrap();
        assert_eq!(t.status, TipOffStatus::Closed);
        assert!(t.closed_at.is_some());
        let log = ws.audit_log(None, None).unwrap();
        let steps: Vec<&str> = log
            .iter()
            .filter(|e| e.action.starts_with("tipoff_"))
            .map(|e| e.action.as_str())
            .collect();
        assert_eq!(
            steps,
            [
                "tipoff_receive",
                "tipoff_assign",
                "tipoff_handle",
                "tipoff_verify",
                "tipoff_answer",
                "tipoff_close"
            ]
        );
        // The complainant is never in the log.
        assert!(log
            .iter()
            .all(|e| !e.detail.contains("13800000000") && !e.detail.contains("张女士")));
    }

    #[test]
    fn bad_input_is_refused_before_anything_is_written() {
        let mut ws = ws();
        let nowhere = TipOffInput {
            position: None,
            ..tip(None, "2025-03-03 09:00")
        };
        assert!(ws.receive_tip_off(&nowhere).is_err());
        assert!(matches!(
            ws.receive_tip_off(&tip(Some("NOPE"), "2025-03-03 09:00")),
            Err(StoreError::UnknownSite(_))
        ));
        let ancient = TipOffInput {
            received_at: NaiveDate::from_ymd_opt(1, 1, 1)
                .and_then(|d| d.and_hms_opt(9, 0, 0))
                .unwrap(),
            ..tip(Some("S1"), "2025-03-03 09:00")
        };
        assert!(ws.receive_tip_off(&ancient).is_err());
        let blank = TipOffInput {
            summary: "  ".into(),
            ..tip(Some("S1"), "2025-03-03 09:00")
        };
        assert!(ws.receive_tip_off(&blank).is_err());
        assert!(ws.tip_offs(&TipOffFilter::default()).unwrap().is_empty());
        assert!(matches!(
            ws.change_tip_off(9, &TipOffChange::Close),
            Err(StoreError::NotFound(_))
        ));
    }

    #[test]
    fn overdue_ones_come_first_and_filters_apply() {
        let mut ws = ws();
        let old = ws
            .receive_tip_off(&tip(Some("S1"), "2020-01-06 09:00"))
            .unwrap();
        let placed = ws.receive_tip_off(&tip(None, "2099-01-05 09:00")).unwrap();
        let soon = ws
            .receive_tip_off(&tip(Some("S2"), "2099-01-02 09:00"))
            .unwrap();
        assert!(old.overdue && !placed.overdue);
        assert!((placed.lon - 116.35).abs() < 1e-9);
        let all = ws.tip_offs(&TipOffFilter::default()).unwrap();
        let ids: Vec<i64> = all.iter().map(|t| t.id).collect();
        assert_eq!(ids, [old.id, soon.id, placed.id]);
        let overdue = ws
            .tip_offs(&TipOffFilter {
                overdue: Some(true),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(overdue.len(), 1);
        let of_s2 = ws
            .tip_offs(&TipOffFilter {
                site_id: Some("S2".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(of_s2.iter().map(|t| t.id).collect::<Vec<_>>(), [soon.id]);
        // The planner's view: S1 has an entry waiting, with its deadline.
        let dues = ws.tip_off_dues().unwrap();
        assert_eq!(
            dues["S1"],
            (
                true,
                vec![TipOffDue {
                    id: old.id,
                    due: old.due
                }]
            )
        );
        assert!(!dues.contains_key("S3"));
    }
}
