//! `check --cache DIR`: each file's result kept between checks, redone exactly when the file or
//! something every result depends on changed, and never a different report than a check
//! without the cache.

use cookie_ledger::build::{self, Options, Outcome};

use crate::support::{Project, Run};

/// The portals, with a page that sets an undeclared cookie and a script that a page loads.
fn project() -> Project {
    let p = Project::portals();
    p.write(
        "site/odwb/tracked.html",
        "<!DOCTYPE html><html lang=\"en\"><body><script>document.cookie = \"tracker=1; max-age=600\";</script><script src=\"/assets/extra.js\"></script></body></html>\n",
    );
    p.write(
        "site/assets/extra.js",
        "document.cookie = \"extra=1; path=/\";\n",
    );
    p
}

fn check(p: &Project, site: &str) -> Outcome {
    build::run(&Options {
        cache: Some(p.path(".cache")),
        ..Options::check(&p.path("catalogue.toml"), &p.path(site))
    })
}

/// The files a check reads and analyses (pages, scripts, headers files), sorted.
fn analysed(p: &Project) -> Vec<String> {
    let mut files: Vec<String> = p
        .tree("site")
        .into_keys()
        .filter(|f| f.ends_with(".html") || f.ends_with(".js") || f.ends_with("_headers"))
        .collect();
    files.sort();
    files
}

fn json(run: &Run) -> serde_json::Value {
    let mut report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    report["elapsed_ms"] = serde_json::Value::Null;
    report["summary"]["cached"] = serde_json::Value::Null;
    report
}

#[test]
fn a_cached_check_reports_what_a_fresh_one_does() {
    let p = project();
    let fresh = p.run(&["check", "--format", "json"]);
    assert_eq!(fresh.code, 1, "{}", fresh.stdout);
    for round in 0..2 {
        let cached = p.run(&["check", "--format", "json", "--cache", ".cache"]);
        assert_eq!(cached.code, fresh.code, "round {round}");
        assert_eq!(json(&cached), json(&fresh), "round {round}");
    }
    let last: serde_json::Value = serde_json::from_str(
        &p.run(&["check", "--format", "json", "--cache", ".cache"])
            .stdout,
    )
    .unwrap();
    assert_eq!(last["summary"]["cached"], analysed(&p).len());
    let human = p.run(&["check", "--cache", ".cache"]);
    assert!(
        human
            .stdout
            .contains(&format!("{} files from the cache", analysed(&p).len())),
        "{}",
        human.stdout
    );
    // The variable names the folder too.
    let from_env = p.run_in("", &["check"], &[("COOKIE_LEDGER_CACHE", ".cache")]);
    assert!(
        from_env.stdout.contains("files from the cache"),
        "{}",
        from_env.stdout
    );
}

#[test]
fn exactly_the_files_whose_inputs_changed_are_redone() {
    let p = project();
    let first = check(&p, "site");
    assert_eq!(first.redone, analysed(&p), "a first run does every file");
    let again = check(&p, "site");
    assert!(again.redone.is_empty(), "{:?}", again.redone);
    assert_eq!(again.summary.cached, analysed(&p).len());
    assert_eq!(again.diagnostics, first.diagnostics);

    // A page edited: that page alone.
    p.edit("site/datastro/index.html", "</main>", "<p>News.</p></main>");
    assert_eq!(check(&p, "site").redone, ["datastro/index.html"]);
    // A script edited: that script alone, and its cookie is still found where pages load it.
    p.write(
        "site/assets/extra.js",
        "document.cookie = \"extra2=1; path=/\";\n",
    );
    let outcome = check(&p, "site");
    assert_eq!(outcome.redone, ["assets/extra.js"]);
    assert!(
        outcome
            .diagnostics
            .iter()
            .any(|d| d.message.contains("`extra2`")),
        "{:#?}",
        outcome.diagnostics
    );
    // A page added: that page alone; the same bytes written again: nothing.
    p.write(
        "site/smartbump/new.html",
        "<!DOCTYPE html><html lang=\"en\"><body><p>New</p></body></html>\n",
    );
    assert_eq!(check(&p, "site").redone, ["smartbump/new.html"]);
    let same = p.read("site/smartbump/new.html");
    p.write("site/smartbump/new.html", same);
    assert!(check(&p, "site").redone.is_empty());
    // A page removed: nothing redone, and nothing of it is reported.
    std::fs::remove_file(p.path("site/odwb/tracked.html")).unwrap();
    let outcome = check(&p, "site");
    assert!(outcome.redone.is_empty(), "{:?}", outcome.redone);
    assert!(
        !outcome
            .diagnostics
            .iter()
            .any(|d| d.message.contains("tracker")),
        "{:#?}",
        outcome.diagnostics
    );

    // What every result depends on: the catalogue, a template, how the site is named.
    let catalogue = p.read("catalogue.toml");
    p.write("catalogue.toml", format!("# a comment\n{catalogue}"));
    assert_eq!(check(&p, "site").redone, analysed(&p));
    assert!(check(&p, "site").redone.is_empty());
    p.edit(
        "templates/eulerhermes-table.html",
        "<table",
        "<table data-edited",
    );
    assert_eq!(check(&p, "site").redone, analysed(&p));
    assert_eq!(check(&p, "./site").redone, analysed(&p));
    // The declaration's date, which templates may show.
    let dated = |date: &str| {
        build::run(&Options {
            cache: Some(p.path(".cache")),
            updated: Some(date.to_owned()),
            ..Options::check(&p.path("catalogue.toml"), &p.path("./site"))
        })
    };
    assert_eq!(dated("2026-01-01").redone, analysed(&p));
    assert!(dated("2026-01-01").redone.is_empty());
    assert_eq!(dated("2026-02-02").redone, analysed(&p));
    // A cache another version wrote: nothing of it is used.
    let stored = p.read(".cache/cookie-ledger-check.json");
    let mut doc: serde_json::Value = serde_json::from_str(&stored).unwrap();
    doc["key"] = serde_json::json!("made by another version");
    p.write(".cache/cookie-ledger-check.json", doc.to_string());
    assert_eq!(check(&p, "./site").redone, analysed(&p));
    // A damaged cache is no cache, and is replaced.
    p.write(
        ".cache/cookie-ledger-check.json",
        &stored[..stored.len() / 2],
    );
    assert_eq!(check(&p, "./site").redone, analysed(&p));
    assert!(check(&p, "./site").redone.is_empty());
}

#[test]
fn a_page_that_is_bad_input_is_checked_again_every_time() {
    let p = project();
    p.edit(
        "site/datastro/cookies.html",
        "data-cookie-table=\"necessary\"",
        "data-cookie-table=\"no-such-category\"",
    );
    let first = check(&p, "site");
    assert!(first.redone.contains(&"datastro/cookies.html".to_owned()));
    let again = check(&p, "site");
    assert_eq!(again.redone, ["datastro/cookies.html"]);
    assert_eq!(again.diagnostics, first.diagnostics);
}

#[test]
fn the_cache_never_lands_in_the_site_nor_replaces_a_file_it_did_not_write() {
    let p = project();
    let inside = p.run(&["check", "--cache", "site/.cache"]);
    assert_eq!(inside.code, 2, "{}", inside.stdout);
    assert!(
        inside.stdout.contains("lies inside the site"),
        "{}",
        inside.stdout
    );
    assert!(!p.path("site/.cache").exists());

    p.write("mine/cookie-ledger-check.json", "my own notes\n");
    let foreign = p.run(&["check", "--cache", "mine"]);
    assert_eq!(foreign.code, 2, "{}", foreign.stdout);
    assert!(
        foreign
            .stdout
            .contains("is not a cache cookie-ledger wrote"),
        "{}",
        foreign.stdout
    );
    assert_eq!(p.read("mine/cookie-ledger-check.json"), "my own notes\n");

    // With an output folder to compare with, every file is checked, and the run says so.
    let built = p.run(&[
        "build",
        "--out",
        "dist",
        "--allow",
        "undeclared-cookie",
        "--allow",
        "page-outside-sites",
    ]);
    assert!(p.path("dist").is_dir(), "{}", built.stdout);
    let compared = p.run(&["check", "--out", "dist", "--cache", ".cache"]);
    assert!(
        compared
            .stdout
            .contains("the cache is not used when comparing with an output folder"),
        "{}",
        compared.stdout
    );
    assert!(
        !compared.stdout.contains("from the cache"),
        "{}",
        compared.stdout
    );
}
