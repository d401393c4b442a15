//! The preview as an editor uses it: `cookie-ledger serve` on a copy of the demo, its pages open
//! in headless Chromium, edits made to the files, and the DOM asserted on. A screenshot of each
//! state is kept in `target/tmp/preview-screenshots/` for review; `UPDATE_SCREENSHOTS=1` also
//! puts the broken-catalogue state in `docs/preview.png`, the README's picture.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::server::Server;
use crate::support::Project;
use crate::tab::Tab;

/// The findings panel, when shown.
const PANEL: &str = "document.querySelector('aside[role=alert]')";

fn screenshots() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("preview-screenshots")
}

/// Marks the page, so that a reload shows as the mark gone.
fn mark(tab: &Tab) {
    tab.eval("window.__mark = true");
}

/// Waits for the page to have reloaded since [`mark`], to satisfy `condition` and to listen
/// for the next rebuild.
fn reloaded(tab: &Tab, what: &str, condition: &str) {
    tab.wait(
        what,
        &format!(
            "window.__mark === undefined && document.readyState === 'complete' && window.cookieLedgerPreview.live && ({condition})"
        ),
    );
}

/// Asserts that the panel stays away for a while (the page's own fetch of the findings included).
fn stays_hidden(tab: &Tab, why: &str) {
    let until = Instant::now() + Duration::from_millis(700);
    while Instant::now() < until {
        assert_eq!(
            tab.eval(&format!("{PANEL} === null")),
            serde_json::json!(true),
            "{why}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub fn an_editor_sees_each_edit_the_findings_and_the_recovery_in_the_browser() {
    let p = Project::portals();
    let server = Server::start(&p);
    let tab = Tab::open();
    let shots = screenshots();
    let page = format!("http://{}/datastro/cookies.html", server.address);
    tab.go(&page);
    tab.wait("the preview to listen", "window.cookieLedgerPreview.live");
    stays_hidden(&tab, "a clean site shows no panel");
    tab.screenshot(&shots, "1-clean");

    // A page edit: the open page reloads by itself with it.
    mark(&tab);
    p.edit(
        "site/datastro/cookies.html",
        "<h1>Cookie policy</h1>",
        "<h1>Cookie policy, edited</h1>",
    );
    reloaded(
        &tab,
        "the page to reload after a page edit",
        "document.querySelector('h1').textContent === 'Cookie policy, edited'",
    );
    tab.screenshot(&shots, "2-page-edit");

    // A catalogue edit: the table on the page says the new words.
    mark(&tab);
    p.edit(
        "catalogue.toml",
        "To remember the user from one page to another",
        "To remember the visitor from one page to the next",
    );
    reloaded(
        &tab,
        "the page to reload after a catalogue edit",
        "document.querySelector('table').innerText.includes('To remember the visitor from one page to the next')",
    );
    tab.screenshot(&shots, "3-catalogue-edit");

    // A broken catalogue: the panel says where, over the last good page.
    let good = p.read("catalogue.toml");
    let line = good.lines().count() + 2;
    p.write("catalogue.toml", format!("{good}\n[broken\n"));
    tab.wait(
        "the panel to show the catalogue's error with its line",
        &format!("{PANEL}.innerText.includes('catalogue.toml:{line}:')"),
    );
    let panel = tab.eval(&format!("{PANEL}.innerText")).to_string();
    assert!(panel.contains("error["), "{panel}");
    assert!(
        tab.eval("document.querySelector('h1').textContent") == "Cookie policy, edited",
        "the last good page stays"
    );
    let broken = tab.screenshot(&shots, "4-broken-catalogue");
    if std::env::var_os("UPDATE_SCREENSHOTS").is_some() {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/preview.png");
        std::fs::copy(&broken, docs).expect("docs/preview.png is written");
    }

    // Dismissed: gone, and it stays gone on a reload and on another page until the next change.
    tab.click("aside[role=alert] button[aria-label=Dismiss]");
    tab.wait("the panel to go", &format!("{PANEL} === null"));
    tab.reload();
    tab.wait("the preview to listen", "window.cookieLedgerPreview.live");
    stays_hidden(&tab, "a dismissed panel came back on a reload");
    tab.go(&format!("http://{}/odwb/cookies.html", server.address));
    tab.wait("the preview to listen", "window.cookieLedgerPreview.live");
    stays_hidden(&tab, "a dismissed panel came back on another page");
    tab.screenshot(&shots, "5-dismissed");

    // Fixed: the page reloads, with no panel.
    mark(&tab);
    p.write("catalogue.toml", &good);
    reloaded(&tab, "the page to recover", &format!("{PANEL} === null"));
    stays_hidden(&tab, "a fixed catalogue leaves no finding");
    tab.screenshot(&shots, "6-recovered");

    // Drift: a page that sets an undeclared cookie shows it, with its place; the next change
    // brings the panel back although it was dismissed before.
    mark(&tab);
    p.edit(
        "site/odwb/cookies.html",
        "</main>",
        "<script>document.cookie = \"tracker=1; max-age=600\";</script></main>",
    );
    reloaded(
        &tab,
        "the drift to show on the page",
        &format!(
            "{PANEL} !== null && {PANEL}.innerText.includes('undeclared-cookie') && {PANEL}.innerText.includes('odwb/cookies.html:')"
        ),
    );
    let panel = tab.eval(&format!("{PANEL}.innerText")).to_string();
    assert!(panel.contains("tracker"), "{panel}");
    tab.screenshot(&shots, "7-drift");
    drop(server);
}

pub fn the_dashboard_reads_well_to_a_screen_reader_and_a_keyboard() {
    let p = Project::portals();
    p.write(
        "site/odwb/tracked.html",
        "<!DOCTYPE html><html lang=\"en\"><body><script>document.cookie = \"tracker=1\";</script></body></html>\n",
    );
    let server = Server::start(&p);
    let tab = Tab::open();
    let dashboard = format!("http://{}/__cookie-ledger/", server.address);
    tab.go(&dashboard);
    tab.wait("the preview to listen", "window.cookieLedgerPreview.live");
    stays_hidden(
        &tab,
        "the dashboard lists its findings itself, with no panel over them",
    );
    let shot = tab.screenshot(&screenshots(), "dashboard");
    if std::env::var_os("UPDATE_SCREENSHOTS").is_some() {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/dashboard.png");
        std::fs::copy(&shot, docs).expect("docs/dashboard.png is written");
    }
    let nodes = tab.accessibility();
    let named = |role: &str| -> Vec<&str> {
        nodes
            .iter()
            .filter(|(r, _)| r == role)
            .map(|(_, n)| n.as_str())
            .collect()
    };
    assert!(
        named("heading").contains(&"Cookie declaration"),
        "{nodes:?}"
    );
    assert!(named("heading").contains(&"Findings"), "{nodes:?}");
    // Every table is named by its caption, every column and link by its text.
    let tables = named("table");
    assert!(tables.len() >= 8, "{tables:?}");
    assert!(tables.iter().all(|n| !n.trim().is_empty()), "{tables:?}");
    assert!(
        tables
            .iter()
            .any(|n| n.starts_with("Cookies nécessaires au bon fonctionnement")),
        "the French tables speak French: {tables:?}"
    );
    assert!(
        named("columnheader").contains(&"Files that set it"),
        "{nodes:?}"
    );
    assert!(named("rowheader").contains(&"sessionid"), "{nodes:?}");
    let links = named("link");
    assert!(links.iter().all(|n| !n.trim().is_empty()), "{links:?}");
    assert!(
        links
            .iter()
            .any(|n| n.starts_with("site/odwb/tracked.html:")),
        "{links:?}"
    );
    // The finding's link opens the page it is on.
    assert_eq!(
        tab.eval("document.querySelector('.findings a').getAttribute('href')"),
        "/odwb/tracked.html"
    );
    // The keyboard's first stop skips to the declaration.
    tab.press("Tab", 9);
    assert_eq!(
        tab.eval("document.activeElement.textContent"),
        "Skip to the declaration"
    );
    tab.press("Enter", 13);
    tab.wait("the skip link to be followed", "location.hash === '#main'");
    // Readable without JavaScript: `report` writes the same page with no script at all.
    let report = p.run(&["report"]);
    assert!(!report.stdout.contains("<script"));
}

pub fn the_live_audit_says_what_the_viewed_page_stores_before_consent() {
    let p = Project::portals();
    let server = Server::start_with(&p, &["--port", "0"]);
    let tab = Tab::open();
    tab.go(&format!("http://{}/odwb/index.html", server.address));
    tab.wait("the preview to listen", "window.cookieLedgerPreview.live");
    tab.wait(
        "the live audit of the page as it is",
        "window.cookieLedgerPreview.audit !== null",
    );
    stays_hidden(
        &tab,
        "a page that stores only what is declared raises no panel",
    );
    tab.wait(
        "the quiet line of the live audit",
        "document.querySelector('[role=status]').textContent.startsWith('cookie-ledger live audit:')",
    );

    // An editor adds a tag that stores an undeclared cookie and a statistics cookie at once.
    mark(&tab);
    p.edit(
        "site/odwb/index.html",
        "</main>",
        "<script>document.cookie = \"_ga=GA1.1.42.42; max-age=63072000; path=/\"; document.cookie = \"_pk_id.1.a1b2=x; max-age=3600; path=/\";</script></main>",
    );
    reloaded(&tab, "the page to reload with the tag", "true");
    tab.wait(
        "the live audit to say what the page stores before consent",
        &format!(
            "{PANEL} !== null && {PANEL}.innerText.includes('this page stores `_ga` (cookie) before consent: not declared in the catalogue')"
        ),
    );
    tab.wait(
        "the audit's finding about a statistics cookie stored before consent",
        &format!("{PANEL}.innerText.includes('stored-before-consent')"),
    );
    let panel = tab.eval(&format!("{PANEL}.innerText")).to_string();
    assert!(panel.contains("_pk_id"), "{panel}");
    let shot = tab.screenshot(&screenshots(), "8-live-audit");
    if std::env::var_os("UPDATE_SCREENSHOTS").is_some() {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/live-audit.png");
        std::fs::copy(&shot, docs).expect("docs/live-audit.png is written");
    }
    // Dismissed, the panel goes; the quiet line never claims that all is declared.
    tab.click("aside[role=alert] button[aria-label=Dismiss]");
    tab.wait("the panel to go", &format!("{PANEL} === null"));
    tab.reload();
    tab.wait(
        "the live audit of the reloaded page",
        "window.cookieLedgerPreview.audit !== null",
    );
    stays_hidden(&tab, "a dismissed panel stays away");
    assert_eq!(
        tab.eval("document.querySelector('[role=status]') === null"),
        serde_json::json!(true),
        "a page that stores what is not declared never gets the quiet line"
    );
    assert!(
        server.said(|l| l.starts_with("live audit of /odwb/index.html"))
            || server
                .wait_for_line(|l| l.starts_with("live audit of /odwb/index.html"))
                .is_some(),
        "the terminal says so too"
    );
    // Ctrl-C stops the preview and the live audit's browser with it.
    assert_eq!(server.stop(), Some(0));
}
