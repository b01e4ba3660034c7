//! Shared by the CLI tests: the real `gridpatrol` binary, run with arguments.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs `gridpatrol ARGS`: (success, stdout, stderr).
pub fn gridpatrol(args: &[&str]) -> (bool, String, String) {
    run(Command::new(env!("CARGO_BIN_EXE_gridpatrol")).args(args))
}

/// Runs `gridpatrol ARGS --workspace WS`: (success, stdout, stderr).
pub fn gridpatrol_in(ws: &Path, args: &[&str]) -> (bool, String, String) {
    run(Command::new(env!("CARGO_BIN_EXE_gridpatrol"))
        .args(args)
        .arg("--workspace")
        .arg(ws))
}

/// Runs `gridpatrol ARGS`, which must succeed: its stdout.
pub fn gridpatrol_ok(args: &[&str]) -> String {
    succeeded(args, gridpatrol(args))
}

/// Runs `gridpatrol ARGS --workspace WS`, which must succeed: its stdout.
pub fn gridpatrol_in_ok(ws: &Path, args: &[&str]) -> String {
    succeeded(args, gridpatrol_in(ws, args))
}

fn run(command: &mut Command) -> (bool, String, String) {
    let out = command.output().expect("the gridpatrol binary runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn succeeded(args: &[&str], (success, stdout, stderr): (bool, String, String)) -> String {
    assert!(success, "gridpatrol {args:?} failed: {stderr}");
    stdout
}

/// A copy of the bundled sample's folder (manifest, layers, OSM extract) at `folder`,
/// for `init --from` with changed files.
pub fn sample_folder(folder: &Path) -> PathBuf {
    for path in gridpatrol::sample::paths() {
        if path.starts_with("scripts/") {
            continue;
        }
        let target = folder.join(&path);
        std::fs::create_dir_all(target.parent().expect("a file's folder")).expect("mkdir");
        std::fs::write(
            &target,
            gridpatrol::sample::file(&path).expect("sample file"),
        )
        .expect("write");
    }
    folder.to_path_buf()
}
