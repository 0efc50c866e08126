//! Every word a user reads lives in `locales/`: the core (which composes every reply) holds no
//! sentence in a string literal. Log lines, error types for operators and tests are exempt.

use ecabot_tests::{rust_files, workspace_root};

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
    "assert",
    // Their text argument names the failure in the log; the user reads `store-error`.
    "store_failed(",
    "settle(",
];

/// Modules whose messages are for operators running `ecabot calls import`, in English like the
/// rest of the command line: the import formats and their line-numbered errors.
const OPERATOR_MODULES: &[&str] = &["ics.rs", "import.rs"];

/// The code without every span that starts at `marker` and runs to the bracket matching the
/// first `open` after it: log macro calls (`tracing::…(…)`), test modules (`#[cfg(test)] … {…}`).
fn without_spans(code: &str, marker: &str, open: char, close: char) -> String {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(start) = rest.find(marker) {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let Some(first) = tail.find(open) else {
            return out;
        };
        let mut depth = 0;
        let mut end = tail.len();
        for (i, c) in tail[first..].char_indices() {
            if c == open {
                depth += 1;
            } else if c == close {
                depth -= 1;
                if depth == 0 {
                    end = first + i + c.len_utf8();
                    break;
                }
            }
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// The code part of a line: what stands before a `//` comment that is not inside a string
/// (a quote written as a character, `'"'`, opens no string).
fn code_part(line: &str) -> &str {
    let bytes = line.as_bytes();
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'\'' if !in_string && line[i..].starts_with("'\"'") => i += 2,
            b'\'' if !in_string && line[i..].starts_with("'\\\"'") => i += 3,
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return &line[..i],
            _ => {}
        }
        i += 1;
    }
    line
}

fn prose_in(source: &str) -> Vec<String> {
    let code: String = source.lines().map(code_part).collect::<Vec<_>>().join("\n");
    let code = without_spans(&code, "#[cfg(test)]", '{', '}');
    without_spans(&code, "tracing::", '(', ')')
        .lines()
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
    assert!(
        prose_in("tracing::warn!(\n    call = %id,\n    \"dropped for good here\"\n);").is_empty()
    );
    assert_eq!(
        prose_in("tracing::info!(\"ok\"); let s = \"but this sentence counts\";"),
        ["but this sentence counts"]
    );
    assert!(
        prose_in("code\n#[cfg(test)]\nmod tests { let s = \"a test sentence here\"; }").is_empty()
    );
    assert_eq!(
        prose_in("#[cfg(test)]\nmod tests { }\nlet s = \"code after the tests counts\";"),
        ["code after the tests counts"]
    );
    // A comment does not exempt the code before it, and a URL is not a comment.
    assert_eq!(
        prose_in("let s = \"a sentence before a comment\"; // note"),
        ["a sentence before a comment"]
    );
    assert_eq!(
        prose_in("let s = \"see https://x.eu for more\";"),
        ["see https://x.eu for more"]
    );
    assert!(prose_in("/// A doc comment says \"several words here\".").is_empty());
    assert_eq!(
        code_part("if c == '\"' { y } // a quote"),
        "if c == '\"' { y } "
    );
    assert_eq!(
        code_part("let u = \"https://x.eu\"; // link"),
        "let u = \"https://x.eu\"; "
    );
}

#[test]
fn the_core_composes_replies_only_from_locale_files() {
    let mut found = Vec::new();
    // The adapters only render what the core says: no prose of their own either.
    for crate_dir in [
        "crates/core/src",
        "crates/telegram/src",
        "crates/discord/src",
    ] {
        let dir = workspace_root().join(crate_dir);
        let files = rust_files(&dir);
        assert!(files.len() > 3, "read {crate_dir}: {files:?}");
        for path in files {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if !OPERATOR_MODULES.contains(&name.as_str()) {
                for literal in prose_in(&std::fs::read_to_string(&path).unwrap()) {
                    let shown = path.strip_prefix(&dir).unwrap_or(&path).display();
                    found.push(format!("{crate_dir}/{shown}: {literal:?}"));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "user-facing text in code; move it to locales/:\n{}",
        found.join("\n")
    );
}
