//! The live audit: with a browser on the machine, the preview audits the page being viewed (the
//! three consent passes, in a browser of its own, offline) each time a page connects for
//! reloads, that is after every rebuild, on a thread of its own so a reload never waits for
//! it. What the page stored in each pass, declared or not, and the audit's findings go to
//! that page as an `audit` event. Without a browser the preview says so once and works as
//! before.

use std::path::Path;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

#[cfg(feature = "audit")]
use serde_json::{Value, json};
use tokio::sync::broadcast;

use super::{Log, PageEvent, State};

/// Starts the live audit; a page's address sent to `State::audit` asks for an audit of it.
/// Its thread ends, closing its browser, once `State::audit` is taken away.
#[cfg(feature = "audit")]
pub(super) fn start(
    (catalogue, site): (&Path, &Path),
    out: &Path,
    state: &Arc<Mutex<State>>,
    events: broadcast::Sender<PageEvent>,
    log: mpsc::Sender<Log>,
) -> Option<std::thread::JoinHandle<()>> {
    use crate::visit::{self, Auditor};
    // Asked for from now on; the browser starts beside the first build, so the preview's
    // start never waits for it.
    let (requests, asked) = mpsc::channel::<String>();
    if let Ok(mut s) = state.lock() {
        s.audit = Some(requests);
    }
    let (catalogue, out) = (catalogue.to_path_buf(), out.to_path_buf());
    // Weak: the thread must not keep alive the sender it waits on.
    let state = Arc::downgrade(state);
    let site = site.display().to_string();
    Some(std::thread::spawn(move || {
        let auditor = match Auditor::launch(None) {
            Ok(auditor) => auditor,
            Err(d) => {
                if let Some(state) = state.upgrade()
                    && let Ok(mut s) = state.lock()
                {
                    s.audit = None;
                }
                let _ = log.send(Log::Out(format!(
                    "note: the live audit is off ({}): pages are checked as before; install Chromium or set COOKIE_LEDGER_CHROME to see what each page stores",
                    d.message
                )));
                return;
            }
        };
        let _ = log.send(Log::Out(
            "live audit: each page you view is visited in a browser before consent, after refusing and after accepting"
                .to_owned(),
        ));
        // Pages asked for and not yet audited, the latest last: each open tab gets its audit,
        // the page viewed last first.
        let mut pending: Vec<String> = Vec::new();
        loop {
            let next = if pending.is_empty() {
                asked.recv().ok()
            } else {
                asked.try_recv().ok()
            };
            if let Some(page) = next {
                pending.retain(|p| p != &page);
                pending.push(page);
                continue;
            }
            let Some(address) = pending.pop() else { break };
            let Some(rel) = page_of(&address, &out) else {
                continue;
            };
            let outcome = crate::guard::catch(&rel, None, || {
                auditor.audit(&visit::Options {
                    only: Some(rel.clone()),
                    ..visit::Options::offline(&catalogue, &out)
                })
            });
            let Ok(outcome) = outcome else { continue };
            let report = report((&catalogue, &out, &site), &address, &rel, &outcome);
            let stored = report["passes"].as_array().map_or(0, |p| {
                p.iter()
                    .map(|p| p["items"].as_array().map_or(0, Vec::len))
                    .sum()
            });
            let _ = log.send(Log::Out(format!(
                "live audit of {address}: {stored} item(s) stored"
            )));
            let _ = events.send(PageEvent::Audit(report.to_string()));
        }
        drop(auditor);
    }))
}

/// Without the audit built in, the preview works as before and says so once.
#[cfg(not(feature = "audit"))]
pub(super) fn start(
    _: (&Path, &Path),
    _: &Path,
    _: &Arc<Mutex<State>>,
    _: broadcast::Sender<PageEvent>,
    log: mpsc::Sender<Log>,
) {
    let _ = log.send(Log::Out(
        "note: the live audit is off: this cookie-ledger was built without the audit feature"
            .to_owned(),
    ));
}

#[cfg(feature = "audit")]
/// The page of the built folder an address shows (`/odwb/` is `odwb/index.html`); `None` for
/// the preview's own pages and for what is not a page there.
fn page_of(address: &str, out: &Path) -> Option<String> {
    let path = address.split(['?', '#']).next()?;
    if path.starts_with("/__cookie-ledger") {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(path.trim_start_matches('/'))
        .decode_utf8()
        .ok()?;
    let mut rel = decoded.into_owned();
    if rel.is_empty() || rel.ends_with('/') {
        rel.push_str("index.html");
    }
    let safe = Path::new(&rel)
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)));
    let file = out.join(&rel);
    (safe && file.is_file() && (rel.ends_with(".html") || rel.ends_with(".htm"))).then_some(rel)
}

/// What the page is sent: per pass, what it stored, each item declared or not, and the
/// audit's own findings.
#[cfg(feature = "audit")]
fn report(
    (catalogue, out, site): (&Path, &Path, &str),
    address: &str,
    rel: &str,
    outcome: &crate::build::Outcome,
) -> Value {
    use crate::diagnostic::Rule;
    use crate::stored::Pass;
    let loaded = crate::catalogue::Catalogue::load(catalogue).ok();
    let declared = |site: &str, kind, name: &str| {
        loaded.as_ref().is_some_and(|c| {
            c.site_ids()
                .find(|(_, s)| s.id == site)
                .is_some_and(|(id, _)| crate::audit::declared(c, id, kind, name).is_some())
        })
    };
    let passes: Vec<Value> = Pass::ALL
        .iter()
        .map(|&pass| {
            let mut items: Vec<Value> = outcome
                .stored
                .iter()
                .filter(|i| {
                    i.pass == pass && (i.page == rel || i.page.ends_with(&format!("/{rel}")))
                })
                .map(|i| {
                    json!({
                        "kind": i.kind.id(),
                        "name": i.name,
                        "declared": declared(&i.site, i.kind, &i.name),
                    })
                })
                .collect();
            items.dedup();
            json!({ "pass": pass.word(), "items": items })
        })
        .collect();
    // The audit visits the preview's folder; the editor knows the page by its place in the site.
    let findings: Vec<crate::diagnostic::Diagnostic> = outcome
        .diagnostics
        .iter()
        .map(|d| {
            let mut d = d.clone();
            let out = out.display().to_string();
            if let Some(location) = &mut d.location
                && let Some(below) = location.file.strip_prefix(&out)
            {
                location.file = format!("{site}{below}");
            }
            d.message = d.message.replace(&out, site);
            d
        })
        .filter(|d| {
            matches!(
                d.rule,
                Rule::StoredBeforeConsent
                    | Rule::StoredAfterRefusal
                    | Rule::UndeclaredStorage
                    | Rule::AuditIncomplete
            )
        })
        .collect();
    json!({ "page": address, "passes": passes, "findings": findings })
}
