//! `serve`: the live preview. Builds the site into a folder of its own, serves it on
//! loopback, rebuilds on every change, and tells open pages to reload or to show findings.
//!
//! Threads: the caller's thread writes the log; a watcher thread rebuilds; a small tokio
//! runtime serves HTTP. They talk through channels; only the caller writes to the terminal.

mod http;
mod live_audit;
mod watcher;

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{broadcast, watch};

use crate::build::{self, Mode, Options, Preview, Session};
use crate::diagnostic::{ExitCode, Policy};
use watcher::{Wiring, watch_and_rebuild};

/// The reload and overlay script served to previewed pages.
pub const LIVE_JS: &str = include_str!("live.js");

/// The tag the preview appends to every page; `build` never does.
pub const LIVE_TAG: &str = "<script src=\"/__cookie-ledger/live.js\" defer></script>";

/// How to serve.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// The catalogue file.
    pub catalogue: PathBuf,
    /// The site folder.
    pub site: PathBuf,
    /// Where the preview is built; `None` for a folder in the system's temporary folder.
    pub out: Option<PathBuf>,
    /// A folder that keeps each file's result between rebuilds and runs (`--cache`).
    pub cache: Option<PathBuf>,
    /// Whether to audit the page being viewed in a real browser, when one is found.
    pub live_audit: bool,
    /// Address to bind.
    pub host: IpAddr,
    /// Port to bind; 0 picks a free one.
    pub port: u16,
    /// Set to stop the server as Ctrl-C would, for programs that embed it (the benchmark).
    pub stop: Option<Arc<AtomicBool>>,
    /// How long a client may take to send a request's headers before the connection is closed.
    pub header_timeout: Duration,
}

/// The default of [`ServeOptions::header_timeout`]: long for a person's browser, short for a hung client.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// A line for the terminal, sent to the caller's thread.
pub enum Log {
    /// Progress and addresses: stdout.
    Out(String),
    /// Warnings and errors about the server itself: stderr.
    Err(String),
}

/// What the pages can ask the server about the latest build.
#[derive(Debug, Default)]
pub struct State {
    /// The latest findings, as a JSON array.
    pub findings: String,
    /// Whether the last rebuild succeeded (bad input keeps the last good pages).
    pub served_is_current: bool,
    /// The declaration at a glance (`/__cookie-ledger/`) after the last rebuild.
    pub dashboard: String,
    /// How reports name the site folder, for the dashboard's links to pages.
    pub site: String,
    /// The catalogue's changes from git, read once as the preview starts.
    pub timeline: Vec<crate::history::Change>,
    /// Where to ask for a live audit of a page (its address), while a browser is there.
    pub audit: Option<mpsc::Sender<String>>,
}

/// A message to open pages.
#[derive(Clone, Debug)]
pub enum PageEvent {
    /// Pages changed: reload.
    Reload,
    /// Nothing new to show but findings (the edit is bad input): show them.
    Findings(String),
    /// What the live audit saw a page store (JSON): shown on that page.
    Audit(String),
}

/// Runs the preview until Ctrl-C; `log` receives every line to print. Returns the exit code.
pub fn run(options: ServeOptions, log: mpsc::Sender<Log>) -> i32 {
    // Without --out the preview is built in a private temporary folder (created with a name no
    // one can guess, readable by this user alone), removed when the preview stops.
    let (private, out) = match options.out.clone() {
        Some(out) => (None, out),
        None => match private_folder() {
            Ok(dir) => {
                let out = dir.path().join("site");
                (Some(dir), out)
            }
            Err(e) => {
                let _ = log.send(Log::Err(format!(
                    "error: cannot create a temporary folder for the preview: {e}"
                )));
                return ExitCode::BadInput as i32;
            }
        },
    };
    if !options.host.is_loopback() {
        let _ = log.send(Log::Err(format!(
            "warning: serving on {}: anyone who can reach this machine can read the preview, under any host name",
            options.host
        )));
    }
    let state = Arc::new(Mutex::new(State {
        site: options.site.display().to_string(),
        timeline: crate::history::timeline(&options.catalogue, 20),
        ..State::default()
    }));
    let (events, _) = broadcast::channel::<PageEvent>(64);
    let (session, first) = rebuild(&options, &out, &state, &log);
    let auditing = options.live_audit.then(|| {
        live_audit::start(
            (&options.catalogue, &options.site),
            &out,
            &state,
            events.clone(),
            log.clone(),
        )
    });
    let session = session.filter(|_| first.wrote);

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            let _ = log.send(Log::Err(format!("error: cannot start the server: {e}")));
            return ExitCode::BadInput as i32;
        }
    };
    let address = SocketAddr::new(options.host, options.port);
    let listener = match runtime.block_on(tokio::net::TcpListener::bind(address)) {
        Ok(l) => l,
        Err(e) => {
            let hint = if e.kind() == std::io::ErrorKind::AddrInUse {
                "; choose another with --port"
            } else {
                ""
            };
            let _ = log.send(Log::Err(format!(
                "error: cannot listen on {address}: {e}{hint}"
            )));
            return ExitCode::BadInput as i32;
        }
    };
    let bound = listener.local_addr().unwrap_or(address);
    let base = format!("http://{bound}");
    let _ = log.send(Log::Out(format!(
        "serving {} at {base}/ (preview built in {})",
        options.site.display(),
        out.display()
    )));
    for page in &first.policy_pages {
        let _ = log.send(Log::Out(format!("  {base}/{page}")));
    }
    let _ = log.send(Log::Out(format!(
        "the declaration at a glance: {base}/__cookie-ledger/"
    )));
    let stop = Arc::new(AtomicBool::new(false));
    let (ready, watching) = mpsc::channel();
    let watcher = {
        let (options, out, state, events, log, stop) = (
            options.clone(),
            out.clone(),
            Arc::clone(&state),
            events.clone(),
            log.clone(),
            Arc::clone(&stop),
        );
        std::thread::spawn(move || {
            let wiring = Wiring {
                state: &state,
                events: &events,
                log: &log,
                stop: &stop,
            };
            watch_and_rebuild(&options, &out, &wiring, ready, session)
        })
    };

    // Edits made after this line are seen: the watches are in place. Ctrl-C is caught from here
    // on: the handlers are installed before the line says so.
    let _ = watching.recv_timeout(Duration::from_secs(10));
    let signals = runtime.block_on(async { StopSignals::listen() });
    let _ = log.send(Log::Out("watching for changes; Ctrl-C stops".to_owned()));

    let (shutdown, shutdown_rx) = watch::channel(false);
    let hosts = http::Hosts::for_address(options.host);
    let app = http::router(
        out.clone(),
        Arc::clone(&state),
        events,
        shutdown_rx.clone(),
        hosts,
    );
    let header_timeout = options.header_timeout;
    let mut stopping = shutdown_rx;
    let served = runtime.block_on(async move {
        let requested = options.stop.clone();
        let signal = async move {
            tokio::select! {
                _ = signals.wait() => {}
                _ = async {
                    while !requested.as_ref().is_some_and(|r| r.load(Ordering::SeqCst)) {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                } => {}
            }
            let _ = shutdown.send(true);
        };
        let server = http::serve(listener, app, signal, header_timeout);
        tokio::select! {
            served = server => served,
            // A client that never finishes its request must not keep Ctrl-C waiting.
            _ = async {
                let _ = stopping.wait_for(|stop| *stop).await;
                tokio::time::sleep(Duration::from_secs(2)).await;
            } => Ok(()),
        }
    });
    stop.store(true, Ordering::SeqCst);
    let _ = watcher.join();
    // The live audit ends with its requests: its browser closes before the preview says it stopped.
    if let Ok(mut s) = state.lock() {
        s.audit = None;
    }
    if let Some(Some(thread)) = auditing {
        let _ = thread.join();
    }
    runtime.shutdown_timeout(Duration::from_secs(1));
    drop(private);
    match served {
        Ok(()) => {
            let _ = log.send(Log::Out("stopped".to_owned()));
            0
        }
        Err(e) => {
            let _ = log.send(Log::Err(format!("error: the server failed: {e}")));
            ExitCode::BadInput as i32
        }
    }
}

/// Ctrl-C, or a polite request to stop from a process manager, listened for from the moment
/// they are made (a signal before the first wait is not lost, nor left to kill the process).
struct StopSignals {
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    terminate: Option<tokio::signal::unix::Signal>,
}

impl StopSignals {
    /// Installs the handlers; call inside the runtime.
    fn listen() -> StopSignals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            StopSignals {
                interrupt: signal(SignalKind::interrupt()).ok(),
                terminate: signal(SignalKind::terminate()).ok(),
            }
        }
        #[cfg(not(unix))]
        {
            StopSignals {}
        }
    }

    async fn wait(mut self) {
        #[cfg(unix)]
        {
            let interrupt = async {
                match self.interrupt.as_mut() {
                    Some(s) => drop(s.recv().await),
                    None => std::future::pending::<()>().await,
                }
            };
            let terminate = async {
                match self.terminate.as_mut() {
                    Some(s) => drop(s.recv().await),
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = interrupt => {}
                () = terminate => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// A new folder in the system's temporary folder that only this user can enter.
fn private_folder() -> std::io::Result<tempfile::TempDir> {
    let mut builder = tempfile::Builder::new();
    builder.prefix("cookie-ledger-preview-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o700));
    }
    builder.tempdir()
}

/// Builds the preview and records its findings; returns the outcome.
/// Builds the whole preview; the session it returns lets later edits rebuild one page.
fn rebuild(
    options: &ServeOptions,
    out: &Path,
    state: &Mutex<State>,
    log: &mpsc::Sender<Log>,
) -> (Option<Session>, build::Outcome) {
    let started = Instant::now();
    let options = Options {
        catalogue: options.catalogue.clone(),
        site: options.site.clone(),
        out: Some(out.to_path_buf()),
        mode: Mode::Build,
        policy: Policy::default(),
        inventory: None,
        cookie_db: None,
        preview: Some(Preview {
            append: LIVE_TAG.to_owned(),
        }),
        build_command: "cookie-ledger serve".to_owned(),
        updated: None,
        browser: None,
        cache: options.cache.clone(),
    };
    // A panic while building becomes a finding on the page, never a dead rebuild thread.
    let started_session = crate::guard::catch(&options.site.display().to_string(), None, || {
        Session::start(&options)
    });
    let (session, outcome) = match started_session {
        Ok(Ok((session, outcome))) => (Some(session), outcome),
        Ok(Err(outcome)) => (None, outcome),
        Err(d) => (
            None,
            build::Outcome::failed(vec![d], build::Summary::default()),
        ),
    };
    record(
        &outcome,
        session.as_ref().map(Session::catalogue),
        started,
        out,
        state,
        log,
    );
    (session, outcome)
}

/// Publishes an outcome to the pages (findings) and the terminal.
fn record(
    outcome: &build::Outcome,
    catalogue: Option<&crate::catalogue::Catalogue>,
    started: Instant,
    out: &Path,
    state: &Mutex<State>,
    log: &mpsc::Sender<Log>,
) {
    let index = out.join("index.html");
    let generated = crate::fsio::read(&index, crate::fsio::MAX_TEXT)
        .is_ok_and(|t| String::from_utf8_lossy(&t).contains(INDEX_MARK));
    if outcome.wrote && (generated || !index.exists()) {
        let _ = std::fs::write(out.join("index.html"), index_page(&outcome.policy_pages));
    }
    let findings = serde_json::to_string(&outcome.diagnostics).unwrap_or_else(|_| "[]".to_owned());
    if let Ok(mut s) = state.lock() {
        s.findings = findings;
        s.served_is_current = outcome.wrote;
        s.dashboard = glance(&s, outcome, catalogue);
    }
    let errors = outcome
        .diagnostics
        .iter()
        .filter(|d| d.severity == crate::diagnostic::Severity::Error)
        .count();
    let status = match outcome.exit {
        ExitCode::Clean => "ok".to_owned(),
        ExitCode::Drift => format!("{errors} drift finding(s), shown on the pages"),
        ExitCode::BadInput => "bad input: still serving the last good build".to_owned(),
    };
    let _ = log.send(Log::Out(format!(
        "rebuilt in {} ms: {status}",
        started.elapsed().as_millis()
    )));
    for d in &outcome.diagnostics {
        let _ = log.send(Log::Out(format!("  {d}")));
    }
}

/// The dashboard of this rebuild, with the live script so that it follows edits too.
fn glance(
    state: &State,
    outcome: &build::Outcome,
    catalogue: Option<&crate::catalogue::Catalogue>,
) -> String {
    let page = crate::dashboard::html(&crate::dashboard::Inputs {
        catalogue,
        outcome,
        measured: &[],
        timeline: &state.timeline,
        links: crate::dashboard::Links::Preview {
            site: state.site.clone(),
        },
        generator: "cookie-ledger serve",
    });
    page.replacen("</body>", &format!("{LIVE_TAG}\n</body>"), 1)
}

// Marks the start page the preview wrote itself, so it is kept up to date and never taken for the site's.
const INDEX_MARK: &str = "<!-- written by cookie-ledger serve -->";

/// The preview's home page when the site has none: its policy pages.
fn index_page(policy_pages: &[String]) -> String {
    let links: String = policy_pages
        .iter()
        .map(|p| {
            format!(
                "<li><a href=\"/{0}\">{0}</a></li>\n",
                crate::render::escape_text(p)
            )
        })
        .collect();
    format!(
        "<!DOCTYPE html>\n{INDEX_MARK}\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>cookie-ledger preview</title></head>\n<body>\n<h1>cookie-ledger preview</h1>\n<p>Policy pages:</p>\n<ul>\n{links}</ul>\n{LIVE_TAG}\n</body>\n</html>\n"
    )
}
