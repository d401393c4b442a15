//! `stale-date`: a policy page that states a date older than the catalogue's last change
//! tells visitors the policy has not changed since, which is no longer true.

use crate::catalogue::Catalogue;
use crate::diagnostic::{Diagnostic, Rule};
use crate::page::PageFacts;

/// The finding for policy page `rel` when the newest date it states (`<time datetime>`) is
/// older than the catalogue's last change; nothing when either date is unknown.
pub(super) fn stale(catalogue: &Catalogue, rel: &str, page: &PageFacts) -> Option<Diagnostic> {
    let updated = catalogue.updated.as_deref()?;
    if page.cookie_tables == 0 || catalogue.allowed_in(Rule::StaleDate, rel) {
        return None;
    }
    // ISO dates compare as text; the newest one the page states is its claim.
    let (location, newest) = page.dates.iter().max_by(|a, b| a.1.cmp(&b.1))?;
    (newest.as_str() < updated).then(|| {
        Diagnostic::new(
            Rule::StaleDate,
            Some(location.clone()),
            format!(
                "this policy page states the date {newest}, but the catalogue changed on {updated}: the page says the policy is older than it is"
            ),
        )
        .with_help(
            "let the table template render the date (`{{ updated }}`), or write the catalogue's date on the page; \
             the catalogue's date comes from --updated, COOKIE_LEDGER_UPDATED or git",
        )
    })
}
