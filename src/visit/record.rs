//! The visits as evidence for the build's reduction: each writer placed in a file of the
//! output where the fix goes (a script, a `_headers` line) or left as the URL it came from,
//! and each item's domain said first or third party for its site.

use std::path::Path;

use super::answer::Requests;
use super::browse::{Setter, Visit};
use super::route::{self, Answer, Routes};
use super::{Page, Stored};
use crate::catalogue::{Catalogue, Party};
use crate::diagnostic::Location;
use crate::stored::{Evidence, StoredItem, Visited};

/// The run's visits (each with the page it was of), as evidence; `outside` are the pages of
/// no site.
pub(super) fn evidence(
    catalogue: &Catalogue,
    root: &Path,
    routes: &Routes,
    visits: Vec<(&Page, Visit)>,
    outside: Vec<String>,
    requests: Requests,
) -> Evidence {
    let root_display = root.display().to_string();
    let shown = |rel: &str| format!("{root_display}/{rel}");
    let visits = visits
        .into_iter()
        .map(|(page, visit)| {
            let site = &catalogue.sites[page.site];
            let host = route::origin(&site.url);
            let host = host
                .split("://")
                .nth(1)
                .unwrap_or_default()
                .to_ascii_lowercase();
            let stored = visit
                .stored
                .into_iter()
                .map(|mut stored| {
                    credit_headers(&mut stored, routes, &requests);
                    let party = party_of(&host, &domain_host(&stored.domain));
                    StoredItem {
                        pass: stored.pass,
                        site: site.id.clone(),
                        page: shown(&page.rel),
                        kind: stored.kind,
                        set_at: stored
                            .setter
                            .as_ref()
                            .filter(|s| !s.url.is_empty())
                            .map(|s| setter_location(root, &root_display, routes, s)),
                        written: stored.setter.map(|s| s.text),
                        name: stored.name,
                        domain: stored.domain,
                        party,
                        expires: stored.expires,
                        flags: stored.flags,
                    }
                })
                .collect();
            Visited {
                site: site.id.clone(),
                page: shown(&page.rel),
                pass: visit.pass,
                stands_for: page.stands_for,
                failure: visit.failure,
                clicked: visit.clicked,
                stored,
            }
        })
        .collect();
    Evidence {
        visits,
        outside,
        refused: requests.refused,
    }
}

/// A cookie the site's own response set is credited to the `_headers` line that gave it,
/// where the fix goes (a response the audit fulfilled has no network record at all; one from
/// the loopback server is only its URL).
fn credit_headers(stored: &mut Stored, routes: &Routes, requests: &Requests) {
    let ours = stored.setter.as_ref().is_none_or(|s| {
        s.place.is_none()
            && s.text.starts_with("Set-Cookie:")
            && routes.serves(&route::origin(&s.url))
    });
    if stored.kind.is_cookie()
        && ours
        && let Some(header) = requests.served.get(&stored.name)
    {
        stored.setter = Some(Setter {
            url: header.location.file.clone(),
            place: Some((header.location.line, header.location.column)),
            text: format!("Set-Cookie: {}", header.value),
        });
    }
}

/// A setter on the site's own address is a file of the output; elsewhere it stays a URL.
fn setter_location(root: &Path, root_display: &str, routes: &Routes, setter: &Setter) -> Location {
    let (line, column) = setter.place.unwrap_or((1, 1));
    // A setter that is no URL is already a file (a `_headers` line).
    let answer = if setter.url.contains("://") {
        routes.answer(&setter.url)
    } else {
        Answer::NotFound
    };
    match answer {
        Answer::File(path, _, _) if path.starts_with(root) => {
            let rel = path.strip_prefix(root).unwrap_or(&path);
            Location::new(
                format!(
                    "{root_display}/{}",
                    rel.to_string_lossy().replace('\\', "/")
                ),
                (line, column),
            )
        }
        _ => Location::new(setter.url.clone(), (line, column)),
    }
}

/// A cookie's domain, or the host of the origin web storage belongs to, in lower case.
fn domain_host(domain: &str) -> String {
    match domain.split_once("://") {
        Some((_, rest)) => rest.split([':', '/']).next().unwrap_or_default(),
        None => domain.trim_start_matches('.'),
    }
    .to_ascii_lowercase()
}

/// Whether an item stored for `domain` is first or third party on a site at `host`: first
/// when both share a registrable domain (the public suffix list's eTLD+1: `stats.odwb.be`
/// is `www.odwb.be`'s own, `a.github.io` is not `b.github.io`'s). A host the list cannot
/// place (`localhost`, an address) is its own only with its parents and children.
fn party_of(host: &str, domain: &str) -> Party {
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

    #[test]
    fn an_origin_or_a_cookie_domain_gives_its_host() {
        assert_eq!(domain_host("https://Stats.ODWB.be:8443/x"), "stats.odwb.be");
        assert_eq!(domain_host(".odwb.be"), "odwb.be");
    }
}
