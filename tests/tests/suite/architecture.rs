//! The core's shape, checked: its modules depend on each other in one direction only, and it
//! depends on no chat SDK, HTTP stack or SQL driver, however indirectly.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use ecabot_tests::{rust_files, workspace_root};

/// The core's domain folders in dependency order (the order `lib.rs` documents): each may use
/// only itself and those before it.
const DOMAINS: &[&str] = &[
    "model",
    "ports",
    "formats",
    "language",
    "planning",
    "conversation",
    "delivery",
];

/// Crates the core must never pull in, directly or through another crate.
const FORBIDDEN: &[&str] = &[
    "teloxide",
    "teloxide-core",
    "serenity",
    "poise",
    "sqlx",
    "sqlx-core",
    "reqwest",
    "hyper",
    "axum",
    "rustls",
    "tokio-postgres",
    "rusqlite",
    "libsqlite3-sys",
];

/// The module a file defines: `src/conversation/mod.rs` is `conversation`, `src/model/call.rs`
/// is `model::call`.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts.join("::")
}

/// Every `crate::a::b…` path in the code, tests excluded: a test may reach anywhere.
fn crate_paths(code: &str) -> Vec<Vec<String>> {
    let code = code.split("#[cfg(test)]").next().unwrap_or_default();
    let mut out = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        if code[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
            continue; // `ecabot_crate::` or similar
        }
        let rest = &code[at + "crate::".len()..];
        let segs: Vec<String> = rest
            .split("::")
            .map(|s| {
                s.chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect::<String>()
            })
            .take_while(|s| !s.is_empty())
            .collect();
        out.push(segs);
    }
    out
}

/// The core's module graph: which module files use which, by `crate::` path.
fn core_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = workspace_root().join("crates/core/src");
    let files = rust_files(&src);
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(&src, f)).collect();
    let mut graph = BTreeMap::new();
    for file in &files {
        let from = module_of(&src, file);
        let code = std::fs::read_to_string(file).unwrap();
        let mut to = BTreeSet::new();
        for segs in crate_paths(&code) {
            // The longest prefix of the path that names a module file.
            let target = (1..=segs.len())
                .rev()
                .map(|n| segs[..n].join("::"))
                .find(|m| modules.contains(m));
            if let Some(target) = target
                && target != from
            {
                to.insert(target);
            }
        }
        graph.insert(from, to);
    }
    graph
}

fn domain(module: &str) -> &str {
    module.split("::").next().unwrap()
}

fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(node.to_owned(), 1);
        stack.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            match state.get(next.as_str()) {
                Some(1) => {
                    let start = stack.iter().position(|n| n == next).unwrap();
                    let mut cycle = stack[start..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                Some(_) => {}
                None => {
                    if let Some(cycle) = visit(next, graph, state, stack) {
                        return Some(cycle);
                    }
                }
            }
        }
        stack.pop();
        state.insert(node.to_owned(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        if !state.contains_key(node.as_str())
            && let Some(cycle) = visit(node, graph, &mut state, &mut Vec::new())
        {
            return Some(cycle);
        }
    }
    None
}

#[test]
fn the_core_has_no_module_circle() {
    let graph = core_graph();
    assert!(graph.len() > 20, "read the core's modules: {graph:?}");
    if let Some(cycle) = find_cycle(&graph) {
        panic!("module circle in the core: {}", cycle.join(" -> "));
    }
}

#[test]
fn the_cycle_finder_finds_a_circle() {
    let mut graph = BTreeMap::new();
    graph.insert("a".to_owned(), BTreeSet::from(["b".to_owned()]));
    graph.insert("b".to_owned(), BTreeSet::from(["c".to_owned()]));
    graph.insert("c".to_owned(), BTreeSet::from(["a".to_owned()]));
    assert_eq!(
        find_cycle(&graph).unwrap(),
        ["a", "b", "c", "a"].map(String::from)
    );
}

#[test]
fn the_core_domains_depend_downward_only() {
    let lib = std::fs::read_to_string(workspace_root().join("crates/core/src/lib.rs")).unwrap();
    let declared: BTreeSet<&str> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("pub mod ")?.strip_suffix(';'))
        .collect();
    assert_eq!(
        declared,
        DOMAINS.iter().copied().collect(),
        "lib.rs declares exactly the domains"
    );
    let rank = |m: &str| DOMAINS.iter().position(|d| *d == domain(m));
    let mut wrong = Vec::new();
    for (from, tos) in core_graph() {
        let Some(from_rank) = rank(&from) else {
            continue; // lib.rs
        };
        for to in tos {
            if rank(&to).is_some_and(|r| r > from_rank) {
                wrong.push(format!("{from} uses {to}"));
            }
        }
    }
    assert!(wrong.is_empty(), "a domain uses a later one: {wrong:#?}");
}

/// The packages `root` depends on, however indirectly, read from `Cargo.lock`.
fn dependencies_of(root: &str) -> BTreeSet<String> {
    let lock: toml::Table =
        toml::from_str(&std::fs::read_to_string(workspace_root().join("Cargo.lock")).unwrap())
            .unwrap();
    let packages = lock["package"].as_array().unwrap();
    let deps: BTreeMap<&str, Vec<&str>> = packages
        .iter()
        .map(|p| {
            let name = p["name"].as_str().unwrap();
            let deps = p
                .get("dependencies")
                .and_then(|d| d.as_array())
                .map(|d| {
                    d.iter()
                        .map(|d| d.as_str().unwrap().split(' ').next().unwrap())
                        .collect()
                })
                .unwrap_or_default();
            (name, deps)
        })
        .collect();
    let mut seen = BTreeSet::new();
    let mut todo = vec![root];
    while let Some(name) = todo.pop() {
        for dep in deps.get(name).into_iter().flatten() {
            if seen.insert(dep.to_string()) {
                todo.push(dep);
            }
        }
    }
    seen
}

#[test]
fn the_core_pulls_in_no_platform_http_or_sql_crate() {
    let core = dependencies_of("ecabot-core");
    assert!(
        core.contains("fluent-bundle"),
        "read the lock file: {core:?}"
    );
    let found: Vec<&&str> = FORBIDDEN.iter().filter(|f| core.contains(**f)).collect();
    assert!(found.is_empty(), "ecabot-core depends on {found:?}");
    // The check itself sees a platform crate where there is one.
    assert!(dependencies_of("ecabot-telegram").contains("teloxide"));
}
