//! The README documents every catalogue key and every rule, so a new field cannot ship undocumented.

use std::path::Path;

use cookie_ledger::catalogue::Catalogue;
use cookie_ledger::diagnostic::Rule;

use crate::support::{Project, root};

/// The keys serde accepts at one level, read from its "unknown field" error.
fn accepted_keys(toml: &str) -> Vec<String> {
    let errors =
        Catalogue::parse(toml, "t.toml", Path::new(".")).expect_err("an unknown key is an error");
    let message = &errors[0].message;
    let expected = message
        .split("expected")
        .nth(1)
        .unwrap_or_else(|| panic!("{message}"));
    expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_catalogue_key_is_documented_in_the_readme() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let levels = [
        "zzz = 1",
        "[[site]]\nzzz = 1",
        "[category.x]\nzzz = 1",
        "[[cookie]]\nzzz = 1",
        "[[cookie]]\n[cookie.override.a]\nzzz = 1",
        "[pages]\nzzz = 1",
        "[[allow]]\nzzz = 1",
    ];
    let mut count = 0;
    for level in levels {
        let keys = accepted_keys(level);
        assert!(keys.len() >= 2, "{level}: {keys:?}");
        for key in keys {
            count += 1;
            let documented = [
                format!("`{key}`"),
                format!("[[{key}]]"),
                format!("`[{key}]`"),
                format!("[{key}."),
                format!(".{key}."),
                format!(".{key}]"),
            ]
            .iter()
            .any(|form| readme.contains(form.as_str()));
            assert!(
                documented,
                "README.md does not document the catalogue key `{key}`"
            );
        }
    }
    assert!(count >= 25, "{count} keys");
}

/// Every rule id ever released: reports, waivers and CI filters name them, so none may change.
const FROZEN_IDS: &[&str] = &[
    "catalogue-syntax",
    "catalogue-invalid",
    "template",
    "bad-marker",
    "io",
    "unsupported-file",
    "unsafe-output",
    "internal-error",
    "row-drift",
    "missing-row",
    "extra-row",
    "missing-column",
    "hidden-marker",
    "uncovered-cookie",
    "no-policy-page",
    "stale-output",
    "unchecked-table",
    "undeclared-cookie",
    "dynamic-cookie-name",
    "page-outside-sites",
    "loaded-before-consent",
    "duration-mismatch",
    "unseen-cookie",
    "party-mismatch",
    "category-mismatch",
    "necessary-advertising",
    "consent-exempt-duration",
    "unlisted-pages",
    "leftover-output",
    "cookie-db-invalid",
    "empty-marker",
    "duplicate-row",
    "stale-table",
    "extra-output",
    "stored-before-consent",
    "stored-after-refusal",
    "undeclared-storage",
    "audit-incomplete",
    "not-stored",
    "language-parity",
    "unstated",
    "stale-date",
    "unchecked-column",
    "shard-invalid",
];

#[test]
fn rule_ids_are_frozen() {
    let ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
    assert_eq!(
        ids, FROZEN_IDS,
        "a rule id changed or moved: add new rules at the end, never rename one"
    );
}

#[test]
fn the_rules_command_prints_an_aligned_table() {
    let p = Project::empty();
    let run = p.run(&["rules"]);
    assert_eq!(run.code, 0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), Rule::ALL.len() + 1);
    // Where a cell starts: after the two spaces that end the cell before it.
    let column = |line: &str, word: &str| line.find(&format!("  {word}"));
    let header = lines[0];
    for (line, rule) in lines[1..].iter().zip(Rule::ALL) {
        assert!(line.starts_with(&format!("{} ", rule.id())), "{line}");
        assert!(line.ends_with(rule.explanation()), "{line}");
        let class = if rule.waivable_per_run() {
            "drift"
        } else {
            "bad input"
        };
        assert_eq!(column(line, class), column(header, "class"), "{line}");
    }
    let unseen = lines
        .iter()
        .find(|l| l.starts_with("unseen-cookie "))
        .unwrap();
    assert!(unseen.contains("warning (--strict: error)") && unseen.contains("cookie, run"));
}

#[test]
fn every_rule_is_listed_by_the_rules_command_and_stable() {
    let ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "rule ids are unique");
    for rule in Rule::ALL {
        assert!(
            rule.id()
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-'),
            "{}",
            rule.id()
        );
        assert!(!rule.explanation().ends_with('.'), "{}", rule.id());
    }
}

#[test]
fn every_rule_has_a_long_doc_and_the_rule_command_prints_it() {
    for rule in Rule::ALL {
        let doc = rule.doc();
        let sections: Vec<&str> = doc.lines().filter_map(|l| l.strip_prefix("## ")).collect();
        assert_eq!(
            sections,
            ["What it checks", "Why it matters", "Example", "Fix"],
            "src/rules/{}.md",
            rule.id()
        );
        assert!(!rule.what_it_checks().is_empty(), "{}", rule.id());
    }
    let p = Project::empty();
    let run = p.run(&["rule", "unseen-cookie"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.starts_with("# unseen-cookie\n\nReported when a cookie declared as set by a script or tag is set by no page of its site.\n\nClass: drift. Severity: warning (--strict: error). Waivable per: cookie, run.\n\n## What it checks\n"), "{}", run.stdout);
    let run = p.run(&["rule", "no-such-rule"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("`no-such-rule` is not a rule"),
        "{}",
        run.stderr
    );
}

#[test]
fn module_dependencies_follow_the_layers() {
    let architecture = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let block = architecture
        .split("```text layers\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("ARCHITECTURE.md has a ```text layers block");
    let mut layer_of = std::collections::BTreeMap::new();
    for line in block.lines() {
        let mut words = line.split_whitespace();
        let layer: usize = words.next().unwrap().parse().unwrap();
        for module in words {
            layer_of.insert(module.to_owned(), layer);
        }
    }
    let src = root().join("src");
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(&src).sort_by_file_name() {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path.strip_prefix(&src).unwrap();
        let first = rel.iter().next().unwrap().to_str().unwrap();
        let module = first.trim_end_matches(".rs");
        if module == "lib" || module == "main" {
            continue;
        }
        let layer = *layer_of
            .get(module)
            .unwrap_or_else(|| panic!("module `{module}` is on no layer of ARCHITECTURE.md"));
        let text = std::fs::read_to_string(path).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap();
        for (i, _) in code.match_indices("crate::") {
            let used: String = code[i + 7..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if used == module || used.is_empty() {
                continue;
            }
            let used_layer = *layer_of
                .get(&used)
                .unwrap_or_else(|| panic!("module `{used}` is on no layer of ARCHITECTURE.md"));
            assert!(
                used_layer < layer,
                "{} uses crate::{used} (layer {used_layer}), but `{module}` is on layer {layer}",
                rel.display()
            );
            checked += 1;
        }
    }
    assert!(checked > 50, "{checked} uses checked");
}

#[test]
fn no_source_file_is_over_500_lines() {
    for entry in walkdir::WalkDir::new(root().join("src")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "rs") {
            let lines = std::fs::read_to_string(entry.path())
                .unwrap()
                .lines()
                .count();
            assert!(
                lines <= 500,
                "{} has {lines} lines: split it along what its parts do",
                entry.path().display()
            );
        }
    }
}

#[test]
fn the_ci_wirings_use_options_check_takes() {
    let help = Project::empty().run(&["check", "--help"]).stdout;
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let mut seen = 0;
    for file in ["action.yml", ".pre-commit-hooks.yaml"] {
        let text = std::fs::read_to_string(root().join(file)).unwrap();
        for line in text.lines().chain(readme.lines()) {
            let Some(command) = line.split("cookie-ledger check").nth(1) else {
                continue;
            };
            let flags = command
                .split_whitespace()
                .filter(|w| w.starts_with("--"))
                .map(|w| w.trim_end_matches(|c: char| !c.is_ascii_alphanumeric()));
            for flag in flags {
                assert!(
                    help.contains(flag),
                    "{file} or README.md: `{flag}` is no option of check"
                );
                seen += 1;
            }
        }
    }
    assert!(seen >= 8, "{seen} options seen");
}
