//! Every rule has a fixture that raises it and nothing else.
//!
//! `tests/fixtures/rules/base/` is a clean project; `tests/fixtures/rules/<id>/` lays files over
//! it: a file replaces the base's file of the same path, `NAME.append` is added to the end of the
//! base's `NAME`, and `args` holds the command line, one argument a line (`check` when absent).
//! `expected.txt` is the human report (a golden file).

use std::fs;

use cookie_ledger::diagnostic::{Class, Rule};

use crate::support::{Project, copy_dir, golden, root};

/// Rules no fixture can raise, and why.
const UNFIXTURED: &[(&str, &str)] = &[
    (
        "internal-error",
        "raised by a bug only; guard.rs's tests raise it with a panic",
    ),
    (
        "leftover-output",
        "needs a folder its owner cannot remove, which no test can make when it runs as root",
    ),
];

/// The project for `rule`'s fixture, and its command line.
fn project(rule: &str) -> (Project, Vec<String>) {
    let fixtures = root().join("tests/fixtures/rules");
    let p = Project::empty();
    copy_dir(&fixtures.join("base"), &p.path(""));
    let dir = fixtures.join(rule);
    let mut args = vec!["check".to_owned()];
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(&dir).unwrap();
        let rel = rel.to_str().unwrap().replace('\\', "/");
        let bytes = fs::read(entry.path()).unwrap();
        if rel == "args" {
            args = String::from_utf8(bytes)
                .unwrap()
                .lines()
                .map(str::to_owned)
                .collect();
        } else if rel == "expected.txt" {
            continue;
        } else if let Some(target) = rel.strip_suffix(".append") {
            let mut text = fs::read(p.path(target)).unwrap();
            text.extend(bytes);
            p.write(target, text);
        } else {
            p.write(&rel, bytes);
        }
    }
    (p, args)
}

#[test]
fn the_base_fixture_is_clean() {
    let (p, args) = project("base");
    let run = p.run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(!run.stdout.contains("warning["), "{}", run.stdout);
}

#[test]
fn every_rule_has_a_fixture_that_raises_it_alone() {
    let dir = root().join("tests/fixtures/rules");
    for rule in Rule::ALL {
        let id = rule.id();
        if let Some((_, why)) = UNFIXTURED.iter().find(|(r, _)| *r == id) {
            assert!(
                !dir.join(id).exists(),
                "{id} has a fixture: take it off UNFIXTURED ({why})"
            );
            continue;
        }
        assert!(
            dir.join(id).is_dir(),
            "rule {id} has no fixture in tests/fixtures/rules/{id}/"
        );
        // Audit fixtures need a browser: the `browser` test target runs them.
        if is_audit(id) {
            continue;
        }
        raises_it_alone(*rule);
    }
    // No fixture for a rule that does not exist.
    for entry in fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            name == "base" || Rule::from_id(&name).is_some(),
            "tests/fixtures/rules/{name}/ names no rule"
        );
    }
}

/// Whether `id`'s fixture runs `cookie-ledger audit`, which needs a browser.
pub fn is_audit(id: &str) -> bool {
    fs::read_to_string(root().join("tests/fixtures/rules").join(id).join("args"))
        .is_ok_and(|args| args.starts_with("audit\n"))
}

/// Runs `rule`'s fixture in both formats: the human report is its golden file, and the JSON
/// report holds findings of that rule alone, with the exit code its class and level give.
pub fn raises_it_alone(rule: Rule) {
    let id = rule.id();
    let (p, mut args) = project(id);
    let human = p.run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let mut text = format!("exit {}\n{}", human.code, human.report());
    if !human.stderr.is_empty() {
        text.push_str(&format!("--- stderr\n{}", human.stderr));
    }
    golden(&format!("fixtures/rules/{id}/expected.txt"), &text);
    args.extend(["--format".to_owned(), "json".to_owned()]);
    let run = p.run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let expected = match (rule.class(), rule.level()) {
        (Class::BadInput, _) => 2,
        (_, cookie_ledger::diagnostic::Level::Error) => 1,
        _ => 0,
    };
    assert_eq!(run.code, expected, "{id}: {}{}", run.stdout, run.stderr);
    let report: serde_json::Value =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{id}: {e}: {}", run.stdout));
    let rules: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert!(!rules.is_empty(), "{id}: nothing raised");
    assert!(rules.iter().all(|r| *r == id), "{id} raised {rules:?}");
}
