//! Fixture sites built in a temporary folder and compared file by file with their `expected/` folder.

use std::fs;

use crate::support::{Project, root, tree};

/// Builds `tests/fixtures/<name>` and compares the output with its `expected/` folder.
///
/// `UPDATE_GOLDEN=1` (outside CI) rewrites `expected/`; review the change before committing it.
fn check_fixture(name: &str) {
    let p = Project::fixture(name);
    let run = p.run(&["build", "--out", "dist"]);
    assert_eq!(run.code, 0, "{name}: {}", run.stdout);
    let actual = p.tree("dist");
    let expected_dir = root().join("tests/fixtures").join(name).join("expected");
    if std::env::var_os("UPDATE_GOLDEN").is_some() && std::env::var_os("CI").is_none() {
        let _ = fs::remove_dir_all(&expected_dir);
        for (rel, bytes) in &actual {
            let path = expected_dir.join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, bytes).unwrap();
        }
        return;
    }
    let expected = tree(&expected_dir);
    for (rel, bytes) in &expected {
        let got = actual
            .get(rel)
            .unwrap_or_else(|| panic!("{name}: expected {rel} was not produced"));
        if got != bytes {
            let diff = similar::TextDiff::from_lines(
                &*String::from_utf8_lossy(bytes),
                &*String::from_utf8_lossy(got),
            )
            .unified_diff()
            .header("expected", "actual")
            .to_string();
            panic!("{name}: {rel} differs from expected:\n{diff}");
        }
    }
    for rel in actual.keys() {
        assert!(
            expected.contains_key(rel),
            "{name}: {rel} was produced but is not expected"
        );
    }
}

#[test]
fn basic_fixture_builds_exactly_as_expected() {
    check_fixture("basic");
}

#[test]
fn basic_fixture_output_is_a_fixed_point() {
    let p = Project::fixture("basic");
    assert_eq!(p.run(&["build", "--out", "dist"]).code, 0);
    let run = p.run(&["build", "--site", "dist", "--out", "again"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(p.tree("dist"), p.tree("again"));
}
