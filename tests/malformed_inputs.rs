//! The malformed-input corpus (`tests/malformed/<command>/<file>`) through the real
//! binary against a temporary workspace: every file must be refused with a clear
//! message (non-zero exit, the file named with a line, feature, element or field),
//! never with a panic, and never leave the workspace changed.
//!
//! Folders say which command reads the files: `import-<layer>` (`gridpatrol import`),
//! `record-track`, `route-osm` (`gridpatrol route --osm`), `init-manifest` (the file is
//! a folder's `township.json`, given to `gridpatrol init --from`).
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on bad data on purpose

mod cli_support;

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;

/// How one file was handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Refused; the message names the file and where in it.
    Clear,
    /// Refused, but the message does not say where (or was accepted).
    Vague,
    /// The process panicked (exit 101) or died of a signal.
    Panic,
    /// Refused, yet the workspace changed.
    Partial,
}

/// A digest of every row of every table: equal before and after means untouched.
fn workspace_digest(path: &Path) -> u64 {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    tables.sort();
    let mut hasher = DefaultHasher::new();
    for table in tables {
        table.hash(&mut hasher);
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let columns = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for i in 0..columns {
                format!("{:?}", row.get_ref(i).unwrap()).hash(&mut hasher);
            }
        }
    }
    hasher.finish()
}

/// True when `message` says where: a line, feature, PBF blob, OSM element, field or
/// column.
fn names_a_place(message: &str) -> bool {
    let numbered = ["line ", "feature ", "blob ", "node ", "way ", "relation "];
    let followed_by_number = numbered.iter().any(|word| {
        message.match_indices(word).any(|(i, _)| {
            message[i + word.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit() || c == '-')
        })
    });
    followed_by_number || message.contains("field \"") || message.contains("column \"")
}

/// Files whose problem is the file as a whole (no line or field to point at): they
/// must still be refused with a message naming the file.
const WHOLE_FILE: [&str; 3] = [
    "route-osm/empty.osm",
    "route-osm/neither-xml-nor-pbf.osm",
    "init-manifest/missing-layer-file.json",
];

struct Case {
    folder: String,
    file: PathBuf,
}

fn cases(root: &Path) -> Vec<Case> {
    let mut out = Vec::new();
    let mut folders: Vec<_> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    folders.sort();
    for folder in folders.into_iter().filter(|p| p.is_dir()) {
        let mut files: Vec<_> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for file in files {
            out.push(Case {
                folder: folder.file_name().unwrap().to_string_lossy().into_owned(),
                file,
            });
        }
    }
    out
}

/// Runs the case's command; (outcome, stderr).
fn run_case(case: &Case, base: &Path, scratch: &Path) -> (Outcome, String) {
    let bin = env!("CARGO_BIN_EXE_gridpatrol");
    let file = case.file.to_str().unwrap();
    let ws = scratch.join("ws.sqlite");
    let mut command = Command::new(bin);
    let mut watched: Option<PathBuf> = Some(ws.clone());
    let mut must_not_exist: Option<PathBuf> = None;
    let mut named = case
        .file
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    match case.folder.as_str() {
        layer if layer.starts_with("import-") => {
            command.args(["import", &layer["import-".len()..], file, "--crs", "wgs84"]);
        }
        "record-track" => {
            command.args(["record-track", file, "--team", "T1"]);
        }
        "route-osm" => {
            watched = None;
            command.args([
                "route",
                "--osm",
                file,
                "--from",
                "116.3500,39.9600",
                "--to",
                "116.3520,39.9605",
            ]);
        }
        "init-manifest" => {
            let town = scratch.join("town");
            std::fs::create_dir_all(&town).unwrap();
            std::fs::copy(&case.file, town.join("township.json")).unwrap();
            let new_ws = town.join("new.sqlite");
            command.args(["init", "--from", town.to_str().unwrap()]);
            command.arg("--workspace").arg(&new_ws);
            must_not_exist = Some(new_ws);
            watched = None;
            named = "township.json".into();
        }
        other => panic!("tests/malformed/{other}: no command for this folder"),
    }
    if let Some(ws) = &watched {
        std::fs::copy(base, ws).unwrap();
        command.arg("--workspace").arg(ws);
    }
    let before = watched.as_deref().map(workspace_digest);
    let out = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let panicked = matches!(out.status.code(), Some(101) | None) || stderr.contains("panicked at");
    let changed = watched.as_deref().map(workspace_digest) != before
        || must_not_exist.as_ref().is_some_and(|p| p.exists());
    let outcome = if panicked {
        Outcome::Panic
    } else if changed {
        Outcome::Partial
    } else if !out.status.success() && stderr.contains(&named) && names_a_place(&stderr) {
        Outcome::Clear
    } else {
        Outcome::Vague
    };
    (outcome, stderr)
}

#[test]
fn every_malformed_file_is_refused_clearly_without_panic_or_partial_write() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/malformed");
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base.sqlite");
    cli_support::gridpatrol_in_ok(&base, &["init"]);
    let cases = cases(&root);
    assert!(cases.len() >= 60, "only {} malformed files", cases.len());
    let mut counts = [0usize; 4];
    let mut bad = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let scratch = dir.path().join(format!("case-{i}"));
        std::fs::create_dir_all(&scratch).unwrap();
        let (outcome, stderr) = run_case(case, &base, &scratch);
        counts[outcome as usize] += 1;
        let first_line = stderr
            .lines()
            .find(|l| l.starts_with("Error"))
            .unwrap_or("");
        let name = format!(
            "{}/{}",
            case.folder,
            case.file.file_name().unwrap().to_string_lossy()
        );
        println!("{outcome:?}\t{name}\t{first_line}");
        let whole_file_named = WHOLE_FILE.contains(&name.as_str())
            && outcome == Outcome::Vague
            && first_line.starts_with("Error: /");
        if outcome != Outcome::Clear && !whole_file_named {
            bad.push(format!("{outcome:?} {}: {stderr}", case.file.display()));
        }
        std::fs::remove_dir_all(&scratch).unwrap();
    }
    println!(
        "malformed files: {} tried -> {} clear / {} vague / {} panic / {} partial write",
        cases.len(),
        counts[Outcome::Clear as usize],
        counts[Outcome::Vague as usize],
        counts[Outcome::Panic as usize],
        counts[Outcome::Partial as usize]
    );
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
