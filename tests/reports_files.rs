//! The reports a county receives (周报告, 月通报, 台账, 白名单, 黑名单, the 双随机 result),
//! downloaded from the real server and written by the real CLI, opened with an
//! independent reader (Python's openpyxl): a title row naming the township and the
//! period, Chinese headers, Chinese values, frozen header rows, column widths, and the
//! same bytes from the page and the CLI. Also the officer register's routes by role and
//! the draw from the registers through the API.
#![allow(clippy::unwrap_used)]

mod web_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};
use web_support::{Server, INSPECTOR_A, LEAD};

/// A Python with openpyxl: `GP_OPENPYXL_PYTHON`, the `python3` on the path, Debian's
/// (`/usr/bin/python3`, where apt's python3-openpyxl lands even when another Python
/// comes first on the path), or a venv under `target/openpyxl` made on first use (as
/// scripts/api_fuzz.sh makes schemathesis's). Tests of this file run in parallel: the
/// venv is made once, by whichever asks first.
fn openpyxl_python() -> PathBuf {
    static FOUND: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    FOUND.get_or_init(find_openpyxl_python).clone()
}

fn find_openpyxl_python() -> PathBuf {
    let has = |python: &Path| {
        Command::new(python)
            .args(["-c", "import openpyxl"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if let Ok(p) = std::env::var("GP_OPENPYXL_PYTHON") {
        return PathBuf::from(p);
    }
    for system in ["python3", "/usr/bin/python3"] {
        if has(Path::new(system)) {
            return PathBuf::from(system);
        }
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/openpyxl");
    let python = venv.join("bin/python");
    if !has(&python) {
        let made = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .unwrap();
        assert!(made.success(), "python3 -m venv {}", venv.display());
        let pip = Command::new(venv.join("bin/pip"))
            .args([
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "openpyxl>=3,<4",
            ])
            .status()
            .unwrap();
        assert!(pip.success(), "pip install openpyxl");
    }
    python
}

const READ_XLSX: &str = r#"
import json, sys, openpyxl
book = openpyxl.load_workbook(sys.argv[1])
sheet = book.worksheets[0]
print(json.dumps({
    "sheet": sheet.title,
    "title": book.properties.title,
    "freeze": sheet.freeze_panes,
    "merged": [str(r) for r in sheet.merged_cells.ranges],
    "widths": {k: v.width for k, v in sheet.column_dimensions.items()},
    "rows": [list(r) for r in sheet.iter_rows(values_only=True)],
}, ensure_ascii=False, default=str))
"#;

/// The first sheet of an xlsx as openpyxl reads it.
fn read_xlsx(python: &Path, bytes: &[u8]) -> Value {
    let file = tempfile::Builder::new().suffix(".xlsx").tempfile().unwrap();
    std::fs::write(file.path(), bytes).unwrap();
    let out = Command::new(python)
        .args(["-c", READ_XLSX])
        .arg(file.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openpyxl: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn download(client: &reqwest::blocking::Client, server: &Server, path: &str) -> Vec<u8> {
    let r = client.get(server.url(path)).send().unwrap();
    assert_eq!(r.status(), 200, "{path}");
    r.bytes().unwrap().to_vec()
}

fn texts(row: &Value) -> Vec<String> {
    row.as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().map(str::to_string).unwrap_or_default())
        .collect()
}

/// Checks a report's xlsx and CSV: the title row, Chinese headers, frozen rows, widths,
/// and that the CSV says the same. Returns the data rows of the xlsx.
fn check_report(python: &Path, xlsx: &[u8], csv: &[u8], title_has: &[&str]) -> Vec<Vec<Value>> {
    let book = read_xlsx(python, xlsx);
    let rows = book["rows"].as_array().unwrap();
    let title = rows[0][0].as_str().unwrap();
    for word in title_has {
        assert!(title.contains(word), "title {title:?} names {word}");
    }
    assert_eq!(book["title"], title, "the document's title property");
    assert_eq!(book["freeze"], "A3", "title and header rows frozen");
    assert_eq!(book["merged"].as_array().unwrap().len(), 1, "{book}");
    let headers = texts(&rows[1]);
    assert!(headers.len() > 3);
    for h in &headers {
        assert!(
            !h.is_empty() && !h.chars().any(|c| c.is_ascii_alphabetic()),
            "header {h:?} is Chinese only"
        );
    }
    // Columns as wide as their contents (openpyxl lists equal neighbours once).
    let widths = book["widths"].as_object().unwrap();
    assert!(widths.contains_key("A"), "{widths:?}");
    assert!(
        widths.values().all(|w| w.as_f64().unwrap() >= 6.0),
        "{widths:?}"
    );
    // The CSV: BOM, the title line, the same headers.
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "a BOM for Excel and WPS");
    let text = std::str::from_utf8(&csv[3..]).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(&records[0][0], title);
    assert_eq!(records[1].iter().collect::<Vec<_>>(), headers);
    assert_eq!(records.len(), rows.len(), "as many rows as the xlsx");
    rows[2..]
        .iter()
        .map(|r| r.as_array().unwrap().clone())
        .collect()
}

fn column(headers: &[String], rows: &[Vec<Value>], name: &str) -> Vec<String> {
    let k = headers.iter().position(|h| h == name).unwrap();
    rows.iter()
        .map(|r| match &r[k] {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        })
        .collect()
}

const DAY: &str = "2025-03-12";

/// Records a few inspections of different outcomes and a register draw.
fn fill(server: &Server, lead: &reqwest::blocking::Client) {
    for (site, result, notes) in [
        ("S001", "hazard", Some("消防通道堵塞")),
        ("S002", "compliant", None),
        ("S003", "unlicensed_operation", None),
    ] {
        let r = lead
            .post(server.url("/api/inspections"))
            .json(&json!({"site_id": site, "date": DAY, "result": result, "notes": notes}))
            .send()
            .unwrap();
        assert_eq!(r.status(), 200, "{}", r.text().unwrap());
    }
    for (name, dept) in [("张伟", "市场监管"), ("李娜", "教育"), ("王强", "消防")] {
        let r = lead
            .post(server.url("/api/officers"))
            .json(&json!({"name": name, "department": dept}))
            .send()
            .unwrap();
        assert_eq!(r.status(), 200, "{}", r.text().unwrap());
    }
}

#[test]
fn every_report_downloads_in_chinese_and_matches_the_cli() {
    let python = openpyxl_python();
    let server = Server::start(&[]);
    let lead = server.client_as(LEAD);
    fill(&server, &lead);
    let drawn = lead
        .post(server.url("/api/draw"))
        .json(
            &json!({"sites": 1, "inspectors": 1, "seed": "2025-03-12 公开种子", "register": true}),
        )
        .send()
        .unwrap();
    assert_eq!(drawn.status(), 200, "{}", drawn.text().unwrap());
    let drawn: Value = drawn.json().unwrap();
    assert!(drawn["draw"]["publish_by"].is_string(), "{drawn}");

    let ws = server.workspace_path();
    let ws = ws.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cli = |args: &[&str]| web_support::gridpatrol(args, "");
    let reports: [(&str, &str, Vec<&str>, &[&str]); 6] = [
        ("ledger", "", vec!["ledger"], &["测试街道", "台账"]),
        (
            "weekly",
            "?date=2025-03-12",
            vec!["report", "weekly", "--date", DAY],
            &["测试街道", "周报告", "2025-03-10至2025-03-16"],
        ),
        (
            "monthly",
            "?date=2025-03-12",
            vec!["report", "monthly", "--date", DAY],
            &["测试街道", "月通报", "2025-03-01至2025-03-31"],
        ),
        (
            "whitelist",
            "?date=2025-03-12",
            vec!["export", "whitelist", "--to", DAY],
            &["测试街道", "白名单", "截至2025-03-12"],
        ),
        (
            "blacklist",
            "?date=2025-03-12",
            vec!["export", "blacklist", "--to", DAY],
            &["测试街道", "黑名单"],
        ),
        (
            "draw-1",
            "",
            vec!["draw", "publish", "--seq", "1"],
            &["测试街道", "双随机抽查结果公示", "第1批"],
        ),
    ];
    for (stem, query, args, title_has) in reports {
        let xlsx = download(&lead, &server, &format!("/api/export/{stem}.xlsx{query}"));
        let csv = download(&lead, &server, &format!("/api/export/{stem}.csv{query}"));
        let rows = check_report(&python, &xlsx, &csv, title_has);
        for ext in ["xlsx", "csv"] {
            let out = dir.path().join(format!("{stem}.{ext}"));
            let mut full = args.clone();
            full.extend(["--out", out.to_str().unwrap(), "--workspace", ws]);
            cli(&full);
            let page = if ext == "xlsx" { &xlsx } else { &csv };
            assert!(
                std::fs::read(&out).unwrap() == *page,
                "{stem}.{ext}: the CLI writes the same bytes as the page"
            );
        }
        let book = read_xlsx(&python, &xlsx);
        let headers = texts(&book["rows"][1]);
        match stem {
            "ledger" => {
                assert_eq!(rows.len(), 3);
                let results = column(&headers, &rows, "检查结果");
                assert!(results.contains(&"发现隐患".to_string()), "{results:?}");
                assert!(results.contains(&"合规".to_string()), "{results:?}");
                let findings = column(&headers, &rows, "发现问题");
                assert!(
                    findings.contains(&"发现隐患：消防通道堵塞".to_string()),
                    "{findings:?}"
                );
                for kind in column(&headers, &rows, "类别") {
                    assert!(["校外培训", "托管"].contains(&kind.as_str()), "{kind}");
                }
                for licence in column(&headers, &rows, "证照情况") {
                    assert!(
                        ["有证有照", "有照无证", "无证无照"].contains(&licence.as_str()),
                        "{licence}"
                    );
                }
                for cell in column(&headers, &rows, "网格") {
                    assert!(cell.starts_with('第') && cell.ends_with("网格"), "{cell}");
                }
                assert!(
                    headers.contains(&"照片数".to_string())
                        && headers.contains(&"整改期限".to_string())
                );
            }
            "weekly" | "monthly" => {
                for cell in column(&headers, &rows, "网格") {
                    assert!(cell.starts_with('第') && cell.ends_with("网格"), "{cell}");
                }
            }
            "blacklist" => {
                let reasons = column(&headers, &rows, "列入原因");
                assert!(
                    reasons.contains(&"检查发现无证违规经营".to_string()),
                    "{reasons:?}"
                );
            }
            "draw-1" => {
                for officers in column(&headers, &rows, "检查人员") {
                    let each: Vec<&str> = officers.split('、').collect();
                    assert_eq!(each.len(), 2, "{officers}");
                    assert!(
                        each.iter().all(|o| o.ends_with('）')),
                        "with their department: {officers}"
                    );
                }
                let publish_by = column(&headers, &rows, "公示截止");
                assert!(publish_by.iter().all(|p| p.len() == 10), "{publish_by:?}");
            }
            _ => {}
        }
        // No English code anywhere in the values.
        for row in &rows {
            for v in row {
                if let Some(s) = v.as_str() {
                    for code in [
                        "training",
                        "unlicensed",
                        "hazard",
                        "licensed",
                        "care",
                        "compliant",
                    ] {
                        assert!(!s.contains(code), "{stem}: {s:?} holds the code {code}");
                    }
                }
            }
        }
    }
}

#[test]
fn the_registers_answer_leads_only_and_a_short_register_is_refused() {
    let server = Server::start(&[]);
    let lead = server.client_as(LEAD);
    let inspector = server.client_as(INSPECTOR_A);
    assert_eq!(
        inspector
            .get(server.url("/api/officers"))
            .send()
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        reqwest::blocking::get(server.url("/api/draws"))
            .unwrap()
            .status(),
        401
    );
    // One officer: the draw is refused, saying what is short, and nothing is logged.
    let one = lead
        .post(server.url("/api/officers"))
        .json(&json!({"name": "张伟", "department": "市场监管"}))
        .send()
        .unwrap();
    assert_eq!(one.status(), 200);
    let refused = lead
        .post(server.url("/api/draw"))
        .json(&json!({"sites": 1, "inspectors": 1, "seed": "s", "register": true}))
        .send()
        .unwrap();
    assert_eq!(refused.status(), 400);
    let message = refused.json::<Value>().unwrap()["error"]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(message.contains("执法检查人员名录库只有 1 名"), "{message}");
    let log: Value = lead
        .get(server.url("/api/draws"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(log["draws"].as_array().unwrap().len(), 0);

    // Two officers, one declared a conflict with every site: refused naming a site.
    lead.post(server.url("/api/officers"))
        .json(&json!({"name": "李娜", "department": "教育"}))
        .send()
        .unwrap();
    let conflict = lead
        .post(server.url("/api/officers/conflicts"))
        .json(&json!({"officer": "李娜", "site_id": "S001", "reason": "亲属开办"}))
        .send()
        .unwrap();
    assert_eq!(conflict.status(), 200);
    let register: Value = conflict.json().unwrap();
    let li = register["officers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "李娜")
        .unwrap();
    assert_eq!(li["department"], "教育");
    assert_eq!(li["conflicts"], json!(["S001"]));
    let tiers = register["tiers"].as_object().unwrap();
    assert!(tiers.values().map(|v| v.as_u64().unwrap()).sum::<u64>() > 0);

    let bad = lead
        .post(server.url("/api/officers/conflicts"))
        .json(&json!({"officer": "无此人", "site_id": "S001"}))
        .send()
        .unwrap();
    assert_eq!(bad.status(), 400);

    // Three officers: every target gets two, 李娜 never at S001.
    lead.post(server.url("/api/officers"))
        .json(&json!({"name": "王强", "department": "消防"}))
        .send()
        .unwrap();
    let made: Value = lead
        .post(server.url("/api/draw"))
        .json(&json!({"sites": 1, "inspectors": 1, "seed": "s", "register": true}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    for site in made["draw"]["sites"].as_array().unwrap() {
        let officers = site["officers"].as_array().unwrap();
        assert_eq!(officers.len(), 2, "{site}");
        if site["id"] == "S001" {
            assert!(!officers.contains(&json!("李娜")), "{site}");
        }
    }
    let log: Value = lead
        .get(server.url("/api/draws"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(log["draws"][0]["hash"], log["head"]);
    assert_eq!(log["draws"][0]["register"], true);
    assert!(log["draws"][0]["publish_by"].is_string());
    // The chain holds, old-style and register draws alike.
    let old = lead
        .post(server.url("/api/draw"))
        .json(&json!({"sites": 2, "inspectors": 1, "seed": "t"}))
        .send()
        .unwrap();
    assert_eq!(old.status(), 200);
    let verified = web_support::gridpatrol(
        &[
            "draw",
            "verify",
            "--workspace",
            server.workspace_path().to_str().unwrap(),
        ],
        "",
    );
    assert!(!verified.is_empty());
}

/// In real Chromium: the lead fills the officer register, draws, and downloads each
/// report from the page; every file then opens in openpyxl with its title row and
/// Chinese headers (`tests/web/reports.mjs`).
#[test]
fn reports_download_from_the_page_in_chromium() {
    let Some(node) = web_support::browser_prerequisites() else {
        return;
    };
    let python = openpyxl_python();
    let server = Server::start(&[]);
    let lead = server.client_as(LEAD);
    for (site, result) in [
        ("S001", "hazard"),
        ("S002", "compliant"),
        ("S003", "unlicensed_operation"),
    ] {
        let r = lead
            .post(server.url("/api/inspections"))
            .json(&json!({"site_id": site, "date": DAY, "result": result}))
            .send()
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    let downloads = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new(node)
        .arg(root.join("tests/web/reports.mjs"))
        .current_dir(root)
        .env("GP_URL", server.url(""))
        .env("GP_USER", LEAD)
        .env("GP_PASSWORD", web_support::PASSWORD)
        .env("GP_DOWNLOADS", downloads.path())
        .env("GP_REPORT_DAY", DAY)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("reports: all steps passed"),
        "reports.mjs:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for (stem, words) in [
        ("draw-1", &["测试街道", "双随机"][..]),
        (
            "weekly",
            &["测试街道", "周报告", "2025-03-10至2025-03-16"][..],
        ),
        ("monthly", &["测试街道", "月通报"][..]),
        ("whitelist", &["测试街道", "白名单"][..]),
        ("blacklist", &["测试街道", "黑名单"][..]),
        ("ledger", &["测试街道", "台账"][..]),
    ] {
        let read =
            |ext: &str| std::fs::read(downloads.path().join(format!("{stem}.{ext}"))).unwrap();
        let rows = check_report(&python, &read("xlsx"), &read("csv"), words);
        if stem == "ledger" {
            let text = serde_json::to_string(&rows).unwrap();
            assert!(
                text.contains("发现隐患") && text.contains("无证违规经营"),
                "{text}"
            );
        }
    }
    server.stop_gracefully();
}
