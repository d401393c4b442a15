//! A browser kept for the audits of one process: launched once, then one run at a time, each
//! run's requests answered from that run's routes. A run's visits each get a fresh browser
//! context, so nothing one run (or one visit) stores is seen by the next.

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::json;

use super::answer::{self, Requests};
use super::proxy::Proxy;
use super::route::Routes;
use super::tls::Identity;
use super::{Options, Plan, schedule};
use crate::build::Outcome;
use crate::cdp::{Event, Outbox};
use crate::chrome::Browser;
use crate::diagnostic::{Diagnostic, Rule};

/// A running browser that audits can share (a test binary's, or one command's).
pub struct Auditor {
    browser: Browser,
    /// What answers the requests of the run under way; `None` between runs.
    current: Slot,
    /// Where responses that set cookies by header are served from.
    proxy: Proxy,
    /// Held for the length of a run: requests carry no mark of the run that made them, so two
    /// runs in one browser would answer each other's.
    turn: Mutex<()>,
}

/// The run under way, if any, shared with what answers the browser's requests.
pub(super) type Slot = Arc<Mutex<Option<Arc<Current>>>>;

/// The run under way: its routes and what its requests met.
pub(super) struct Current {
    pub(super) routes: Routes,
    pub(super) requests: Mutex<Requests>,
}

impl Auditor {
    /// Starts `chrome` (or the browser [`crate::chrome::find`] finds) for audits.
    pub fn launch(chrome: Option<&Path>) -> Result<Auditor, Diagnostic> {
        let fail = |message: String, help: &str| {
            Diagnostic::new(Rule::Io, None, message).with_help(help.to_owned())
        };
        let executable = crate::chrome::find(chrome).map_err(|message| {
            fail(
                message,
                "the audit needs a real browser; `check` runs without one",
            )
        })?;
        let current: Slot = Arc::default();
        let identity = Arc::new(
            Identity::new()
                .map_err(|message| fail(message, "the audit's loopback server needs a TLS key"))?,
        );
        let proxy = Proxy::start(Arc::clone(&identity), Arc::clone(&current)).map_err(|e| {
            fail(
                format!("cannot listen on loopback: {e}"),
                "the audit serves the site on 127.0.0.1; allow it to listen there",
            )
        })?;
        // Only this run's key: the browser accepts the loopback server, and no other
        // certificate error.
        let accept = format!(
            "--ignore-certificate-errors-spki-list={}",
            identity.spki_hash()
        );
        let handler = {
            let current = Arc::clone(&current);
            Box::new(
                move |out: &Outbox, event: &Event| match event.method.as_str() {
                    "Fetch.requestPaused" => {
                        let run = current
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .clone();
                        match run {
                            Some(run) => answer::answer(out, event, &run.routes, &run.requests),
                            // No run is under way: nothing may be fetched for it.
                            None => {
                                out.send(
                                    event.session.as_deref(),
                                    "Fetch.failRequest",
                                    json!({
                                        "requestId": event.params["requestId"],
                                        "errorReason": "BlockedByClient",
                                    }),
                                );
                            }
                        }
                        true
                    }
                    // An alert, confirm or prompt would hold the page, and the audit, until
                    // closed.
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
        let browser =
            crate::chrome::launch(&executable, &[accept], handler).map_err(|message| {
                fail(
                    message,
                    "check that the browser starts: run it with --headless --version",
                )
            })?;
        browser
            .cdp
            .call(
                None,
                "Fetch.enable",
                json!({ "patterns": [{ "urlPattern": "*" }] }),
            )
            .map_err(|e| {
                fail(
                    format!("cannot serve the site to the browser: {e}"),
                    "use a Chromium or Chrome recent enough for the Fetch domain",
                )
            })?;
        Ok(Auditor {
            browser,
            current,
            proxy,
            turn: Mutex::new(()),
        })
    }

    /// Audits `options.site` in this browser (`options.chrome` is not read: the browser is
    /// already running); waits for any other run in it to finish first.
    pub fn audit(&self, options: &Options) -> Outcome {
        match Plan::new(options) {
            Ok(plan) => self.run_plan(plan),
            Err(outcome) => outcome,
        }
    }

    pub(super) fn run_plan(&self, plan: Plan) -> Outcome {
        let _turn = self.turn.lock().unwrap_or_else(PoisonError::into_inner);
        let run = Arc::new(Current {
            routes: Routes::new(
                &plan.catalogue,
                &plan.options.site,
                plan.options.fixtures.as_deref(),
                plan.options.network,
            ),
            requests: Mutex::default(),
        });
        *self.current.lock().unwrap_or_else(PoisonError::into_inner) = Some(Arc::clone(&run));
        let visits = schedule::visit_all(
            &self.browser.cdp,
            &plan.jobs(),
            &plan.buttons,
            &self.proxy.server(),
        );
        // Late requests of pages already closed are refused from here on, never answered
        // from the next run's routes.
        self.current
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let requests =
            std::mem::take(&mut *run.requests.lock().unwrap_or_else(PoisonError::into_inner));
        plan.finish(visits, &run.routes, requests)
    }
}
