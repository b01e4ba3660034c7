//! Re-imports through the real binary never destroy data: a column a file leaves out
//! keeps its stored value, unknown columns are kept and reported, two lists whose 序号
//! collide are refused whole, and `--dry-run` writes nothing.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on bad data on purpose

mod cli_support;
use cli_support::{gridpatrol_in as run, gridpatrol_in_ok as ok};

use std::path::Path;

use gridpatrol::store::Workspace;

const FULL: &str = "id,name,kind,subject,licence,address,lon,lat,open_hours,complaints\n\
1,甲培训,training,subject,licensed,某路1号,116.35,39.96,08:00-12:00,0\n\
2,乙托管,care,,unlicensed,某路2号,116.351,39.961,14:00-20:00,1\n";

fn import(ws: &Path, file: &Path, extra: &[&str]) -> (bool, String, String) {
    let mut args = vec![
        "import",
        "institutions",
        file.to_str().unwrap(),
        "--crs",
        "wgs84",
    ];
    args.extend_from_slice(extra);
    run(ws, &args)
}

fn workspace_with_two_sites(dir: &Path) -> std::path::PathBuf {
    let ws = dir.join("w.sqlite");
    drop(Workspace::open(&ws).unwrap());
    let f = dir.join("full.csv");
    std::fs::write(&f, FULL).unwrap();
    assert!(import(&ws, &f, &[]).0);
    ws
}

#[test]
fn a_tip_off_list_without_hours_keeps_the_hours_and_its_contact_columns() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace_with_two_sites(dir.path());
    let tips = dir.path().join("tips.csv");
    std::fs::write(
        &tips,
        "序号,名称,类型,证照,经度,纬度,联系人,联系电话,举报次数\n\
         1,甲培训,training,licensed,116.35,39.96,王老师,13900000000,4\n",
    )
    .unwrap();
    let (success, out, err) = import(&ws, &tips, &[]);
    assert!(success, "{err}");
    assert!(out.contains("updated 1"), "{out}");
    // 举报次数 is not one of the complaint headers: kept as an attribute, not guessed.
    assert!(
        out.contains("kept as extra attributes: 举报次数, 联系人, 联系电话"),
        "{out}"
    );
    assert!(out.contains(r#"changed 1 联系人: "" -> "王老师""#), "{out}");
    let w = Workspace::open_existing(&ws).unwrap();
    let site = &w.institutions().unwrap()[0];
    assert_eq!(
        site.open_hours,
        gridpatrol::model::OpenHours::parse("08:00-12:00")
    );
    assert_eq!(site.address.as_deref(), Some("某路1号"));
    assert_eq!(site.complaints, 0);
    assert_eq!(w.site_extras().unwrap()["1"]["联系人"], "王老师");
}

#[test]
fn colliding_ids_from_another_list_are_refused_whole_unless_replace() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace_with_two_sites(dir.path());
    let before = Workspace::open_existing(&ws)
        .unwrap()
        .institutions()
        .unwrap();
    // Another district's list numbered from 1 too: id 2 is a different business 1 km off.
    let other = dir.path().join("other.csv");
    std::fs::write(
        &other,
        "序号,名称,类型,证照,经度,纬度\n\
         2,丙学堂,training,licensed,116.362,39.961\n\
         3,丁书院,training,licensed,116.352,39.962\n",
    )
    .unwrap();
    let (success, out, err) = import(&ws, &other, &[]);
    assert!(!success, "a colliding id overwrote another site: {out}");
    assert!(out.contains("refused 2") && out.contains("乙托管"), "{out}");
    assert!(
        err.contains("nothing imported") && err.contains("--replace"),
        "{err}"
    );
    let after = Workspace::open_existing(&ws)
        .unwrap()
        .institutions()
        .unwrap();
    assert_eq!(after, before, "a refused import wrote something");

    let (success, out, err) = import(&ws, &other, &["--replace"]);
    assert!(success, "{err}");
    assert!(out.contains("added 1, updated 1"), "{out}");
    let names: Vec<String> = Workspace::open_existing(&ws)
        .unwrap()
        .institutions()
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names, ["甲培训", "丙学堂", "丁书院"]);
}

#[test]
fn dry_run_shows_the_changes_field_by_field_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace_with_two_sites(dir.path());
    let bytes_before = Workspace::open_existing(&ws).unwrap().township().unwrap();
    let f = dir.path().join("change.csv");
    std::fs::write(
        &f,
        "id,name,kind,licence,lon,lat,open_hours\n\
         1,甲培训,training,unlicensed,116.35,39.96,09:00-11:00\n\
         5,戊,care,licensed,116.353,39.963,\n",
    )
    .unwrap();
    let json = ok(
        &ws,
        &[
            "import",
            "institutions",
            f.to_str().unwrap(),
            "--crs",
            "wgs84",
            "--dry-run",
            "--json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["dry_run"], true);
    assert_eq!(v["written"], false);
    assert_eq!(
        (v["added"].as_u64(), v["updated"].as_u64()),
        (Some(1), Some(1))
    );
    let changes: Vec<(String, String, String)> = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["field"].as_str().unwrap().to_string(),
                c["before"].as_str().unwrap().to_string(),
                c["after"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            ("licence".into(), "licensed".into(), "unlicensed".into()),
            (
                "open_hours".into(),
                "08:00-12:00".into(),
                "09:00-11:00".into()
            ),
        ]
    );
    let after = Workspace::open_existing(&ws).unwrap().township().unwrap();
    assert_eq!(after.institutions, bytes_before.institutions);
    let (_, text, _) = import(&ws, &f, &["--dry-run"]);
    assert!(text.starts_with("dry run, nothing written"), "{text}");
}

#[test]
fn a_cell_overlapping_a_stored_cell_is_refused_and_nothing_is_imported() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("w.sqlite");
    ok(&ws, &["init"]);
    let before = Workspace::open_existing(&ws).unwrap().cells().unwrap();
    // Half of 第1网格 (C01): fine on its own, not beside the stored cells.
    let file = dir.path().join("extra-cell.geojson");
    std::fs::write(
        &file,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"C99","name":"新网格"},"geometry":{"type":"Polygon","coordinates":[[[116.348,39.9620034],[116.351,39.9620034],[116.351,39.9665],[116.348,39.9665],[116.348,39.9620034]]]}}]}"#,
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let (success, _out, err) = run(&ws, &["import", "cells", path, "--crs", "wgs84"]);
    assert!(!success, "an overlapping cell was accepted");
    assert!(
        err.contains("\"C01\"") && err.contains("\"C99\"") && err.contains("overlaps"),
        "{err}"
    );
    assert_eq!(
        Workspace::open_existing(&ws).unwrap().cells().unwrap(),
        before
    );
}
