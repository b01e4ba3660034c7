//! The coverage, hotspot, draw, ledger, report and export commands through the real
//! binary, on a small township built in the test; GeoJSON checked by GDAL's ogrinfo.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on bad data on purpose

mod cli_support;
use cli_support::{gridpatrol_in as run, gridpatrol_in_ok as ok};

use std::path::{Path, PathBuf};
use std::process::Command;

use geo::{LineString, Polygon};
use gridpatrol::model::bounds::LonLat;
use gridpatrol::model::*;
use gridpatrol::store::Workspace;
use gridpatrol::Wgs84;

fn square(x: f64, y: f64, side: f64) -> Wgs84Polygon {
    // Clockwise on purpose: exports must turn it counter-clockwise.
    Wgs84(Polygon::new(
        LineString::from(vec![
            (x, y),
            (x, y + side),
            (x + side, y + side),
            (x + side, y),
            (x, y),
        ]),
        vec![],
    ))
}

fn site(id: &str, lon: f64, lat: f64, licence: Licence) -> Institution {
    Institution {
        id: id.into(),
        name: format!("机构,{id}"),
        kind: if id.ends_with('2') {
            InstitutionKind::Care
        } else {
            InstitutionKind::Training
        },
        subject: None,
        licence,
        address: Some("海淀区 \"某路\" 1号".into()),
        location: Wgs84Point::new(lon, lat),
        open_hours: None,
        complaints: 1,
        last_inspected: None,
        synthetic: true,
    }
}

/// Two cells of ~850 m, six sites, a school, two hotspots, a depot and two streets.
fn make_workspace(dir: &Path) -> PathBuf {
    let path = dir.join("w.sqlite");
    let mut ws = Workspace::open(&path).unwrap();
    let t = Township {
        name: "测试街道".into(),
        extent: None,
        cells: vec![
            Cell {
                id: "C1".into(),
                name: "一格".into(),
                officer: Some("王".into()),
                area: square(116.0, 40.0, 0.01),
            },
            Cell {
                id: "C2".into(),
                name: "二格".into(),
                officer: None,
                area: square(116.01, 40.0, 0.01),
            },
        ],
        institutions: vec![
            site("S1", 116.005, 40.005, Licence::Licensed),
            site("S2", 116.006, 40.005, Licence::Unlicensed),
            site("S3", 116.003, 40.008, Licence::RegisteredOnly),
            site("S4", 116.015, 40.005, Licence::RegisteredOnly),
            site("S5", 116.016, 40.006, Licence::Unlicensed),
            site("S6", 116.017, 40.002, Licence::Licensed),
        ],
        schools: vec![School {
            id: "K1".into(),
            name: "小学".into(),
            location: Wgs84Point::new(116.0055, 40.006),
        }],
        hotspots: vec![
            Hotspot {
                id: "H1".into(),
                name: "写字楼".into(),
                kind: HotspotKind::OfficeBuilding,
                area: square(116.0058, 40.0048, 0.0004),
            },
            Hotspot {
                id: "H2".into(),
                name: "小区".into(),
                kind: HotspotKind::ResidentialCompound,
                area: square(116.018, 40.008, 0.001),
            },
        ],
        depots: vec![Depot {
            id: "D1".into(),
            name: "街道办".into(),
            location: Wgs84Point::new(116.0, 40.0),
        }],
    };
    ws.import_township(&t).unwrap();
    ws.replace_streets(&[
        (
            Some("一路".into()),
            vec![LonLat::new(116.001, 40.002), LonLat::new(116.009, 40.002)],
        ),
        (
            Some("二路".into()),
            vec![LonLat::new(116.011, 40.002), LonLat::new(116.019, 40.002)],
        ),
    ])
    .unwrap();
    path
}

/// Checks a GeoJSON file with GDAL: must open, have `n` features, and be EPSG:4326.
fn ogrinfo_check(file: &Path, n: usize) {
    let Ok(out) = Command::new("ogrinfo")
        .args(["-ro", "-al", "-so"])
        .arg(file)
        .output()
    else {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("ogrinfo is missing (apt-get install gdal-bin)");
        }
        eprintln!(
            "note: ogrinfo not installed; skipping the GDAL check of {}",
            file.display()
        );
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "ogrinfo rejected {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains(&format!("Feature Count: {n}")),
        "{}: {text}",
        file.display()
    );
    assert!(
        text.contains("WGS 84") || text.contains("4326"),
        "{}: {text}",
        file.display()
    );
}

#[test]
fn inspections_feed_coverage_and_exports() {
    let dir = tempfile::tempdir().unwrap();
    let ws = make_workspace(dir.path());
    ok(
        &ws,
        &[
            "inspect",
            "S1",
            "--at",
            "2025-03-03T10:00",
            "--team",
            "T1",
            "--result",
            "compliant",
        ],
    );
    ok(
        &ws,
        &[
            "inspect",
            "S2",
            "--at",
            "2025-03-03T10:30",
            "--team",
            "T1",
            "--result",
            "unlicensed_operation",
            "--close",
            "--lookback-days",
            "14",
            "--notes",
            "无证",
        ],
    );
    ok(
        &ws,
        &[
            "inspect",
            "S4",
            "--at",
            "2025-03-04T15:00",
            "--team",
            "T2",
            "--result",
            "hazard",
            "--rectify-by",
            "2025-03-18",
        ],
    );
    let night = ok(
        &ws,
        &[
            "inspect",
            "H1",
            "--at",
            "2025-03-04T20:00",
            "--team",
            "N1",
            "--result",
            "compliant",
        ],
    );
    assert!(night.contains("night check"), "{night}");
    let (fail, _, err) = run(
        &ws,
        &[
            "inspect",
            "NOPE",
            "--at",
            "2025-03-04T20:00",
            "--team",
            "N1",
            "--result",
            "compliant",
        ],
    );
    assert!(!fail && err.contains("NOPE"), "{err}");

    let gpx = dir.path().join("walk.gpx");
    std::fs::write(
        &gpx,
        r#"<?xml version="1.0"?><gpx version="1.1" creator="test"><trk><name>早班</name><trkseg>
<trkpt lat="40.00208" lon="116.0010"><time>2025-03-05T09:00:00Z</time></trkpt>
<trkpt lat="40.00208" lon="116.0050"/></trkseg></trk></gpx>"#,
    )
    .unwrap();
    let track = ok(
        &ws,
        &[
            "record-track",
            gpx.to_str().unwrap(),
            "--team",
            "T1",
            "--at",
            "2025-03-05T09:00",
        ],
    );
    assert!(track.contains("swept"), "{track}");
    // The track is in the audit log, with the team and what it swept.
    let audit = ok(&ws, &["audit"]);
    assert!(
        audit
            .lines()
            .any(|l| l.contains("\ttrack\tT1\t") && l.contains("walk.gpx") && l.contains("swept")),
        "{audit}"
    );

    let geo = dir.path().join("coverage.geojson");
    let json = ok(
        &ws,
        &[
            "coverage",
            "--from",
            "2025-03-01",
            "--to",
            "2025-03-31",
            "--json",
            "--geojson",
            geo.to_str().unwrap(),
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let c1 = &v["cells"][0];
    assert_eq!(c1["cell_id"], "C1");
    assert_eq!(c1["sites_total"], 3);
    assert_eq!(c1["sites_inspected"], 2);
    assert_eq!(c1["hotspots_checked_night"], 1);
    let pct = c1["swept_pct"].as_f64().unwrap();
    assert!((pct - 50.0).abs() < 3.0, "{pct}");
    assert_eq!(v["cells"][1]["sites_inspected"], 1);
    ogrinfo_check(&geo, 2);
    let table = ok(
        &ws,
        &["coverage", "--from", "2025-03-01", "--to", "2025-03-31"],
    );
    assert!(table.contains("C2"), "{table}");

    let hs = ok(&ws, &["hotspots", "--json", "--date", "2025-03-10"]);
    let v: serde_json::Value = serde_json::from_str(&hs).unwrap();
    let h1 = v["hotspots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["hotspot_id"] == "H1")
        .unwrap();
    assert_eq!(h1["components"]["past_findings"]["count"], 1.0);
    assert_eq!(h1["components"]["since_night_check"]["count"], 6.0);

    // Ledger and reports.
    let csv = dir.path().join("ledger.csv");
    ok(
        &ws,
        &[
            "ledger",
            "--from",
            "2025-03-01",
            "--to",
            "2025-03-31",
            "--out",
            csv.to_str().unwrap(),
        ],
    );
    let bytes = std::fs::read(&csv).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    // A title line naming the period, then the headers, then a row per inspection.
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let (title, table) = text.split_once('\n').unwrap();
    assert!(title.contains("台账（2025-03-01至2025-03-31）"), "{title}");
    let mut r = csv::Reader::from_reader(table.as_bytes());
    let headers = r.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(&rows[1][col("机构编号")], "S2");
    assert_eq!(&rows[1][col("机构名称")], "机构,S2");
    assert!(rows[1][col("后续处理")].contains("关停"), "{:?}", &rows[1]);
    let xlsx = dir.path().join("ledger.xlsx");
    ok(&ws, &["ledger", "--out", xlsx.to_str().unwrap()]);
    assert_eq!(&std::fs::read(&xlsx).unwrap()[..2], b"PK");
    let weekly = dir.path().join("weekly.csv");
    let out = ok(
        &ws,
        &[
            "report",
            "weekly",
            "--date",
            "2025-03-05",
            "--out",
            weekly.to_str().unwrap(),
        ],
    );
    assert!(out.contains("周报告（2025-03-03至2025-03-09）"), "{out}");
    let monthly = dir.path().join("monthly.xlsx");
    ok(
        &ws,
        &[
            "report",
            "monthly",
            "--date",
            "2025-03-05",
            "--out",
            monthly.to_str().unwrap(),
        ],
    );

    // Lists: S2 was closed, S5 is unlicensed; S1 is licensed and compliant.
    let black = dir.path().join("black.csv");
    ok(
        &ws,
        &["export", "blacklist", "--out", black.to_str().unwrap()],
    );
    let text = String::from_utf8(std::fs::read(&black).unwrap()).unwrap();
    assert!(
        text.contains("S2") && text.contains("S5") && !text.contains("S1,"),
        "{text}"
    );
    let white = dir.path().join("white.csv");
    ok(
        &ws,
        &["export", "whitelist", "--out", white.to_str().unwrap()],
    );
    let text = String::from_utf8(std::fs::read(&white).unwrap()).unwrap();
    assert!(text.contains("S1") && !text.contains("S2"), "{text}");

    for (layer, n) in [
        ("institutions", 6),
        ("schools", 1),
        ("cells", 2),
        ("hotspots", 2),
        ("depots", 1),
        ("coverage", 2),
        ("inspections", 3),
    ] {
        let f = dir.path().join(format!("{layer}.geojson"));
        ok(
            &ws,
            &[
                "export",
                layer,
                "--out",
                f.to_str().unwrap(),
                "--from",
                "2025-03-01",
                "--to",
                "2025-03-31",
            ],
        );
        ogrinfo_check(&f, n);
    }
}

#[test]
fn draw_is_reproducible_and_tampering_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    let (wa, wb) = (make_workspace(&a), make_workspace(&b));
    let args = [
        "draw",
        "--k",
        "4",
        "--seed",
        "2025-03-01 福彩 123",
        "--by",
        "cell",
        "--inspectors",
        "李,张,王",
        "--json",
    ];
    let da: serde_json::Value = serde_json::from_str(&ok(&wa, &args)).unwrap();
    let db: serde_json::Value = serde_json::from_str(&ok(&wb, &args)).unwrap();
    assert_eq!(da["draw"]["picks"], db["draw"]["picks"]);
    let per_cell = |c: &str| {
        da["draw"]["picks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["stratum"] == c)
            .count()
    };
    assert_eq!((per_cell("C1"), per_cell("C2")), (2, 2));
    let other: serde_json::Value = serde_json::from_str(&ok(
        &wa,
        &["draw", "--k", "4", "--seed", "another", "--json"],
    ))
    .unwrap();
    assert_eq!(other["seq"], 2);
    assert_eq!(other["prev_hash"], da["hash"]);

    let pub_csv = dir.path().join("draw.csv");
    ok(
        &wa,
        &[
            "draw",
            "--k",
            "2",
            "--seed",
            "x",
            "--by",
            "kind",
            "--csv",
            pub_csv.to_str().unwrap(),
        ],
    );
    let text = String::from_utf8(std::fs::read(&pub_csv).unwrap()).unwrap();
    assert_eq!(
        text.lines().count(),
        4,
        "a title, the headers, two targets: {text}"
    );
    assert!(text.contains("双随机抽查结果公示（第3批"), "{text}");

    assert!(ok(&wa, &["draw", "verify"]).starts_with("ok: 3 draws"));
    // Tamper with the second draw: swap a pick's inspector.
    {
        let mut ws = Workspace::open_existing(&wa).unwrap();
        let body = ws.draw_log().unwrap()[1].body.clone();
        let edited = body.replacen("\"inspector\":null", "\"inspector\":\"王\"", 1);
        assert_ne!(body, edited);
        ws.draw_tamper(2, &edited).unwrap();
    }
    let (success, _, err) = run(&wa, &["draw", "verify"]);
    assert!(!success && err.contains("draw 2"), "{err}");
    let (success, _, err) = run(&wb, &["draw", "--k", "99", "--seed", "x"]);
    assert!(!success && err.contains("99"), "{err}");
}
