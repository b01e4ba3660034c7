//! 双随机 from the two registers, as the procedure asks: targets drawn from the
//! 检查对象名录库 (the sites, each with a risk tier) at the tier's sampling ratio, and at
//! least two officers per target drawn from the 执法检查人员名录库, never one who must
//! recuse (a declared conflict, or the site's inspector last time).
//!
//! The procedure, so it can be re-implemented independently (steps 1–3 as in
//! [`draw`](super::draw)):
//! 1. Candidates sorted by id; the RNG is ChaCha20 seeded with SHA-256(seed ‖ "\n" ‖
//!    the sorted ids joined by "\n").
//! 2. Tier by tier (high, medium, low), `ceil(n_tier × pct / 100)` targets, allocated to
//!    the tier's cells by largest remainder and drawn by partial Fisher–Yates.
//! 3. The officers, sorted by name, are fully shuffled. Target by target, in drawn order,
//!    the officers not recused from it are ordered by how many targets they already have
//!    (fewest first; the shuffled order breaks ties) and the first `officers_per_target`
//!    go. Too few left after recusal refuses the whole draw, naming the target.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::draw::{pick_stratified, rng_for, shuffle, Candidate, Draw, DrawError, Stratify};
use crate::model::Licence;
use crate::rules::DrawRules;

/// A site's risk tier in the 检查对象名录库.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RiskTier {
    /// 高风险.
    High,
    /// 中风险.
    Medium,
    /// 低风险.
    Low,
}

impl RiskTier {
    /// The tier as the county writes it.
    pub fn label_zh(self) -> &'static str {
        match self {
            RiskTier::High => "高风险",
            RiskTier::Medium => "中风险",
            RiskTier::Low => "低风险",
        }
    }
}

/// A site's tier by the township's rule (see [`DrawRules`]): high for 无证无照, or
/// `high_findings` findings in the window, or `high_tip_offs` tip-offs; medium for 有照无证
/// or any finding or tip-off; low otherwise.
///
/// ```
/// use gridpatrol::coverage::register_draw::{risk_tier, RiskTier};
/// use gridpatrol::model::Licence;
/// let rules = gridpatrol::rules::DrawRules::default();
/// assert_eq!(risk_tier(Licence::Unlicensed, 0, 0, &rules), RiskTier::High);
/// assert_eq!(risk_tier(Licence::Licensed, 0, 1, &rules), RiskTier::Medium);
/// assert_eq!(risk_tier(Licence::Licensed, 0, 0, &rules), RiskTier::Low);
/// ```
pub fn risk_tier(licence: Licence, findings: u32, tip_offs: u32, rules: &DrawRules) -> RiskTier {
    if licence == Licence::Unlicensed
        || findings >= rules.high_findings.max(1)
        || tip_offs >= rules.high_tip_offs.max(1)
    {
        RiskTier::High
    } else if licence == Licence::RegisteredOnly || findings > 0 || tip_offs > 0 {
        RiskTier::Medium
    } else {
        RiskTier::Low
    }
}

/// The sampling ratios (percent per tier) and officers per target a draw used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TierRatios {
    /// High-risk share drawn, percent.
    pub high_pct: f64,
    /// Medium-risk share drawn, percent.
    pub medium_pct: f64,
    /// Low-risk share drawn, percent.
    pub low_pct: f64,
    /// Officers sent to each target.
    pub officers_per_target: usize,
}

impl TierRatios {
    /// The ratios of the township's rules.
    pub fn from_rules(rules: &DrawRules) -> Self {
        TierRatios {
            high_pct: rules.high_pct,
            medium_pct: rules.medium_pct,
            low_pct: rules.low_pct,
            officers_per_target: rules.officers_per_target as usize,
        }
    }

    fn pct(&self, tier: RiskTier) -> f64 {
        match tier {
            RiskTier::High => self.high_pct,
            RiskTier::Medium => self.medium_pct,
            RiskTier::Low => self.low_pct,
        }
    }

    /// Targets drawn from a tier of `n` sites: the ratio's share rounded up, at most `n`.
    pub fn targets(&self, tier: RiskTier, n: usize) -> usize {
        let share = n as f64 * self.pct(tier).clamp(0.0, 100.0) / 100.0;
        // A hair below the exact share so 30 % of 10 is 3, not 4 by rounding error.
        ((share - 1e-9).ceil().max(0.0) as usize).min(n)
    }
}

/// Everything a draw from the registers is made from (and logged with).
#[derive(Debug, Clone, PartialEq)]
pub struct RegisterInputs {
    /// The published seed.
    pub seed: String,
    /// When the draw is made (township local time, `YYYY-MM-DDTHH:MM:SS`).
    pub at: String,
    /// The 检查对象名录库: every site that may be drawn, its cell as stratum and its tier.
    pub candidates: Vec<Candidate>,
    /// The 执法检查人员名录库's officers, by name.
    pub officers: Vec<String>,
    /// Site id → officers who must not go there.
    pub recusals: BTreeMap<String, Vec<String>>,
    /// Sampling ratios and officers per target.
    pub ratios: TierRatios,
    /// The last day to publish the result.
    pub publish_by: Option<NaiveDate>,
}

/// Draws from the registers by the procedure above, or refuses: an empty seed, a
/// candidate without a tier or twice, nothing to draw, or too few officers for any
/// target (never fewer officers than asked).
pub fn register_draw(input: &RegisterInputs) -> Result<Draw, DrawError> {
    if input.seed.trim().is_empty() {
        return Err(DrawError::EmptySeed);
    }
    let mut cands = input.candidates.clone();
    cands.sort();
    if let Some(w) = cands.windows(2).find(|w| w[0].id == w[1].id) {
        return Err(DrawError::Duplicate(w[0].id.clone()));
    }
    if let Some(c) = cands.iter().find(|c| c.tier.is_none()) {
        return Err(DrawError::NoTier(c.id.clone()));
    }
    let per_target = input.ratios.officers_per_target.max(2);
    let mut officers = input.officers.clone();
    officers.sort();
    officers.dedup();
    if officers.len() < per_target {
        return Err(DrawError::TooFewOfficers {
            have: officers.len(),
            needed: per_target,
        });
    }
    let mut rng = rng_for(&input.seed, &cands);
    let mut picks = Vec::new();
    for tier in [RiskTier::High, RiskTier::Medium, RiskTier::Low] {
        let members: Vec<&Candidate> = cands.iter().filter(|c| c.tier == Some(tier)).collect();
        let k = input.ratios.targets(tier, members.len());
        picks.extend(pick_stratified(&mut rng, &members, k));
    }
    if picks.is_empty() {
        return Err(DrawError::NothingDrawn);
    }
    shuffle(&mut rng, &mut officers);
    let mut load: BTreeMap<&str, usize> = officers.iter().map(|o| (o.as_str(), 0)).collect();
    for pick in &mut picks {
        let recused = input.recusals.get(&pick.site_id);
        let is_recused = |o: &str| recused.is_some_and(|r| r.iter().any(|x| x == o));
        let mut free: Vec<&str> = officers
            .iter()
            .map(String::as_str)
            .filter(|o| !is_recused(o))
            .collect();
        if free.len() < per_target {
            return Err(DrawError::OfficersRecused {
                site: pick.site_id.clone(),
                free: free.len(),
                recused: officers.len() - free.len(),
                needed: per_target,
            });
        }
        // Stable: equal loads keep the shuffled order.
        free.sort_by_key(|o| load[o]);
        pick.officers = free[..per_target].iter().map(|o| o.to_string()).collect();
        for o in &free[..per_target] {
            if let Some(n) = load.get_mut(o) {
                *n += 1;
            }
        }
    }
    let mut sorted_officers = officers.clone();
    sorted_officers.sort();
    let recusals = input
        .recusals
        .iter()
        .filter(|(site, r)| !r.is_empty() && cands.iter().any(|c| &c.id == *site))
        .map(|(site, r)| {
            let mut r = r.clone();
            r.sort();
            r.dedup();
            (site.clone(), r)
        })
        .collect();
    Ok(Draw {
        seed: input.seed.clone(),
        k: picks.len(),
        by: Stratify::Cell,
        at: input.at.clone(),
        inspectors: sorted_officers,
        candidates: cands,
        picks,
        publish_by: input.publish_by,
        ratios: Some(input.ratios.clone()),
        recusals,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn candidates(tiers: &[(RiskTier, usize)]) -> Vec<Candidate> {
        let mut out = Vec::new();
        for &(tier, n) in tiers {
            for i in 0..n {
                out.push(Candidate {
                    id: format!("{tier:?}-{i:03}"),
                    stratum: format!("C{}", i % 3),
                    tier: Some(tier),
                });
            }
        }
        out
    }

    fn inputs(cands: Vec<Candidate>, officers: &[&str]) -> RegisterInputs {
        RegisterInputs {
            seed: "2025-03-01 公开种子".into(),
            at: "2025-03-01T09:00:00".into(),
            candidates: cands,
            officers: officers.iter().map(|o| o.to_string()).collect(),
            recusals: BTreeMap::new(),
            ratios: TierRatios::from_rules(&DrawRules::default()),
            publish_by: None,
        }
    }

    #[test]
    fn tiers_follow_licence_findings_and_tip_offs() {
        let rules = DrawRules::default();
        assert_eq!(risk_tier(Licence::Unlicensed, 0, 0, &rules), RiskTier::High);
        assert_eq!(risk_tier(Licence::Licensed, 1, 0, &rules), RiskTier::High);
        assert_eq!(risk_tier(Licence::Licensed, 0, 2, &rules), RiskTier::High);
        assert_eq!(
            risk_tier(Licence::RegisteredOnly, 0, 0, &rules),
            RiskTier::Medium
        );
        assert_eq!(risk_tier(Licence::Licensed, 0, 1, &rules), RiskTier::Medium);
        assert_eq!(risk_tier(Licence::Licensed, 0, 0, &rules), RiskTier::Low);
        let strict = DrawRules {
            high_findings: 3,
            ..DrawRules::default()
        };
        assert_eq!(
            risk_tier(Licence::Licensed, 2, 0, &strict),
            RiskTier::Medium
        );
    }

    #[test]
    fn each_tier_is_sampled_at_its_ratio() {
        let d = register_draw(&inputs(
            candidates(&[
                (RiskTier::High, 10),
                (RiskTier::Medium, 20),
                (RiskTier::Low, 100),
            ]),
            &["甲", "乙", "丙"],
        ))
        .unwrap();
        let tier_of = |id: &str| d.candidates.iter().find(|c| c.id == id).unwrap().tier;
        let count = |t| {
            d.picks
                .iter()
                .filter(|p| tier_of(&p.site_id) == Some(t))
                .count()
        };
        // 30 % of 10, 10 % of 20, 3 % of 100.
        assert_eq!(
            (
                count(RiskTier::High),
                count(RiskTier::Medium),
                count(RiskTier::Low)
            ),
            (3, 2, 3)
        );
        let ratios = TierRatios::from_rules(&DrawRules::default());
        assert_eq!(ratios.targets(RiskTier::Low, 10), 1, "rounded up");
        assert_eq!(ratios.targets(RiskTier::Low, 0), 0);
    }

    #[test]
    fn every_target_gets_two_officers_and_the_draw_reruns() {
        let d = register_draw(&inputs(
            candidates(&[(RiskTier::High, 10), (RiskTier::Low, 40)]),
            &["甲", "乙", "丙", "丁"],
        ))
        .unwrap();
        for p in &d.picks {
            assert_eq!(p.officers.len(), 2, "{p:?}");
            assert_ne!(p.officers[0], p.officers[1]);
        }
        assert_eq!(super::super::draw::redraw(&d).unwrap(), d);
    }

    #[test]
    fn recused_officers_are_never_sent() {
        let cands = candidates(&[(RiskTier::High, 10)]);
        let mut input = inputs(cands.clone(), &["甲", "乙", "丙"]);
        for c in &cands {
            input.recusals.insert(c.id.clone(), vec!["甲".into()]);
        }
        let d = register_draw(&input).unwrap();
        for p in &d.picks {
            assert!(!p.officers.contains(&"甲".to_string()), "{p:?}");
            assert_eq!(p.officers.len(), 2);
        }
    }

    #[test]
    fn too_few_officers_is_refused_naming_what_is_short() {
        let one = register_draw(&inputs(candidates(&[(RiskTier::High, 10)]), &["甲"])).unwrap_err();
        assert_eq!(one, DrawError::TooFewOfficers { have: 1, needed: 2 });
        assert!(one.to_string().contains("执法检查人员名录库"), "{one}");

        let cands = candidates(&[(RiskTier::High, 10)]);
        let mut input = inputs(cands.clone(), &["甲", "乙"]);
        for c in &cands {
            input.recusals.insert(c.id.clone(), vec!["乙".into()]);
        }
        let err = register_draw(&input).unwrap_err();
        assert!(
            matches!(
                &err,
                DrawError::OfficersRecused {
                    free: 1,
                    recused: 1,
                    needed: 2,
                    ..
                }
            ),
            "{err:?}"
        );
        let text = err.to_string();
        assert!(text.contains("回避") && text.contains("High-"), "{text}");
    }

    proptest! {
        #[test]
        fn no_drawn_officer_is_recused(
            seed in "[a-z0-9]{1,12}",
            n_high in 0usize..15,
            n_low in 1usize..60,
            n_officers in 2usize..8,
            recusal_bits in proptest::collection::vec(any::<u8>(), 75),
        ) {
            let cands = candidates(&[(RiskTier::High, n_high), (RiskTier::Low, n_low)]);
            let names: Vec<String> = (0..n_officers).map(|i| format!("officer{i}")).collect();
            let mut input = inputs(cands.clone(), &[]);
            input.seed = seed;
            input.officers = names.clone();
            for (c, bits) in cands.iter().zip(&recusal_bits) {
                let r: Vec<String> = names.iter().enumerate()
                    .filter(|(i, _)| bits & (1 << i) != 0)
                    .map(|(_, n)| n.clone())
                    .collect();
                input.recusals.insert(c.id.clone(), r);
            }
            match register_draw(&input) {
                Ok(d) => {
                    for p in &d.picks {
                        let recused = input.recusals.get(&p.site_id).cloned().unwrap_or_default();
                        prop_assert_eq!(p.officers.len(), 2);
                        for o in &p.officers {
                            prop_assert!(!recused.contains(o), "{} recused from {}", o, p.site_id);
                        }
                    }
                }
                Err(DrawError::OfficersRecused { site, free, .. }) => {
                    let recused = input.recusals.get(&site).cloned().unwrap_or_default();
                    prop_assert_eq!(free, n_officers - recused.len());
                    prop_assert!(free < 2);
                }
                Err(e) => prop_assert!(false, "unexpected {:?}", e),
            }
        }
    }
}
