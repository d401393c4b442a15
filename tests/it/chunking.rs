//! lol_html splits input at arbitrary points: every chunk size must give the same page and the same findings.

use std::path::Path;

use cookie_ledger::catalogue::Catalogue;
use cookie_ledger::page::{self, Context};
use cookie_ledger::render::Tables;
use cookie_ledger::scan::services::Services;

use crate::support::{portals, root};

fn pages() -> Vec<(String, Vec<u8>)> {
    let mut pages = Vec::new();
    for (dir, rel) in [
        ("tests/fixtures/portals/site", "odwb/fr/cookies.html"),
        ("tests/fixtures/portals/site", "datastro/cookies.html"),
        ("tests/fixtures/seeds/site", "smartbump/cookies.html"),
        ("tests/fixtures/seeds/site", "datastro/cookies.html"),
    ] {
        pages.push((
            rel.to_owned(),
            std::fs::read(root().join(dir).join(rel)).unwrap(),
        ));
    }
    // A built page: markers already full, entities split anywhere.
    let built = String::from_utf8(pages[0].1.clone()).unwrap().replace(
        "data-cookie-table=\"necessary\"></div>",
        "data-cookie-table=\"necessary\"><table><tr><th>Cookie name</th></tr><tr><td>x&amp;y</td></tr></table></div>\n<table><tr><th>Nom du cookie</th><th>Finalit&eacute;s</th></tr><tr><td>csrftoken</td><td>R&eacute;cup&eacute;rer</td></tr></table>",
    );
    pages.push(("odwb/fr/cookies.html".into(), built.into_bytes()));
    // A marker in <noscript> is raw text there, and the chunks may cut through its name.
    let noscript = "<html><body><div data-cookie-table=\"necessary\"></div><noscript><p>x</p><div data-cookie-table=\"necessary\"></div></noscript></body></html>";
    pages.push((
        "datastro/noscript.html".into(),
        noscript.as_bytes().to_vec(),
    ));
    pages
}

#[test]
fn every_chunk_size_gives_the_same_result() {
    let catalogue = Catalogue::load(&portals().join("catalogue.toml")).unwrap();
    let tables = Tables::render(&catalogue).unwrap();
    let services = Services::new(catalogue.services.clone());
    for report_stale_markers in [false, true] {
        let ctx = Context {
            catalogue: &catalogue,
            services: &services,
            tables: &tables,
            report_stale_markers,
            append: None,
            build_command: "cookie-ledger build",
        };
        for (rel, input) in pages() {
            let whole = page::process(&ctx, &rel, &rel, &input, input.len());
            for size in [1, 2, 3, 7, 64, 1000] {
                let chunked = page::process(&ctx, &rel, &rel, &input, size);
                assert_eq!(
                    chunked.output, whole.output,
                    "{rel}: output differs at chunk size {size}"
                );
                assert_eq!(
                    chunked.findings, whole.findings,
                    "{rel}: findings differ at chunk size {size}"
                );
                assert_eq!(
                    chunked.facts, whole.facts,
                    "{rel}: what the page tells the site differs at chunk size {size}"
                );
            }
        }
    }
}

#[test]
fn findings_of_a_built_page_point_into_the_page_as_written() {
    // Offsets are read in the output; they must be mapped back to the input's lines.
    let catalogue = Catalogue::load(&portals().join("catalogue.toml")).unwrap();
    let tables = Tables::render(&catalogue).unwrap();
    let services = Services::new(catalogue.services.clone());
    let ctx = Context {
        catalogue: &catalogue,
        services: &services,
        tables: &tables,
        report_stale_markers: false,
        append: None,
        build_command: "cookie-ledger build",
    };
    let (rel, input) = pages().swap_remove(4);
    let result = page::process(&ctx, &rel, "p.html", &input, 5);
    let text = String::from_utf8(input).unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("<td>csrftoken</td>"))
        .unwrap()
        + 1;
    let drift: Vec<_> = result
        .findings
        .iter()
        .filter(|d| d.rule.id() == "row-drift")
        .collect();
    assert_eq!(drift.len(), 1, "{:#?}", result.findings);
    assert_eq!(drift[0].location.as_ref().unwrap().line, line);
    assert!(
        drift[0]
            .diff
            .as_ref()
            .unwrap()
            .contains("+Finalités: Récupérer\n")
    );
    assert!(Path::new(&rel).extension().is_some());
}
