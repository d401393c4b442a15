//! The watcher thread: waits for content changes of the site, the catalogue and its
//! templates, and rebuilds after each burst of them.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify_debouncer_full::notify::RecursiveMode;
use tokio::sync::broadcast;

use super::{Log, PageEvent, ServeOptions, Session, State, rebuild, record};

/// How the watcher reaches the rest of the server.
pub(super) struct Wiring<'a> {
    pub(super) state: &'a Mutex<State>,
    pub(super) events: &'a broadcast::Sender<PageEvent>,
    pub(super) log: &'a mpsc::Sender<Log>,
    pub(super) stop: &'a AtomicBool,
}

/// Watches the site, the catalogue and its templates; rebuilds after each burst of changes.
pub(super) fn watch_and_rebuild(
    options: &ServeOptions,
    out: &Path,
    wiring: &Wiring,
    ready: mpsc::Sender<()>,
    mut session: Option<Session>,
) {
    let Wiring {
        state,
        events,
        log,
        stop,
    } = *wiring;
    let (tx, rx) = mpsc::channel();
    let mut debouncer =
        match notify_debouncer_full::new_debouncer(Duration::from_millis(60), None, tx) {
            Ok(d) => d,
            Err(e) => {
                let _ = log.send(Log::Err(format!("error: cannot watch for changes: {e}")));
                return;
            }
        };
    let catalogue = options
        .catalogue
        .canonicalize()
        .unwrap_or_else(|_| options.catalogue.clone());
    let catalogue_dir = catalogue
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let site = options
        .site
        .canonicalize()
        .unwrap_or_else(|_| options.site.clone());
    let out = out.canonicalize().unwrap_or_else(|_| out.to_path_buf());
    // The site whole; the catalogue's and the templates' folders without their subfolders, so
    // build output and `target/` beside the catalogue never wake the watcher. Watches are set
    // again after each full rebuild: a site folder that a generator replaced, a new template.
    let mut watched: Vec<(PathBuf, bool)> = Vec::new();
    let mut ensure_watches = |templates: &[PathBuf], watched: &mut Vec<(PathBuf, bool)>| {
        let mut wanted = vec![(site.clone(), true), (catalogue_dir.clone(), false)];
        wanted.extend(
            templates
                .iter()
                .filter_map(|t| t.parent())
                .map(|f| (f.to_path_buf(), false)),
        );
        for (path, recursive) in wanted {
            let covered = watched
                .iter()
                .any(|(w, r)| *w == path || (*r && path.starts_with(w)));
            if covered && path != site {
                continue;
            }
            let mode = if recursive {
                RecursiveMode::Recursive
            } else {
                RecursiveMode::NonRecursive
            };
            match debouncer.watch(&path, mode) {
                Ok(()) if !covered => watched.push((path, recursive)),
                Ok(()) => {}
                Err(e) if !covered => {
                    let _ = log.send(Log::Err(format!(
                        "error: cannot watch {}: {e}",
                        path.display()
                    )));
                }
                Err(_) => {}
            }
        }
    };
    let mut template_files = templates(&catalogue);
    ensure_watches(&template_files, &mut watched);
    let _ = ready.send(());
    while !stop.load(Ordering::SeqCst) {
        let Ok(result) = rx.recv_timeout(Duration::from_millis(200)) else {
            continue;
        };
        let Ok(batch) = result else { continue };
        // Never react to the preview's own writes, or to editors' and version control's bookkeeping.
        // Reading files is an event too (the build's own reads would rebuild forever): only changes count.
        let changes = batch.iter().filter(|e| {
            use notify_debouncer_full::notify::EventKind;
            use notify_debouncer_full::notify::event::ModifyKind;
            matches!(
                e.kind,
                EventKind::Create(_)
                    | EventKind::Remove(_)
                    | EventKind::Modify(
                        ModifyKind::Data(_) | ModifyKind::Name(_) | ModifyKind::Any
                    )
            )
        });
        // Only the part below the watched folders counts: a project may itself live under a `target/`.
        let ignored = |p: &Path| {
            let below = p
                .strip_prefix(&site)
                .or_else(|_| p.strip_prefix(&catalogue_dir))
                .unwrap_or(p);
            p.starts_with(&out)
                || below.components().any(|c| {
                    let c = c.as_os_str().to_string_lossy();
                    c == ".git"
                        || c == "target"
                        || c.ends_with('~')
                        || c.ends_with(".swp")
                        || c.starts_with(".#")
                })
        };
        let mut changed: Vec<PathBuf> = changes
            .flat_map(|e| e.paths.iter())
            .filter(|p| !ignored(p))
            .cloned()
            .collect();
        changed.sort();
        changed.dedup();
        let catalogue_changed = changed
            .iter()
            .any(|p| p == &catalogue || template_files.contains(p));
        let pages: Vec<PathBuf> = changed
            .into_iter()
            .filter(|p| p.starts_with(&site))
            .collect();
        if !catalogue_changed && pages.is_empty() {
            continue;
        }
        // An edited page is rebuilt alone; the catalogue or a template rebuilds everything.
        let started = Instant::now();
        let update = match (&mut session, catalogue_changed) {
            (Some(current), false) => {
                // A panic leaves the session half updated: `None` starts over with a full rebuild.
                crate::guard::catch("the changed files", None, || current.update(&pages))
                    .unwrap_or_default()
            }
            _ => None,
        };
        let outcome = match update {
            Some(outcome) => {
                record(
                    &outcome,
                    session.as_ref().map(Session::catalogue),
                    started,
                    &out,
                    state,
                    log,
                );
                outcome
            }
            None => {
                let (fresh, outcome) = rebuild(options, &out, state, log);
                // A build that wrote nothing (bad input) leaves no session: every edit rebuilds
                // whole until the input is good again, so no page mixes old and new.
                session = fresh.filter(|_| outcome.wrote);
                template_files = templates(&catalogue);
                ensure_watches(&template_files, &mut watched);
                outcome
            }
        };
        let event = if outcome.wrote {
            PageEvent::Reload
        } else {
            PageEvent::Findings(state.lock().map(|s| s.findings.clone()).unwrap_or_default())
        };
        let _ = events.send(event);
    }
}

/// The template files the catalogue names, as absolute paths; none when it cannot be read.
fn templates(catalogue: &Path) -> Vec<PathBuf> {
    crate::catalogue::Catalogue::load(catalogue)
        .map(|c| {
            c.sites
                .iter()
                .filter_map(|s| s.template.as_ref())
                .map(|(path, _)| absolute(Path::new(path)))
                .collect()
        })
        .unwrap_or_default()
}

fn absolute(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}
