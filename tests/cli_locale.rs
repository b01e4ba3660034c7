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

#[test]
fn the_plan_summary_is_in_chinese_under_a_chinese_locale() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = dir.path().join("ws.sqlite");
    let plan = |lang: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_gridpatrol"))
            .args([
                "plan",
                "--date",
                "2026-11-25",
                "--teams",
                "2",
                "--workspace",
            ])
            .arg(&ws)
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", lang)
            .output()
            .expect("gridpatrol runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let zh = plan("zh_CN.UTF-8");
    assert!(zh.starts_with("2026-11-25 日查（步行）："), "{zh}");
    assert!(zh.contains("T1 组 从 "), "{zh}");
    assert!(zh.contains("必查"), "{zh}");
    let en = plan("en_US.UTF-8");
    assert!(
        en.starts_with("2026-11-25 day shift, walk profile:"),
        "{en}"
    );
}
