//! `gridpatrol backup` while another process writes, and `gridpatrol restore` refusing a
//! damaged file, through the real binary.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on bad data on purpose

mod cli_support;
use cli_support::{gridpatrol_in as run, gridpatrol_in_ok as ok};

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use gridpatrol::store::Workspace;

fn inspections_in(path: &Path) -> u64 {
    Workspace::open_existing(path)
        .unwrap()
        .counts()
        .unwrap()
        .inspections
}

#[test]
fn backups_taken_while_another_process_writes_hold_every_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("w.sqlite");
    ok(&ws, &["init"]);
    let site = Workspace::open_existing(&ws)
        .unwrap()
        .institutions()
        .unwrap()[0]
        .id
        .clone();
    let mut writer = Command::new(env!("CARGO_BIN_EXE_gridpatrol"))
        .args(["inspect", "--stdin-batch", "--workspace"])
        .arg(&ws)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = writer.stdin.take().unwrap();
    let mut acks = BufReader::new(writer.stdout.take().unwrap()).lines();
    let mut acknowledged = 0u64;
    for round in 0..5 {
        // Ten more inspections, each acknowledged (committed) before the next backup.
        for k in 0..10 {
            let line = format!(
                "{{\"site\":\"{site}\",\"at\":\"2025-03-0{}T10:{:02}\",\"team\":\"T1\",\"result\":\"compliant\"}}\n",
                round + 1,
                k
            );
            stdin.write_all(line.as_bytes()).unwrap();
            let ack = acks.next().unwrap().unwrap();
            assert!(ack.starts_with("ack"), "{ack}");
            acknowledged += 1;
        }
        // The writer is still running and holds its commits in the WAL.
        let out = dir.path().join(format!("backup-{round}.sqlite"));
        let said = ok(&ws, &["backup", "--out", out.to_str().unwrap()]);
        assert!(said.contains("integrity check ok"), "{said}");
        assert_eq!(inspections_in(&out), acknowledged, "round {round}");
    }
    drop(stdin);
    assert!(writer.wait().unwrap().success());

    // The last backup restores into a fresh place and opens with every inspection.
    let restored = dir.path().join("restored.sqlite");
    let last = dir.path().join("backup-4.sqlite");
    ok(&restored, &["restore", "--from", last.to_str().unwrap()]);
    assert_eq!(inspections_in(&restored), 50);
}

#[test]
fn a_corrupt_or_foreign_backup_is_refused_and_the_workspace_is_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("w.sqlite");
    ok(&ws, &["init"]);
    let before = std::fs::read(&ws).unwrap();
    let good = dir.path().join("good.sqlite");
    ok(&ws, &["backup", "--out", good.to_str().unwrap()]);

    // A backup whose sites table's root page is overwritten: the integrity check fails.
    let (root, page): (u64, u64) = {
        let c = rusqlite::Connection::open(&good).unwrap();
        (
            c.query_row(
                "SELECT rootpage FROM sqlite_master WHERE name = 'sites'",
                [],
                |r| r.get(0),
            )
            .unwrap(),
            c.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap(),
        )
    };
    let mut bytes = std::fs::read(&good).unwrap();
    let start = ((root - 1) * page) as usize;
    for b in &mut bytes[start..start + 64] {
        *b = 0x5a;
    }
    let corrupt = dir.path().join("corrupt.sqlite");
    std::fs::write(&corrupt, &bytes).unwrap();
    let text = dir.path().join("notes.sqlite");
    std::fs::write(
        &text,
        "not a database at all, just a text file with some length",
    )
    .unwrap();
    for bad in [&corrupt, &text] {
        let (success, _, err) = run(&ws, &["restore", "--from", bad.to_str().unwrap()]);
        assert!(!success, "{} was restored", bad.display());
        assert!(err.contains("the workspace is unchanged"), "{err}");
        assert_eq!(std::fs::read(&ws).unwrap(), before, "the workspace changed");
    }
    let stray: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".gridpatrol-copy-")
        })
        .collect();
    assert!(
        stray.is_empty(),
        "temporary copies left behind: {:?}",
        stray.iter().map(|e| e.file_name()).collect::<Vec<_>>()
    );
}
