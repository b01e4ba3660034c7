//! Unit tests of the campaign planner on small hand-made campaigns.

use super::check::violations;
use super::*;
use crate::plan::{Matrix, TimeWindow, Vehicle};

const HOUR: f64 = 3600.0;

/// Sites on a line, 600 s apart, the depot at location 0.
fn line(n: usize) -> Matrix {
    Matrix::from_fn(n + 1, |i, j| 600.0 * (i as f64 - j as f64).abs())
}

fn period(label: &str, teams: usize, hours: f64) -> Period {
    Period {
        label: label.into(),
        vehicles: (0..teams)
            .map(|k| {
                Vehicle::new(
                    format!("t{k}"),
                    0,
                    TimeWindow::new(8.0 * HOUR, (8.0 + hours) * HOUR),
                )
            })
            .collect(),
        gates_closed: false,
    }
}

/// A site at location `i + 1`, 20 min on site, visited once on any of `open` periods.
fn once(i: usize, periods: usize, open: &[usize]) -> Site {
    Site {
        id: format!("s{i}"),
        location: i + 1,
        service_s: 1200.0,
        demand: 0.0,
        windows: (0..periods)
            .map(|p| open.contains(&p).then(Vec::new))
            .collect(),
        patterns: open.iter().map(|&p| vec![p]).collect(),
    }
}

fn campaign(n: usize, periods: Vec<Period>, sites: Vec<Site>) -> Campaign {
    Campaign {
        durations_s: line(n),
        distances_m: line(n),
        closed_gates: None,
        periods,
        sites,
    }
}

fn options() -> CampaignOptions {
    CampaignOptions {
        time_limit_s: 30.0,
        max_iterations: Some(300),
        seed: 7,
        team_day_cost_s: HOUR,
        polish_iterations: 50,
    }
}

#[test]
fn every_site_lands_on_a_period_it_is_open() {
    let periods = vec![
        period("mon", 1, 8.0),
        period("tue", 1, 8.0),
        period("wed", 1, 8.0),
    ];
    let sites: Vec<Site> = (0..6)
        .map(|i| once(i, 3, if i % 2 == 0 { &[0, 1, 2] } else { &[2] }))
        .collect();
    let c = campaign(6, periods, sites);
    let plan = plan_campaign(&c, &options()).unwrap();
    assert!(plan.unplanned.is_empty());
    assert_eq!(violations(&c, &plan), Vec::<String>::new());
    for s in [1, 3, 5] {
        let k = plan.patterns[s].unwrap();
        assert_eq!(
            c.sites[s].patterns[k],
            vec![2],
            "site {s} is open on wednesday only"
        );
    }
}

#[test]
fn a_two_visit_site_gets_both_visits_of_one_pattern() {
    let periods = vec![
        period("n1", 1, 4.0),
        period("n2", 1, 4.0),
        period("n3", 1, 4.0),
    ];
    let mut hotspot = once(0, 3, &[0, 1, 2]);
    hotspot.patterns = vec![vec![0, 2]];
    let c = campaign(1, periods, vec![hotspot]);
    let plan = plan_campaign(&c, &options()).unwrap();
    assert_eq!(violations(&c, &plan), Vec::<String>::new());
    let visited: Vec<usize> = plan.periods.iter().map(|p| p.period).collect();
    assert_eq!(visited, vec![0, 2]);
}

#[test]
fn what_does_not_fit_says_why_and_what_would_fit_it() {
    // One two-hour shift: a 20-minute visit plus travel fits three sites near the depot
    // at most; the rest need one more team.
    let periods = vec![period("mon", 1, 2.0)];
    let sites: Vec<Site> = (0..5).map(|i| once(i, 1, &[0])).collect();
    let mut closed = once(5, 1, &[]);
    closed.windows = vec![None];
    let mut all = sites;
    all.push(closed);
    let c = campaign(6, periods, all);
    let plan = plan_campaign(&c, &options()).unwrap();
    assert_eq!(violations(&c, &plan), Vec::<String>::new());
    let reasons: Vec<(usize, LeftOut)> =
        plan.unplanned.iter().map(|u| (u.site, u.reason)).collect();
    assert!(reasons.contains(&(5, LeftOut::NoPeriod)));
    assert!(reasons.iter().any(|&(_, r)| r == LeftOut::NoTime));
    let longer = period("mon", 1, 8.0);
    let more = period("mon", 2, 2.0);
    let windows: Vec<Option<Vec<TimeWindow>>> =
        c.sites.iter().map(|s| s.windows[0].clone()).collect();
    let changes = vec![
        Change {
            label: "one more team".into(),
            period: Some(0),
            vehicles: more.vehicles,
            windows: windows.clone(),
        },
        Change {
            label: "longer shift".into(),
            period: Some(0),
            vehicles: longer.vehicles,
            windows,
        },
    ];
    let fits = would_fit(&c, &plan, &changes);
    for (u, fit) in plan.unplanned.iter().zip(&fits) {
        match u.reason {
            LeftOut::NoPeriod => assert_eq!(*fit, None),
            _ => assert!(fit.is_some(), "site {} should fit with a change", u.site),
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_plan() {
    let periods: Vec<Period> = (0..4).map(|d| period(&format!("d{d}"), 2, 3.0)).collect();
    let sites: Vec<Site> = (0..12).map(|i| once(i, 4, &[0, 1, 2, 3])).collect();
    let c = campaign(12, periods, sites);
    let a = plan_campaign(&c, &options()).unwrap();
    let b = plan_campaign(&c, &options()).unwrap();
    assert_eq!(a.patterns, b.patterns);
    assert_eq!(a.travel_s(), b.travel_s());
}

#[test]
fn moving_visits_between_days_needs_no_more_team_days_than_filling_days_in_turn() {
    let periods: Vec<Period> = (0..5).map(|d| period(&format!("d{d}"), 2, 4.0)).collect();
    let sites: Vec<Site> = (0..14)
        .map(|i| once(i, 5, &[0, 1, 2, 3, 4][..(1 + i % 5)]))
        .collect();
    let c = campaign(sites.len(), periods, sites);
    let campaign_plan = plan_campaign(&c, &options()).unwrap();
    let greedy = greedy_baseline(&c, &options()).unwrap();
    assert_eq!(violations(&c, &greedy), Vec::<String>::new());
    assert_eq!(violations(&c, &campaign_plan), Vec::<String>::new());
    let (planned, greedy_planned) = (campaign_plan.unplanned.len(), greedy.unplanned.len());
    assert!(planned <= greedy_planned);
    assert!(
        planned < greedy_planned || campaign_plan.team_days() <= greedy.team_days(),
        "campaign: {} team-days, greedy {}",
        campaign_plan.team_days(),
        greedy.team_days()
    );
}

#[test]
fn the_checker_catches_a_missing_visit_and_a_closed_day() {
    let periods = vec![period("mon", 1, 8.0), period("tue", 1, 8.0)];
    let sites: Vec<Site> = (0..3).map(|i| once(i, 2, &[0, 1])).collect();
    let c = campaign(3, periods, sites);
    let plan = plan_campaign(&c, &options()).unwrap();
    assert!(violations(&c, &plan).is_empty());
    let mut closed = c.clone();
    let (p, s) = (plan.periods[0].period, plan.periods[0].stop_sites[0]);
    closed.sites[s].windows[p] = None;
    assert!(!violations(&closed, &plan).is_empty());
    let mut tampered = plan.clone();
    tampered.patterns[s] = None;
    assert!(!violations(&c, &tampered).is_empty());
}

#[test]
fn a_team_waiting_for_an_afternoon_opening_takes_its_break_while_waiting() {
    // Regression: the break was only taken before a leg, so a team that arrived in the
    // morning and waited past the break's window for a site opening at 14:00 could
    // never serve it.
    let mut day = period("mon", 1, 9.0);
    day.vehicles[0].break_ = Some(crate::plan::Break {
        start_window: TimeWindow::new(11.5 * HOUR, 13.0 * HOUR),
        duration_s: HOUR,
    });
    let mut afternoon = once(0, 1, &[0]);
    afternoon.windows = vec![Some(vec![TimeWindow::new(14.0 * HOUR, 16.0 * HOUR)])];
    let c = campaign(1, vec![day], vec![afternoon]);
    let plan = plan_campaign(&c, &options()).unwrap();
    assert!(plan.unplanned.is_empty(), "{:?}", plan.unplanned);
    assert_eq!(violations(&c, &plan), Vec::<String>::new());
}

#[test]
fn a_night_with_the_gates_closed_travels_on_its_own_streets() {
    // Site 0 is open day and night; sites 1-3 only at night. With one street for both
    // periods, site 0 joins the night round (one team-day saved); when the compounds'
    // locked gates cut site 0 off at night, it must be visited in the day.
    let sites = vec![
        once(0, 2, &[0, 1]),
        once(1, 2, &[1]),
        once(2, 2, &[1]),
        once(3, 2, &[1]),
    ];
    let open_night = campaign(
        4,
        vec![period("day", 1, 8.0), period("night", 1, 4.0)],
        sites,
    );
    let plan = plan_campaign(&open_night, &options()).unwrap();
    assert_eq!(violations(&open_night, &plan), Vec::<String>::new());
    let k = plan.patterns[0].unwrap();
    assert_eq!(
        open_night.sites[0].patterns[k],
        vec![1],
        "one round at night"
    );

    let mut locked = open_night.clone();
    locked.periods[1].gates_closed = true;
    // Round the locked compounds: a quarter slower, and no way at all to site 0.
    let cut_off = |i: usize, j: usize| {
        let base = 1.25 * 600.0 * (i as f64 - j as f64).abs();
        if (i == 1) != (j == 1) {
            f64::INFINITY
        } else {
            base
        }
    };
    locked.closed_gates = Some(ClosedGates {
        durations_s: Matrix::from_fn(5, cut_off),
        distances_m: Matrix::from_fn(5, cut_off),
    });
    let plan = plan_campaign(&locked, &options()).unwrap();
    assert_eq!(violations(&locked, &plan), Vec::<String>::new());
    assert!(plan.unplanned.is_empty());
    let k = plan.patterns[0].unwrap();
    assert_eq!(locked.sites[0].patterns[k], vec![0], "cut off at night");
    // The night's routes travel the closed streets: checked against the open ones, the
    // independent checker finds the night's travel differs.
    assert!(violations(&open_night, &plan)
        .iter()
        .any(|v| v.starts_with("night: travel")));

    let mut missing = locked.clone();
    missing.closed_gates = None;
    assert!(matches!(
        missing.validate(),
        Err(CampaignError::ClosedGatesMissing { ref period, .. }) if period == "night"
    ));
}
