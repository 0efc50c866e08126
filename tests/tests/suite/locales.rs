//! Locale files: every language has every message, attribute and variable English has (and no
//! stray extras), every file parses, and every topic has its title, description and body.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::Path,
};

use ecabot_core::{Catalog, TopicId};
use ecabot_tests::{knowledge, workspace_root};
use fluent_syntax::{ast, parser};

/// message id → (attribute names, variable names used anywhere in it)
type Shape = BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)>;

fn variables_in_pattern(p: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
    for element in &p.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            variables_in_expression(expression, out);
        }
    }
}

fn variables_in_expression(e: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
    match e {
        ast::Expression::Select { selector, variants } => {
            variables_in_inline(selector, out);
            for v in variants {
                variables_in_pattern(&v.value, out);
            }
        }
        ast::Expression::Inline(i) => variables_in_inline(i, out),
    }
}

fn variables_in_inline(i: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match i {
        ast::InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_owned());
        }
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                variables_in_inline(a, out);
            }
            for n in &arguments.named {
                variables_in_inline(&n.value, out);
            }
        }
        ast::InlineExpression::Placeable { expression } => variables_in_expression(expression, out),
        _ => {}
    }
}

fn shape_of(source: &str) -> Result<Shape, String> {
    let resource = parser::parse(source).map_err(|(_, errors)| format!("{errors:?}"))?;
    let mut shape = Shape::new();
    for entry in resource.body {
        if let ast::Entry::Message(m) = entry {
            let mut vars = BTreeSet::new();
            if let Some(v) = &m.value {
                variables_in_pattern(v, &mut vars);
            }
            let mut attrs = BTreeSet::new();
            for a in &m.attributes {
                attrs.insert(a.id.name.to_owned());
                variables_in_pattern(&a.value, &mut vars);
            }
            shape.insert(m.id.name.to_owned(), (attrs, vars));
        }
    }
    Ok(shape)
}

fn locale_shape(dir: &Path) -> Result<Shape, String> {
    let mut shape = Shape::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "ftl") {
            let source = std::fs::read_to_string(&path).unwrap();
            let file_shape = shape_of(&source).map_err(|e| format!("{}: {e}", path.display()))?;
            shape.extend(file_shape);
        }
    }
    Ok(shape)
}

/// Differences of `other` against the reference `en`, as readable lines.
fn parity(en: &Shape, other: &Shape) -> Vec<String> {
    let mut problems = Vec::new();
    for (id, (attrs, vars)) in en {
        match other.get(id) {
            None => problems.push(format!("missing message {id}")),
            Some((o_attrs, o_vars)) => {
                // Grammatical forms (e.g. a case of a country name) may be added per language;
                // the attributes English has are required everywhere.
                for a in attrs.difference(o_attrs) {
                    problems.push(format!("{id}: missing attribute .{a}"));
                }
                for v in vars.symmetric_difference(o_vars) {
                    problems.push(format!("{id}: variable ${v} not in both"));
                }
            }
        }
    }
    for id in other.keys().filter(|id| !en.contains_key(*id)) {
        problems.push(format!("extra message {id}"));
    }
    problems
}

#[test]
fn every_locale_matches_english() {
    let root = workspace_root().join("locales");
    let en = locale_shape(&root.join("en")).unwrap();
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(&root).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.is_dir() || dir.ends_with("en") {
            continue;
        }
        let shape = locale_shape(&dir).unwrap();
        for p in parity(&en, &shape) {
            failures.push(format!(
                "{}: {p}",
                dir.file_name().unwrap().to_string_lossy()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "locale parity:\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_parity_check_catches_missing_ids_and_variables() {
    let en = shape_of("a = A { $x }\nb = B\n    .description = d\n").unwrap();
    assert!(
        parity(
            &en,
            &shape_of("a = A { $x }\nb = B\n    .description = d\n").unwrap()
        )
        .is_empty()
    );
    let missing_var = parity(
        &en,
        &shape_of("a = A\nb = B\n    .description = d\n").unwrap(),
    );
    assert_eq!(missing_var, ["a: variable $x not in both"]);
    let extra_var = parity(
        &en,
        &shape_of("a = A { $x } { $y }\nb = B\n    .description = d\n").unwrap(),
    );
    assert_eq!(extra_var, ["a: variable $y not in both"]);
    let missing = parity(&en, &shape_of("a = A { $x }\nc = C\n").unwrap());
    assert_eq!(missing, ["missing message b", "extra message c"]);
    let attr = parity(&en, &shape_of("a = A { $x }\nb = B\n").unwrap());
    assert_eq!(attr, ["b: missing attribute .description"]);
    let selector =
        shape_of("a = { $n ->\n    [one] one\n   *[other] { NUMBER($n) } { $thing }\n}\n").unwrap();
    assert_eq!(selector["a"].1.iter().collect::<Vec<_>>(), ["n", "thing"]);
}

#[test]
fn the_embedded_catalog_loads_and_every_topic_is_complete() {
    let k = knowledge();
    let catalog: &Catalog = &k.catalog;
    assert!(catalog.locales().len() >= 2, "en and fi at least");
    for &locale in catalog.locales() {
        for topic in TopicId::all() {
            assert!(
                catalog.has(locale, &topic.title_id()),
                "{locale}: {topic} title"
            );
            assert!(
                catalog.has(locale, &topic.body_id()),
                "{locale}: {topic} body"
            );
            let title = catalog.get(locale, &topic.title_id());
            let description = catalog
                .attr(locale, &topic.title_id(), "description")
                .unwrap_or_default();
            // Button labels stay short; Discord's description limit (100) is the tightest.
            assert!(
                (1..=30).contains(&title.chars().count()),
                "{locale}/{topic}: title {title:?}"
            );
            assert!(
                (3..=100).contains(&description.chars().count()),
                "{locale}/{topic}: description"
            );
            let body = catalog.get(locale, &topic.body_id());
            assert!(
                body.split_whitespace().count() >= 30,
                "{locale}/{topic}: a real answer"
            );
            assert!(
                !body.contains('{') && !body.contains('}'),
                "{locale}/{topic}: unresolved placeable"
            );
        }
        for code in &k.countries {
            assert!(
                catalog.has(locale, &code.message_id()),
                "{locale}: country {}",
                code.as_str()
            );
            assert!(catalog.own_attr(locale, &code.message_id(), "in").is_some());
            assert!(
                catalog
                    .own_attr(locale, &code.message_id(), "match")
                    .is_some()
            );
        }
    }
    for code in k.members.countries() {
        assert!(
            k.countries.contains(&code),
            "member country {} has a name",
            code.as_str()
        );
    }
}

#[test]
fn dates_and_numbers_follow_the_locale() {
    let k = knowledge();
    let en = ecabot_tests::locale("en");
    let fi = ecabot_tests::locale("fi");
    let deadline = chrono::NaiveDate::from_ymd_opt(2024, 10, 17).unwrap();
    assert_eq!(k.catalog.date(en, deadline), "17 October 2024");
    assert_eq!(k.catalog.date(fi, deadline), "17. lokakuuta 2024");
    let at = deadline.and_hms_opt(9, 5, 0).unwrap();
    assert_eq!(k.catalog.datetime(en, &at), "17 October 2024 at 09:05");
    assert_eq!(k.catalog.datetime(fi, &at), "17. lokakuuta 2024 klo 9.05");
    assert_eq!(k.catalog.number(en, 0.5, 2), "0.5");
    assert_eq!(k.catalog.number(fi, 0.5, 2), "0,5");
    assert_eq!(k.catalog.number(en, 150_000.0, 0), "150,000");
    assert_eq!(k.catalog.number(fi, 150_000.0, 0), "150\u{a0}000");
    let too_long = ecabot_core::language::catalog::Args::new()
        .number("length", 102_400.0)
        .number("max", 4096.0);
    assert!(
        k.catalog
            .msg(fi, "too-long", &too_long)
            .contains("102\u{a0}400 merkkiä")
    );
    assert!(
        k.catalog
            .msg(en, "too-long", &too_long)
            .contains("102,400 characters")
    );
}

#[test]
fn a_message_missing_in_a_language_falls_back_to_english() {
    let catalog = Catalog::from_files([
        ("en", "a.ftl", "only-en = Hello\nboth = Both\n"),
        ("fi", "a.ftl", "both = Molemmat\n"),
    ])
    .unwrap();
    let fi = ecabot_tests::locale("fi");
    assert_eq!(catalog.get(fi, "both"), "Molemmat");
    assert_eq!(catalog.get(fi, "only-en"), "Hello");
    assert_eq!(catalog.get(fi, "nowhere"), "nowhere");
    let broken = Catalog::from_files([("en", "a.ftl", "ok = fine\nbroken = { $\n")]);
    assert!(
        broken.is_err(),
        "a syntax error is refused, naming the file"
    );
}
