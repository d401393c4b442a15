//! The static scan's findings and the browser's, as one list: what both saw of the same item
//! is one finding, with the browser's evidence as a place of it.

use crate::catalogue::Catalogue;
use crate::diagnostic::{Diagnostic, Place};

/// `checked` (from the site's files) with `browser` (from what the browser stored) joined in.
pub fn join(
    catalogue: &Catalogue,
    mut checked: Vec<Diagnostic>,
    browser: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    // Only a static finding takes a browser one in: two browser findings at one place (one
    // per pass) say different things.
    let checked_count = checked.len();
    for found in browser {
        let same = checked[..checked_count]
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
            None => checked.push(found),
        }
    }
    checked
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
