//! A stored item against its declaration: the lifetime its writer asked for, and the domain
//! (or origin) it was stored for against the declared party.

use super::Page;
use crate::catalogue::{Catalogue, Party};
use crate::diagnostic::{Diagnostic, Location, Rule};
use crate::scan::Lifetime;

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

/// A stored cookie against its declaration: the lifetime its writer asked for (not the stored
/// expiry, which Chromium caps at 400 days), and the domain it was stored for.
pub(super) fn declaration_checks(
    catalogue: &Catalogue,
    page: &Page,
    c: usize,
    stored: &super::Stored,
    location: &Location,
    what: &str,
) -> Vec<Diagnostic> {
    let cookie = &catalogue.cookies[c];
    let site = &catalogue.sites[page.site];
    let mut findings = Vec::new();
    let asked = stored.setter.as_ref().and_then(|s| {
        let text = s.text.strip_prefix("Set-Cookie: ").unwrap_or(&s.text);
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
        .get(&page.site)
        .and_then(|o| o.duration)
        .unwrap_or(cookie.duration);
    if let Some(lifetime) = lifetime
        && !cookie.allow.contains_key(&Rule::DurationMismatch)
        && let Some(problem) = crate::audit::mismatch(&duration, lifetime)
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
                    site.id,
                    duration.render(english).to_lowercase()
                ),
            )
            .about_on(stored.kind, stored.name.clone(), [site.id.clone()])
            .with_help(format!(
                "declare the lifetime the writer asks for at {}, or make the writer match the policy",
                cookie.location
            )),
        );
    }
    if !cookie.allow.contains_key(&Rule::PartyMismatch) {
        let host = super::route::origin(&site.url);
        let host = host
            .split("://")
            .nth(1)
            .unwrap_or_default()
            .to_ascii_lowercase();
        // A cookie's domain, or the host of the origin web storage belongs to.
        let domain = match stored.domain.split_once("://") {
            Some((_, rest)) => rest.split([':', '/']).next().unwrap_or_default(),
            None => stored.domain.trim_start_matches('.'),
        }
        .to_ascii_lowercase();
        let party = party_of(&host, &domain);
        if party != cookie.party {
            findings.push(
                Diagnostic::new(
                    Rule::PartyMismatch,
                    Some(location.clone()),
                    format!(
                        "a real browser stores {what} for `{domain}` on {}, a {}-party {} there, and site `{}` declares it {}-party",
                        site.url,
                        party.id(),
                        stored.kind.word(),
                        site.id,
                        cookie.party.id()
                    ),
                )
                .about_on(stored.kind, stored.name.clone(), [site.id.clone()])
                .with_help(format!(
                    "declare `party = \"{}\"` at {}",
                    party.id(),
                    cookie.location
                )),
            );
        }
    }
    findings
}

/// Whether an item stored for `domain` is first or third party on a site at `host`: first
/// when both share a registrable domain (the public suffix list's eTLD+1: `stats.odwb.be`
/// is `www.odwb.be`'s own, `a.github.io` is not `b.github.io`'s). A host the list cannot
/// place (`localhost`, an address) is its own only with its parents and children.
pub fn party_of(host: &str, domain: &str) -> Party {
    let host = host.trim_end_matches('.');
    let domain = domain.trim_start_matches('.').trim_end_matches('.');
    let first = match (psl::domain_str(host), psl::domain_str(domain)) {
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        _ => {
            host == domain
                || host.ends_with(&format!(".{domain}"))
                || domain.ends_with(&format!(".{host}"))
        }
    };
    if first { Party::First } else { Party::Third }
}

/// Seconds since the epoch.
fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_party_is_decided_by_registrable_domain() {
        for (host, domain, party) in [
            ("www.odwb.be", "www.odwb.be", Party::First),
            ("www.odwb.be", ".odwb.be", Party::First),
            ("www.odwb.be", "stats.odwb.be", Party::First),
            ("shop.example.co.uk", "pay.example.co.uk", Party::First),
            ("shop.example.co.uk", "other.co.uk", Party::Third),
            ("www.odwb.be", "www.googletagmanager.com", Party::Third),
            ("a.github.io", "b.github.io", Party::Third),
            ("localhost", "localhost", Party::First),
            ("127.0.0.1", "example.com", Party::Third),
        ] {
            assert_eq!(party_of(host, domain), party, "{host} / {domain}");
        }
    }
}
