//! The hierarchy against the plain Dijkstra: random graphs, the bundled sample's drive
//! and walk graphs, and the byte format.

use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;
use crate::network::{Profile, RoadNetwork};
use crate::routing::dijkstra::Workspace;

type Arrival = (u32, f64, f64);

/// The oracle: one full Dijkstra per source, then the best arrival per target.
fn dijkstra_matrix(
    csr: &Csr,
    sources: &[Vec<Seed>],
    targets: &[Vec<Arrival>],
) -> Vec<Option<(f64, f64)>> {
    let mut ws = Workspace::new(csr.node_count());
    let mut out = Vec::new();
    for seeds in sources {
        ws.search(csr, seeds, &[]);
        for arrivals in targets {
            let mut best: Option<(f64, f64)> = None;
            for &(node, d, l) in arrivals {
                let at = ws.weight_s[node as usize];
                if at.is_finite() && best.is_none_or(|b| at + d < b.0) {
                    best = Some((at + d, ws.length_m[node as usize] + l));
                }
            }
            out.push(best);
        }
    }
    out
}

fn close(a: f64, b: f64, relative: f64) -> bool {
    (a - b).abs() <= relative * a.abs().max(b.abs()).max(1.0)
}

/// Panics with the first cell where the hierarchy and Dijkstra differ.
fn assert_same(got: &[Option<(f64, f64)>], want: &[Option<(f64, f64)>], relative: f64) {
    assert_eq!(got.len(), want.len());
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        let same = match (g, w) {
            (None, None) => true,
            (Some(g), Some(w)) => close(g.0, w.0, relative) && close(g.1, w.1, relative),
            _ => false,
        };
        assert!(same, "cell {i}: hierarchy {g:?}, Dijkstra {w:?}");
    }
}

fn csr_from_arcs(n: usize, arcs: &[(u32, u32, f64, f64)]) -> Csr {
    let mut sorted = arcs.to_vec();
    sorted.sort_by_key(|a| a.0);
    let mut first_out = vec![0u32; n + 1];
    for a in &sorted {
        first_out[a.0 as usize + 1] += 1;
    }
    for i in 0..n {
        first_out[i + 1] += first_out[i];
    }
    Csr {
        first_out,
        head: sorted.iter().map(|a| a.1).collect(),
        weight_s: sorted.iter().map(|a| a.2).collect(),
        length_m: sorted.iter().map(|a| a.3).collect(),
        edge: (0..sorted.len() as u32).collect(),
        copy_of: Vec::new(),
    }
}

/// A random directed graph: one-way arcs, two-way pairs, parallel arcs, self-loops and
/// zero-duration arcs (zero length too, so that equally fast paths have equal lengths),
/// often in several unconnected parts.
fn random_graph(rng: &mut ChaCha8Rng, n: usize, m: usize) -> Csr {
    let mut arcs = Vec::new();
    let parts = rng.gen_range(1..=3u32);
    for _ in 0..m {
        let tail = rng.gen_range(0..n as u32);
        let mut head = rng.gen_range(0..n as u32);
        if head % parts != tail % parts {
            head = tail;
        }
        let (d, l) = if rng.gen_bool(0.15) {
            (0.0, 0.0)
        } else {
            let d = rng.gen_range(0.5..100.0);
            (d, d * rng.gen_range(1.0..15.0))
        };
        arcs.push((tail, head, d, l));
        if rng.gen_bool(0.4) {
            arcs.push((head, tail, d, l));
        }
    }
    csr_from_arcs(n, &arcs)
}

/// The cost of a first or last piece: none half of the time (as for a site at a node),
/// else a random duration and length (zero duration with a length would tie paths of
/// equal time but different lengths, where either answer is right).
fn random_piece(rng: &mut ChaCha8Rng) -> (f64, f64) {
    if rng.gen_bool(0.5) {
        (0.0, 0.0)
    } else {
        let d = rng.gen_range(0.1..30.0);
        (d, d * rng.gen_range(1.0..15.0))
    }
}

fn random_sources(rng: &mut ChaCha8Rng, n: usize, count: usize) -> Vec<Vec<Seed>> {
    (0..count)
        .map(|_| {
            (0..rng.gen_range(1..=3))
                .map(|_| {
                    let (weight_s, length_m) = random_piece(rng);
                    Seed {
                        node: rng.gen_range(0..n as u32),
                        weight_s,
                        length_m,
                    }
                })
                .collect()
        })
        .collect()
}

fn random_targets(rng: &mut ChaCha8Rng, n: usize, count: usize) -> Vec<Vec<Arrival>> {
    (0..count)
        .map(|_| {
            (0..rng.gen_range(1..=3))
                .map(|_| {
                    let (d, l) = random_piece(rng);
                    (rng.gen_range(0..n as u32), d, l)
                })
                .collect()
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(120))]
    #[test]
    fn random_graphs_match_dijkstra(seed in any::<u64>(), n in 1usize..60, density in 0usize..4) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let m = n * density + rng.gen_range(0..n);
        let csr = random_graph(&mut rng, n, m);
        let ch = Hierarchy::build(&csr);
        let (s, t) = (rng.gen_range(1..12), rng.gen_range(1..12));
        let sources = random_sources(&mut rng, n, s);
        let targets = random_targets(&mut rng, n, t);
        let got = ch.many_to_many(&sources, &targets);
        assert_same(&got, &dijkstra_matrix(&csr, &sources, &targets), 1e-6);
    }
}

#[test]
fn larger_random_graphs_match_dijkstra() {
    for seed in 0..6 {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let n = 2000;
        let csr = random_graph(&mut rng, n, 3 * n);
        let ch = Hierarchy::build(&csr);
        let sources = random_sources(&mut rng, n, 40);
        let targets = random_targets(&mut rng, n, 40);
        let got = ch.many_to_many(&sources, &targets);
        assert_same(&got, &dijkstra_matrix(&csr, &sources, &targets), 1e-6);
    }
}

fn sample_csr(profile: Profile) -> Csr {
    let bytes = crate::sample::file(crate::sample::OSM_PBF).expect("bundled sample");
    let osm = crate::formats::osm::read_bytes(&bytes, "sample").expect("sample reads");
    let net = RoadNetwork::build(&osm, profile).expect("sample network");
    Csr::new(&net.graph)
}

fn sample_matches_dijkstra(profile: Profile) {
    let csr = sample_csr(profile);
    let n = csr.node_count();
    let ch = Hierarchy::build(&csr);
    let mut rng = ChaCha8Rng::seed_from_u64(17);
    let nodes: Vec<u32> = (0..200).map(|_| rng.gen_range(0..n as u32)).collect();
    let sources: Vec<Vec<Seed>> = nodes
        .iter()
        .map(|&node| {
            vec![Seed {
                node,
                weight_s: 0.0,
                length_m: 0.0,
            }]
        })
        .collect();
    let targets: Vec<Vec<Arrival>> = nodes.iter().map(|&node| vec![(node, 0.0, 0.0)]).collect();
    let got = ch.many_to_many(&sources, &targets);
    let want = dijkstra_matrix(&csr, &sources, &targets);
    assert!(
        want.iter().filter(|c| c.is_some()).count() > 20_000,
        "sample mostly connected"
    );
    assert_same(&got, &want, 1e-6);
}

#[test]
fn sample_drive_graph_matches_dijkstra() {
    sample_matches_dijkstra(Profile::Drive);
}

#[test]
fn sample_walk_graph_matches_dijkstra() {
    sample_matches_dijkstra(Profile::Walk);
}

#[test]
fn build_is_deterministic_across_thread_counts() {
    let csr = sample_csr(Profile::Drive);
    let many = Hierarchy::build(&csr).to_bytes();
    let one_thread = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    let single = one_thread.install(|| Hierarchy::build(&csr).to_bytes());
    assert!(many == single, "builds on 1 and several threads differ");
    let three = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .expect("pool");
    assert!(many == three.install(|| Hierarchy::build(&csr).to_bytes()));
}

fn small_hierarchy() -> Hierarchy {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    Hierarchy::build(&random_graph(&mut rng, 300, 900))
}

#[test]
fn bytes_round_trip() {
    let ch = small_hierarchy();
    let bytes = ch.to_bytes();
    let back = Hierarchy::from_bytes(&bytes).expect("round trip");
    assert_eq!(back, ch);
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let sources = random_sources(&mut rng, 300, 20);
    let targets = random_targets(&mut rng, 300, 20);
    assert_eq!(
        back.many_to_many(&sources, &targets),
        ch.many_to_many(&sources, &targets)
    );
}

#[test]
fn a_flipped_byte_anywhere_is_an_error() {
    let bytes = small_hierarchy().to_bytes();
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let mut positions: Vec<usize> = (0..200).map(|_| rng.gen_range(0..bytes.len())).collect();
    positions.extend([0, 8, 12, 20, bytes.len() - 1]);
    for at in positions {
        let mut bad = bytes.clone();
        bad[at] ^= 0x10;
        assert!(
            Hierarchy::from_bytes(&bad).is_err(),
            "flip at byte {at} was accepted"
        );
    }
    let mut bad = bytes.clone();
    bad[bytes.len() / 2] ^= 1;
    assert_eq!(
        Hierarchy::from_bytes(&bad),
        Err(HierarchyError::Corrupt("checksum mismatch".into()))
    );
}

#[test]
fn truncated_old_and_foreign_files_are_named() {
    let bytes = small_hierarchy().to_bytes();
    for len in [0, 3, 10, 30, bytes.len() / 2, bytes.len() - 1] {
        let err = Hierarchy::from_bytes(&bytes[..len]).expect_err("truncated accepted");
        let want_truncated = len >= 8;
        assert_eq!(
            matches!(err, HierarchyError::Truncated { .. }),
            want_truncated,
            "{len}: {err}"
        );
    }
    let mut old = bytes.clone();
    old[8..12].copy_from_slice(&0u32.to_le_bytes());
    assert_eq!(
        Hierarchy::from_bytes(&old),
        Err(HierarchyError::UnsupportedVersion {
            found: 0,
            expected: 1
        })
    );
    assert_eq!(
        Hierarchy::from_bytes(b"PK\x03\x04 a zip"),
        Err(HierarchyError::NotAHierarchy)
    );
    let message = Hierarchy::from_bytes(&bytes[..100])
        .expect_err("short")
        .to_string();
    assert!(message.contains("truncated"), "{message}");
}

#[test]
fn consistent_but_wrong_arrays_are_refused_not_trusted() {
    let ch = small_hierarchy();
    let mut broken = ch.clone();
    broken.forward.head[0] = u32::MAX;
    let err = Hierarchy::from_bytes(&broken.to_bytes()).expect_err("bad head accepted");
    assert!(err.to_string().contains("does not lead upward"), "{err}");
    let mut broken = ch.clone();
    broken.rank[0] = broken.rank[1];
    let err = Hierarchy::from_bytes(&broken.to_bytes()).expect_err("bad rank accepted");
    assert!(err.to_string().contains("rank"), "{err}");
}

#[test]
fn seeds_outside_the_graph_or_not_finite_are_ignored() {
    let ch = small_hierarchy();
    let inside = Seed {
        node: 1,
        weight_s: 0.0,
        length_m: 0.0,
    };
    let outside = Seed {
        node: 10_000,
        ..inside
    };
    let endless = Seed {
        node: 2,
        weight_s: f64::NAN,
        ..inside
    };
    let m = ch.many_to_many(
        &[vec![outside], vec![outside, inside], vec![endless]],
        &[vec![(1, 0.0, 0.0)], vec![(99_999, 0.0, 0.0)]],
    );
    assert_eq!(m, vec![None, None, Some((0.0, 0.0)), None, None, None]);
    assert!(ch.many_to_many(&[], &[vec![(1, 0.0, 0.0)]]).is_empty());
}

#[test]
fn an_empty_graph_builds_and_reads_back() {
    let ch = Hierarchy::build(&Csr::default());
    assert_eq!(ch.node_count(), 0);
    assert_eq!(Hierarchy::from_bytes(&ch.to_bytes()), Ok(ch));
}
