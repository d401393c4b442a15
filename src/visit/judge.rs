//! What the browser stored, held against the catalogue: undeclared cookies, cookies that need
//! consent stored before the visitor chose or after they refused, storage the catalogue cannot
//! declare yet, and what each pass stored, as notes a person reads.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

use super::browse::{Setter, Visit};
use super::route::{Answer, Routes};
use super::{Kind, Page, Pass};
use crate::build::{Outcome, StoredItem, Summary};
use crate::catalogue::{Catalogue, Party, SiteId};
use crate::diagnostic::{Diagnostic, Location, Policy, Rule};
use crate::scan::Lifetime;

/// Turns the visits into the run's outcome.
#[allow(clippy::too_many_arguments)]
pub(super) fn judge(
    catalogue: &Catalogue,
    root: &Path,
    routes: &Routes,
    visits: &[(&Page, Visit)],
    outside: &[String],
    refused: &[String],
    policy: &Policy,
    summary: Summary,
) -> Outcome {
    let root_display = root.display().to_string();
    let shown = |rel: &str| format!("{root_display}/{rel}");
    let page_location = |rel: &str| Location::new(shown(rel), (1, 1));
    // A setter on the site's own address is a file of the output; elsewhere it stays a URL.
    let setter_location = |page: &Page, setter: Option<&Setter>| -> Location {
        let Some(setter) = setter.filter(|s| !s.url.is_empty()) else {
            return page_location(&page.rel);
        };
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
    };
    let mut findings = Vec::new();
    let mut reported = HashSet::new();
    // The declared cookies some pass stored, by site.
    let mut seen = HashSet::new();
    let mut notes = Vec::new();
    for (page, visit) in visits {
        let site = &catalogue.sites[page.site];
        if let Some(failure) = &visit.failure {
            findings.push(
                Diagnostic::new(
                    Rule::AuditIncomplete,
                    Some(page_location(&page.rel)),
                    format!("the {} pass could not complete: {failure}", visit.pass.word()),
                )
                .with_help("make the page load on its own, offline, within 20 s; fixtures (--fixtures) can stand in for third-party hosts"),
            );
        }
        for stored in &visit.stored {
            let location = setter_location(page, stored.setter.as_ref());
            let evidence = stored.setter.as_ref().map(|s| s.text.clone());
            let what = describe(stored);
            if stored.kind != Kind::Cookie {
                if reported.insert((Rule::UndeclaredStorage, page.site, stored.name.clone())) {
                    findings.push(
                        Diagnostic::new(
                            Rule::UndeclaredStorage,
                            Some(page_location(&page.rel)),
                            format!(
                                "a real browser stores {what} on {} {}",
                                shown(&page.rel),
                                stored.pass.word()
                            ),
                        )
                        .with_help("the catalogue cannot declare storage items yet; say what this key holds on the policy page by hand"),
                    );
                }
                continue;
            }
            let Some(c) = crate::audit::declared(catalogue, page.site, &stored.name) else {
                if reported.insert((Rule::UndeclaredCookie, page.site, stored.name.clone())) {
                    let mut d = Diagnostic::new(
                        Rule::UndeclaredCookie,
                        Some(location),
                        format!(
                            "a real browser stores {what} on {} {}, and site `{}` does not declare it",
                            shown(&page.rel),
                            stored.pass.word(),
                            site.id
                        ),
                    )
                    .with_help(format!(
                        "declare `{}` in the catalogue for site `{}`, or remove what sets it",
                        stored.name, site.id
                    ));
                    if let Some(evidence) = evidence {
                        d = d.with_evidence(evidence);
                    }
                    findings.push(d);
                }
                continue;
            };
            let cookie = &catalogue.cookies[c];
            let category = &catalogue.categories[cookie.category];
            seen.insert((page.site, c));
            for d in declaration_checks(catalogue, page, c, stored, &location, &what) {
                if reported.insert((d.rule, page.site, stored.name.clone())) {
                    findings.push(d);
                }
            }
            let rule = match stored.pass {
                Pass::BeforeConsent => Rule::StoredBeforeConsent,
                Pass::AfterRefusing => Rule::StoredAfterRefusal,
                Pass::AfterAccepting => continue,
            };
            if !category.consent
                || cookie.allow.contains_key(&rule)
                || !reported.insert((rule, page.site, stored.name.clone()))
            {
                continue;
            }
            let mut d = Diagnostic::new(
                rule,
                Some(location),
                format!(
                    "a real browser stores {what} on {} {}, and its category `{}` needs consent",
                    shown(&page.rel),
                    stored.pass.word(),
                    category.id
                ),
            )
            .with_help(format!(
                "load what sets `{}` only once the visitor accepts {}",
                stored.name, category.id
            ));
            if let Some(evidence) = evidence {
                d = d.with_evidence(evidence);
            }
            findings.push(d);
        }
        if visit.clicked == Some(false) {
            findings.push(
                Diagnostic::new(
                    Rule::AuditIncomplete,
                    Some(page_location(&page.rel)),
                    format!(
                        "no consent button to press on {} for the {} pass: it saw what a visitor who does nothing sees",
                        shown(&page.rel),
                        visit.pass.word()
                    ),
                )
                .with_help("name the banner's buttons (CSS selectors) in the catalogue's `[consent]` table, `accept = [\"...\"]` and `refuse = [\"...\"]`, or with --accept and --refuse"),
            );
        }
    }
    // What each pass stored, per page, for a person to read; pages that stored nothing counted.
    for pass in super::Pass::ALL {
        let mut empty = 0;
        let mut lines = Vec::new();
        for (page, visit) in visits.iter().filter(|(_, v)| v.pass == pass) {
            if visit.stored.is_empty() {
                empty += 1;
                continue;
            }
            let items: Vec<String> = visit
                .stored
                .iter()
                .map(|s| {
                    let by = s.setter.as_ref().map_or(String::new(), |setter| {
                        format!(" by {}", setter_location(page, Some(setter)))
                    });
                    format!("{}{by}", describe(s))
                })
                .collect();
            let like = match page.stands_for {
                1 => String::new(),
                2 => " (and 1 page like it)".to_owned(),
                n => format!(" (and {} pages like it)", n - 1),
            };
            lines.push(format!(
                "{} {}{like}: {}",
                pass.word(),
                shown(&page.rel),
                items.join(", ")
            ));
        }
        if empty > 0 {
            let pages = if empty == 1 { "page" } else { "pages" };
            lines.push(format!(
                "{}: nothing stored on {empty} {pages} visited",
                pass.word()
            ));
        }
        notes.extend(lines);
    }
    // Declared cookies no pass stored: evidence the audit could not add, said once per site.
    // Each site once, however many passes and pages visited it.
    let sites: BTreeSet<SiteId> = visits.iter().map(|(p, _)| p.site).collect();
    for site in sites {
        let missing: Vec<String> = catalogue
            .cookies
            .iter()
            .enumerate()
            .filter(|(c, cookie)| cookie.sites.contains(&site) && !seen.contains(&(site, *c)))
            .map(|(_, cookie)| {
                let expected = if catalogue.categories[cookie.category].consent {
                    Pass::AfterAccepting
                } else {
                    Pass::BeforeConsent
                };
                format!(
                    "`{}` (expected {})",
                    cookie.names.join(", "),
                    expected.word()
                )
            })
            .collect();
        if !missing.is_empty() {
            notes.push(format!(
                "declared for site `{}` but stored in no pass: {}",
                catalogue.sites[site].id,
                missing.join(", ")
            ));
        }
    }
    let represented: usize = visits
        .iter()
        .filter(|(_, v)| v.pass == Pass::BeforeConsent)
        .map(|(p, _)| p.stands_for)
        .sum();
    let visited = visits
        .iter()
        .filter(|(_, v)| v.pass == Pass::BeforeConsent)
        .count();
    if visited < represented {
        notes.push(format!(
            "visited {visited} of {represented} pages: one page of each group that loads the same scripts, frames and other hosts' images and runs the same inline code, and every policy page (--pages all visits every page)"
        ));
    }
    if !outside.is_empty() {
        notes.push(format!(
            "not visited, as they belong to no site: {}",
            outside.join(", ")
        ));
    }
    if !refused.is_empty() {
        notes.push(format!("refused (offline): {}", refused.join(", ")));
    }
    let stored = visits
        .iter()
        .flat_map(|(page, visit)| {
            visit.stored.iter().map(|s| StoredItem {
                pass: s.pass.word(),
                page: shown(&page.rel),
                kind: s.kind.word(),
                name: s.name.clone(),
                domain: s.domain.clone(),
                expires: s.expires,
                set_at: s
                    .setter
                    .as_ref()
                    .filter(|setter| !setter.url.is_empty())
                    .map(|setter| setter_location(page, Some(setter))),
                written: s.setter.as_ref().map(|setter| setter.text.clone()),
            })
        })
        .collect();
    policy.apply(&mut findings);
    let mut outcome = Outcome::failed(findings, summary);
    outcome.notes = notes;
    outcome.stored = stored;
    outcome
}

/// "cookie `a` (a.example, 182 days)" or "localStorage `k` (https://a.example)".
fn describe(stored: &super::Stored) -> String {
    let lifetime = if stored.kind == Kind::Cookie {
        lifetime(stored.expires)
    } else {
        String::new()
    };
    format!(
        "{} `{}` ({}{lifetime})",
        stored.kind.word(),
        stored.name,
        stored.domain
    )
}

/// ", 182 days" or ", session".
fn lifetime(expires: Option<f64>) -> String {
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
fn declaration_checks(
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
    let lifetime = asked.or_else(|| match stored.expires {
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
            .with_help(format!(
                "declare the lifetime the writer asks for at {}, or make the writer match the policy",
                cookie.location
            )),
        );
    }
    if stored.kind == Kind::Cookie && !cookie.allow.contains_key(&Rule::PartyMismatch) {
        let host = super::route::origin(&site.url);
        let host = host
            .split("://")
            .nth(1)
            .unwrap_or_default()
            .to_ascii_lowercase();
        let domain = stored.domain.trim_start_matches('.').to_ascii_lowercase();
        // Without the public suffix list: the site's host, a parent of it or a child of it is the site's own.
        let first = host == domain
            || host.ends_with(&format!(".{domain}"))
            || domain.ends_with(&format!(".{host}"));
        let party = if first { Party::First } else { Party::Third };
        if party != cookie.party {
            findings.push(
                Diagnostic::new(
                    Rule::PartyMismatch,
                    Some(location.clone()),
                    format!(
                        "a real browser stores {what} for `{domain}` on {}, a {}-party cookie there, and site `{}` declares it {}-party",
                        site.url,
                        party.id(),
                        site.id,
                        cookie.party.id()
                    ),
                )
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

/// Seconds since the epoch.
fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::visit::route::Network;

    #[test]
    fn what_no_pass_stored_is_said_once_per_site_whatever_the_passes_and_pages() {
        let catalogue = Catalogue::parse(
            r#"
[[site]]
id = "a"
url = "https://a.example"
dir = "a"
languages = ["en"]

[[site]]
id = "b"
url = "https://b.example"
dir = "b"
languages = ["en"]

[category.necessary]
title = { en = "Necessary" }
description = { en = "Needed." }
consent = false

[[cookie]]
names = ["sid"]
provider = "Example"
function = { en = "Sign-in" }
purpose = { en = "Keeps you signed in" }
duration = "session"
category = "necessary"
party = "first"
set_by = "server"
"#,
            "catalogue.toml",
            Path::new("."),
        )
        .unwrap();
        let root = Path::new("out");
        let routes = Routes::new(&catalogue, root, None, Network::Offline);
        let pages: Vec<Page> = [("a/index.html", 0), ("a/x.html", 0), ("b/index.html", 1)]
            .iter()
            .map(|&(rel, site)| Page {
                rel: rel.to_owned(),
                site: SiteId(site),
                url: String::new(),
                stands_for: 1,
            })
            .collect();
        // In the order the audit makes them: every page in a pass, pass after pass.
        let visits: Vec<(&Page, Visit)> = Pass::ALL
            .iter()
            .flat_map(|&pass| pages.iter().map(move |p| (p, Visit::new(pass))))
            .collect();
        let outcome = judge(
            &catalogue,
            root,
            &routes,
            &visits,
            &[],
            &[],
            &Policy::default(),
            Summary::default(),
        );
        let said: Vec<&String> = outcome
            .notes
            .iter()
            .filter(|n| n.starts_with("declared for site"))
            .collect();
        assert_eq!(
            said,
            [
                "declared for site `a` but stored in no pass: `sid` (expected before consent)",
                "declared for site `b` but stored in no pass: `sid` (expected before consent)",
            ]
        );
    }
}
