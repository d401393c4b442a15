//! The per-file result is the unit other machines will exchange: reduced after a trip through
//! JSON, it must give the same outcome and inventory as the results it was made from.

use std::path::{Path, PathBuf};

use super::file::{Facts, FileResult};
use super::{Options, Session, aggregate};
use crate::inventory;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The frozen copy of the demo's portals (tests/fixtures/portals).
fn portals() -> PathBuf {
    root().join("tests/fixtures/portals")
}

/// The outcome and inventory of `results`, as text that says everything in them.
fn reduce<'r>(session: &Session, results: impl IntoIterator<Item = &'r FileResult>) -> String {
    let (outcome, sites) = aggregate::aggregate(session, results, Vec::new());
    let document = inventory::document(&session.catalogue, &session.services, &sites);
    format!(
        "{:#?}\n{:#?}\n{:#?}\n{:#?}\n{document:#}",
        outcome.diagnostics, outcome.summary, outcome.found, outcome.policy_pages
    )
}

/// Serialises every file's result of a check with `options`, reads it back and reduces it again.
fn round_trip(options: &Options) -> Vec<FileResult> {
    let (session, _) = Session::start(options).unwrap_or_else(|o| panic!("{:#?}", o.diagnostics));
    let results: Vec<&FileResult> = session.files.iter().collect();
    let text = serde_json::to_string(&results).expect("a file result serialises");
    let back: Vec<FileResult> = serde_json::from_str(&text).expect("and reads back");
    assert_eq!(back.len(), results.len());
    for (back, result) in back.iter().zip(&results) {
        assert_eq!(
            back, *result,
            "{} changed on its way through JSON",
            result.path
        );
    }
    assert_eq!(reduce(&session, back.iter()), reduce(&session, results));
    back
}

#[test]
fn the_portals_reduce_the_same_from_serialised_results() {
    let _ = round_trip(&Options::check(
        &portals().join("catalogue.toml"),
        &portals().join("site"),
    ));
}

#[test]
fn real_generator_output_reduces_the_same_from_serialised_results() {
    for name in ["hugo", "mkdocs-material", "python-docs", "sphinx-rtd"] {
        let dir = root().join("tests/fixtures/real").join(name);
        let _ = round_trip(&Options::check(
            &dir.join("catalogue.toml"),
            &dir.join("site"),
        ));
    }
}

#[test]
fn headers_files_scripts_and_pages_of_no_site_reduce_the_same_from_serialised_results() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy(&portals().join("site"), &site);
    std::fs::write(
        site.join("_headers"),
        "/odwb/*\n  Set-Cookie: lang=fr; Max-Age=600\n/nowhere/*\n  Set-Cookie: stray=1\n",
    )
    .unwrap();
    std::fs::write(
        site.join("odwb/track.js"),
        "document.cookie = 'pref=' + v + '; max-age=86400'; document.cookie = key + '=1';",
    )
    .unwrap();
    std::fs::write(
        site.join("lost.html"),
        "<script src=\"https://www.googletagmanager.com/gtag/js?id=G-1\"></script>",
    )
    .unwrap();
    let results = round_trip(&Options::check(&portals().join("catalogue.toml"), &site));
    // Each kind of file took part, with something to say.
    let kinds = |wanted: fn(&Facts) -> bool| results.iter().filter(|r| wanted(&r.facts)).count();
    assert_eq!(
        kinds(|f| matches!(f, Facts::Headers { cookies } if cookies.len() == 2)),
        1
    );
    assert!(kinds(|f| matches!(f, Facts::Script { sightings, .. } if sightings.len() == 2)) >= 1);
    assert!(
        kinds(|f| matches!(f, Facts::Page(p) if p.site.is_none() && !p.sightings.is_empty())) >= 1
    );
    assert!(kinds(|f| matches!(f, Facts::Page(p) if !p.covered.is_empty())) >= 1);
}

fn copy(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
