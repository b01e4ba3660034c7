//! The library's modules form stairs that run one way: `src/lib.rs` lists the steps,
//! lowest first, and a module may use only modules on lower steps. This test reads every
//! `crate::` path in `src/` (outside the CLI, which is its own crate on top) and fails on
//! an upward or sideways edge, a cycle, or a module the list leaves out.

mod source_support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use source_support::{code_only, rust_files};

/// The steps as `lib.rs` writes them: lines `//! N. [`a`], [`b`]: what they are`.
fn steps_from_lib_doc(lib: &str) -> BTreeMap<String, usize> {
    let mut steps = BTreeMap::new();
    for line in lib.lines() {
        let Some(rest) = line.strip_prefix("//! ") else {
            continue;
        };
        let Some((number, tail)) = rest.split_once(". ") else {
            continue;
        };
        let Ok(step) = number.parse::<usize>() else {
            continue;
        };
        let modules = tail.split_once(':').map_or(tail, |(names, _)| names);
        for name in modules.split(',') {
            let name = name
                .trim()
                .trim_matches(|c| c == '[' || c == ']' || c == '`');
            assert!(
                steps.insert(name.to_string(), step).is_none(),
                "lib.rs lists `{name}` on two steps"
            );
        }
    }
    steps
}

/// Root re-exports (`pub use model::{Wgs84, ..};`): which module a `crate::Name` is.
fn root_reexports(lib: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in lib.lines() {
        let Some(rest) = line.trim().strip_prefix("pub use ") else {
            continue;
        };
        let rest = rest.trim_end_matches(';');
        let Some((module, names)) = rest.split_once("::") else {
            continue;
        };
        for name in names.trim_matches(|c| c == '{' || c == '}').split(',') {
            let name = name.trim();
            let name = name.rsplit("::").next().unwrap_or(name);
            out.insert(name.to_string(), module.to_string());
        }
    }
    out
}

/// The first segments of every path after `crate::`, including each branch of a
/// `crate::{a::X, b}` group.
fn crate_paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let rest_trim = rest.trim_start();
        if let Some(group) = rest_trim.strip_prefix('{') {
            let mut depth = 0;
            let mut item = String::new();
            let mut at_top = true;
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        at_top = true;
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                if at_top && depth == 0 {
                    if c.is_alphanumeric() || c == '_' {
                        item.push(c);
                    } else if !item.is_empty() {
                        out.push(std::mem::take(&mut item));
                        at_top = false;
                    }
                }
            }
            if at_top && !item.is_empty() {
                out.push(item);
            }
        } else {
            let name: String = rest_trim
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.push(name);
            }
        }
    }
    out
}

/// Module → (module it uses → a file that does).
fn edges(
    src: &Path,
    reexports: &BTreeMap<String, String>,
) -> BTreeMap<String, BTreeMap<String, String>> {
    let files = rust_files(src);
    let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(src).expect("under src");
        let first = relative.components().next().expect("a component");
        let module = first
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if module == "bin" || module == "lib" {
            continue;
        }
        let code = code_only(&std::fs::read_to_string(&file).expect("read a source file"));
        let uses = out.entry(module.clone()).or_default();
        for name in crate_paths(&code) {
            let target = reexports.get(&name).cloned().unwrap_or(name);
            if target != module && target != "self" {
                uses.entry(target)
                    .or_insert_with(|| relative.display().to_string());
            }
        }
    }
    out
}

/// A cycle among the modules, if any, as `a → b → a`.
fn find_cycle(graph: &BTreeMap<String, BTreeMap<String, String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeMap<String, String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flat_map(|m| m.keys()) {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|start| visit(start, graph, &mut Vec::new(), &mut done))
}

#[test]
fn modules_use_only_lower_steps_and_form_no_cycle() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib = std::fs::read_to_string(root.join("src/lib.rs")).expect("read src/lib.rs");
    let steps = steps_from_lib_doc(&lib);
    assert!(steps.len() > 5, "lib.rs's doc lists the steps: {steps:?}");
    let graph = edges(&root.join("src"), &root_reexports(&lib));

    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "the modules use each other in a cycle: {}",
            cycle.join(" → ")
        );
    }
    let mut problems = Vec::new();
    for (module, uses) in &graph {
        let Some(&from) = steps.get(module) else {
            problems.push(format!("`{module}` is not on any step in lib.rs's doc"));
            continue;
        };
        for (target, file) in uses {
            match steps.get(target) {
                None => problems.push(format!("{file}: uses `{target}`, which is on no step")),
                Some(&to) if to >= from => problems.push(format!(
                    "{file}: `{module}` (step {from}) uses `{target}` (step {to}): only lower steps"
                )),
                Some(_) => {}
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_reader_sees_groups_and_skips_comments_and_strings() {
    let code = code_only(
        "use crate::{model::Site, store};\n// crate::server\nlet s = \"crate::shift\";\n\
         /* crate::tiles */ let t = crate::units::haversine_m; let c = '\"'; fn f<'a>() {}",
    );
    assert_eq!(crate_paths(&code), ["model", "store", "units"]);
}

#[test]
fn an_upward_edge_or_a_cycle_is_found() {
    fn edge(graph: &mut BTreeMap<String, BTreeMap<String, String>>, a: &str, b: &str) {
        graph
            .entry(a.into())
            .or_default()
            .insert(b.into(), format!("{a}.rs"));
    }
    let mut graph = BTreeMap::new();
    edge(&mut graph, "store", "model");
    edge(&mut graph, "coverage", "store");
    assert_eq!(find_cycle(&graph), None);
    edge(&mut graph, "store", "coverage");
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["coverage".into(), "store".into(), "coverage".into()])
    );
    let steps = steps_from_lib_doc("//! 1. [`model`]: data\n//! 2. [`store`], [`x`]: rows\n");
    assert_eq!(steps["model"], 1);
    assert_eq!(steps["x"], 2);
}
