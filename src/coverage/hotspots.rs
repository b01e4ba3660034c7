//! Hotspots for night checks (夜查): every office building (商务楼宇) and residential
//! compound (居民小区) scored from what is in and near it, each part explained.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use geo::{BoundingRect, Centroid, Contains, Point};
use rstar::primitives::GeomWithData;
use rstar::{RTree, AABB};
use serde::Serialize;

use crate::model::{Hotspot, HotspotKind, Institution, Licence, School};
pub use crate::rules::HotspotRule;
use crate::spatial::{point_segment_m, LocalFrame};

/// One part of a score: what was counted and the points it gave.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Component {
    /// What was counted (sites, complaints, findings, schools or days).
    pub count: f64,
    /// The points it adds to the score.
    pub points: f64,
    /// The ids counted (sites, schools), for the explanation.
    pub ids: Vec<String>,
}

/// The parts of a hotspot's score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Components {
    /// 无证无照 sites inside or within `near_site_m`.
    pub unlicensed_nearby: Component,
    /// Complaints and tip-offs (举报/投诉) on sites inside or near.
    pub complaints_nearby: Component,
    /// Hazard or unlicensed-operation findings at sites inside or near.
    pub past_findings: Component,
    /// Schools within `near_school_m`.
    pub schools_nearby: Component,
    /// Days since the last night check (`count` is -1 when never checked).
    pub since_night_check: Component,
}

/// A hotspot's score, whether it needs a night check, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HotspotScore {
    /// The hotspot's id.
    pub hotspot_id: String,
    /// The hotspot's name.
    pub name: String,
    /// Office building or residential compound.
    pub kind: HotspotKind,
    /// Centroid `[lon, lat]` (where the night route goes).
    pub location: [f64; 2],
    /// The sum of the components' points.
    pub score: f64,
    /// The score reaches the rules' flag score and no night check is recent.
    pub needs_night_check: bool,
    /// The latest night check, township local time, if any.
    pub last_night_check: Option<NaiveDateTime>,
    /// The score's parts, each explained.
    pub components: Components,
}

/// What scoring reads.
pub struct HotspotInput<'a> {
    /// The hotspots to score.
    pub hotspots: &'a [Hotspot],
    /// The institutions inside or near them.
    pub sites: &'a [Institution],
    /// The schools near them.
    pub schools: &'a [School],
    /// Findings `(site id, at)` (hazard, unlicensed operation).
    pub findings: &'a [(String, NaiveDateTime)],
    /// The latest night check of each hotspot.
    pub last_night_check: &'a HashMap<String, NaiveDateTime>,
    /// The day the scores are for.
    pub date: NaiveDate,
}

/// Scores every hotspot, highest first (ties by id).
pub fn score_hotspots(input: &HotspotInput<'_>, rule: &HotspotRule) -> Vec<HotspotScore> {
    let site_tree = RTree::bulk_load(
        input
            .sites
            .iter()
            .enumerate()
            .map(|(i, s)| GeomWithData::new([s.location.lon(), s.location.lat()], i))
            .collect(),
    );
    let school_tree = RTree::bulk_load(
        input
            .schools
            .iter()
            .enumerate()
            .map(|(i, s)| GeomWithData::new([s.location.lon(), s.location.lat()], i))
            .collect(),
    );
    let since = input.date - chrono::Duration::days(rule.findings_window_days);
    let mut findings: HashMap<&str, usize> = HashMap::new();
    for (site, at) in input.findings {
        if at.date() >= since && at.date() <= input.date {
            *findings.entry(site.as_str()).or_default() += 1;
        }
    }
    let mut out: Vec<HotspotScore> = input
        .hotspots
        .iter()
        .map(|h| score_one(h, input, rule, &site_tree, &school_tree, &findings))
        .collect();
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.hotspot_id.cmp(&b.hotspot_id))
    });
    out
}

type PointTree = RTree<GeomWithData<[f64; 2], usize>>;

fn score_one(
    h: &Hotspot,
    input: &HotspotInput<'_>,
    rule: &HotspotRule,
    sites: &PointTree,
    schools: &PointTree,
    findings: &HashMap<&str, usize>,
) -> HotspotScore {
    let c = h.area.0.centroid().map_or([0.0, 0.0], |p| [p.x(), p.y()]);
    let near_sites = within(h, sites, rule.near_site_m, c);
    let near_schools = within(h, schools, rule.near_school_m, c);
    let capped = |n: f64, per: f64, max: f64| (n * per).min(max);

    let unlicensed: Vec<String> = near_sites
        .iter()
        .map(|&i| &input.sites[i])
        .filter(|s| s.licence == Licence::Unlicensed)
        .map(|s| s.id.clone())
        .collect();
    let complained: Vec<&Institution> = near_sites
        .iter()
        .map(|&i| &input.sites[i])
        .filter(|s| s.complaints > 0)
        .collect();
    let n_complaints: f64 = complained.iter().map(|s| f64::from(s.complaints)).sum();
    let found: Vec<(&str, usize)> = near_sites
        .iter()
        .filter_map(|&i| {
            findings
                .get(input.sites[i].id.as_str())
                .map(|&n| (input.sites[i].id.as_str(), n))
        })
        .collect();
    let n_found: f64 = found.iter().map(|(_, n)| *n as f64).sum();
    let last = input.last_night_check.get(&h.id).copied();
    let days = last.map(|t| (input.date - t.date()).num_days());
    let day_points = days.map_or(rule.max_days, |d| {
        (d.max(0) as f64 / 10.0 * rule.points_per_10_days).min(rule.max_days)
    });

    let components = Components {
        unlicensed_nearby: Component {
            count: unlicensed.len() as f64,
            points: capped(
                unlicensed.len() as f64,
                rule.points_per_unlicensed,
                rule.max_unlicensed,
            ),
            ids: unlicensed,
        },
        complaints_nearby: Component {
            count: n_complaints,
            points: capped(n_complaints, rule.points_per_complaint, rule.max_complaints),
            ids: complained.iter().map(|s| s.id.clone()).collect(),
        },
        past_findings: Component {
            count: n_found,
            points: capped(n_found, rule.points_per_finding, rule.max_findings),
            ids: found.iter().map(|(id, _)| id.to_string()).collect(),
        },
        schools_nearby: Component {
            count: near_schools.len() as f64,
            points: capped(
                near_schools.len() as f64,
                rule.points_per_school,
                rule.max_schools,
            ),
            ids: near_schools
                .iter()
                .map(|&i| input.schools[i].id.clone())
                .collect(),
        },
        since_night_check: Component {
            count: days.map_or(-1.0, |d| d as f64),
            points: day_points,
            ids: vec![],
        },
    };
    let score = components.unlicensed_nearby.points
        + components.complaints_nearby.points
        + components.past_findings.points
        + components.schools_nearby.points
        + components.since_night_check.points;
    let recent = days.is_some_and(|d| d < rule.recheck_after_days);
    HotspotScore {
        hotspot_id: h.id.clone(),
        name: h.name.clone(),
        kind: h.kind,
        location: c,
        score,
        needs_night_check: score >= rule.flag_score && !recent,
        last_night_check: last,
        components,
    }
}

/// Indices (sorted) of the points inside `h` or within `m` metres of its outline.
fn within(h: &Hotspot, tree: &PointTree, m: f64, centre: [f64; 2]) -> Vec<usize> {
    let Some(bb) = h.area.0.bounding_rect() else {
        return vec![];
    };
    let frame = LocalFrame::at(centre[0], centre[1]);
    let [dx, dy] = frame.deg(m);
    let env = AABB::from_corners(
        [bb.min().x - dx, bb.min().y - dy],
        [bb.max().x + dx, bb.max().y + dy],
    );
    let ring: Vec<[f64; 2]> = h
        .area
        .0
        .exterior()
        .0
        .iter()
        .map(|c| frame.xy(c.x, c.y))
        .collect();
    let mut out: Vec<usize> = tree
        .locate_in_envelope(&env)
        .filter(|p| {
            let [lon, lat] = *p.geom();
            if h.area.0.contains(&Point::new(lon, lat)) {
                return true;
            }
            let q = frame.xy(lon, lat);
            ring.windows(2).any(|w| point_segment_m(q, w[0], w[1]) <= m)
        })
        .map(|p| p.data)
        .collect();
    out.sort_unstable();
    out
}

/// Scores from the store's current data for `date`.
pub fn hotspots_from_store(
    ws: &crate::store::Workspace,
    date: NaiveDate,
    rule: &HotspotRule,
) -> Result<Vec<HotspotScore>, crate::store::StoreError> {
    let end = date
        .succ_opt()
        .unwrap_or(date)
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    let findings: Vec<(String, NaiveDateTime)> = ws
        .inspections(None, Some(end))?
        .into_iter()
        .filter(|i| i.result.is_finding())
        .map(|i| (i.site_id, i.at))
        .collect();
    let mut last = HashMap::new();
    for n in ws.night_checks(None, Some(end))? {
        last.insert(n.hotspot_id, n.at);
    }
    let sites = with_register_tip_offs(ws, ws.institutions()?)?;
    Ok(score_hotspots(
        &HotspotInput {
            hotspots: &ws.hotspots()?,
            sites: &sites,
            schools: &ws.schools()?,
            findings: &findings,
            last_night_check: &last,
            date,
        },
        rule,
    ))
}

/// The sites with the 举报 register's open tip-offs as their complaint count, for every
/// site the register knows (dated entries win over an imported count).
fn with_register_tip_offs(
    ws: &crate::store::Workspace,
    mut sites: Vec<Institution>,
) -> Result<Vec<Institution>, crate::store::StoreError> {
    let mut open: HashMap<String, u32> = HashMap::new();
    for t in ws.tip_offs(&crate::store::TipOffFilter::default())? {
        let Some(site) = t.site_id else { continue };
        *open.entry(site).or_default() += u32::from(t.closed_at.is_none());
    }
    for s in &mut sites {
        if let Some(&n) = open.get(&s.id) {
            s.complaints = n;
        }
    }
    Ok(sites)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sites_test_support::{site, small_township};

    #[test]
    fn open_register_tip_offs_count_near_a_hotspot() {
        let mut ws = crate::store::Workspace::in_memory().unwrap();
        ws.import_township(&small_township()).unwrap();
        let date = ws.today().unwrap();
        let rule = HotspotRule::default();
        let near = |ws: &crate::store::Workspace| {
            hotspots_from_store(ws, date, &rule).unwrap()[0]
                .components
                .complaints_nearby
                .count
        };
        let before = near(&ws);
        let received = date.and_hms_opt(8, 0, 0).unwrap();
        for _ in 0..3 {
            ws.receive_tip_off(&crate::store::TipOffInput {
                source: crate::model::tipoff::TipOffSource::Phone,
                summary: "晚上有学生进出".into(),
                place: None,
                received_at: received,
                complainant_name: None,
                complainant_contact: None,
                site_id: Some("S2".into()),
                position: None,
            })
            .unwrap();
        }
        assert_eq!(near(&ws), before + 3.0);
    }

    #[test]
    fn parts_add_up_and_explain() {
        let t = small_township();
        let date = NaiveDate::from_ymd_opt(2025, 3, 10).unwrap();
        let findings = vec![(
            "S2".to_string(),
            crate::store::parse_when("2025-03-01 10:00").unwrap(),
        )];
        let last = HashMap::new();
        let mut sites = t.institutions.clone();
        sites[1].complaints = 2;
        // A far unlicensed site does not count.
        sites.push(site("FAR", 116.02, 40.02, Licence::Unlicensed));
        let input = HotspotInput {
            hotspots: &t.hotspots,
            sites: &sites,
            schools: &t.schools,
            findings: &findings,
            last_night_check: &last,
            date,
        };
        let s = &score_hotspots(&input, &HotspotRule::default())[0];
        // H1 spans 116.0058..116.0062 × 40.0048..40.0052: S1 (116.005) is ~68 m west, S2 (116.006) inside.
        assert_eq!(s.components.unlicensed_nearby.ids, vec!["S2"]);
        assert_eq!(s.components.unlicensed_nearby.points, 3.0);
        assert_eq!(s.components.complaints_nearby.points, 2.0);
        assert_eq!(s.components.past_findings.points, 1.5);
        assert_eq!(s.components.schools_nearby.ids, vec!["K1"]);
        assert_eq!(s.components.since_night_check.points, 3.0);
        assert_eq!(s.score, 3.0 + 2.0 + 1.5 + 1.0 + 3.0);
        assert!(s.needs_night_check);

        let mut last = HashMap::new();
        last.insert(
            "H1".to_string(),
            crate::store::parse_when("2025-03-08 21:00").unwrap(),
        );
        let input = HotspotInput {
            last_night_check: &last,
            ..input
        };
        let s = &score_hotspots(&input, &HotspotRule::default())[0];
        assert_eq!(s.components.since_night_check.count, 2.0);
        assert!(!s.needs_night_check, "checked two days ago");
    }

    #[test]
    fn distance_rule_matches_brute_force() {
        let t = small_township();
        let mut sites = Vec::new();
        for i in 0..40 {
            for j in 0..40 {
                sites.push(site(
                    &format!("P{i}-{j}"),
                    116.0040 + i as f64 * 0.0001,
                    40.0035 + j as f64 * 0.0001,
                    Licence::Unlicensed,
                ));
            }
        }
        let tree = RTree::bulk_load(
            sites
                .iter()
                .enumerate()
                .map(|(i, s)| GeomWithData::new([s.location.lon(), s.location.lat()], i))
                .collect(),
        );
        let h = &t.hotspots[0];
        let c = h.area.0.centroid().unwrap();
        let got = within(h, &tree, 100.0, [c.x(), c.y()]);
        // Brute force with haversine to densely sampled outline points.
        let outline: Vec<(f64, f64)> = h
            .area
            .0
            .exterior()
            .lines()
            .flat_map(|l| {
                (0..=200).map(move |k| {
                    let t = k as f64 / 200.0;
                    (
                        l.start.x + t * (l.end.x - l.start.x),
                        l.start.y + t * (l.end.y - l.start.y),
                    )
                })
            })
            .collect();
        for (i, s) in sites.iter().enumerate() {
            let inside = h.area.0.contains(&s.location.0);
            let d = outline
                .iter()
                .map(|&o| crate::units::haversine_m(o, s.location.lon_lat()))
                .fold(f64::MAX, f64::min);
            if (d - 100.0).abs() < 1.0 {
                continue;
            } // too close to the line to judge
            assert_eq!(
                got.binary_search(&i).is_ok(),
                inside || d <= 100.0,
                "site {i} d={d}"
            );
        }
    }
}
