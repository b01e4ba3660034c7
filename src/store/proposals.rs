//! 摸排 proposals: a business an inspector found in the street that the workspace does
//! not know. A lead accepts it (a new site, placed in its cell), merges it into a known
//! site (optionally taking its address and position), or rejects it; every step is in
//! the audit log.

use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;

use super::audit::{self, Actor};
use super::evidence::{keep_photo, PhotoRef};
use super::{map_rows, time_text, StoreError, Workspace};
use crate::model::InstitutionKind;

/// What an inspector proposes.
#[derive(Debug, Clone, PartialEq)]
pub struct ProposalInput {
    /// The business's name as seen (招牌).
    pub name: String,
    /// Its address, if known.
    pub address: Option<String>,
    /// 托管 or 培训.
    pub kind: InstitutionKind,
    /// Longitude, WGS-84 degrees.
    pub lon: f64,
    /// Latitude, WGS-84 degrees.
    pub lat: f64,
    /// Remarks.
    pub notes: Option<String>,
    /// Who proposes it (user name).
    pub proposed_by: String,
    /// Their team, if any.
    pub team_id: Option<String>,
}

/// Where a proposal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProposalState {
    /// Waiting for a lead.
    Pending,
    /// Made a new site.
    Accepted,
    /// Merged into a known site.
    Merged,
    /// Turned down.
    Rejected,
}

impl ProposalState {
    fn as_str(self) -> &'static str {
        match self {
            ProposalState::Pending => "pending",
            ProposalState::Accepted => "accepted",
            ProposalState::Merged => "merged",
            ProposalState::Rejected => "rejected",
        }
    }
    fn parse(text: &str) -> Result<Self, StoreError> {
        [
            ProposalState::Pending,
            ProposalState::Accepted,
            ProposalState::Merged,
            ProposalState::Rejected,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
        .ok_or_else(|| StoreError::corrupt("site_proposals.state", text))
    }
}

/// A stored proposal.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    /// Its number.
    pub id: i64,
    /// What was proposed.
    pub input: ProposalInput,
    /// When, township local time.
    pub created_at: String,
    /// Where it stands.
    pub state: ProposalState,
    /// The lead who decided, and when.
    pub decided_by: Option<String>,
    /// When it was decided, township local time.
    pub decided_at: Option<String>,
    /// The site it became or was merged into.
    pub site_id: Option<String>,
    /// Why it was rejected.
    pub reason: Option<String>,
    /// Its photos.
    pub photos: Vec<PhotoRef>,
}

/// What a merge takes over from the proposal into the known site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MergeUpdates {
    /// Take the proposal's address.
    pub address: bool,
    /// Take the proposal's position (the site is placed in its cell again).
    pub position: bool,
}

fn check_input(p: &ProposalInput) -> Result<(), StoreError> {
    if p.name.trim().is_empty() || p.name.chars().count() > 200 {
        return Err(StoreError::invalid("name", "1 to 200 characters"));
    }
    if p.address.as_ref().is_some_and(|a| a.chars().count() > 500) {
        return Err(StoreError::invalid("address", "longer than 500 characters"));
    }
    if p.notes.as_ref().is_some_and(|n| n.chars().count() > 2000) {
        return Err(StoreError::invalid("notes", "longer than 2000 characters"));
    }
    if !((-180.0..=180.0).contains(&p.lon) && (-90.0..=90.0).contains(&p.lat)) {
        return Err(StoreError::invalid(
            "lon/lat",
            "WGS-84 degrees: lon -180..180, lat -90..90",
        ));
    }
    Ok(())
}

impl Workspace {
    /// Keeps a proposal (pending); gives it with its number.
    pub fn propose_site(&mut self, input: &ProposalInput) -> Result<Proposal, StoreError> {
        check_input(input)?;
        let actor = self.actor().clone();
        let id = self.write(|tx| {
            let now = time_text(super::tracks::township_now(tx)?);
            tx.execute(
                "INSERT INTO site_proposals (name, address, kind, lon, lat, notes, proposed_by, team_id, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    input.name.trim(),
                    input.address,
                    super::sites::kind_text(input.kind),
                    input.lon,
                    input.lat,
                    input.notes,
                    input.proposed_by,
                    input.team_id,
                    now
                ],
            )?;
            let id = tx.last_insert_rowid();
            let detail = format!("proposal {id}: {} at {:.6},{:.6}", input.name.trim(), input.lon, input.lat);
            audit::record(tx, &actor, "site_proposal", &id.to_string(), &detail)?;
            Ok(id)
        })?;
        self.proposal(id)?
            .ok_or_else(|| StoreError::NotFound(format!("proposal {id}")))
    }

    /// Proposals, newest first; only `by`'s when given.
    pub fn proposals(&self, by: Option<&str>) -> Result<Vec<Proposal>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id FROM site_proposals WHERE ?1 IS NULL OR proposed_by = ?1 ORDER BY id DESC",
        )?;
        let ids: Vec<i64> = map_rows(&mut stmt, [by], |r| Ok(r.get(0)?))?;
        ids.into_iter()
            .filter_map(|id| self.proposal(id).transpose())
            .collect()
    }

    /// One proposal, with its photos.
    pub fn proposal(&self, id: i64) -> Result<Option<Proposal>, StoreError> {
        let row = self
            .conn()
            .query_row(
                "SELECT name, address, kind, lon, lat, notes, proposed_by, team_id, created_at, state,
                        decided_by, decided_at, site_id, reason
                 FROM site_proposals WHERE id = ?1",
                [id],
                |r| {
                    Ok((
                        (
                            r.get::<_, String>(0)?,
                            r.get::<_, Option<String>>(1)?,
                            r.get::<_, String>(2)?,
                            r.get::<_, f64>(3)?,
                            r.get::<_, f64>(4)?,
                            r.get::<_, Option<String>>(5)?,
                            r.get::<_, String>(6)?,
                            r.get::<_, Option<String>>(7)?,
                        ),
                        (
                            r.get::<_, String>(8)?,
                            r.get::<_, String>(9)?,
                            r.get::<_, Option<String>>(10)?,
                            r.get::<_, Option<String>>(11)?,
                            r.get::<_, Option<String>>(12)?,
                            r.get::<_, Option<String>>(13)?,
                        ),
                    ))
                },
            )
            .optional()?;
        let Some((
            (name, address, kind, lon, lat, notes, proposed_by, team_id),
            (created_at, state, decided_by, decided_at, site_id, reason),
        )) = row
        else {
            return Ok(None);
        };
        let mut stmt = self.conn().prepare_cached(
            "SELECT p.sha256, f.content_type FROM proposal_photos p JOIN photos f ON f.sha256 = p.sha256
             WHERE p.proposal_id = ?1 ORDER BY p.rowid",
        )?;
        let photos = map_rows(&mut stmt, [id], |r| {
            Ok(PhotoRef {
                sha256: r.get(0)?,
                content_type: r.get(1)?,
            })
        })?;
        Ok(Some(Proposal {
            id,
            input: ProposalInput {
                kind: super::sites::parse_kind(&format!("proposal {id}"), &kind)?,
                name,
                address,
                lon,
                lat,
                notes,
                proposed_by,
                team_id,
            },
            created_at,
            state: ProposalState::parse(&state)?,
            decided_by,
            decided_at,
            site_id,
            reason,
            photos,
        }))
    }

    /// Adds a photo to proposal `id` (same rules as an inspection's); gives its hash.
    pub fn add_proposal_photo(
        &mut self,
        id: i64,
        bytes: &[u8],
        content_type: &str,
    ) -> Result<String, StoreError> {
        let sha = super::evidence::check_photo(bytes, content_type)?;
        self.write(|tx| {
            pending(tx, id)?;
            let seen = super::evidence::photo_seen(tx, "proposal_photos", "proposal_id", id, &sha)?;
            if !seen {
                keep_photo(tx, &sha, bytes, content_type)?;
                tx.execute(
                    "INSERT INTO proposal_photos (proposal_id, sha256) VALUES (?1, ?2)",
                    params![id, sha],
                )?;
            }
            Ok(sha.clone())
        })
    }

    /// Accepts proposal `id`: a new site (licence 无证无照 until checked; id `P<n>`, or
    /// `site_id` when given), placed in its cell. Gives the new site's id.
    pub fn accept_proposal(
        &mut self,
        id: i64,
        site_id: Option<&str>,
    ) -> Result<String, StoreError> {
        let actor = self.actor().clone();
        self.write(|tx| {
            let p = pending(tx, id)?;
            let new_id = match site_id {
                Some(given) if !given.trim().is_empty() => given.trim().to_string(),
                _ => free_site_id(tx, id)?,
            };
            let taken: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM sites WHERE id = ?1)",
                [&new_id],
                |r| r.get(0),
            )?;
            if taken {
                return Err(StoreError::invalid(
                    "site_id",
                    format!("`{new_id}` names a site already: merge instead"),
                ));
            }
            tx.execute(
                "INSERT INTO sites (id, name, kind, licence, address, lon, lat, synthetic, status)
                 SELECT ?1, name, kind, 'unlicensed', address, lon, lat, 0, 'active'
                 FROM site_proposals WHERE id = ?2",
                params![new_id, id],
            )?;
            super::cells::place_sites(tx)?;
            decide(tx, &actor, id, ProposalState::Accepted, Some(&new_id), None)?;
            let detail = format!("from proposal {id}: {}", p.0);
            audit::record(tx, &actor, "site_add", &new_id, &detail)?;
            Ok(new_id)
        })
    }

    /// Merges proposal `id` into known site `site_id`, taking over what `updates` says.
    pub fn merge_proposal(
        &mut self,
        id: i64,
        site_id: &str,
        updates: MergeUpdates,
    ) -> Result<(), StoreError> {
        let actor = self.actor().clone();
        self.write(|tx| {
            pending(tx, id)?;
            let known: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM sites WHERE id = ?1)",
                [site_id],
                |r| r.get(0),
            )?;
            if !known {
                return Err(StoreError::UnknownSite(site_id.to_string()));
            }
            if updates.address {
                tx.execute(
                    "UPDATE sites SET address = (SELECT address FROM site_proposals WHERE id = ?1)
                     WHERE id = ?2",
                    params![id, site_id],
                )?;
            }
            if updates.position {
                tx.execute(
                    "UPDATE sites SET (lon, lat) = (SELECT lon, lat FROM site_proposals WHERE id = ?1)
                     WHERE id = ?2",
                    params![id, site_id],
                )?;
                super::cells::place_sites(tx)?;
            }
            decide(tx, &actor, id, ProposalState::Merged, Some(site_id), None)?;
            let detail = format!(
                "merged proposal {id}{}{}",
                if updates.address { ", address taken" } else { "" },
                if updates.position { ", position taken" } else { "" }
            );
            audit::record(tx, &actor, "site_merge", site_id, &detail)
        })
    }

    /// Rejects proposal `id` for `reason`.
    pub fn reject_proposal(&mut self, id: i64, reason: &str) -> Result<(), StoreError> {
        if reason.trim().is_empty() || reason.chars().count() > 500 {
            return Err(StoreError::invalid("reason", "1 to 500 characters"));
        }
        let actor = self.actor().clone();
        self.write(|tx| {
            pending(tx, id)?;
            decide(
                tx,
                &actor,
                id,
                ProposalState::Rejected,
                None,
                Some(reason.trim()),
            )
        })
    }
}

/// The proposal's name, when it is pending; an error otherwise.
fn pending(tx: &Transaction<'_>, id: i64) -> Result<(String,), StoreError> {
    let row: Option<(String, String)> = tx
        .query_row(
            "SELECT name, state FROM site_proposals WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match row {
        None => Err(StoreError::NotFound(format!("proposal {id}"))),
        Some((name, state)) if state == "pending" => Ok((name,)),
        Some((_, state)) => Err(StoreError::invalid(
            "proposal",
            format!("proposal {id} is {state} already"),
        )),
    }
}

/// `P<id>`, or `P<id>-2`, `-3`… when taken.
fn free_site_id(tx: &Transaction<'_>, id: i64) -> Result<String, StoreError> {
    let mut n = 1;
    loop {
        let candidate = match n {
            1 => format!("P{id}"),
            _ => format!("P{id}-{n}"),
        };
        let taken: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM sites WHERE id = ?1)",
            [&candidate],
            |r| r.get(0),
        )?;
        if !taken {
            return Ok(candidate);
        }
        n += 1;
    }
}

fn decide(
    tx: &Transaction<'_>,
    actor: &Actor,
    id: i64,
    state: ProposalState,
    site_id: Option<&str>,
    reason: Option<&str>,
) -> Result<(), StoreError> {
    let now = time_text(super::tracks::township_now(tx)?);
    tx.execute(
        "UPDATE site_proposals SET state = ?2, decided_by = ?3, decided_at = ?4, site_id = ?5, reason = ?6
         WHERE id = ?1",
        params![id, state.as_str(), actor.name, now, site_id, reason],
    )?;
    let detail = match (site_id, reason) {
        (Some(site), _) => format!("{} → {site}", state.as_str()),
        (None, Some(reason)) => format!("{}: {reason}", state.as_str()),
        (None, None) => state.as_str().to_string(),
    };
    audit::record(tx, actor, "proposal_decision", &id.to_string(), &detail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sites::tests::small_township;

    fn ws() -> Workspace {
        let mut ws = Workspace::in_memory().unwrap();
        ws.import_township(&small_township()).unwrap();
        ws
    }

    fn found(name: &str, lon: f64, lat: f64) -> ProposalInput {
        ProposalInput {
            name: name.into(),
            address: Some("西土城路99号".into()),
            kind: InstitutionKind::Care,
            lon,
            lat,
            notes: None,
            proposed_by: "li.a".into(),
            team_id: Some("A".into()),
        }
    }

    fn audit_actions(ws: &Workspace) -> Vec<String> {
        ws.audit_log(None, None)
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect()
    }

    #[test]
    fn an_accepted_proposal_is_a_new_site_in_its_cell() {
        let mut ws = ws();
        let sites = ws.institutions().unwrap().len();
        let cells = ws.site_cells().unwrap();
        let (lon, lat) = {
            let all = ws.institutions().unwrap();
            let s1 = all.iter().find(|s| s.id == "S1").unwrap().clone();
            (s1.location.lon(), s1.location.lat())
        };
        let p = ws.propose_site(&found("新托管班", lon, lat)).unwrap();
        assert_eq!(p.state, ProposalState::Pending);
        assert_eq!(ws.proposals(Some("wang.b")).unwrap(), vec![]);
        assert_eq!(ws.proposals(Some("li.a")).unwrap(), vec![p.clone()]);
        let site = ws.accept_proposal(p.id, None).unwrap();
        assert_eq!(site, format!("P{}", p.id));
        assert_eq!(ws.institutions().unwrap().len(), sites + 1);
        let placed = ws.site_cells().unwrap();
        assert_eq!(
            placed.get(&site),
            cells.get("S1"),
            "in the cell of S1, beside it"
        );
        let p = ws.proposal(p.id).unwrap().unwrap();
        assert_eq!(
            (p.state, p.site_id.as_deref()),
            (ProposalState::Accepted, Some(site.as_str()))
        );
        // Decided once: a second decision is refused, nothing changes.
        assert!(ws.reject_proposal(p.id, "重复").is_err());
        assert!(audit_actions(&ws).contains(&"site_add".to_string()));
        // A site id already taken is refused: merge instead.
        let q = ws.propose_site(&found("另一家", lon, lat)).unwrap();
        let err = ws
            .accept_proposal(q.id, Some("S1"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("merge instead"), "{err}");
    }

    #[test]
    fn a_merge_updates_the_known_site_only_as_asked_and_a_reject_keeps_the_reason() {
        let mut ws = ws();
        let before = ws.institutions().unwrap();
        let s1 = before.iter().find(|s| s.id == "S1").unwrap().clone();
        let p = ws.propose_site(&found("S1 新招牌", 116.0, 39.0)).unwrap();
        ws.merge_proposal(
            p.id,
            "S1",
            MergeUpdates {
                address: true,
                position: false,
            },
        )
        .unwrap();
        let after = ws.institutions().unwrap();
        let merged = after.iter().find(|s| s.id == "S1").unwrap();
        assert_eq!(merged.address.as_deref(), Some("西土城路99号"));
        assert_eq!(merged.location, s1.location, "position kept");
        assert_eq!(after.len(), before.len());
        let q = ws.propose_site(&found("无效", 116.0, 39.0)).unwrap();
        assert!(matches!(
            ws.merge_proposal(q.id, "NOPE", MergeUpdates::default()),
            Err(StoreError::UnknownSite(_))
        ));
        assert!(ws.reject_proposal(q.id, "  ").is_err());
        ws.reject_proposal(q.id, "与S2重复").unwrap();
        let q = ws.proposal(q.id).unwrap().unwrap();
        assert_eq!(
            (q.state, q.reason.as_deref()),
            (ProposalState::Rejected, Some("与S2重复"))
        );
        assert!(matches!(
            ws.accept_proposal(999, None),
            Err(StoreError::NotFound(_))
        ));
        let actions = audit_actions(&ws);
        for action in ["site_proposal", "site_merge", "proposal_decision"] {
            assert!(
                actions.contains(&action.to_string()),
                "{action}: {actions:?}"
            );
        }
        // Bad input is refused before anything is written.
        let bad = ProposalInput {
            lat: 91.0,
            ..found("x", 116.0, 39.0)
        };
        assert!(ws.propose_site(&bad).is_err());
        assert_eq!(ws.proposals(None).unwrap().len(), 2);
    }
}
