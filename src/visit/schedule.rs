//! The visits of a run, a few at a time: each in its own browser context and thread, read
//! through its own mailbox, the results put back in the order of the jobs.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::browse::{self, Buttons};
use super::{Page, Pass};

/// Visits at once, each in its own browser context: a visit mostly waits (for the page to
/// settle, for a click's effects), so a few side by side take little longer than one.
fn parallel_visits() -> usize {
    std::thread::available_parallelism()
        .map_or(2, |n| n.get() * 2)
        .clamp(2, 6)
}

/// Runs every visit of `jobs`, a few at a time, and gives their results in the jobs' order;
/// each visit's context connects through `proxy`.
pub(super) fn visit_all(
    cdp: &crate::cdp::Cdp,
    jobs: &[(Pass, &Page)],
    buttons: &Buttons,
    proxy: &str,
) -> Vec<browse::Visit> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<browse::Visit>>> =
        Mutex::new(jobs.iter().map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..parallel_visits().min(jobs.len()) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&(pass, page)) = jobs.get(i) else {
                        break;
                    };
                    // A bug met on one page fails that visit, said as such, not the run.
                    let visit = crate::guard::catch(&page.url, None, || {
                        browse::visit(cdp, &page.url, pass, buttons, proxy)
                    })
                    .unwrap_or_else(|d| {
                        let mut failed = browse::Visit::new(pass);
                        failed.failure = Some(d.message);
                        failed
                    });
                    if let Ok(mut results) = results.lock() {
                        results[i] = Some(visit);
                    }
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .zip(jobs)
        .map(|(visit, &(pass, _))| visit.unwrap_or_else(|| browse::Visit::new(pass)))
        .collect()
}
