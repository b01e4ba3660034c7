//! The command line speaks Chinese under a Chinese locale and English otherwise, with
//! `LC_ALL` before `LC_MESSAGES` before `LANG`, as POSIX orders them.

use std::process::Command;

/// The first line `gridpatrol` writes on stderr for a command that fails, under `env`.
fn first_error_line(env: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut command = Command::new(env!("CARGO_BIN_EXE_gridpatrol"));
    command
        .args(["sweep", "--cell", "nowhere", "--workspace"])
        .arg(dir.path().join("missing.sqlite"))
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG");
    for (key, value) in env {
        command.env(key, value);
    }
    let out = command.output().expect("gridpatrol runs");
    assert!(!out.status.success());
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn errors_are_in_chinese_under_a_chinese_locale() {
    assert!(first_error_line(&[("LANG", "zh_CN.UTF-8")]).starts_with("错误："));
    assert!(
        first_error_line(&[("LC_MESSAGES", "zh_CN.UTF-8"), ("LANG", "C")]).starts_with("错误：")
    );
    assert!(first_error_line(&[]).starts_with("Error: "));
    assert!(first_error_line(&[("LANG", "en_US.UTF-8")]).starts_with("Error: "));
    assert!(
        first_error_line(&[("LC_ALL", "C"), ("LANG", "zh_CN.UTF-8")]).starts_with("Error: "),
        "LC_ALL wins"
    );
}
