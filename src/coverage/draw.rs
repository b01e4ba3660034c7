//! 双随机 draws: K targets drawn at random (stratified proportionally by cell or by kind)
//! and paired at random with inspectors, reproducible by anyone from the published
//! seed, plus the hash chain that makes the draw log tamper-evident.
//!
//! The procedure, so it can be re-implemented independently:
//! 1. Candidates are sorted by id. The RNG is ChaCha20 seeded with
//!    SHA-256(seed text ‖ "\n" ‖ the sorted ids joined by "\n").
//! 2. Strata (cell id or kind) are sorted by name. Stratum `s` with `n_s` of the `N`
//!    candidates gets `floor(K·n_s/N)` picks; the remaining picks go one each to the
//!    strata with the largest remainders (ties: stratum name order).
//! 3. Stratum by stratum, picks are a partial Fisher–Yates shuffle of its sorted ids:
//!    for `i` in `0..take`, swap `i` with `i + uniform(n − i)`.
//! 4. Inspectors are sorted, fully shuffled the same way, and pick `j` gets inspector
//!    `j mod len`.
//!
//! `uniform(m)` takes the next `u64` of the stream and rejects values at or above the
//! largest multiple of `m` below 2^64, then returns the value mod `m`.

use std::collections::BTreeMap;

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use crate::hash_chain::{chain_hash, GENESIS_HASH};

/// How to stratify a draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stratify {
    /// One stratum per grid cell (the site's cell id).
    Cell,
    /// One stratum per site kind.
    Kind,
}

/// A site that may be drawn and its stratum (cell id or kind).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Candidate {
    /// The site's id.
    pub id: String,
    /// Its stratum: a cell id or a kind, depending on [`Stratify`].
    pub stratum: String,
    /// Its risk tier in a draw from the registers (see
    /// [`register_draw`](super::register_draw::register_draw)); absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<super::register_draw::RiskTier>,
}

/// One drawn target and its inspector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pick {
    /// The drawn site.
    pub site_id: String,
    /// The stratum it was drawn from.
    pub stratum: String,
    /// The inspector paired with it; `None` when no inspector was given.
    pub inspector: Option<String>,
    /// The officers drawn for it from the officer register (at least two, none
    /// recused); empty in a draw without a register (its one `inspector` then).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub officers: Vec<String>,
}

impl Pick {
    /// Everyone sent to the target: the register's officers, else the one inspector.
    pub fn officers(&self) -> Vec<String> {
        if self.officers.is_empty() {
            self.inspector.iter().cloned().collect()
        } else {
            self.officers.clone()
        }
    }
}

/// A complete draw, as logged and published. Its canonical JSON (serde field order,
/// no whitespace) is what the hash chain covers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draw {
    /// The published seed text everyone can re-run the draw from.
    pub seed: String,
    /// How many targets were drawn (K).
    pub k: usize,
    /// How the candidates were stratified.
    pub by: Stratify,
    /// When the draw was made (local time, informational).
    pub at: String,
    /// The inspectors paired with the picks, as given.
    pub inspectors: Vec<String>,
    /// Every site that could be drawn, with its stratum.
    pub candidates: Vec<Candidate>,
    /// The drawn targets, stratum by stratum.
    pub picks: Vec<Pick>,
    /// The last day to publish the result (20 working days after the draw by the
    /// township's calendar); absent in draws logged before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publish_by: Option<chrono::NaiveDate>,
    /// The sampling ratios and officers per target of a draw from the registers;
    /// absent in a draw of K targets with paired inspectors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ratios: Option<super::register_draw::TierRatios>,
    /// Site id → the officers recused from it (declared conflicts, inspected it last
    /// time), sorted; only in draws from the registers.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub recusals: BTreeMap<String, Vec<String>>,
}

/// Why a draw cannot be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DrawError {
    /// K was 0.
    #[error("K must be at least 1")]
    ZeroK,
    /// More targets asked for than there are candidates.
    #[error("K = {k} but only {n} candidates")]
    TooFew {
        /// Targets asked for.
        k: usize,
        /// Candidates available.
        n: usize,
    },
    /// Two candidates share an id; holds it.
    #[error("candidate id {0:?} appears twice")]
    Duplicate(String),
    /// The seed is blank: a draw nobody can reproduce is refused.
    #[error("the seed is empty; publish a seed before drawing")]
    EmptySeed,
    /// A draw from the registers was given a candidate without a risk tier; holds its id.
    #[error("检查对象 {0} 没有风险等级")]
    NoTier(String),
    /// The officer register holds fewer officers than one target needs.
    #[error("执法检查人员名录库只有 {have} 名检查人员，每个抽查对象至少需要 {needed} 名：请先增加检查人员")]
    TooFewOfficers {
        /// Officers in the register.
        have: usize,
        /// Officers each target needs.
        needed: usize,
    },
    /// After recusal, too few officers are left for a drawn target.
    #[error("抽查对象 {site} 回避 {recused} 名检查人员后只剩 {free} 名，至少需要 {needed} 名：请在执法检查人员名录库中增加与其无利害关系的检查人员")]
    OfficersRecused {
        /// The target's site id.
        site: String,
        /// Officers who may go.
        free: usize,
        /// Officers recused from it.
        recused: usize,
        /// Officers each target needs.
        needed: usize,
    },
    /// The ratios draw no target at all (no sites, or every ratio 0).
    #[error("按各风险等级的抽查比例没有抽到任何检查对象：检查对象名录库为空或抽查比例均为 0")]
    NothingDrawn,
}

/// Draws `k` of `candidates`, stratified, and pairs them with `inspectors`.
///
/// ```
/// use gridpatrol::coverage::draw::{draw, Candidate, Stratify};
/// let c: Vec<_> = (0..10).map(|i| Candidate { id: format!("S{i}"), stratum: (i % 2).to_string(), tier: None }).collect();
/// let a = draw("2025-03-01 公开种子", 4, Stratify::Cell, &c, &["李".into(), "张".into()], "").unwrap();
/// let b = draw("2025-03-01 公开种子", 4, Stratify::Cell, &c, &["张".into(), "李".into()], "").unwrap();
/// assert_eq!(a.picks, b.picks); // same seed and candidates: same draw
/// assert_eq!(a.picks.iter().filter(|p| p.stratum == "0").count(), 2);
/// ```
pub fn draw(
    seed: &str,
    k: usize,
    by: Stratify,
    candidates: &[Candidate],
    inspectors: &[String],
    at: &str,
) -> Result<Draw, DrawError> {
    if seed.trim().is_empty() {
        return Err(DrawError::EmptySeed);
    }
    if k == 0 {
        return Err(DrawError::ZeroK);
    }
    let mut cands = candidates.to_vec();
    cands.sort();
    if let Some(w) = cands.windows(2).find(|w| w[0].id == w[1].id) {
        return Err(DrawError::Duplicate(w[0].id.clone()));
    }
    if k > cands.len() {
        return Err(DrawError::TooFew { k, n: cands.len() });
    }
    let mut rng = rng_for(seed, &cands);
    let cand_refs: Vec<&Candidate> = cands.iter().collect();
    let mut picks = pick_stratified(&mut rng, &cand_refs, k);
    let mut people = inspectors.to_vec();
    people.sort();
    people.dedup();
    shuffle(&mut rng, &mut people);
    if !people.is_empty() {
        for (j, p) in picks.iter_mut().enumerate() {
            p.inspector = Some(people[j % people.len()].clone());
        }
    }
    let mut sorted_people = inspectors.to_vec();
    sorted_people.sort();
    sorted_people.dedup();
    Ok(Draw {
        seed: seed.to_string(),
        k,
        by,
        at: at.to_string(),
        inspectors: sorted_people,
        candidates: cands,
        picks,
        publish_by: None,
        ratios: None,
        recusals: BTreeMap::new(),
    })
}

/// Step 2 and 3 of the procedure: `k` of the sorted `cands`, allocated to their strata
/// by largest remainder, each stratum's picks a partial Fisher–Yates shuffle.
pub(super) fn pick_stratified(rng: &mut ChaCha20Rng, cands: &[&Candidate], k: usize) -> Vec<Pick> {
    let mut strata: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for c in cands {
        strata.entry(&c.stratum).or_default().push(&c.id);
    }
    let quotas = allocate(k, &strata.values().map(Vec::len).collect::<Vec<_>>());
    let mut picks = Vec::with_capacity(k);
    for ((stratum, ids), take) in strata.iter().zip(quotas) {
        let mut ids = ids.clone();
        for i in 0..take {
            let j = i + uniform(rng, (ids.len() - i) as u64) as usize;
            ids.swap(i, j);
            picks.push(Pick {
                site_id: ids[i].to_string(),
                stratum: stratum.to_string(),
                inspector: None,
                officers: Vec::new(),
            });
        }
    }
    picks
}

/// A full Fisher–Yates shuffle, as step 4 shuffles the inspectors.
pub(super) fn shuffle<T>(rng: &mut ChaCha20Rng, items: &mut [T]) {
    for i in 0..items.len() {
        let j = i + uniform(rng, (items.len() - i) as u64) as usize;
        items.swap(i, j);
    }
}

/// Re-runs a logged draw from what it logged: a draw from the registers by
/// [`register_draw`](super::register_draw::register_draw), any other by [`draw`].
pub fn redraw(logged: &Draw) -> Result<Draw, DrawError> {
    match &logged.ratios {
        Some(ratios) => {
            super::register_draw::register_draw(&super::register_draw::RegisterInputs {
                seed: logged.seed.clone(),
                at: logged.at.clone(),
                candidates: logged.candidates.clone(),
                officers: logged.inspectors.clone(),
                recusals: logged.recusals.clone(),
                ratios: ratios.clone(),
                publish_by: logged.publish_by,
            })
        }
        None => draw(
            &logged.seed,
            logged.k,
            logged.by,
            &logged.candidates,
            &logged.inspectors,
            &logged.at,
        ),
    }
}

pub(super) fn rng_for(seed: &str, sorted: &[Candidate]) -> ChaCha20Rng {
    let mut h = Sha256::new();
    h.update(seed.as_bytes());
    for c in sorted {
        h.update(b"\n");
        h.update(c.id.as_bytes());
    }
    ChaCha20Rng::from_seed(h.finalize().into())
}

/// An unbiased integer in `0..m` (`m ≥ 1`) by rejection, as documented above.
pub(super) fn uniform(rng: &mut ChaCha20Rng, m: u64) -> u64 {
    let zone = u64::MAX - (u64::MAX % m);
    loop {
        let v = rng.next_u64();
        if v < zone {
            return v % m;
        }
    }
}

/// Proportional allocation by largest remainder; never more than a stratum holds.
pub(super) fn allocate(k: usize, sizes: &[usize]) -> Vec<usize> {
    let n: usize = sizes.iter().sum();
    let mut quota: Vec<usize> = sizes.iter().map(|&s| k * s / n).collect();
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    // Largest remainder first; ties keep stratum order (stable sort).
    order.sort_by_key(|&i| std::cmp::Reverse((k * sizes[i]) % n));
    let mut left = k - quota.iter().sum::<usize>();
    while left > 0 {
        let before = left;
        for &i in &order {
            if left > 0 && quota[i] < sizes[i] {
                quota[i] += 1;
                left -= 1;
            }
        }
        if before == left {
            break;
        }
    }
    quota
}

/// The canonical JSON of a draw: what is logged and hashed.
pub fn canonical_json(d: &Draw) -> String {
    serde_json::to_string(d).unwrap_or_default()
}

/// What `draw verify` found wrong, naming the entry.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ChainProblem {
    /// The link to the previous entry is broken (an entry before it was changed or removed).
    #[error("draw {seq}: its prev_hash does not match the hash of the draw before it")]
    BrokenLink {
        /// The entry whose `prev_hash` does not match.
        seq: i64,
    },
    /// The entry's body no longer hashes to its stored hash.
    #[error("draw {seq}: its content does not match its hash (edited after it was logged)")]
    Edited {
        /// The edited entry.
        seq: i64,
    },
    /// Re-running the draw from its seed and candidates gives other picks.
    #[error("draw {seq}: its picks are not what the seed and candidates give ({problem})")]
    NotReproducible {
        /// The entry.
        seq: i64,
        /// How the picks differ, or why the draw could not be re-run.
        problem: String,
    },
    /// Sequence numbers are not consecutive.
    #[error("draw {seq}: sequence numbers skip (entries deleted?)")]
    Gap {
        /// The first entry out of sequence.
        seq: i64,
    },
    /// An entry dated before the entry it follows.
    #[error("draw {seq}: made at {at}, before draw {previous_seq} ({previous_at}): times never go backwards (back-dated?)")]
    TimeGoesBack {
        /// The later entry.
        seq: i64,
        /// Its time, as logged.
        at: String,
        /// The entry before it.
        previous_seq: i64,
        /// That entry's time, as logged.
        previous_at: String,
    },
    /// No entry's hash equals the head published earlier.
    #[error("no draw in the log ends in the published head {head}: a draw up to the published one was removed or changed, or this is another township's log")]
    HeadNotFound {
        /// The published head hash.
        head: String,
    },
}

/// Where a published head sits in a sound log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeadCheck {
    /// The draw whose hash is the published head: it and every draw before it are as
    /// they were when the head was published.
    pub seq: i64,
    /// Draws logged after the published one.
    pub later: usize,
    /// The log's current head.
    pub last_hash: String,
}

/// Checks the whole log as [`verify_chain`] does, then that `head`, a hash published
/// with a draw's result, is the hash of one of its draws: a log whose draws up to that
/// one were deleted, redone with another seed and re-chained, or edited, has no entry
/// with that hash.
pub fn verify_against_head(
    entries: &[(i64, &str, &str, &str)],
    head: &str,
) -> Result<HeadCheck, ChainProblem> {
    let last_hash = verify_chain(entries)?;
    let head = head.trim().to_ascii_lowercase();
    let position = entries
        .iter()
        .position(|e| e.3 == head)
        .ok_or(ChainProblem::HeadNotFound { head })?;
    Ok(HeadCheck {
        seq: entries[position].0,
        later: entries.len() - position - 1,
        last_hash,
    })
}

/// Checks the chain `(seq, body, prev_hash, hash)` from the genesis hash: numbered
/// 1, 2, 3… without gaps, each linked to the one before, times never going backwards,
/// and each draw's picks re-derived from its own seed and candidates. Returns the last
/// hash (the log's head).
pub fn verify_chain(entries: &[(i64, &str, &str, &str)]) -> Result<String, ChainProblem> {
    let mut prev = GENESIS_HASH.to_string();
    let mut previous_time: Option<(i64, String)> = None;
    for (n, &(seq, body, prev_hash, hash)) in entries.iter().enumerate() {
        if seq != n as i64 + 1 {
            return Err(ChainProblem::Gap { seq });
        }
        if prev_hash != prev {
            return Err(ChainProblem::BrokenLink { seq });
        }
        if chain_hash(prev_hash, body) != hash {
            return Err(ChainProblem::Edited { seq });
        }
        let logged: Draw =
            serde_json::from_str(body).map_err(|e| ChainProblem::NotReproducible {
                seq,
                problem: e.to_string(),
            })?;
        let again = redraw(&logged).map_err(|e| ChainProblem::NotReproducible {
            seq,
            problem: e.to_string(),
        })?;
        if again.picks != logged.picks {
            return Err(ChainProblem::NotReproducible {
                seq,
                problem: "picks differ".into(),
            });
        }
        if let Some((previous_seq, previous_at)) = &previous_time {
            if logged.at < *previous_at {
                return Err(ChainProblem::TimeGoesBack {
                    seq,
                    at: logged.at,
                    previous_seq: *previous_seq,
                    previous_at: previous_at.clone(),
                });
            }
        }
        previous_time = Some((seq, logged.at));
        prev = hash.to_string();
    }
    Ok(prev)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cands(sizes: &[usize]) -> Vec<Candidate> {
        let mut out = Vec::new();
        for (s, &n) in sizes.iter().enumerate() {
            for i in 0..n {
                out.push(Candidate {
                    id: format!("S{s}-{i}"),
                    stratum: format!("C{s}"),
                    tier: None,
                });
            }
        }
        out
    }

    #[test]
    fn seed_changes_the_draw_and_order_does_not() {
        let c = cands(&[30, 20, 10]);
        let a = draw("seed-a", 12, Stratify::Cell, &c, &[], "").unwrap();
        let mut rev = c.clone();
        rev.reverse();
        assert_eq!(
            a.picks,
            draw("seed-a", 12, Stratify::Cell, &rev, &[], "")
                .unwrap()
                .picks
        );
        assert_ne!(
            a.picks,
            draw("seed-b", 12, Stratify::Cell, &c, &[], "")
                .unwrap()
                .picks
        );
        // Proportional: 6, 4, 2.
        let per = |s: &str| a.picks.iter().filter(|p| p.stratum == s).count();
        assert_eq!((per("C0"), per("C1"), per("C2")), (6, 4, 2));
    }

    #[test]
    fn refuses_bad_requests() {
        let c = cands(&[3]);
        assert_eq!(
            draw("s", 4, Stratify::Cell, &c, &[], ""),
            Err(DrawError::TooFew { k: 4, n: 3 })
        );
        assert_eq!(
            draw("s", 0, Stratify::Cell, &c, &[], ""),
            Err(DrawError::ZeroK)
        );
        assert_eq!(
            draw(" ", 1, Stratify::Cell, &c, &[], ""),
            Err(DrawError::EmptySeed)
        );
        let mut d = c.clone();
        d.push(c[0].clone());
        assert!(matches!(
            draw("s", 1, Stratify::Cell, &d, &[], ""),
            Err(DrawError::Duplicate(_))
        ));
    }

    #[test]
    fn chain_detects_edits_and_gaps() {
        let c = cands(&[5, 5]);
        let insp = vec!["a".to_string(), "b".to_string()];
        let mut entries = Vec::new();
        let mut prev = GENESIS_HASH.to_string();
        for (i, seed) in ["x", "y", "z"].iter().enumerate() {
            let body = canonical_json(&draw(seed, 3, Stratify::Kind, &c, &insp, "t").unwrap());
            let hash = chain_hash(&prev, &body);
            entries.push((i as i64 + 1, body, prev.clone(), hash.clone()));
            prev = hash;
        }
        let view = |e: &[(i64, String, String, String)]| -> Vec<(i64, String, String, String)> {
            e.to_vec()
        };
        let check = |e: &[(i64, String, String, String)]| {
            let refs: Vec<_> = e
                .iter()
                .map(|(s, b, p, h)| (*s, b.as_str(), p.as_str(), h.as_str()))
                .collect();
            verify_chain(&refs)
        };
        assert_eq!(check(&entries), Ok(prev.clone()));
        let mut edited = view(&entries);
        edited[1].1 = edited[1].1.replace("\"at\":\"t\"", "\"at\":\"u\"");
        assert_eq!(check(&edited), Err(ChainProblem::Edited { seq: 2 }));
        // Re-hashing the edited entry breaks the next link instead.
        edited[1].3 = chain_hash(&edited[1].2, &edited[1].1);
        assert_eq!(check(&edited), Err(ChainProblem::BrokenLink { seq: 3 }));
        // Changing the seed and re-chaining everything still fails: the picks do not follow.
        let mut forged = view(&entries);
        forged[1].1 = forged[1].1.replace("\"seed\":\"y\"", "\"seed\":\"w\"");
        let mut prev = GENESIS_HASH.to_string();
        for e in &mut forged {
            e.2 = prev.clone();
            e.3 = chain_hash(&e.2, &e.1);
            prev = e.3.clone();
        }
        assert!(matches!(
            check(&forged),
            Err(ChainProblem::NotReproducible { seq: 2, .. })
        ));
        let mut gap = view(&entries);
        gap.remove(1);
        assert_eq!(check(&gap), Err(ChainProblem::Gap { seq: 3 }));
    }

    /// A log of draws made at the given times, chained from the genesis hash.
    fn log_at(times: &[&str], seeds: &[&str]) -> Vec<(i64, String, String, String)> {
        let c = cands(&[5, 5]);
        let mut prev = GENESIS_HASH.to_string();
        let mut out = Vec::new();
        for (i, (at, seed)) in times.iter().zip(seeds).enumerate() {
            let body = canonical_json(&draw(seed, 2, Stratify::Cell, &c, &[], at).unwrap());
            let hash = chain_hash(&prev, &body);
            out.push((i as i64 + 1, body, prev.clone(), hash.clone()));
            prev = hash;
        }
        out
    }

    fn refs(e: &[(i64, String, String, String)]) -> Vec<(i64, &str, &str, &str)> {
        e.iter()
            .map(|(s, b, p, h)| (*s, b.as_str(), p.as_str(), h.as_str()))
            .collect()
    }

    #[test]
    fn a_published_head_catches_deleted_and_redone_draws() {
        let times = [
            "2025-03-01T09:00:00",
            "2025-03-08T09:00:00",
            "2025-03-15T09:00:00",
        ];
        let log = log_at(&times, &["a", "b", "c"]);
        let published = log[1].3.clone(); // the head published with draw 2
        let ok = verify_against_head(&refs(&log), &published).unwrap();
        assert_eq!((ok.seq, ok.later), (2, 1));
        // The last two draws deleted: the chain alone is still sound, the head is not there.
        assert!(verify_chain(&refs(&log[..1])).is_ok());
        assert!(matches!(
            verify_against_head(&refs(&log[..1]), &published),
            Err(ChainProblem::HeadNotFound { .. })
        ));
        // Draw 2 redone with another seed and everything re-chained: sound, but not the head.
        let redone = log_at(&times, &["a", "b-again", "c"]);
        assert!(verify_chain(&refs(&redone)).is_ok());
        assert!(matches!(
            verify_against_head(&refs(&redone), &published),
            Err(ChainProblem::HeadNotFound { .. })
        ));
    }

    #[test]
    fn a_back_dated_draw_fails_verification() {
        let log = log_at(&["2025-03-08T09:00:00", "2025-03-01T09:00:00"], &["a", "b"]);
        assert!(matches!(
            verify_chain(&refs(&log)),
            Err(ChainProblem::TimeGoesBack { seq: 2, .. })
        ));
    }

    proptest! {
        #[test]
        fn allocation_is_proportional_and_exact(sizes in proptest::collection::vec(1usize..40, 1..8), kf in 0.0f64..1.0) {
            let n: usize = sizes.iter().sum();
            let k = ((n as f64 * kf) as usize).max(1);
            let q = allocate(k, &sizes);
            prop_assert_eq!(q.iter().sum::<usize>(), k);
            for (qi, &si) in q.iter().zip(&sizes) {
                let exact = k as f64 * si as f64 / n as f64;
                prop_assert!(*qi <= si);
                prop_assert!((*qi as f64 - exact).abs() < 1.0 + 1e-9, "{} vs {}", qi, exact);
            }
        }

        #[test]
        fn picks_are_distinct_members(k in 1usize..30, seed in "[a-z0-9]{1,12}") {
            let c = cands(&[10, 7, 13]);
            let d = draw(&seed, k, Stratify::Cell, &c, &["p".into(), "q".into(), "r".into()], "").unwrap();
            let mut ids: Vec<_> = d.picks.iter().map(|p| p.site_id.clone()).collect();
            prop_assert_eq!(ids.len(), k);
            ids.sort();
            ids.dedup();
            prop_assert_eq!(ids.len(), k);
            for p in &d.picks {
                prop_assert!(c.iter().any(|x| x.id == p.site_id && x.stratum == p.stratum));
                prop_assert!(p.inspector.is_some());
            }
        }
    }
}
