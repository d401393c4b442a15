//! Declared durations against the lifetimes writes state.

use crate::catalogue::{Catalogue, Duration, SiteId};
use crate::diagnostic::{Diagnostic, Rule};
use crate::labels;
use crate::scan::services::Services;
use crate::scan::{Lifetime, Source};

use super::{Found, declared, describe, site_list};

/// Declared durations against the lifetimes writes state: a declaration shorter than the
/// lifetime (2% slack, for the lengths of months), or, unless written "up to", more than twice as long.
pub fn durations(catalogue: &Catalogue, services: &Services, found: &[Found]) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    let writes = found.iter().flat_map(|f| {
        std::iter::once((f, &f.location, &f.sighting))
            .chain(f.others.iter().map(move |p| (f, &p.location, &p.sighting)))
    });
    for (f, location, sighting) in writes {
        let (Some(name), lifetime) = (&sighting.name, sighting.lifetime) else {
            continue;
        };
        if lifetime == Lifetime::Unknown {
            continue;
        }
        // Sites that declare it, grouped by the duration they declare.
        let mut by_entry: Vec<(usize, Duration, Vec<SiteId>)> = Vec::new();
        for &site in &f.sites {
            let Some(c) = declared(catalogue, site, sighting.storage(), name) else {
                continue;
            };
            let cookie = &catalogue.cookies[c];
            if cookie.allow.contains_key(&Rule::DurationMismatch) {
                continue;
            }
            let duration = cookie
                .overrides
                .get(&site)
                .and_then(|o| o.duration)
                .unwrap_or(cookie.duration);
            match by_entry
                .iter_mut()
                .find(|(k, d, _)| *k == c && *d == duration)
            {
                Some((_, _, sites)) => sites.push(site),
                None => by_entry.push((c, duration, vec![site])),
            }
        }
        for (c, duration, sites) in by_entry {
            let Some(problem) = mismatch(&duration, lifetime) else {
                continue;
            };
            let cookie = &catalogue.cookies[c];
            let english = labels::words("en").expect("built in");
            let declared = duration.render(english).to_lowercase();
            let (what, _) = describe(services, &sighting.source);
            let states = match lifetime {
                Lifetime::Session => "as a session cookie".to_owned(),
                other => format!("for {}", other.catalogue_text().unwrap_or_default()),
            };
            let source = match sighting.source {
                Source::Service(..) => " (the lifetime its vendor documents)",
                _ => "",
            };
            let fix = lifetime
                .catalogue_text()
                .map(|t| format!("declare `duration = \"{t}\"`"))
                .unwrap_or_default();
            let override_hint = if cookie.sites.len() > sites.len() {
                format!(
                    " (in `[cookie.override.{}]` if it differs on that site only)",
                    catalogue.sites[sites[0]].id
                )
            } else {
                String::new()
            };
            findings.push(
                Diagnostic::new(
                    Rule::DurationMismatch,
                    Some(location.clone()),
                    format!(
                        "cookie `{name}` is declared to last {declared} on {}, but {what} sets it {states}{source}: the declaration is {problem}",
                        site_list(catalogue, &sites)
                    ),
                )
                .about_on(
                    sighting.storage(),
                    name.clone(),
                    sites.iter().map(|&s| catalogue.sites[s].id.clone()),
                )
                .with_evidence(sighting.evidence.clone())
                .with_help(format!(
                    "{fix}{override_hint} at {}, or make the writer match the policy; waive it with `allow.duration-mismatch = \"reason\"` if the writer is configured elsewhere",
                    cookie.location
                ))
                .with_places(f.places.clone()),
            );
        }
    }
    findings
}

/// Why `declared` misstates `lifetime`, if it does.
pub fn mismatch(declared: &Duration, lifetime: Lifetime) -> Option<&'static str> {
    match (declared, lifetime) {
        (Duration::Session, Lifetime::Session) => None,
        // Only web storage lasts until deleted, and it states no lifetime.
        (Duration::Persistent, _) => None,
        // Nothing to compare with: the rule `unstated` reports the missing duration.
        (Duration::Unstated, _) => None,
        (Duration::Session, Lifetime::Seconds(_)) => Some("a session, but the cookie outlives it"),
        // "Up to" a length covers a cookie that ends sooner, with the session.
        (Duration::Length { up_to: true, .. }, Lifetime::Session) => None,
        (Duration::Length { .. }, Lifetime::Session) => {
            Some("a length of time, but the cookie ends with the session")
        }
        (Duration::Length { up_to, .. }, Lifetime::Seconds(seconds)) => {
            let wanted = seconds / 86_400.0;
            let said = declared.days();
            if said * 1.02 < wanted {
                Some("shorter than the cookie lives")
            } else if !up_to && said > 2.0 * wanted && said - wanted > 1.0 {
                Some("more than twice as long as the cookie lives")
            } else {
                None
            }
        }
        (_, Lifetime::Unknown) => None,
    }
}
