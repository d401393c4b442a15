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
            .find(|d| same_finding(catalogue, d, &found));
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

/// Whether a static finding and a browser one say the same of the same item on the same
/// site: the same rule about the same cookie or storage item, for a site the static finding
/// holds for, where the browser caught the write on the static finding's line; or, when it
/// caught no write (a property write, a cookie from a response), on a page the static
/// finding names; or when the static finding is about the declaration itself.
fn same_finding(catalogue: &Catalogue, checked: &Diagnostic, browser: &Diagnostic) -> bool {
    let (Some(a), Some(b)) = (&checked.location, &browser.location) else {
        return false;
    };
    let (Some(ours), Some(theirs)) = (&checked.subject, &browser.subject) else {
        return false;
    };
    let same_item = checked.rule == browser.rule
        && ours.kind == theirs.kind
        && ours.name == theirs.name
        && theirs.sites.iter().all(|s| ours.sites.contains(s));
    if !same_item {
        return false;
    }
    if a.file == catalogue.path {
        return true;
    }
    if browser.evidence.is_some() {
        return a.file == b.file && a.line == b.line;
    }
    a.file == b.file || checked.places.iter().any(|p| p.location.file == b.file)
}

/// Whether `d` says a declaration is set by no page of some sites when the browser saw it
/// stored on each of them.
fn confirmed_by_the_browser(
    catalogue: &Catalogue,
    d: &Diagnostic,
    seen: &HashSet<(SiteId, usize)>,
) -> bool {
    if d.rule != Rule::UnseenCookie {
        return false;
    }
    let (Some(location), Some(subject)) = (&d.location, &d.subject) else {
        return false;
    };
    let Some(c) = catalogue
        .cookies
        .iter()
        .position(|c| c.location == *location)
    else {
        return false;
    };
    // The sites it is said to be unseen on, each confirmed by the browser.
    subject.sites.iter().all(|id| {
        catalogue
            .site_ids()
            .find(|(_, site)| site.id == *id)
            .is_some_and(|(s, _)| seen.contains(&(s, c)))
    })
}
