//! `cookie-ledger audit`: visits the built site in a real headless Chromium, in three passes
//! (before consent, after refusing, after accepting), and holds what the browser stored
//! against the catalogue.
//!
//! The rooms: `route` (what answers each request: the output folder, fixtures, the network or
//! a refusal), `browse` (one page in a fresh browser context: what it stores and who stored
//! it), `judge` (what is stored against what is declared, into findings and notes).

mod browse;
mod declared;
mod group;
mod inventory;
mod judge;
mod merge;
pub mod route;
mod schedule;
mod seen;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use base64_lite::encode;
use serde_json::json;
use walkdir::WalkDir;

use crate::build::{Outcome, Summary};
use crate::catalogue::{Catalogue, SiteId};
use crate::cdp::{Event, Outbox};
use crate::diagnostic::{Diagnostic, ExitCode, Policy, Rule};
use crate::storage::Storage;
pub use browse::Buttons;
use route::{Answer, HeaderCookie, Network, Routes};

/// What an audit reads and how it runs.
#[derive(Clone, Debug)]
pub struct Options {
    /// The catalogue file.
    pub catalogue: PathBuf,
    /// The built site to visit.
    pub site: PathBuf,
    /// The browser; `None` finds one (see [`crate::chrome::find`]).
    pub chrome: Option<PathBuf>,
    /// Whether third-party requests may leave the machine.
    pub network: Network,
    /// Responses for other hosts: `DIR/<host>/<path>`.
    pub fixtures: Option<PathBuf>,
    /// The consent banner's buttons from the command line; an empty list falls back to the
    /// catalogue's `[consent]`, then to [`default_buttons`].
    pub buttons: Buttons,
    /// What the flags make of each rule.
    pub policy: Policy,
    /// Visit every page, not one page of each group that loads the same things.
    pub all_pages: bool,
    /// Where to write the inventory of what the files set and each pass stored.
    pub inventory: Option<PathBuf>,
}

/// The three passes, each with fresh profiles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Pass {
    /// The page loads; the visitor does nothing.
    BeforeConsent,
    /// The visitor refuses everything that needs consent.
    AfterRefusing,
    /// The visitor accepts everything.
    AfterAccepting,
}

impl Pass {
    /// Every pass, in order.
    pub const ALL: [Pass; 3] = [
        Pass::BeforeConsent,
        Pass::AfterRefusing,
        Pass::AfterAccepting,
    ];

    /// How reports name it.
    pub fn word(self) -> &'static str {
        match self {
            Pass::BeforeConsent => "before consent",
            Pass::AfterRefusing => "after refusing",
            Pass::AfterAccepting => "after accepting",
        }
    }
}

/// One item the browser stored after a visit.
#[derive(Clone, Debug, PartialEq)]
pub struct Stored {
    /// In which pass.
    pub pass: Pass,
    /// Cookie or storage.
    pub kind: Storage,
    /// Its name or key.
    pub name: String,
    /// The cookie's domain, or the storage's origin.
    pub domain: String,
    /// When it expires (seconds since the epoch); `None` for a session cookie or storage.
    pub expires: Option<f64>,
    /// A cookie's flags; `None` for storage.
    pub flags: Option<crate::build::CookieFlags>,
    /// Who wrote it, when the audit caught the write.
    pub setter: Option<browse::Setter>,
}

/// One page to visit.
struct Page {
    /// Its `/`-separated path in the site folder.
    rel: String,
    site: SiteId,
    url: String,
    /// How many pages of its site its visit stands for, itself included.
    stands_for: usize,
}

/// The buttons of the demo's banner, vanilla-cookieconsent's and MkDocs Material's consent
/// form, when nothing else is said.
pub fn default_buttons() -> Buttons {
    Buttons {
        accept: vec![
            ".consent-banner button:nth-of-type(1)".to_owned(),
            "#cc-main [data-role=\"all\"]".to_owned(),
            ".md-consent__controls button:not([type=\"reset\"])".to_owned(),
        ],
        refuse: vec![
            ".consent-banner button:nth-of-type(2)".to_owned(),
            "#cc-main [data-role=\"necessary\"]".to_owned(),
            ".md-consent__controls button[type=\"reset\"]".to_owned(),
        ],
    }
}

/// Runs the audit.
pub fn run(options: &Options) -> Outcome {
    // `site/` and `site` name one folder: reports name its files one way, so the browser's
    // findings meet the static check's.
    let trimmed = options.site.to_string_lossy();
    let trimmed = trimmed.trim_end_matches('/');
    let options = &Options {
        site: if trimmed.is_empty() {
            options.site.clone()
        } else {
            PathBuf::from(trimmed)
        },
        ..options.clone()
    };
    let catalogue = match Catalogue::load(&options.catalogue) {
        Ok(c) => c,
        Err(errors) => return Outcome::failed(errors, Summary::default()),
    };
    let summary = Summary {
        sites: catalogue.sites.len(),
        cookies: catalogue.cookies.len(),
        ..Summary::default()
    };
    let fail = |message: String, help: &str| {
        Outcome::failed(
            vec![Diagnostic::new(Rule::Io, None, message).with_help(help.to_owned())],
            summary.clone(),
        )
    };
    if !options.site.is_dir() {
        return fail(
            format!("no built site at {}", options.site.display()),
            "build the site first (cookie-ledger build), and name its output with --site",
        );
    }
    if let Some(path) = &options.inventory
        && let Err(d) = inventory::check(&catalogue, path, &options.site)
    {
        return Outcome::failed(vec![d], summary);
    }
    let (all, outside) = pages(&catalogue, &options.site);
    let signatures: Vec<Option<group::Signature>> = all
        .iter()
        .map(|p| {
            group::signature(&options.site.join(&p.rel), &p.url).map(|mut s| {
                s.site = p.site.0;
                s
            })
        })
        .collect();
    let chosen = group::choose(&signatures, options.all_pages);
    let total = all.len();
    let mut all: Vec<Option<Page>> = all.into_iter().map(Some).collect();
    let pages: Vec<Page> = chosen
        .into_iter()
        .filter_map(|(i, stands_for)| {
            let mut page = all[i].take()?;
            page.stands_for = stands_for;
            Some(page)
        })
        .collect();
    let defaults = default_buttons();
    let pick = |flags: &[String], declared: &[String], built_in: Vec<String>| {
        if !flags.is_empty() {
            flags.to_vec()
        } else if !declared.is_empty() {
            declared.to_vec()
        } else {
            built_in
        }
    };
    let buttons = Buttons {
        accept: pick(
            &options.buttons.accept,
            &catalogue.consent.accept,
            defaults.accept,
        ),
        refuse: pick(
            &options.buttons.refuse,
            &catalogue.consent.refuse,
            defaults.refuse,
        ),
    };
    let executable = match crate::chrome::find(options.chrome.as_deref()) {
        Ok(path) => path,
        Err(message) => {
            return fail(
                message,
                "the audit needs a real browser; `check` runs without one",
            );
        }
    };
    let routes = Arc::new(Routes::new(
        &catalogue,
        &options.site,
        options.fixtures.as_deref(),
        options.network,
    ));
    let requests: Arc<Mutex<Requests>> = Arc::default();
    let handler = {
        let routes = Arc::clone(&routes);
        let requests = Arc::clone(&requests);
        Box::new(
            move |out: &Outbox, event: &Event| match event.method.as_str() {
                "Fetch.requestPaused" => {
                    answer(out, event, &routes, &requests);
                    true
                }
                // An alert, confirm or prompt would hold the page, and the audit, until closed.
                "Page.javascriptDialogOpening" => {
                    out.send(
                        event.session.as_deref(),
                        "Page.handleJavaScriptDialog",
                        json!({ "accept": true }),
                    );
                    true
                }
                _ => false,
            },
        )
    };
    let browser = match crate::chrome::launch(&executable, handler) {
        Ok(browser) => browser,
        Err(message) => {
            return fail(
                message,
                "check that the browser starts: run it with --headless --version",
            );
        }
    };
    if let Err(e) = browser.cdp.call(
        None,
        "Fetch.enable",
        json!({ "patterns": [{ "urlPattern": "*" }] }),
    ) {
        return fail(
            format!("cannot serve the site to the browser: {e}"),
            "use a Chromium or Chrome recent enough for the Fetch domain",
        );
    }
    let jobs: Vec<(Pass, &Page)> = Pass::ALL
        .iter()
        .flat_map(|&pass| pages.iter().map(move |page| (pass, page)))
        .collect();
    let done = schedule::visit_all(&browser.cdp, &jobs, &buttons);
    let mut visits: Vec<(&Page, browse::Visit)> = jobs
        .iter()
        .zip(done)
        .map(|(&(_, page), visit)| (page, visit))
        .collect();
    drop(browser);
    let requests = std::mem::take(&mut *requests.lock().unwrap_or_else(|e| e.into_inner()));
    // A response the audit fulfilled carries no network record of its headers: a cookie no
    // write explains was set by the `_headers` line that gave it.
    for (_, visit) in &mut visits {
        for stored in &mut visit.stored {
            if stored.kind.is_cookie()
                && stored.setter.is_none()
                && let Some(header) = requests.served.get(&stored.name)
            {
                stored.setter = Some(browse::Setter {
                    url: header.location.file.clone(),
                    place: Some((header.location.line, header.location.column)),
                    text: format!("Set-Cookie: {}", header.value),
                });
            }
        }
    }
    let mut summary = summary;
    summary.pages = total;
    summary.visited = pages.len();
    let (browser, seen) = judge::judge(
        &catalogue,
        &options.site,
        &routes,
        &visits,
        &outside,
        &requests.refused,
        &options.policy,
        summary,
    );
    // What the site's own files say, from the same folder: static and browser evidence in one
    // report, each finding once.
    let checked = crate::build::run(&crate::build::Options {
        policy: options.policy.clone(),
        ..crate::build::Options::check(&options.catalogue, &options.site)
    });
    let mut outcome = merge::merge(&catalogue, checked, browser, &seen);
    // What the audit saw is recorded whether it found drift or not; an audit that could not
    // do its job records nothing.
    if let Some(path) = &options.inventory
        && outcome.exit != ExitCode::BadInput
        && let Err(d) = inventory::write(&catalogue, &outcome, path)
    {
        outcome.diagnostics.push(d);
        outcome.exit = ExitCode::of(&outcome.diagnostics);
    }
    outcome
}

/// The site's pages, each with its site and address; and the pages of no site, which cannot
/// be visited at any site's address.
fn pages(catalogue: &Catalogue, root: &Path) -> (Vec<Page>, Vec<String>) {
    let mut pages = Vec::new();
    let mut outside = Vec::new();
    for entry in WalkDir::new(root).sort_by_file_name().into_iter().flatten() {
        let is_page = entry.file_type().is_file()
            && entry
                .path()
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "html" | "htm"));
        if !is_page {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(root) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        match catalogue.site_of(&rel) {
            Some(site) => {
                let info = &catalogue.sites[site];
                let within = if info.dir.is_empty() {
                    rel.as_str()
                } else {
                    rel.strip_prefix(&format!("{}/", info.dir)).unwrap_or(&rel)
                };
                let within = within.strip_suffix("index.html").unwrap_or(within);
                pages.push(Page {
                    url: format!("{}/{within}", route::origin(&info.url)),
                    rel,
                    site,
                    stands_for: 1,
                });
            }
            None => outside.push(rel),
        }
    }
    (pages, outside)
}

/// What the requests of a run met beyond the site's files.
#[derive(Default)]
struct Requests {
    /// URLs refused offline, each once, in order.
    refused: Vec<String>,
    /// `Set-Cookie` headers the output's `_headers` files gave, by cookie name.
    served: HashMap<String, HeaderCookie>,
}

/// Answers one paused request: a file, a 404, the network, or a refusal.
fn answer(out: &Outbox, event: &Event, routes: &Routes, requests: &Mutex<Requests>) {
    let id = event.params["requestId"].clone();
    let url = event.params["request"]["url"].as_str().unwrap_or_default();
    let session = event.session.as_deref();
    match routes.answer(url) {
        Answer::File(path, kind, cookies) => match std::fs::read(&path) {
            Ok(bytes) => {
                let mut headers = vec![json!({ "name": "Content-Type", "value": kind })];
                for cookie in cookies {
                    headers.push(json!({ "name": "Set-Cookie", "value": cookie.value }));
                    let name = cookie.value.split('=').next().unwrap_or_default().trim();
                    if let Ok(mut requests) = requests.lock() {
                        requests.served.entry(name.to_owned()).or_insert(cookie);
                    }
                }
                out.send(
                    session,
                    "Fetch.fulfillRequest",
                    json!({
                        "requestId": id,
                        "responseCode": 200,
                        "responseHeaders": headers,
                        "body": encode(&bytes),
                    }),
                );
            }
            Err(_) => not_found(out, session, id),
        },
        Answer::NotFound => not_found(out, session, id),
        Answer::Network => {
            out.send(session, "Fetch.continueRequest", json!({ "requestId": id }));
        }
        Answer::Refused => {
            if let Ok(mut requests) = requests.lock()
                && !requests.refused.iter().any(|u| u == url)
            {
                requests.refused.push(url.to_owned());
            }
            out.send(
                session,
                "Fetch.failRequest",
                json!({ "requestId": id, "errorReason": "BlockedByClient" }),
            );
        }
    }
}

fn not_found(out: &Outbox, session: Option<&str>, id: serde_json::Value) {
    out.send(
        session,
        "Fetch.fulfillRequest",
        json!({
            "requestId": id,
            "responseCode": 404,
            "responseHeaders": [{ "name": "Content-Type", "value": "text/plain" }],
            "body": encode(b"not found"),
        }),
    );
}

/// Base64, for `Fetch.fulfillRequest` bodies.
mod base64_lite {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// `bytes` in standard base64 with padding.
    pub fn encode(bytes: &[u8]) -> String {
        let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
        for chunk in bytes.chunks(3) {
            let b = [
                chunk[0],
                chunk.get(1).copied().unwrap_or(0),
                chunk.get(2).copied().unwrap_or(0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    #[cfg(test)]
    #[test]
    fn encodes_every_tail_length() {
        assert_eq!(encode(b""), "");
        assert_eq!(encode(b"f"), "Zg==");
        assert_eq!(encode(b"fo"), "Zm8=");
        assert_eq!(encode(b"foo"), "Zm9v");
        assert_eq!(encode(b"foob"), "Zm9vYg==");
        assert_eq!(encode(&[0xff, 0xfe, 0x00]), "//4A");
    }
}
