//! The sweep planner against independent yardsticks: brute-force optima on tiny graphs,
//! and a coverage check that reads only the returned walk.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on bad data on purpose

use geo::{Coord, LineString};
use gridpatrol::sweep::graph::{SweepEdge, SweepGraph};
use gridpatrol::sweep::{plan, SweepOptions, SweepPlan};
use proptest::prelude::*;

/// A small random graph: `(a, b, length_m, required)` per edge, node `i` at `(i, i²)`.
fn build(nodes: usize, edges: &[(usize, usize, f64, bool)]) -> SweepGraph {
    let at = |i: usize| Coord {
        x: i as f64 * 0.001,
        y: (i * i) as f64 * 0.0001,
    };
    let edges = edges
        .iter()
        .enumerate()
        .map(|(k, &(a, b, length_m, required))| SweepEdge {
            from: a,
            to: b,
            length_m,
            required,
            name: Some(format!("street {k}")),
            way_id: k as i64,
            // A bend in the middle makes parallel edges distinct lines.
            geometry: LineString::new(vec![
                at(a),
                Coord {
                    x: (at(a).x + at(b).x) / 2.0 + k as f64 * 1e-5,
                    y: (at(a).y + at(b).y) / 2.0,
                },
                at(b),
            ]),
        })
        .collect();
    SweepGraph::new((0..nodes).map(at).collect(), edges).unwrap()
}

fn one_shift() -> SweepOptions {
    SweepOptions {
        shift_minutes: 1e9,
        ..SweepOptions::default()
    }
}

/// The shortest closed walk covering every required edge, by enumerating how often
/// each edge is walked (0, 1 or 2 times suffice in an optimal walk): degrees must be
/// even and the walked edges connected. `None` if the required edges cannot be joined.
fn brute_force(nodes: usize, edges: &[(usize, usize, f64, bool)]) -> Option<f64> {
    let mut best: Option<f64> = None;
    let total = 3usize.pow(edges.len() as u32);
    for code in 0..total {
        let mut c = code;
        let times: Vec<usize> = edges
            .iter()
            .map(|_| {
                let t = c % 3;
                c /= 3;
                t
            })
            .collect();
        if edges.iter().zip(&times).any(|(e, &t)| e.3 && t == 0) {
            continue;
        }
        let mut degree = vec![0usize; nodes];
        let mut root: Vec<usize> = (0..nodes).collect();
        fn find(r: &mut Vec<usize>, x: usize) -> usize {
            if r[x] != x {
                let top = find(r, r[x]);
                r[x] = top;
            }
            r[x]
        }
        let mut cost = 0.0;
        for (e, &t) in edges.iter().zip(&times) {
            if t > 0 {
                degree[e.0] += t;
                degree[e.1] += t;
                let (ra, rb) = (find(&mut root, e.0), find(&mut root, e.1));
                root[ra] = rb;
                cost += e.2 * t as f64;
            }
        }
        if degree.iter().any(|d| d % 2 == 1) {
            continue;
        }
        let walked: Vec<usize> = edges
            .iter()
            .zip(&times)
            .filter(|(_, &t)| t > 0)
            .map(|(e, _)| find(&mut root, e.0))
            .collect();
        if walked.windows(2).any(|w| w[0] != w[1]) {
            continue;
        }
        if best.is_none_or(|b| cost < b) {
            best = Some(cost);
        }
    }
    best
}

/// Checks a plan from its walk alone: each shift is one continuous line that starts and
/// ends at the start point, the lengths add up, and every required edge is swept.
fn check_plan(graph: &SweepGraph, plan: &SweepPlan) -> Result<(), String> {
    let start = plan.start.0 .0;
    let mut swept = vec![0usize; graph.edge_count()];
    let mut total = 0.0;
    for (k, shift) in plan.shifts.iter().enumerate() {
        let mut at = start;
        let mut length = 0.0;
        for s in &shift.steps {
            let e = graph.edge(s.edge);
            let (a, b) = if s.forward {
                (e.geometry.0[0], *e.geometry.0.last().unwrap())
            } else {
                (*e.geometry.0.last().unwrap(), e.geometry.0[0])
            };
            if a != at {
                return Err(format!(
                    "shift {k}: step on edge {} does not start where the last ended",
                    s.edge
                ));
            }
            at = b;
            length += e.length_m;
            if s.service {
                if !e.required {
                    return Err(format!("edge {} is not required but swept", s.edge));
                }
                swept[s.edge] += 1;
            }
        }
        if at != start {
            return Err(format!("shift {k} does not return to the start"));
        }
        if (length - shift.length_m).abs() > 1e-6 {
            return Err(format!(
                "shift {k}: length {} but steps add to {length}",
                shift.length_m
            ));
        }
        total += length;
    }
    if (total - plan.total_m).abs() > 1e-6 {
        return Err(format!("total {} but shifts add to {total}", plan.total_m));
    }
    let mut required = 0.0;
    for (i, e) in graph.edges().iter().enumerate() {
        if e.required && swept[i] != 1 {
            return Err(format!("required edge {i} swept {} times", swept[i]));
        }
        if e.required {
            required += e.length_m;
        }
    }
    if (required - plan.required_m).abs() > 1e-6 {
        return Err(format!(
            "required {} but edges add to {required}",
            plan.required_m
        ));
    }
    Ok(())
}

fn small_graph() -> impl Strategy<Value = (usize, Vec<(usize, usize, f64, bool)>)> {
    (3usize..7).prop_flat_map(|n| {
        let edge = (0..n, 0..n, 1u32..30, prop::bool::weighted(0.6))
            .prop_map(|(a, b, l, r)| (a, b, f64::from(l), r));
        // A spanning path keeps it connected, so every required edge is reachable.
        let path: Vec<(usize, usize, f64, bool)> =
            (1..n).map(|i| (i - 1, i, 7.0 * i as f64, false)).collect();
        (
            Just(n),
            prop::collection::vec(edge, 1..(9 - path.len().min(5))).prop_map(move |mut extra| {
                extra.extend(path.iter().copied());
                extra[0].3 = true;
                extra
            }),
        )
    })
}

fn required_connected(n: usize, edges: &[(usize, usize, f64, bool)]) -> bool {
    let mut root: Vec<usize> = (0..n).collect();
    fn find(r: &mut [usize], mut x: usize) -> usize {
        while r[x] != x {
            x = r[x];
        }
        x
    }
    let req: Vec<_> = edges.iter().filter(|e| e.3).collect();
    for e in &req {
        let (a, b) = (find(&mut root, e.0), find(&mut root, e.1));
        root[a] = b;
    }
    let roots: Vec<usize> = req.iter().map(|e| find(&mut root, e.0)).collect();
    roots.windows(2).all(|w| w[0] == w[1])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Connected required edges: the postman with exact matching (by subsets or by
    /// blossoms) is optimal. Disconnected ones: the joining is a heuristic, so only
    /// bounded.
    #[test]
    fn against_brute_force((n, edges) in small_graph(), method in 0usize..3) {
        let g = build(n, &edges);
        let best = brute_force(n, &edges).unwrap();
        let mut options = one_shift();
        // 0: subsets, 1: blossom, 2: blossom on one neighbour each, priced.
        if method > 0 {
            options.postman.exact_max_odd = 0;
        }
        if method > 1 {
            options.postman.blossom_max_odd = 0;
            options.postman.neighbours = 1;
        }
        let p = plan(&g, None, &options).unwrap();
        prop_assert!(p.matching_exact || method == 2);
        prop_assert!(p.matching_lower_bound_m <= p.matching_m + 1e-6);
        prop_assert!(check_plan(&g, &p).is_ok(), "{:?}", check_plan(&g, &p));
        prop_assert_eq!(p.shifts.len(), 1);
        prop_assert!(p.total_m >= best - 1e-6, "{} below the optimum {}", p.total_m, best);
        if required_connected(n, &edges) && p.matching_exact {
            prop_assert!((p.total_m - best).abs() < 1e-6, "{} vs optimum {}", p.total_m, best);
        } else {
            prop_assert!(p.total_m <= 2.5 * best + 1e-6, "{} vs optimum {}", p.total_m, best);
        }
    }

    /// Every required edge is swept exactly once and every shift is a closed walk,
    /// whatever the shift length, start, and matching method.
    #[test]
    fn covers_everything(
        (n, edges) in small_graph(),
        start in 0usize..7,
        minutes in 0.5f64..5.0,
        method in 0usize..4,
    ) {
        let g = build(n, &edges);
        let mut options = SweepOptions { shift_minutes: minutes, ..SweepOptions::default() };
        // 0: subsets, 1: blossom, 2: blossom on near neighbours, 3: greedy plus
        // exchange.
        if method > 0 {
            options.postman.exact_max_odd = 0;
        }
        if method > 1 {
            options.postman.blossom_max_odd = 0;
            options.postman.neighbours = 2;
        }
        options.postman.near_blossom = method == 2;
        let from = g.node(start % n);
        match plan(&g, Some(from), &options) {
            Ok(p) => {
                prop_assert!(check_plan(&g, &p).is_ok(), "{:?}", check_plan(&g, &p));
                for s in &p.shifts {
                    prop_assert!(s.length_m <= options.shift_limit_m() + 1e-6);
                }
            }
            Err(gridpatrol::sweep::SweepError::ShiftTooShort { needed_m, limit_m }) => {
                prop_assert!(needed_m > limit_m);
            }
            Err(e) => prop_assert!(false, "{e}"),
        }
    }
}

#[test]
fn chinese_postman_of_a_square_with_a_diagonal() {
    // Square 0-1-2-3 (10 m sides) and diagonal 0-2 (14 m): 0 and 2 are odd, and the
    // cheapest fix walks the diagonal twice.
    let edges = [
        (0, 1, 10.0, true),
        (1, 2, 10.0, true),
        (2, 3, 10.0, true),
        (3, 0, 10.0, true),
        (0, 2, 14.0, true),
    ];
    let g = build(4, &edges);
    let p = plan(&g, None, &one_shift()).unwrap();
    assert_eq!(p.total_m, 68.0);
    assert_eq!(brute_force(4, &edges), Some(68.0));
    assert_eq!(p.odd_nodes, 2);
    assert!(p.matching_exact);
    check_plan(&g, &p).unwrap();
}

#[test]
fn unreachable_streets_are_reported_not_swept() {
    // Two required edges with no way between them: the longer is kept.
    let g = build(4, &[(0, 1, 50.0, true), (2, 3, 20.0, true)]);
    let p = plan(&g, None, &one_shift()).unwrap();
    assert_eq!(p.required_m, 50.0);
    assert_eq!(p.unreachable_m, 20.0);
    assert_eq!(p.total_m, 100.0);
}

#[test]
fn no_required_edges_is_a_clear_error() {
    let g = build(2, &[(0, 1, 50.0, false)]);
    let err = plan(&g, None, &one_shift()).unwrap_err();
    assert!(err.to_string().contains("no streets"), "{err}");
}
