//! Every word a user reads lives in `locales/`: the core (which composes every reply) holds no
//! sentence in a string literal. Log lines, error types for operators and tests are exempt.

use ecabot_tests::workspace_root;

/// A literal reads like prose when it has two or more words of letters.
fn looks_like_prose(literal: &str) -> bool {
    literal
        .split(' ')
        .filter(|w| w.len() >= 2 && w.chars().all(|c| c.is_alphabetic() || ",.!?'".contains(c)))
        .count()
        >= 2
}

fn literals(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find('"') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('"') else { break };
        out.push(after[..end].to_owned());
        rest = &after[end + 1..];
    }
    out
}

const EXEMPT: &[&str] = &[
    "tracing::",
    "#[error(",
    ".expect(",
    "panic!(",
    "//",
    "assert",
];

fn prose_in(source: &str) -> Vec<String> {
    let code = source.split("#[cfg(test)]").next().unwrap_or_default();
    code.lines()
        .filter(|l| !EXEMPT.iter().any(|e| l.contains(e)))
        .flat_map(literals)
        .filter(|l| looks_like_prose(l))
        .collect()
}

#[test]
fn the_detector_finds_sentences() {
    assert_eq!(
        prose_in(r#"let x = Rich::text("Hello there, friend");"#),
        ["Hello there, friend"]
    );
    assert!(prose_in(r#"let id = "topic-join"; let t = "members";"#).is_empty());
    assert!(prose_in(r#"tracing::warn!("message missing here");"#).is_empty());
    assert!(prose_in("code\n#[cfg(test)]\nlet s = \"a test sentence here\";").is_empty());
}

#[test]
fn the_core_composes_replies_only_from_locale_files() {
    let dir = workspace_root().join("crates/core/src");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            for literal in prose_in(&std::fs::read_to_string(&path).unwrap()) {
                found.push(format!(
                    "{}: {literal:?}",
                    path.file_name().unwrap().to_string_lossy()
                ));
            }
        }
    }
    assert!(
        found.is_empty(),
        "user-facing text in code; move it to locales/:\n{}",
        found.join("\n")
    );
}
