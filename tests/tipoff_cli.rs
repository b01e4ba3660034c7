//! `gridpatrol tipoff` through the real binary on the bundled sample: receive (on a site,
//! and on the map in BD-09), list overdue first, refuse a step out of order, take one
//! through to closed, export without the complainant; and the day plan takes an open
//! register tip-off as a must-visit with its deadline.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on bad data on purpose

mod cli_support;
use cli_support::{gridpatrol, gridpatrol_in, gridpatrol_in_ok};

use std::path::{Path, PathBuf};

use serde_json::Value;

fn workspace(dir: &Path) -> PathBuf {
    let ws = dir.join("ws.sqlite");
    let (ok, _, err) = gridpatrol(&["init", "--workspace", ws.to_str().unwrap()]);
    assert!(ok, "{err}");
    ws
}

/// The objects anywhere in `v` whose `site_id` is `id`.
fn with_site<'a>(v: &'a Value, id: &str, out: &mut Vec<&'a Value>) {
    match v {
        Value::Object(map) => {
            if map.get("site_id").and_then(Value::as_str) == Some(id) {
                out.push(v);
            }
            map.values().for_each(|x| with_site(x, id, out));
        }
        Value::Array(items) => items.iter().for_each(|x| with_site(x, id, out)),
        _ => {}
    }
}

#[test]
fn a_tip_off_goes_through_the_cli_from_received_to_closed() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let said = gridpatrol_in_ok(
        &ws,
        &[
            "tipoff",
            "add",
            "--source",
            "12345热线",
            "--summary",
            "周末有学科类培训",
            "--site",
            "I012",
            "--received",
            "2024-09-30 09:00",
            "--name",
            "张女士",
            "--contact",
            "13800000000",
        ],
    );
    assert!(
        said.contains("#1") && said.contains("due 2024-10-12"),
        "{said}"
    );
    let said = gridpatrol_in_ok(
        &ws,
        &[
            "tipoff",
            "add",
            "--source",
            "online",
            "--summary",
            "小区里有托管",
            "--lon",
            "116.362",
            "--lat",
            "39.968",
            "--crs",
            "bd09",
        ],
    );
    assert!(said.contains("#2"), "{said}");
    // Unknown source, unknown site, nowhere: refused with what is wrong.
    let (ok, _, err) = gridpatrol_in(
        &ws,
        &[
            "tipoff",
            "add",
            "--source",
            "fax",
            "--summary",
            "x",
            "--site",
            "I012",
        ],
    );
    assert!(!ok && err.contains("--source"), "{err}");
    let (ok, _, err) = gridpatrol_in(
        &ws,
        &[
            "tipoff",
            "add",
            "--source",
            "phone",
            "--summary",
            "x",
            "--site",
            "NOPE",
        ],
    );
    assert!(!ok && err.contains("NOPE"), "{err}");
    let (ok, _, err) = gridpatrol_in(
        &ws,
        &["tipoff", "add", "--source", "phone", "--summary", "x"],
    );
    assert!(!ok && err.contains("site_id"), "{err}");

    let list = gridpatrol_in_ok(&ws, &["tipoff", "list"]);
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 2, "{list}");
    assert!(
        lines[0].starts_with("#1") && lines[0].contains("逾期"),
        "overdue first: {list}"
    );
    assert!(!list.contains("13800000000"));
    let json: Value =
        serde_json::from_str(&gridpatrol_in_ok(&ws, &["tipoff", "list", "--json"])).unwrap();
    let placed = &json.as_array().unwrap()[1];
    assert!(
        (placed["lon"].as_f64().unwrap() - 116.362).abs() > 0.003,
        "BD-09 converted: {placed}"
    );
    assert!(placed["complainant_contact"].is_null());

    // Out of order: refused, saying what comes next; nothing changes.
    let (ok, _, err) = gridpatrol_in(&ws, &["tipoff", "close", "1"]);
    assert!(!ok && err.contains("交办"), "{err}");
    gridpatrol_in_ok(&ws, &["tipoff", "assign", "1", "--team", "A"]);
    let inspected = gridpatrol_in_ok(
        &ws,
        &[
            "inspect",
            "I012",
            "--at",
            "2024-10-08 16:30",
            "--team",
            "A",
            "--result",
            "compliant",
        ],
    );
    let number: String = inspected
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| !w.is_empty())
        .unwrap()
        .to_string();
    gridpatrol_in_ok(&ws, &["tipoff", "handle", "1", "--inspection", &number]);
    gridpatrol_in_ok(&ws, &["tipoff", "verify", "1", "--verdict", "不属实"]);
    gridpatrol_in_ok(
        &ws,
        &["tipoff", "answer", "1", "--text", "经核查未发现违规"],
    );
    let closed = gridpatrol_in_ok(&ws, &["tipoff", "close", "1"]);
    assert!(closed.contains("已办结"), "{closed}");
    let open = gridpatrol_in_ok(&ws, &["tipoff", "list"]);
    assert!(
        open.starts_with("#2") && open.lines().count() == 1,
        "{open}"
    );

    let out = dir.path().join("tipoffs.csv");
    gridpatrol_in_ok(&ws, &["tipoff", "export", "--out", out.to_str().unwrap()]);
    let csv = std::fs::read_to_string(&out).unwrap();
    assert!(
        csv.contains("举报内容") && csv.contains("不属实") && csv.contains("已办结"),
        "{csv}"
    );
    assert!(!csv.contains("13800000000") && !csv.contains("张女士"));
    let audit = gridpatrol_in_ok(&ws, &["audit"]);
    assert!(
        audit.contains("tipoff_close") && !audit.contains("13800000000"),
        "{audit}"
    );
}

#[test]
fn the_day_plan_takes_an_open_register_tip_off_as_a_must_visit_with_its_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let plan = |ws: &Path| -> Value {
        let (ok, out, err) = gridpatrol_in(
            ws,
            &[
                "plan",
                "--date",
                "2026-11-23",
                "--iterations",
                "40",
                "--seconds",
                "60",
                "--teams",
                "5",
                "--json",
            ],
        );
        assert!(ok, "{err}");
        serde_json::from_str(&out).unwrap()
    };
    let class_of = |plan: &Value, id: &str| -> Vec<(String, String)> {
        let mut found = Vec::new();
        with_site(plan, id, &mut found);
        found
            .iter()
            .filter_map(|v| {
                Some((
                    v.get("class")?.as_str()?.to_string(),
                    v.get("why").map(|w| w.to_string()).unwrap_or_default(),
                ))
            })
            .collect()
    };
    // I012 (博雅小饭桌, licensed, inspected 29 October): routine without a tip-off (five
    // teams, so the shift has room for it once it is must-visit).
    let before = class_of(&plan(&ws), "I012");
    assert!(before.iter().all(|(c, _)| c != "mandatory"), "{before:?}");
    // Received Friday 20 November 2026: due five working days later, 27 November.
    let said = gridpatrol_in_ok(
        &ws,
        &[
            "tipoff",
            "add",
            "--source",
            "phone",
            "--summary",
            "超时托管",
            "--site",
            "I012",
            "--received",
            "2026-11-20 10:00",
        ],
    );
    assert!(said.contains("due 2026-11-27"), "{said}");
    let after = class_of(&plan(&ws), "I012");
    assert!(
        after
            .iter()
            .any(|(c, why)| c == "mandatory" && why.contains("举报 #1 应于 2026-11-27 前核查")),
        "{after:?}"
    );
}
