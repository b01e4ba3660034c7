//! A lead's list through the real binary: the committed xlsx with Chinese headers and
//! no ids is previewed with `--dry-run` (nothing written), then imported: rows with an
//! address are placed by the offline look-up on the sample's extract, a row it cannot
//! place is kept as needing a position, a bad row is refused with its sheet, row and
//! column, and the other columns are kept as extra attributes.
#![allow(clippy::unwrap_used)]

mod cli_support;
use cli_support::{gridpatrol_in as run, gridpatrol_in_ok as ok};

use std::path::{Path, PathBuf};

use gridpatrol::store::Workspace;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lead-list.xlsx")
}

fn import(ws: &Path, extra: &[&str]) -> String {
    let file = fixture();
    let mut args = vec![
        "import",
        "institutions",
        file.to_str().unwrap(),
        "--crs",
        "wgs84",
    ];
    args.extend_from_slice(extra);
    ok(ws, &args)
}

fn sample_workspace(dir: &Path) -> PathBuf {
    let ws = dir.join("w.sqlite");
    ok(&ws, &["init"]);
    ws
}

#[test]
fn the_preview_writes_nothing_and_says_what_each_row_would_do() {
    let dir = tempfile::tempdir().unwrap();
    let ws = sample_workspace(dir.path());
    let before = Workspace::open_existing(&ws)
        .unwrap()
        .institutions()
        .unwrap();
    let out = import(&ws, &["--dry-run"]);
    assert!(out.starts_with("dry run, nothing written: "), "{out}");
    assert!(
        out.contains("added 3, changed 0, unchanged 0, refused 1, needs a position 1"),
        "{out}"
    );
    assert!(out.contains("机构名称 -> name"), "{out}");
    assert!(out.contains("举办者 -> extra attribute"), "{out}");
    assert!(out.contains("新星英语培训"), "{out}");
    assert!(out.contains("found by address: 北京师范大学"), "{out}");
    assert!(out.contains("found by address: 学生活动中心"), "{out}");
    assert!(
        out.contains(
            r#"lead-list.xlsx sheet "机构名单" row 6: field "证照情况": unknown value "也许""#
        ),
        "{out}"
    );
    assert!(out.contains("needs a position"), "{out}");
    assert!(out.contains("火星培训 (火星路1号)"), "{out}");
    let w = Workspace::open_existing(&ws).unwrap();
    assert_eq!(
        w.institutions().unwrap(),
        before,
        "a dry run writes nothing"
    );
    assert!(w.pending_sites().unwrap().is_empty());
}

#[test]
fn importing_places_rows_keeps_the_unplaced_and_a_second_import_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let ws = sample_workspace(dir.path());
    let before = Workspace::open_existing(&ws)
        .unwrap()
        .institutions()
        .unwrap()
        .len();
    let out = import(&ws, &[]);
    assert!(out.contains("added 3,"), "{out}");
    let w = Workspace::open_existing(&ws).unwrap();
    let sites = w.institutions().unwrap();
    assert_eq!(sites.len(), before + 3);
    let care = sites.iter().find(|s| s.name == "小书包托管").unwrap();
    assert_eq!(care.kind, gridpatrol::model::InstitutionKind::Care);
    assert!(
        (care.location.lon() - 116.3511).abs() < 1e-3,
        "{:?}",
        care.location
    );
    let extras = w.site_extras().unwrap();
    assert_eq!(extras[&care.id]["举办者"], "李四");
    assert_eq!(extras[&care.id]["联系电话"], "13800000002");
    let pending = w.pending_sites().unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].name, "火星培训");
    assert!(
        pending[0]
            .place
            .ends_with(r#"lead-list.xlsx sheet "机构名单" row 5"#),
        "{}",
        pending[0].place
    );
    drop(w);

    let again = import(&ws, &["--json"]);
    let v: serde_json::Value = serde_json::from_str(&again).unwrap();
    assert_eq!(v["added"].as_array().unwrap().len(), 0, "{again}");
    assert_eq!(v["unchanged"], 3, "{again}");
    let w = Workspace::open_existing(&ws).unwrap();
    assert_eq!(w.pending_sites().unwrap().len(), 1, "kept once, not twice");
    assert_eq!(w.institutions().unwrap().len(), before + 3);
}

#[test]
fn a_pending_site_placed_becomes_a_site() {
    let dir = tempfile::tempdir().unwrap();
    let ws = sample_workspace(dir.path());
    import(&ws, &[]);
    let mut w = Workspace::open_existing(&ws).unwrap();
    let pending = w.pending_sites().unwrap().remove(0);
    let at = gridpatrol::Wgs84Point::new(116.355, 39.962);
    w.place_pending(pending.id, at).unwrap().unwrap();
    assert!(w.pending_sites().unwrap().is_empty());
    let site = w
        .institutions()
        .unwrap()
        .into_iter()
        .find(|s| s.id == pending.site_id)
        .unwrap();
    assert_eq!((site.name.as_str(), site.location), ("火星培训", at));
    let outside = w.place_pending(pending.id, at).unwrap();
    assert!(outside.is_none(), "placed once");
}

#[test]
fn other_layers_read_xlsx_strictly_with_sheet_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let ws = sample_workspace(dir.path());
    let file = fixture();
    let (success, _, err) = run(
        &ws,
        &[
            "import",
            "schools",
            file.to_str().unwrap(),
            "--crs",
            "wgs84",
        ],
    );
    assert!(!success);
    assert!(err.contains("lead-list.xlsx sheet \"机构名单\""), "{err}");
}

/// Before, a CSV row with an address and no coordinates failed the whole file.
#[test]
fn a_csv_list_without_ids_or_coordinates_is_imported_not_refused() {
    let dir = tempfile::tempdir().unwrap();
    let ws = sample_workspace(dir.path());
    let list = dir.path().join("名单.csv");
    std::fs::write(
        &list,
        "机构名称,地址,证照情况,举办者\n\
         书法小课堂,北京邮电大学科研楼二层,有照无证,周八\n\
         无名培训,不存在路8号,无证无照,吴九\n",
    )
    .unwrap();
    let out = ok(
        &ws,
        &[
            "import",
            "institutions",
            list.to_str().unwrap(),
            "--crs",
            "wgs84",
        ],
    );
    assert!(out.contains("added 1,"), "{out}");
    assert!(out.contains("needs a position 1"), "{out}");
    assert!(out.contains("found by address: 科研楼"), "{out}");
    let w = Workspace::open_existing(&ws).unwrap();
    assert!(w
        .institutions()
        .unwrap()
        .iter()
        .any(|s| s.name == "书法小课堂"));
    assert_eq!(w.pending_sites().unwrap()[0].name, "无名培训");
}
