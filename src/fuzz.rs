//! The properties the fuzz targets (`fuzz/`) check on any input, shared with the test that replays
//! every input once found to crash or to be slow (`fuzz/regressions/`). Each panics when a
//! property fails, which is what a fuzzer reports.

use std::path::Path;
use std::sync::OnceLock;

use crate::catalogue::Catalogue;
use crate::page::{self, Context};
use crate::render::Tables;
use crate::scan::services::Services;

/// A catalogue of two sites and two categories in two languages, for the page pass.
const CATALOGUE: &str = r#"
[[site]]
id = "a"
url = "https://a.example"
dir = "a"
languages = ["en", "fr"]

[[site]]
id = "b"
url = "https://b.example"
dir = "b"
languages = ["en"]

[category.necessary]
title = { en = "Necessary", fr = "Nécessaires" }
description = { en = "Needed.", fr = "Requis." }
consent = false

[category.statistics]
title = { en = "Statistics", fr = "Statistiques" }
description = { en = "Counting.", fr = "Comptage." }
consent = true

[[cookie]]
names = ["sessionid"]
provider = "A"
function = { en = "Login", fr = "Connexion" }
purpose = { en = "Remembers the user", fr = "Retient l'utilisateur" }
duration = "2 weeks"
category = "necessary"
party = "first"
set_by = "server"

[[cookie]]
names = ["_ga", "_ga_*"]
provider = "Google"
function = { en = "Audience", fr = "Audience" }
purpose = { en = "Counts visits", fr = "Compte les visites" }
duration = "2 years"
category = "statistics"
party = "first"
set_by = "tag"
sites = ["a"]
"#;

fn fixture() -> &'static (Catalogue, Services, Tables) {
    static FIXTURE: OnceLock<(Catalogue, Services, Tables)> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let catalogue = Catalogue::parse(CATALOGUE, "fuzz.toml", Path::new("."))
            .unwrap_or_else(|e| panic!("the fuzz catalogue is valid: {e:?}"));
        let services = Services::new(catalogue.services.clone());
        let tables = Tables::render(&catalogue).unwrap_or_else(|e| panic!("{e:?}"));
        (catalogue, services, tables)
    })
}

/// Any bytes as a catalogue: an error or a catalogue, and a catalogue renders or says why not.
pub fn catalogue(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Templates are read relative to a folder that does not exist: no file is ever read.
    if let Ok(catalogue) = Catalogue::parse(
        text,
        "fuzz.toml",
        Path::new("/nonexistent/cookie-ledger-fuzz"),
    ) {
        let _ = Tables::render(&catalogue);
    }
}

/// Any bytes as a page of site `a`: the pass never panics, and feeding it in small chunks gives
/// the same output, findings and sightings as feeding it whole.
pub fn page(data: &[u8]) {
    let (catalogue, services, tables) = fixture();
    let ctx = Context {
        catalogue,
        services,
        tables,
        report_stale_markers: true,
        append: None,
        build_command: "cookie-ledger build",
    };
    let chunk = 1 + usize::from(data.first().copied().unwrap_or(0) % 7);
    let whole = page::process(&ctx, "a/page.html", "page.html", data, 64 * 1024);
    let pieces = page::process(&ctx, "a/page.html", "page.html", data, chunk);
    assert_eq!(whole.output, pieces.output, "output at chunk size {chunk}");
    assert_eq!(
        whole.findings, pieces.findings,
        "findings at chunk size {chunk}"
    );
    assert_eq!(
        whole.facts.sightings, pieces.facts.sightings,
        "sightings at chunk size {chunk}"
    );
}

/// Any text as a script: the scan never panics, and every token lies on character boundaries, in order.
pub fn script(data: &[u8]) {
    static SERVICES: OnceLock<Services> = OnceLock::new();
    let services = SERVICES.get_or_init(|| Services::new(Vec::new()));
    let code = String::from_utf8_lossy(data);
    let mut last = 0;
    for token in crate::scan::js::lexer::tokens(&code, true) {
        assert!(
            token.start() >= last && token.end() >= token.start(),
            "{token:?}"
        );
        assert!(code.get(token.start()..token.end()).is_some(), "{token:?}");
        last = token.end();
    }
    let _ = crate::scan::script(services, &code, 0, Default::default());
}
