//! Real sites nobody here wrote, as their generators built them (tests/fixtures/real/*/SOURCE.md):
//! the Python 3.11 docs (Sphinx), the Rust docs (rustdoc), MkDocs Material with Google Analytics
//! and with and without its consent form, Sphinx's Read-the-Docs theme with GA4, and Hugo with
//! GA4, YouTube, Vimeo and Disqus. Each is checked as found, then with its cookies declared.

use std::path::Path;

use crate::support::{Project, copy_dir, golden, root};

/// A policy page for a site that has none.
const POLICY: &str = "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Cookies</title></head>\n<body>\n<h1>Cookies</h1>\n<div data-cookie-table=\"necessary\"></div>\n</body>\n</html>\n";

/// A project holding the real site `name` (its `site_dir` as `site/`) and its catalogue.
fn real(name: &str, site_dir: &str, add_policy: bool) -> Project {
    let fixture = root().join("tests/fixtures/real").join(name);
    let p = Project::empty();
    copy_dir(&fixture.join(site_dir), &p.path("site"));
    std::fs::copy(fixture.join("catalogue.toml"), p.path("catalogue.toml")).unwrap();
    if add_policy {
        p.write("site/cookies.html", POLICY);
    }
    p
}

/// Appends the fixture's declarations to the project's catalogue.
fn declare(p: &Project, name: &str) {
    let declared = std::fs::read_to_string(
        Path::new(&root())
            .join("tests/fixtures/real")
            .join(name)
            .join("declared.toml"),
    )
    .unwrap();
    p.write("catalogue.toml", p.read("catalogue.toml") + &declared);
}

#[test]
fn python_docs_set_only_the_sidebar_cookie_and_no_data_table_is_a_cookie_table() {
    let p = real("python-docs", "site", true);
    let run = p.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let report = run.report();
    assert_eq!(report.matches("error[").count(), 2, "{report}");
    // Sphinx's search keeps the searched words in localStorage for the page it opens.
    assert!(report.starts_with("site/_static/searchtools.js:280:7: error[undeclared-storage]: a script (localStorage) sets localStorage key `sphinx_highlight_terms`"), "{report}");
    assert!(report.contains("site/_static/sidebar.js:67:5: error[undeclared-cookie]: a script (document.cookie) sets cookie `sidebar`"), "{report}");
    assert!(
        report.contains("= loaded by: site/distutils/builtdist.html:"),
        "{report}"
    );
    golden("fixtures/real/python-docs/expected.txt", &report);
    declare(&p, "python-docs");
    let run = p.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.stdout.matches("warning[").count(), 0, "{}", run.stdout);
}

#[test]
fn rust_docs_set_no_cookie_and_keep_their_settings_in_local_storage() {
    let p = real("rust-docs", "site", true);
    let run = p.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let report = run.report();
    assert_eq!(report.matches("warning[").count(), 1, "{report}");
    assert!(
        report.contains("warning[dynamic-cookie-name]: a script writes a localStorage key whose name is built at run time; it takes the form `rustdoc-*`"),
        "{report}"
    );
    assert!(!report.contains("error["), "{report}");
    declare(&p, "rust-docs");
    let run = p.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(!run.stdout.contains("warning["), "{}", run.stdout);
    // The policy page's table now lists the storage with its type.
    let run = p.run(&["build", "--out", "dist"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let policy = p.read("dist/cookies.html");
    assert!(policy.contains("<th scope=\"col\">Type</th>"), "{policy}");
    assert!(policy.contains("<td>Local storage</td>"), "{policy}");
    assert!(policy.contains("<td>Until deleted</td>"), "{policy}");
}

#[test]
fn mkdocs_material_analytics_found_from_its_loader_and_held_back_by_its_consent_form() {
    let p = real("mkdocs-material", "site", false);
    let run = p.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let report = run.report();
    for name in ["_ga", "_ga_*"] {
        assert!(
            report.contains(&format!(
                "error[undeclared-cookie]: Google Analytics 4 (gtag.js) sets cookie `{name}`"
            )),
            "{report}"
        );
    }
    assert!(report.contains("t.src=\"https://www.googletagmanager.com/gtag/js?id=G-TEST12345\""));
    assert!(
        !report.contains("loaded-before-consent"),
        "the consent form holds it back:\n{report}"
    );
    golden("fixtures/real/mkdocs-material/expected.txt", &report);
    declare(&p, "mkdocs-material");
    let run = p.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stdout);

    // Without the consent form, the same loader runs as the page loads.
    let p = real("mkdocs-material", "site-no-consent", false);
    declare(&p, "mkdocs-material");
    let run = p.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let report = run.report();
    assert_eq!(report.matches("error[").count(), 1, "{report}");
    assert!(
        report.contains(
            "error[loaded-before-consent]: Google Analytics 4 (gtag.js) loads as the page loads"
        ),
        "{report}"
    );
    golden(
        "fixtures/real/mkdocs-material/expected-no-consent.txt",
        &report,
    );
}

#[test]
fn sphinx_read_the_docs_theme_loads_ga4_before_consent() {
    let p = real("sphinx-rtd", "site", false);
    declare(&p, "sphinx-rtd");
    let run = p.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let report = run.report();
    assert_eq!(report.matches("error[").count(), 1, "{report}");
    assert!(report.contains("error[loaded-before-consent]"), "{report}");
    golden("fixtures/real/sphinx-rtd/expected.txt", &report);
}

#[test]
fn hugo_with_ga4_youtube_vimeo_and_disqus() {
    let p = real("hugo", "site", false);
    let run = p.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let report = run.report();
    for cookie in [
        "_ga",
        "_ga_*",
        "YSC",
        "VISITOR_INFO1_LIVE",
        "vuid",
        "disqus_unique",
    ] {
        assert!(
            report.contains(&format!(
                "sets cookie `{cookie}`, which the catalogue does not declare"
            )),
            "{cookie}\n{report}"
        );
    }
    golden("fixtures/real/hugo/expected.txt", &report);
    // Declared, the cookies still load before consent, and the policy page has no marketing table.
    declare(&p, "hugo");
    let run = p.run(&["check"]);
    assert_eq!(run.code, 1);
    let report = run.report();
    assert!(!report.contains("undeclared-cookie"), "{report}");
    assert_eq!(
        report.matches("error[loaded-before-consent]").count(),
        4,
        "{report}"
    );
    assert_eq!(
        report.matches("error[uncovered-cookie]").count(),
        3,
        "{report}"
    );
    assert!(!report.contains("duration-mismatch"), "{report}");
    golden("fixtures/real/hugo/expected-declared.txt", &report);
}
