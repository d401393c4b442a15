//! The static check's findings and the browser's, as one outcome: what both saw at the same
//! place is one finding, with the browser's evidence as a place of it; a declaration the
//! scan could not see set but the browser saw stored is no longer reported unseen.

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
        let same = diagnostics[..checked_count].iter_mut().find(|d| {
            d.rule == found.rule
                && match (&d.location, &found.location) {
                    (Some(a), Some(b)) => a.file == b.file && a.line == b.line,
                    _ => false,
                }
        });
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
    let mut outcome = Outcome::failed(diagnostics, checked.summary);
    outcome.found = checked.found;
    outcome.policy_pages = checked.policy_pages;
    outcome.notes = checked.notes;
    outcome.notes.extend(browser.notes);
    outcome.stored = browser.stored;
    outcome.inventory = checked.inventory;
    outcome
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
