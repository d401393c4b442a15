//! The README documents every catalogue key and every rule, so a new field cannot ship undocumented.

use std::path::Path;

use cookie_ledger::catalogue::Catalogue;
use cookie_ledger::diagnostic::Rule;

use crate::support::root;

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
