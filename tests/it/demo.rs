//! The demo builds clean and idempotent whatever it says; the portals (a frozen copy of it)
//! carry the seed wording, stay byte-faithful and idempotent, and catch tampering.

use std::path::Path;

use cookie_ledger::build::{self, Mode, Options};
use cookie_ledger::diagnostic::{ExitCode, Policy};

use crate::support::{Project, copy_dir, portals, root};

const PORTALS: [(&str, &str); 5] = [
    ("datastro", "https://www.datastro.eu"),
    ("data-gouv-nc", "https://data.gouv.nc"),
    ("smartbump", "https://smartbump.opendatasoft.com"),
    ("eulerhermes", "https://opendata.eulerhermes.com"),
    ("odwb", "https://www.odwb.be"),
];

/// A check of `site` with `catalogue` that writes nothing.
fn check(catalogue: &Path, site: &Path, out: &Path) -> build::Outcome {
    build::run(&Options {
        catalogue: catalogue.to_path_buf(),
        site: site.to_path_buf(),
        out: Some(out.to_path_buf()),
        mode: Mode::Check,
        policy: Policy::default(),
        inventory: None,
        cookie_db: None,
        preview: None,
        build_command: "cargo xtask build".to_owned(),
        updated: None,
        browser: None,
        cache: None,
    })
}

#[test]
fn the_committed_demo_is_clean() {
    // Plain `cargo test` catches drift in the real catalogue.toml and site/, without writing
    // anything. Only properties: what the demo says may change, its truth may not.
    let scratch = tempfile::tempdir().unwrap();
    let never = scratch.path().join("never-written");
    let outcome = check(&root().join("catalogue.toml"), &root().join("site"), &never);
    assert_eq!(outcome.diagnostics, vec![], "the demo has findings");
    assert_eq!(outcome.exit, ExitCode::Clean);
    assert!(!never.exists(), "check wrote");
    assert!(outcome.summary.sites > 0 && outcome.summary.tables >= outcome.summary.sites);
}

#[test]
fn the_committed_demo_builds_with_no_flags_and_rebuilding_its_output_changes_nothing() {
    // Its own cookie-ledger.toml says where everything is.
    let p = Project::demo();
    let run = p.run(&["build"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let first = p.tree("dist");
    assert!(!first.is_empty());
    let again = p.run(&["build", "--site", "dist", "--out", "dist2"]);
    assert_eq!(again.code, 0, "{}", again.stdout);
    assert_eq!(first, p.tree("dist2"));
    let check = p.run_in("site", &["check"], &[]);
    assert_eq!(check.code, 0, "{}", check.stdout);
    assert!(
        check.stdout.contains("compared with the output folder"),
        "{}",
        check.stdout
    );
}

#[test]
fn every_language_of_every_demo_site_gets_its_tables_in_its_own_words() {
    // Whatever languages the demo declares, each site's built pages show, in each of them,
    // a table whose headers are that language's.
    let p = Project::demo();
    let run = p.run(&["build"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let catalogue = cookie_ledger::catalogue::Catalogue::load(&root().join("catalogue.toml"))
        .expect("the demo catalogue loads");
    let pages: Vec<(String, String)> = p
        .tree("dist")
        .into_iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(path, bytes)| (path, String::from_utf8(bytes).unwrap()))
        .collect();
    for site in &catalogue.sites {
        for lang in &site.languages {
            let words = catalogue.words(lang).unwrap();
            let header =
                html_escape::encode_text(words.header(cookie_ledger::labels::Column::Names));
            let table = format!("lang=\"{lang}\"");
            assert!(
                pages
                    .iter()
                    .any(|(path, text)| path.starts_with(&format!("{}/", site.dir))
                        && text.contains(&table)
                        && text.contains(header.as_ref())),
                "no page of site {} shows a table in {lang}",
                site.id
            );
        }
    }
}

#[test]
fn the_portals_check_clean_with_nine_tables() {
    let scratch = tempfile::tempdir().unwrap();
    let outcome = check(
        &portals().join("catalogue.toml"),
        &portals().join("site"),
        &scratch.path().join("never-written"),
    );
    assert_eq!(outcome.diagnostics, vec![]);
    assert_eq!(outcome.summary.sites, 5);
    assert_eq!(
        outcome.summary.tables, 9,
        "five English and two French policy pages, and ODWB's two statistics tables"
    );
}

#[test]
fn build_puts_the_seed_wording_into_every_portal_policy_page() {
    let p = Project::portals();
    let run = p.run(&["build", "--out", "dist"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    for (dir, url) in PORTALS {
        let page = p.read(&format!("dist/{dir}/cookies.html"));
        assert!(page.contains(url), "{dir} names its address");
        for text in [
            ">sessionid<",
            ">django_language<",
            ">csrftoken<",
            ">cookies_preferences<",
            "Opendatasoft",
            "Authentication (front and back office)",
            "To remember the user from one page to another",
            "To remember the visitor's language",
            "API (CSRF) (front and back office)",
            "To retrieve data via API calls",
            "Choices related to your cookie preferences",
            "2 weeks",
            "Up to 12 months",
            "6 months",
        ] {
            assert!(page.contains(text), "dist/{dir}/cookies.html lacks {text}");
        }
        assert!(
            page.contains("<th scope=\"col\">"),
            "accessible headers in {dir}"
        );
        assert!(page.contains(
            "<caption>Cookies necessary for the platform to function properly <span class=\"cookie-table-description\">These cookies keep the platform working; they are set without asking for consent.</span></caption>"
        ));
    }
    for dir in ["odwb", "data-gouv-nc"] {
        let page = p.read(&format!("dist/{dir}/fr/cookies.html"));
        assert!(page.contains("<html lang=\"fr\">"));
        for text in [
            "Authentification (front et back office)",
            "Nom(s) du cookie",
            "Jusqu'à 12 mois",
            "2 semaines",
        ] {
            assert!(
                page.contains(text),
                "dist/{dir}/fr/cookies.html lacks {text}"
            );
        }
    }
    // The check sees what the portals set: the consent script everywhere, Matomo on ODWB.
    let check = p.run(&["check"]);
    assert_eq!(check.code, 0, "{}", check.stdout);
    assert!(
        check.stdout.contains("  odwb: _pk_id.* (Matomo), _pk_ses.* (Matomo), cookies_preferences (script, document.cookie)\n"),
        "{}",
        check.stdout
    );
    // Euler Hermes has a template of its own: names first, as row headers.
    let euler = p.read("dist/eulerhermes/cookies.html");
    assert!(euler.contains("<th scope=\"row\">csrftoken</th>"));
    assert_eq!(p.run(&["check"]).code, 0);
}

#[test]
fn files_without_markers_come_out_byte_for_byte() {
    let p = Project::portals();
    // Bytes no tool should touch: CRLF, a BOM, Latin-1, odd markup, and a binary file.
    p.write("site/datastro/legacy.html", b"\xEF\xBB\xBF<!doctype html>\r\n<html><body><p>caf\xE9 &amp; <b>bold<i>nest</b></i>\r\n<!-- note --></body>");
    p.write(
        "site/datastro/logo.png",
        [0x89, b'P', b'N', b'G', 0, 1, 2, 255],
    );
    assert_eq!(p.run(&["build", "--out", "dist"]).code, 0);
    let site = p.tree("site");
    let dist = p.tree("dist");
    assert_eq!(
        site.keys().collect::<Vec<_>>(),
        dist.keys().collect::<Vec<_>>(),
        "same files"
    );
    for (rel, bytes) in &site {
        let has_marker = String::from_utf8_lossy(bytes).contains("data-cookie-table");
        if !has_marker {
            assert_eq!(&dist[rel], bytes, "{rel} changed though it has no marker");
        }
    }
}

#[test]
fn building_the_output_again_changes_nothing() {
    let p = Project::portals();
    assert_eq!(p.run(&["build", "--out", "dist"]).code, 0);
    let first = p.tree("dist");
    let run = p.run(&["build", "--site", "dist", "--out", "dist2"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(first, p.tree("dist2"));
    // And check is clean on the output taken as a site.
    assert_eq!(
        p.run(&["check", "--site", "dist", "--out", "dist2"]).code,
        0
    );
}

#[test]
fn a_tampered_table_in_the_output_fails_check_with_a_diff() {
    let p = Project::portals();
    assert_eq!(p.run(&["build", "--out", "dist"]).code, 0);
    p.edit(
        "dist/odwb/cookies.html",
        "To retrieve data via API calls",
        "To sell your data",
    );
    assert_eq!(
        p.run(&["check"]).code,
        0,
        "without --out, check looks at the site only"
    );
    let run = p.run(&["check", "--out", "dist"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("note: compared with the output folder dist")
    );
    let report = run.report();
    assert!(report.contains("dist/odwb/cookies.html:"), "{report}");
    assert!(report.contains("error[stale-output]"));
    assert!(
        report.contains("-      <td>To retrieve data via API calls</td>"),
        "{report}"
    );
    assert!(
        report.contains("+      <td>To sell your data</td>"),
        "{report}"
    );
}

#[test]
fn a_tampered_table_under_a_marker_fails_check() {
    // A site that carries built tables (such as a previous output) must carry the catalogue's.
    let p = Project::portals();
    assert_eq!(p.run(&["build", "--out", "dist"]).code, 0);
    std::fs::remove_dir_all(p.path("site")).unwrap();
    copy_dir(&p.path("dist"), &p.path("site"));
    std::fs::remove_dir_all(p.path("dist")).unwrap();
    assert_eq!(p.run(&["check"]).code, 0);
    p.edit(
        "site/smartbump/cookies.html",
        "<td>6 months</td>",
        "<td>forever</td>",
    );
    let run = p.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let report = run.report();
    assert!(
        report.starts_with("site/smartbump/cookies.html:"),
        "{report}"
    );
    assert!(report.contains(
        "error[stale-table]: the table under this marker is not what the catalogue renders"
    ));
    assert!(report.contains("+      <td>forever</td>"), "{report}");
}

#[test]
fn a_site_template_that_drops_a_column_fails_and_keeps_the_old_output() {
    let p = Project::portals();
    assert_eq!(p.run(&["build", "--out", "dist"]).code, 0);
    let before = p.tree("dist");
    let template = p.read("templates/eulerhermes-table.html");
    let without_duration: String = template
        .lines()
        .filter(|l| !l.contains("headers.duration") && !l.contains("row.duration"))
        .map(|l| format!("{l}\n"))
        .collect();
    p.write("templates/eulerhermes-table.html", without_duration);
    let run = p.run(&["build", "--out", "dist"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let report = run.report();
    assert!(
        report.contains("site/eulerhermes/cookies.html:"),
        "names the page: {report}"
    );
    assert!(
        report.contains("error[missing-column]: table 1 lacks the column(s): Duration"),
        "{report}"
    );
    assert_eq!(
        before,
        p.tree("dist"),
        "a failed build leaves dist/ as it was"
    );
    assert_eq!(p.run(&["check"]).code, 1);
}

#[test]
fn a_site_template_that_rewrites_a_cell_fails() {
    let p = Project::portals();
    p.edit(
        "templates/eulerhermes-table.html",
        "<td>{{ row.purpose }}</td>",
        "<td>{{ row.purpose | upper }}</td>",
    );
    let run = p.run(&["check"]);
    assert_eq!(run.code, 1);
    let report = run.report();
    assert_eq!(report.matches("error[row-drift]").count(), 4, "{report}");
    assert!(
        report.contains("+Purposes: TO RETRIEVE DATA VIA API CALLS"),
        "{report}"
    );
}

#[test]
fn xtask_paths_are_the_demo_paths() {
    // `cargo xtask` runs the CLI with these paths from the project root; they must exist there.
    for path in ["catalogue.toml", "site", "templates"] {
        assert!(Path::new(&root().join(path)).exists(), "{path}");
    }
}
