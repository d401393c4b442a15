//! Static and browser evidence in one reduction: what a real browser stored (as an audit
//! records it) goes into the same run as what the site's files set, so a declaration is
//! unseen only where neither saw it, and what both saw is one finding with both places.

use cookie_ledger::build::{self, Evidence, Options, Outcome};
use cookie_ledger::catalogue::Party;
use cookie_ledger::storage::Storage;
use cookie_ledger::stored::{Pass, StoredItem, Visited};

use crate::support::Project;

const CATALOGUE: &str = r#"
[[site]]
id = "a"
url = "https://a.example"
dir = "a"
languages = ["en"]

[[site]]
id = "b"
url = "https://b.example"
dir = "b"
languages = ["en"]

[category.necessary]
title = { en = "Necessary" }
description = { en = "Needed for the site to work." }
consent = false

[[cookie]]
names = ["basket"]
provider = "Example"
function = { en = "Basket" }
purpose = { en = "Remembers what you put in your basket" }
duration = "7 days"
category = "necessary"
party = "first"
set_by = "script"
"#;

const POLICY: &str = "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Cookies</title></head>\n<body>\n<div data-cookie-table=\"necessary\"></div>\n</body>\n</html>\n";

const TRACKED: &str = "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Home</title></head>\n<body>\n<script>\n  document.cookie = \"tracker=1; max-age=600\";\n</script>\n</body>\n</html>\n";

fn project() -> Project {
    let p = Project::empty();
    p.write("catalogue.toml", CATALOGUE);
    for site in ["a", "b"] {
        p.write(&format!("site/{site}/cookies.html"), POLICY);
    }
    p.write("site/a/index.html", TRACKED);
    p
}

/// An item as `audit` records it, stored on a page of `site` before consent.
fn item(p: &Project, site: &str, name: &str, at: Option<(&str, usize, usize)>) -> StoredItem {
    StoredItem {
        pass: Pass::BeforeConsent,
        site: site.to_owned(),
        page: p
            .path(&format!("site/{site}/index.html"))
            .display()
            .to_string(),
        kind: Storage::Cookie,
        name: name.to_owned(),
        domain: format!("{site}.example"),
        party: Party::First,
        expires: None,
        flags: None,
        set_at: at.map(|(file, line, column)| {
            cookie_ledger::diagnostic::Location::new(
                p.path(file).display().to_string(),
                (line, column),
            )
        }),
        written: at.map(|_| format!("{name}=1; max-age=600")),
    }
}

fn run(p: &Project, stored: Vec<StoredItem>) -> Outcome {
    let visits = ["a", "b"]
        .iter()
        .map(|site| Visited {
            site: (*site).to_owned(),
            page: p
                .path(&format!("site/{site}/index.html"))
                .display()
                .to_string(),
            pass: Pass::BeforeConsent,
            stands_for: 1,
            failure: None,
            clicked: None,
            stored: stored.iter().filter(|s| s.site == *site).cloned().collect(),
        })
        .collect();
    build::run(&Options {
        browser: Some(Evidence {
            visits,
            ..Evidence::default()
        }),
        ..Options::check(&p.path("catalogue.toml"), &p.path("site"))
    })
}

fn said(outcome: &Outcome, rule: &str) -> Vec<String> {
    outcome
        .diagnostics
        .iter()
        .filter(|d| d.rule.id() == rule)
        .map(|d| d.message.clone())
        .collect()
}

#[test]
fn a_declaration_is_unseen_only_on_the_sites_where_neither_the_files_nor_the_browser_saw_it() {
    let p = project();
    let static_only = build::run(&Options::check(&p.path("catalogue.toml"), &p.path("site")));
    assert_eq!(
        said(&static_only, "unseen-cookie"),
        [
            "cookie `basket` is declared as set by a script, but nothing the scan can see on sites `a`, `b` sets it"
        ]
    );
    // The browser saw it stored on site a: only b is left unseen, and the audit says it did
    // not see it there either.
    let outcome = run(&p, vec![item(&p, "a", "basket", None)]);
    assert_eq!(
        said(&outcome, "unseen-cookie"),
        [
            "cookie `basket` is declared as set by a script, but nothing the scan can see on site `b` sets it, and no page the audit visited there stored it"
        ]
    );
    assert_eq!(
        said(&outcome, "not-stored"),
        [
            "cookie `basket` is declared for site `b`, but no pass stored it on the 1 page visited (expected before consent)"
        ]
    );
    assert_eq!(outcome.summary.visited, 2);
    assert_eq!(outcome.stored.len(), 1);
}

#[test]
fn what_the_files_and_the_browser_both_show_is_one_finding_with_both_places() {
    let p = project();
    let outcome = run(
        &p,
        vec![item(&p, "a", "tracker", Some(("site/a/index.html", 6, 3)))],
    );
    let undeclared: Vec<_> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.rule.id() == "undeclared-cookie")
        .collect();
    assert_eq!(undeclared.len(), 1, "{:#?}", outcome.diagnostics);
    let d = undeclared[0];
    assert!(d.message.contains("`tracker`"), "{}", d.message);
    let location = d.location.as_ref().unwrap();
    assert!(location.file.ends_with("site/a/index.html") && location.line == 6);
    assert!(
        d.places
            .iter()
            .any(|place| place.role == "stored" && place.location.line == 6),
        "{:#?}",
        d.places
    );
    // The browser's own note of what it stored, with the writer.
    assert!(
        outcome
            .notes
            .iter()
            .any(|n| n.starts_with("before consent ") && n.contains("cookie `tracker`")),
        "{:#?}",
        outcome.notes
    );
}

#[test]
fn a_store_the_files_do_not_show_is_the_browsers_finding_alone() {
    let p = project();
    let outcome = run(&p, vec![item(&p, "b", "_late", None)]);
    assert_eq!(
        said(&outcome, "undeclared-cookie"),
        [
            "a script (document.cookie) sets cookie `tracker`, which the catalogue does not declare for site `a`".to_owned(),
            format!(
                "a real browser stores cookie `_late` (b.example, session) on {} before consent, and site `b` does not declare it",
                p.path("site/b/index.html").display()
            ),
        ]
    );
}
