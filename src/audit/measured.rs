//! A stored item against its declaration: the lifetime its writer asked for, and whether the
//! domain (or origin) it was stored for is the site's own, against the declared party.

use crate::catalogue::{Catalogue, SiteId};
use crate::diagnostic::{Diagnostic, Location, Rule};
use crate::scan::Lifetime;
use crate::stored::StoredItem;

/// ", 182 days" or ", session".
pub(super) fn lifetime(expires: Option<f64>) -> String {
    match expires {
        None => ", session".to_owned(),
        Some(at) => {
            let days = ((at - now()) / 86_400.0).round().max(0.0);
            if days == 1.0 {
                ", 1 day".to_owned()
            } else {
                format!(", {days} days")
            }
        }
    }
}

/// A stored item against declaration `c` of `site`: the lifetime its writer asked for (not the
/// stored expiry, which Chromium caps at 400 days), and the party of its domain.
pub(super) fn declaration_checks(
    catalogue: &Catalogue,
    site: SiteId,
    c: usize,
    stored: &StoredItem,
    location: &Location,
    what: &str,
) -> Vec<Diagnostic> {
    let cookie = &catalogue.cookies[c];
    let info = &catalogue.sites[site];
    let mut findings = Vec::new();
    let asked = stored.written.as_deref().and_then(|text| {
        let text = text.strip_prefix("Set-Cookie: ").unwrap_or(text);
        crate::scan::lifetime::of_set_cookie(text)
    });
    // Web storage asks for no lifetime; the catalogue's validation holds its durations.
    let lifetime = asked
        .filter(|_| stored.kind.is_cookie())
        .or_else(|| match stored.expires {
            _ if !stored.kind.is_cookie() => None,
            None => Some(Lifetime::Session),
            // Beyond the cap the stored expiry says nothing of what was asked.
            Some(at) => {
                let left = at - now();
                (left < 399.0 * 86_400.0).then_some(Lifetime::Seconds(left.max(0.0)))
            }
        });
    let duration = cookie
        .overrides
        .get(&site)
        .and_then(|o| o.duration)
        .unwrap_or(cookie.duration);
    if let Some(lifetime) = lifetime
        && !cookie.allow.contains_key(&Rule::DurationMismatch)
        && let Some(problem) = super::mismatch(&duration, lifetime)
    {
        let english = crate::labels::words("en").expect("built in");
        let asked_for = match lifetime {
            Lifetime::Session => "a session cookie".to_owned(),
            other => other.catalogue_text().unwrap_or_default(),
        };
        findings.push(
            Diagnostic::new(
                Rule::DurationMismatch,
                Some(location.clone()),
                format!(
                    "a real browser stores {what}, asked for as {asked_for}, and site `{}` declares it to last {}: the declaration is {problem}",
                    info.id,
                    duration.render(english).to_lowercase()
                ),
            )
            .about_on(stored.kind, stored.name.clone(), [info.id.clone()])
            .with_help(format!(
                "declare the lifetime the writer asks for at {}, or make the writer match the policy",
                cookie.location
            )),
        );
    }
    if !cookie.allow.contains_key(&Rule::PartyMismatch) && stored.party != cookie.party {
        // A cookie's domain, or the host of the origin web storage belongs to.
        let domain = match stored.domain.split_once("://") {
            Some((_, rest)) => rest.split([':', '/']).next().unwrap_or_default(),
            None => stored.domain.trim_start_matches('.'),
        }
        .to_ascii_lowercase();
        findings.push(
            Diagnostic::new(
                Rule::PartyMismatch,
                Some(location.clone()),
                format!(
                    "a real browser stores {what} for `{domain}` on {}, a {}-party {} there, and site `{}` declares it {}-party",
                    info.url,
                    stored.party.id(),
                    stored.kind.word(),
                    info.id,
                    cookie.party.id()
                ),
            )
            .about_on(stored.kind, stored.name.clone(), [info.id.clone()])
            .with_help(format!(
                "declare `party = \"{}\"` at {}",
                stored.party.id(),
                cookie.location
            )),
        );
    }
    findings
}

/// Seconds since the epoch.
fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}
