//! Generated tag soup through the page pass: no input panics, and chunking never changes the result.
//!
//! A cheap, deterministic stand-in for the fuzzing a later issue brings: pages are built
//! from fragments that stress the marker and table handling, in random order and nesting.

use cookie_ledger::catalogue::Catalogue;
use cookie_ledger::page::{self, Context};
use cookie_ledger::render::Tables;
use cookie_ledger::scan::services::Services;

use crate::support::portals;

const FRAGMENTS: &[&str] = &[
    "<div data-cookie-table=\"necessary\">",
    "<div data-cookie-table=\"necessary\"></div>",
    "<div data-cookie-table=\"nope\"></div>",
    "<div data-cookie-table=\"necessary\" lang=\"fr\"></div>",
    "<div data-cookie-table=\"necessary\" lang=\"xx\"></div>",
    "<p data-cookie-table=\"necessary\">",
    "<img data-cookie-table=\"necessary\">",
    "<div data-cookie-table=\"necessary\"/>",
    "</div>",
    "</p>",
    "<table>",
    "</table>",
    "<tr>",
    "<th>Cookie name</th>",
    "<th>Purpose</th>",
    "<td>csrftoken</td>",
    "<td>sessionid, _ga_*</td>",
    "<td>To retrieve data via API calls</td>",
    "<td>&amp;&#39;&eacute;&unknown;</td>",
    "<!-- data-cookie-table -->",
    "<noscript>",
    "</noscript>",
    "<template>",
    "</template>",
    "<script>var t = '<table>';</script>",
    "<svg><g data-cookie-table=\"necessary\"/></svg>",
    "<html lang=\"fr\">",
    "<br>",
    "\u{e9}t\u{e9} ",
    "\r\n",
    "<",
    "&",
    "\"",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> usize {
        // xorshift64: deterministic, so a failure reproduces from its seed.
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 as usize
    }
}

#[test]
fn tag_soup_never_panics_and_chunking_never_matters() {
    let catalogue = Catalogue::load(&portals().join("catalogue.toml")).unwrap();
    let tables = Tables::render(&catalogue).unwrap();
    let services = Services::new(catalogue.services.clone());
    let (mut rewritten, mut bad_pages) = (0, 0);
    for report_stale_markers in [false, true] {
        let ctx = Context {
            catalogue: &catalogue,
            services: &services,
            tables: &tables,
            report_stale_markers,
            append: None,
            build_command: "cookie-ledger build",
        };
        for seed in 1..=400u64 {
            let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let len = 1 + rng.next() % 40;
            let page: String = (0..len)
                .map(|_| FRAGMENTS[rng.next() % FRAGMENTS.len()])
                .collect();
            let whole = page::process(
                &ctx,
                "odwb/soup.html",
                "soup.html",
                page.as_bytes(),
                page.len().max(1),
            );
            for size in [1, 3, 16] {
                let chunked =
                    page::process(&ctx, "odwb/soup.html", "soup.html", page.as_bytes(), size);
                assert_eq!(
                    chunked.output, whole.output,
                    "seed {seed}, chunk {size}: output\n{page}"
                );
                assert_eq!(
                    chunked.findings, whole.findings,
                    "seed {seed}, chunk {size}: findings\n{page}"
                );
            }
            if whole.findings.is_empty() && whole.output.is_none() {
                continue;
            }
            // Whatever was written, building it again gives the same bytes, unless the page was bad input.
            let bad = whole
                .findings
                .iter()
                .any(|d| d.rule.class() == cookie_ledger::diagnostic::Class::BadInput);
            rewritten += usize::from(whole.output.is_some());
            bad_pages += usize::from(bad);
            if let (Some(out), false) = (&whole.output, bad) {
                let again = page::process(&ctx, "odwb/soup.html", "soup.html", out, out.len());
                assert_eq!(
                    again.output.as_ref().unwrap_or(out),
                    out,
                    "seed {seed}: not idempotent\n{page}"
                );
            }
        }
    }
    // The soup must reach both the rewriting and the refusing paths, or it tests nothing.
    assert!(
        rewritten > 100 && bad_pages > 100,
        "{rewritten} rewritten, {bad_pages} bad"
    );
}
