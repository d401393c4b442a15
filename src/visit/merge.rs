//! The static check's findings and the browser's, as one outcome: what both saw of the same
//! item is one finding, with the browser's evidence as a place of it; a declaration the scan
//! could not see set but the browser saw stored is no longer reported unseen.

use std::collections::HashSet;

use crate::build::Outcome;
use crate::catalogue::{Catalogue, SiteId};
use crate::diagnostic::{Diagnostic, Place, Rule};

/// Folds `browser` (the audit's judgement; `seen` the declarations it saw stored, by site)
/// into `checked` (the static check of the same folder).
pub(super) fn merge(
    catalogue: &Catalogue,
    checked: Outcome,
    browser: Outcome,
    seen: &HashSet<(SiteId, usize)>,
) -> Outcome {
    let mut diagnostics: Vec<Diagnostic> = checked
        .diagnostics
        .into_iter()
        .filter(|d| !confirmed_by_the_browser(catalogue, d, seen))
        .collect();
    // Only a static finding takes a browser one in: two browser findings at one place (one
    // per pass) say different things.
    let checked_count = diagnostics.len();
    for found in browser.diagnostics {
        let same = diagnostics[..checked_count]
            .iter_mut()
            .find(|d| same_finding(d, &found));
        match same {
            Some(d) => {
                if let Some(location) = found.location {
                    d.places.push(Place {
                        location,
                        role: "stored".to_owned(),
                    });
                }
            }
            None => diagnostics.push(found),
        }
    }
    let mut summary = checked.summary;
    summary.visited = browser.summary.visited;
    let mut outcome = Outcome::failed(diagnostics, summary);
    outcome.found = checked.found;
    outcome.policy_pages = checked.policy_pages;
    outcome.notes = checked.notes;
    outcome.notes.extend(browser.notes);
    outcome.stored = browser.stored;
    outcome.inventory = checked.inventory;
    outcome
}

/// Whether a static finding and a browser one say the same of the same item: the same rule
/// about the same cookie or storage item, where the browser caught the write on the static
/// finding's line; or, when it caught no write (a property write, a cookie from a response),
/// on a page the static finding names.
fn same_finding(checked: &Diagnostic, browser: &Diagnostic) -> bool {
    let (Some(a), Some(b)) = (&checked.location, &browser.location) else {
        return false;
    };
    if checked.rule != browser.rule
        || checked.subject.is_none()
        || checked.subject != browser.subject
    {
        return false;
    }
    if browser.evidence.is_some() {
        return a.file == b.file && a.line == b.line;
    }
    a.file == b.file || checked.places.iter().any(|p| p.location.file == b.file)
}

/// Whether `d` says a declaration is set by no page when the browser saw it stored on every
/// site that declares it.
fn confirmed_by_the_browser(
    catalogue: &Catalogue,
    d: &Diagnostic,
    seen: &HashSet<(SiteId, usize)>,
) -> bool {
    if d.rule != Rule::UnseenCookie {
        return false;
    }
    let Some(location) = &d.location else {
        return false;
    };
    catalogue
        .cookies
        .iter()
        .enumerate()
        .find(|(_, c)| c.location == *location)
        .is_some_and(|(c, cookie)| cookie.sites.iter().all(|&s| seen.contains(&(s, c))))
}
