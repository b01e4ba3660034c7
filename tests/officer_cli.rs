//! The officer register and the draw from the registers through the real binary:
//! `gridpatrol officer add|list|conflict`, `draw --register`, `draw publish`, `draw verify`.

mod cli_support;

use cli_support::{gridpatrol_in, gridpatrol_in_ok};

#[test]
fn officers_recusal_and_a_register_draw_from_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("w.sqlite");
    gridpatrol_in_ok(&ws, &["init"]);
    let site = gridpatrol::store::Workspace::open_existing(&ws)
        .unwrap()
        .institutions()
        .unwrap()[0]
        .id
        .clone();

    // An empty register: refused, saying what is short, nothing logged.
    let (ok, _, err) = gridpatrol_in(&ws, &["draw", "--register", "--seed", "s"]);
    assert!(!ok && err.contains("执法检查人员名录库只有 0 名"), "{err}");

    for (name, dept) in [("张伟", "市场监管"), ("李娜", "教育"), ("王强", "消防")] {
        gridpatrol_in_ok(&ws, &["officer", "add", name, "--department", dept]);
    }
    let (ok, _, err) = gridpatrol_in(&ws, &["officer", "add", "张伟", "--department", "教育"]);
    assert!(!ok && err.contains("已有 张伟"), "{err}");
    gridpatrol_in_ok(
        &ws,
        &["officer", "conflict", "张伟", &site, "--reason", "亲属开办"],
    );
    let (ok, _, err) = gridpatrol_in(&ws, &["officer", "conflict", "赵六", &site]);
    assert!(!ok && err.contains("赵六"), "{err}");
    let list = gridpatrol_in_ok(&ws, &["officer", "list"]);
    assert!(list.contains(&format!("张伟\t市场监管\t{site}")), "{list}");

    let out = gridpatrol_in_ok(&ws, &["draw", "--register", "--seed", "s", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let picks = v["draw"]["picks"].as_array().unwrap();
    assert!(!picks.is_empty());
    for p in picks {
        let officers = p["officers"].as_array().unwrap();
        assert_eq!(officers.len(), 2, "{p}");
        if p["site_id"] == site.as_str() {
            assert!(!officers.contains(&serde_json::json!("张伟")), "{p}");
        }
    }
    assert!(v["draw"]["publish_by"].is_string(), "{v}");

    let xlsx = dir.path().join("公示.xlsx");
    let said = gridpatrol_in_ok(
        &ws,
        &[
            "draw",
            "publish",
            "--seq",
            "1",
            "--out",
            xlsx.to_str().unwrap(),
        ],
    );
    assert!(said.contains("双随机抽查结果公示"), "{said}");
    assert_eq!(&std::fs::read(&xlsx).unwrap()[..2], b"PK");
    // An old-style draw after it: the chain holds both.
    gridpatrol_in_ok(&ws, &["draw", "--k", "2", "--seed", "t"]);
    let verified = gridpatrol_in_ok(&ws, &["draw", "verify"]);
    assert!(verified.starts_with("ok: 2 draws"), "{verified}");
}
