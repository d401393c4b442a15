//! The five seed portals' tables as published, checked against the demo catalogue: exactly their real drift.

use std::collections::BTreeSet;

use crate::support::{Project, copy_dir, golden, portals, root};

/// The demo catalogue, as the platform was when the seeds were published, with the seeds' pages as the site.
///
/// The demo has since enabled Matomo on ODWB; the published pages predate that, so the
/// catalogue is cut before it. The seeds carry tables only, no scripts, so nothing can show
/// who sets cookies_preferences: `--allow unseen-cookie` says so. They hold one page per
/// portal, in one of its languages, so the others' tables are not here:
/// `--allow language-parity` says so.
fn seeds() -> Project {
    let p = Project::empty();
    let catalogue = std::fs::read_to_string(portals().join("catalogue.toml")).unwrap();
    let cut = catalogue
        .find("# ODWB's administrator enabled")
        .expect("the Matomo section is marked");
    p.write("catalogue.toml", &catalogue[..cut]);
    copy_dir(&portals().join("templates"), &p.path("templates"));
    copy_dir(&root().join("tests/fixtures/seeds/site"), &p.path("site"));
    p
}

#[test]
fn seed_tables_show_exactly_the_real_drift() {
    let run = seeds().run(&[
        "check",
        "--allow",
        "unseen-cookie",
        "--allow",
        "language-parity",
    ]);
    assert_eq!(run.code, 1, "drift exits 1\n{}{}", run.stdout, run.stderr);
    golden("fixtures/seeds/expected.txt", &run.report());
}

#[test]
fn seed_drift_is_the_csrf_wording_and_the_odwb_translation_and_nothing_else() {
    let run = seeds().run(&[
        "check",
        "--allow",
        "unseen-cookie",
        "--allow",
        "language-parity",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let found: BTreeSet<(String, String, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let file = d["file"]
                .as_str()
                .unwrap()
                .trim_start_matches("site/")
                .trim_end_matches("/cookies.html");
            let changed: Vec<&str> = d["diff"]
                .as_str()
                .unwrap()
                .lines()
                .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
                .collect();
            (
                file.to_owned(),
                d["rule"].as_str().unwrap().to_owned(),
                changed.join(" | "),
            )
        })
        .collect();
    let front_et_back = "+Function and location: API (CSRF) (front et back office)";
    let expected: BTreeSet<(String, String, String)> = [
        ("data-gouv-nc", front_et_back),
        ("datastro", front_et_back),
        ("eulerhermes", front_et_back),
        ("smartbump", front_et_back),
        ("odwb", "+Purpose: Remembering the user from one page to another."),
        ("odwb", "+Purpose: Remembering the visitor's language."),
        ("odwb", "+Purpose: Retrieving data via API calls."),
        (
            "odwb",
            "+Service and location: Choice regarding your cookie preferences | +Purpose: Remembering the visitor's choice regarding cookies.",
        ),
    ]
    .into_iter()
    .map(|(site, change)| (site.to_owned(), "row-drift".to_owned(), change.to_owned()))
    .collect();
    assert_eq!(found, expected);
    assert_eq!(
        report["summary"]["tables"], 6,
        "smartbump's table split in two counts twice"
    );
}

#[test]
fn fixing_the_catalogue_to_the_pages_wording_moves_the_drift() {
    // If the catalogue adopted "front et back office", the one page that says "front and" drifts instead.
    let p = seeds();
    p.edit(
        "catalogue.toml",
        "function.en = \"API (CSRF) (front and back office)\"",
        "function.en = \"API (CSRF) (front et back office)\"",
    );
    let run = p.run(&["check", "--allow", "unseen-cookie", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let csrf_pages: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["message"].as_str().unwrap().contains("`csrftoken`"))
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(csrf_pages, ["site/odwb/cookies.html"]);
}
