//! The township's rules live in `src/rules.rs` alone: this test reads the library's code
//! (comments, strings and `#[cfg(test)]` modules aside) and fails when one of the
//! policy numbers appears as a literal where its kind of rule is being applied (a
//! number of days on a line about days, a clock hour beside `3600`, a visit's minutes
//! beside `* 60`, metres beside a distance, degrees beside an angle), or when a
//! default clock time of a shift is written out. A hit that is not a rule goes in
//! `ALLOWED` (or, for a file of calendar facts, `ALLOWED_FILES`), with the reason.

mod source_support;

use std::path::Path;

use source_support::{code_only, rust_files};

/// The kinds of policy number: their default values and the words that say a line
/// applies that kind of rule (looked for in the line and the five before it).
const KINDS: &[(&str, &[f64], &[&str])] = &[
    // Overdue 30/60/180, tip-offs 30, 整改 14, 回头看 30, the map's 30 days (29 back
    // from today), hotspot findings 365, night re-check 7.
    (
        "days",
        &[7.0, 14.0, 29.0, 30.0, 60.0, 180.0, 365.0],
        &["day"],
    ),
    // Day 08:30-17:30, lunch 11:30-13:00, night 19:00-22:00, as hours.
    (
        "clock hours",
        &[8.5, 11.5, 13.0, 17.5, 19.0, 22.0],
        &["3600", "h("],
    ),
    // 20 min per institution, 30 per hotspot.
    (
        "visit minutes",
        &[20.0, 30.0],
        &["* 60", "minute", "service"],
    ),
    // 500 m to a street, 100 m to a hotspot, 15 m track buffer.
    (
        "metres",
        &[15.0, 100.0, 500.0],
        &["_m ", "_m:", "_m,", "snap", "metre", "near", "buffer"],
    ),
    // A track runs along a street within 35°.
    ("degrees", &[35.0], &["angle", "deg"]),
];

/// Shift clock times as text.
const CLOCK_TEXTS: &[&str] = &["08:30", "17:30", "11:30", "13:00", "19:00", "22:00"];

/// Files whose numbers are facts, not rules: (file, why).
const ALLOWED_FILES: &[(&str, &str)] = &[(
    "src/calendar/opening_hours.rs",
    "weekday and clock arithmetic: 7 days a week, 60 minutes an hour",
)];

/// Hits that are not rules: (file, the code on the line, why it is allowed).
const ALLOWED: &[(&str, &str, &str)] = &[
    (
        "src/server/sweep.rs",
        "v > 0.5 && v <= 30.0",
        "the bounds of a walking speed a request may give (km/h), not a rule",
    ),
    (
        "src/shift/priority.rs",
        "d.clamp(0, 365) / 92",
        "the solver's tie-break inside a class: a year cut into quarters",
    ),
    (
        "src/campaign/tests.rs",
        "TimeWindow::new(14.0 * HOUR, 16.0 * HOUR)",
        "a unit test's site opening at 14:00, not a rule",
    ),
    (
        "src/api/answers.rs",
        "swept_pct / 100.0",
        "a percentage turned into a fraction",
    ),
    (
        "src/coverage/coverage.rs",
        "100.0 * self.swept_m / street_m",
        "a fraction turned into a percentage",
    ),
    (
        "src/coverage/coverage.rs",
        "self.inspected_pct = 100.0 *",
        "a fraction turned into a percentage",
    ),
    (
        "src/calendar/opening_hours.rs",
        "MINUTES_PER_DAY: u32 = 24 * 60",
        "minutes in an hour: the clock, not a rule",
    ),
    (
        "src/calendar/opening_hours.rs",
        "OSM_WEEKDAYS: [&str; 7]",
        "the seven days of the week",
    ),
    (
        "src/calendar/opening_hours.rs",
        "while day < 7",
        "the seven days of the week",
    ),
    (
        "src/calendar/opening_hours.rs",
        "while last + 1 < 7",
        "the seven days of the week",
    ),
    (
        "src/calendar/opening_hours.rs",
        "day = (day + 1) % 7",
        "the seven days of the week",
    ),
];

/// Numeric literals on a line of code: (text, value).
fn numbers(line: &str) -> Vec<(String, f64)> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts = chars[i].is_ascii_digit()
            && (i == 0
                || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_' || chars[i - 1] == '.'));
        if !starts {
            i += 1;
            continue;
        }
        let mut text = String::new();
        while i < chars.len()
            && (chars[i].is_ascii_digit()
                || chars[i] == '_'
                || (chars[i] == '.' && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit())))
        {
            text.push(chars[i]);
            i += 1;
        }
        if let Ok(value) = text.replace('_', "").parse::<f64>() {
            out.push((text, value));
        }
        while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
            i += 1; // a suffix such as `_i64` or `f64`
        }
    }
    out
}

/// The code before the file's `#[cfg(test)]` module (tests may spell defaults out).
fn non_test(code: &str) -> &str {
    code.find("#[cfg(test)]").map_or(code, |at| &code[..at])
}

/// Every policy literal outside `src/rules.rs`: `file:line: kind value: code`.
fn policy_literals(root: &Path) -> Vec<String> {
    let src = root.join("src");
    let mut hits = Vec::new();
    for file in rust_files(&src) {
        let name = file
            .strip_prefix(root)
            .expect("under the root")
            .display()
            .to_string();
        if name == "src/rules.rs" || ALLOWED_FILES.iter().any(|(f, _)| *f == name) {
            continue;
        }
        let raw = std::fs::read_to_string(&file).expect("read a source file");
        let raw_lines: Vec<&str> = non_test(&raw).lines().collect();
        let code = code_only(&raw);
        let lines: Vec<&str> = non_test(&code).lines().collect();
        for (n, line) in lines.iter().enumerate() {
            let allowed = ALLOWED
                .iter()
                .any(|(f, text, _)| *f == name && line.contains(text));
            if allowed {
                continue;
            }
            let context = lines[n.saturating_sub(5)..=n].join("\n").to_lowercase();
            for (text, value) in numbers(line) {
                for (kind, values, words) in KINDS {
                    if values.contains(&value) && words.iter().any(|w| context.contains(w)) {
                        hits.push(format!("{name}:{}: {kind} {text}: {}", n + 1, line.trim()));
                    }
                }
            }
            if let Some(raw_line) = raw_lines.get(n) {
                let code_part = raw_line.split("//").next().unwrap_or_default();
                for clock in CLOCK_TEXTS {
                    if code_part.contains(&format!("\"{clock}")) {
                        hits.push(format!(
                            "{name}:{}: clock {clock}: {}",
                            n + 1,
                            raw_line.trim()
                        ));
                    }
                }
            }
        }
    }
    hits
}

#[test]
fn policy_numbers_appear_only_in_the_rules_file() {
    let hits = policy_literals(Path::new(env!("CARGO_MANIFEST_DIR")));
    assert!(
        hits.is_empty(),
        "policy numbers outside src/rules.rs (read them from `Rules`, or add the line to \
         ALLOWED with why it is not a rule):\n{}",
        hits.join("\n")
    );
}

#[test]
fn the_scan_finds_a_rule_written_as_a_literal() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        src.join("store.rs"),
        "fn due(day: NaiveDate) -> NaiveDate {\n    day + Duration::days(14)\n}\n\
         const NIGHT: f64 = 19.0 * 3600.0;\nfn window() -> &'static str { \"22:00\" }\n\
         // a comment may say 30 days\nconst PERCENT: f64 = 100.0;\n\
         #[cfg(test)]\nmod tests { const D: i64 = 30; fn days() {} }\n",
    )
    .unwrap();
    std::fs::write(src.join("rules.rs"), "const DAYS: i64 = 30;\n").unwrap();
    let hits = policy_literals(dir.path());
    assert_eq!(hits.len(), 3, "{hits:#?}");
    assert!(hits[0].starts_with("src/store.rs:2: days 14"), "{hits:#?}");
    assert!(
        hits[1].starts_with("src/store.rs:4: clock hours 19.0"),
        "{hits:#?}"
    );
    assert!(
        hits[2].starts_with("src/store.rs:5: clock 22:00"),
        "{hits:#?}"
    );
    assert_eq!(
        numbers("x_1 + 2_000.5f64 * a.0 + 7i64"),
        [("2_000.5".to_string(), 2000.5), ("7".to_string(), 7.0)]
    );
}
