//! The 双随机 log against a published head, through the real binary: deleting the last
//! draws, redoing one with another seed and re-chaining, or back-dating one is caught
//! by `draw verify --head`, also from a published log file.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on bad data on purpose

mod cli_support;
use cli_support::{gridpatrol_in as run, gridpatrol_in_ok as ok};

use std::path::Path;

use gridpatrol::coverage::draw::{canonical_json, chain_hash, Draw, GENESIS_HASH};
use gridpatrol::store::Workspace;

/// Makes a draw with `seed`, writing its publishable CSV; returns the published head.
fn draw_and_publish(ws: &Path, seed: &str, csv: &Path) -> String {
    ok(
        ws,
        &[
            "draw",
            "--k",
            "3",
            "--seed",
            seed,
            "--csv",
            csv.to_str().unwrap(),
        ],
    );
    // A BOM and the title line, then the table.
    let text = std::fs::read_to_string(csv).unwrap();
    let (title, table) = text.split_once('\n').unwrap();
    assert!(title.contains("双随机抽查结果公示"), "{title}");
    let mut reader = csv::Reader::from_reader(table.as_bytes());
    let header = reader.headers().unwrap().clone();
    let row = reader.records().next().unwrap().unwrap();
    let column = |name: &str| {
        let i = header.iter().position(|h| h == name).unwrap();
        row[i].to_string()
    };
    assert_eq!(column("上一记录哈希").len(), 64);
    column("记录哈希")
}

/// Rewrites the log from `keep` stored draws plus `extra` bodies, re-chained from
/// the genesis hash as a forger with write access would.
fn rechain(ws: &Path, keep: usize, extra: &[String]) {
    let w = Workspace::open_existing(ws).unwrap();
    let mut bodies: Vec<String> = w
        .draw_log()
        .unwrap()
        .into_iter()
        .take(keep)
        .map(|e| e.body)
        .collect();
    drop(w);
    bodies.extend_from_slice(extra);
    let c = rusqlite::Connection::open(ws).unwrap();
    c.execute("DELETE FROM draws", []).unwrap();
    let mut prev = GENESIS_HASH.to_string();
    for (i, body) in bodies.iter().enumerate() {
        let hash = chain_hash(&prev, body);
        c.execute(
            "INSERT INTO draws (seq, body, prev_hash, hash) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![i as i64 + 1, body, prev, hash],
        )
        .unwrap();
        prev = hash;
    }
}

fn body_of(ws: &Path, seq: usize) -> Draw {
    let log = Workspace::open_existing(ws).unwrap().draw_log().unwrap();
    serde_json::from_str(&log[seq - 1].body).unwrap()
}

#[test]
fn the_published_head_anchors_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("w.sqlite");
    ok(&ws, &["init"]);
    let csv = dir.path().join("draw.csv");
    draw_and_publish(&ws, "2025-03-01 第一批", &csv);
    let head2 = draw_and_publish(&ws, "2025-03-08 第二批", &csv);
    draw_and_publish(&ws, "2025-03-15 第三批", &csv);
    let said = ok(&ws, &["draw", "verify", "--head", &head2]);
    assert!(
        said.contains("draw 2") && said.contains("1 draws since"),
        "{said}"
    );

    // Published log file: a citizen checks it without the workspace.
    let log = dir.path().join("draws.jsonl");
    ok(&ws, &["draw", "log", "--out", log.to_str().unwrap()]);
    let elsewhere = dir.path().join("none.sqlite");
    let said = ok(
        &elsewhere,
        &[
            "draw",
            "verify",
            "--log",
            log.to_str().unwrap(),
            "--head",
            &head2,
        ],
    );
    assert!(said.starts_with("ok: 3 draws"), "{said}");

    // The last two draws deleted: the chain is sound, the published head is gone.
    let backup = dir.path().join("b.sqlite");
    ok(&ws, &["backup", "--out", backup.to_str().unwrap()]);
    rechain(&ws, 1, &[]);
    assert!(ok(&ws, &["draw", "verify"]).starts_with("ok: 1 draws"));
    let (success, _, err) = run(&ws, &["draw", "verify", "--head", &head2]);
    assert!(!success && err.contains("published head"), "{err}");

    // Draw 2 redone with another seed (the same time) and the log re-chained.
    ok(&ws, &["restore", "--from", backup.to_str().unwrap()]);
    let mut redone = body_of(&ws, 2);
    redone.seed = "2025-03-08 换了种子".into();
    let again = gridpatrol::coverage::draw::draw(
        &redone.seed,
        redone.k,
        redone.by,
        &redone.candidates,
        &redone.inspectors,
        &redone.at,
    )
    .unwrap();
    let third = canonical_json(&body_of(&ws, 3));
    rechain(&ws, 1, &[canonical_json(&again), third]);
    assert!(ok(&ws, &["draw", "verify"]).starts_with("ok: 3 draws"));
    let (success, _, err) = run(&ws, &["draw", "verify", "--head", &head2]);
    assert!(!success && err.contains("published head"), "{err}");

    // A draw slipped in back-dated before the last one: its time goes backwards.
    ok(&ws, &["restore", "--from", backup.to_str().unwrap()]);
    let mut early = body_of(&ws, 1);
    early.at = "2020-01-01T00:00:00".into();
    rechain(&ws, 3, &[canonical_json(&early)]);
    let (success, _, err) = run(&ws, &["draw", "verify"]);
    assert!(
        !success && err.contains("times never go backwards"),
        "{err}"
    );
}
