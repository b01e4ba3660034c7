//! Durability through the real binary: a writer killed with SIGKILL at random moments
//! loses no acknowledged inspection and leaves a sound file; two writers at once do not
//! corrupt it.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on bad data on purpose

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use gridpatrol::model::{Institution, InstitutionKind, Licence, Wgs84Point};
use gridpatrol::store::Workspace;
use rand::{Rng, SeedableRng};

fn workspace_with_sites(path: &Path) {
    let mut ws = Workspace::open(path).unwrap();
    let sites: Vec<Institution> = (0..20)
        .map(|k| Institution {
            id: format!("S{k}"),
            name: format!("机构{k}"),
            kind: InstitutionKind::Training,
            subject: None,
            licence: Licence::Unlicensed,
            address: None,
            location: Wgs84Point::new(116.35 + k as f64 * 1e-4, 39.96),
            open_hours: None,
            complaints: 0,
            last_inspected: None,
            synthetic: true,
        })
        .collect();
    ws.import_institutions(&sites).unwrap();
}

fn writer(path: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_gridpatrol"))
        .args(["inspect", "--stdin-batch", "--workspace"])
        .arg(path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn gridpatrol")
}

fn line(key: &str, k: usize) -> String {
    format!(
        "{{\"site\":\"S{}\",\"at\":\"2025-03-01T{:02}:{:02}\",\"team\":\"T1\",\"result\":\"{}\",\"notes\":\"{key}\"}}\n",
        k % 20,
        8 + (k / 60) % 12,
        k % 60,
        if k % 7 == 0 { "hazard" } else { "compliant" }
    )
}

/// Feeds `n` lines keyed `prefix-i` and returns the keys acknowledged before the child
/// ended (or was killed after `kill_after`).
fn run_writer(path: &Path, prefix: &str, n: usize, kill_after: Option<Duration>) -> Vec<String> {
    let mut child = writer(path);
    let mut stdin = child.stdin.take().unwrap();
    let keys: Vec<String> = (0..n).map(|i| format!("{prefix}-{i}")).collect();
    let feed = {
        let keys = keys.clone();
        std::thread::spawn(move || {
            for (i, k) in keys.iter().enumerate() {
                if stdin.write_all(line(k, i).as_bytes()).is_err() {
                    return; // killed
                }
            }
        })
    };
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let acks = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let reader = {
        let acks = acks.clone();
        let keys = keys.clone();
        std::thread::spawn(move || {
            for l in stdout.lines() {
                let Ok(l) = l else { break };
                let mut parts = l.split_whitespace();
                assert_eq!(parts.next(), Some("ack"), "unexpected output {l:?}");
                let n: usize = parts.next().unwrap().parse().unwrap();
                acks.lock().unwrap().push(keys[n - 1].clone());
            }
        })
    };
    match kill_after {
        Some(d) => {
            let start = Instant::now();
            while start.elapsed() < d && child.try_wait().unwrap().is_none() {
                std::thread::sleep(Duration::from_millis(5));
            }
            let _ = child.kill(); // SIGKILL on Unix
            child.wait().unwrap();
        }
        None => {
            let status = child.wait().unwrap();
            let mut err = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
            assert!(status.success(), "writer failed: {err}");
        }
    }
    reader.join().unwrap();
    let _ = feed.join();
    let out = acks.lock().unwrap().clone();
    out
}

fn stored_notes(path: &Path) -> HashSet<String> {
    let ws = Workspace::open_existing(path).unwrap();
    ws.integrity_check().unwrap();
    ws.inspections(None, None)
        .unwrap()
        .into_iter()
        .filter_map(|i| i.notes)
        .collect()
}

#[test]
fn killed_writer_loses_no_acknowledged_inspection() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.sqlite");
    workspace_with_sites(&path);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let mut acked_total = 0;
    let mut killed_mid_stream = 0;
    for round in 0..8 {
        let after = Duration::from_millis(rng.gen_range(30..400));
        let acked = run_writer(&path, &format!("r{round}"), 5000, Some(after));
        let stored = stored_notes(&path);
        for k in &acked {
            assert!(
                stored.contains(k),
                "round {round}: acknowledged {k} is missing after SIGKILL"
            );
        }
        // Nothing beyond what was sent, and at most one unacknowledged commit per kill.
        let this_round = stored
            .iter()
            .filter(|n| n.starts_with(&format!("r{round}-")))
            .count();
        assert!(
            this_round <= acked.len() + 1,
            "round {round}: {this_round} stored, {} acked",
            acked.len()
        );
        if acked.len() < 5000 {
            killed_mid_stream += 1;
        }
        acked_total += acked.len();
    }
    assert!(acked_total > 0, "the writer never acknowledged anything");
    assert!(
        killed_mid_stream >= 4,
        "kills came too late to test anything ({killed_mid_stream} of 8 mid-stream)"
    );
}

#[test]
fn two_writers_at_once_do_not_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.sqlite");
    workspace_with_sites(&path);
    let (p1, p2) = (path.clone(), path.clone());
    let a = std::thread::spawn(move || run_writer(&p1, "a", 150, None));
    let b = std::thread::spawn(move || run_writer(&p2, "b", 150, None));
    let (a, b) = (a.join().unwrap(), b.join().unwrap());
    assert_eq!((a.len(), b.len()), (150, 150));
    let stored = stored_notes(&path);
    assert_eq!(stored.len(), 300);
    assert!(a.iter().chain(&b).all(|k| stored.contains(k)));
    // Follow-ups were written by both without clashes: one rectification per hazard site.
    let ws = Workspace::open_existing(&path).unwrap();
    assert!(!ws.follow_ups(None).unwrap().is_empty());
}
