//! What the browser stored, held against the catalogue: undeclared items, items that need
//! consent stored before the visitor chose or after they refused, lifetimes and parties
//! against their declarations, declarations no pass stored, and what each pass stored, as
//! notes a person reads.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::measured::{declaration_checks, lifetime};
use crate::catalogue::{Catalogue, SiteId};
use crate::diagnostic::{Diagnostic, Location, Rule};
use crate::stored::{Evidence, Pass, StoredItem, Visited};

/// The browser's findings and notes.
pub struct Judged {
    /// Findings, before the run's policy is applied.
    pub findings: Vec<Diagnostic>,
    /// What each pass stored and what the audit did not visit, for a person to read.
    pub notes: Vec<String>,
}

/// Holds every visit of `evidence` against the catalogue.
pub fn stored(catalogue: &Catalogue, evidence: &Evidence) -> Judged {
    let site_of = |id: &str| {
        catalogue
            .site_ids()
            .find(|(_, s)| s.id == id)
            .map(|(s, _)| s)
    };
    let visits: Vec<(SiteId, &Visited)> = evidence
        .visits
        .iter()
        .filter_map(|v| Some((site_of(&v.site)?, v)))
        .collect();
    let page_location = |visit: &Visited| Location::new(visit.page.clone(), (1, 1));
    let mut findings = Vec::new();
    let mut reported = HashSet::new();
    // The declared items some pass stored, by site.
    let mut seen = HashSet::new();
    // One write that stores another name on each visit (`"id" + Math.random()`) is one
    // finding, which lists the other names, not one finding per visit.
    let mut by_writer: HashMap<(Rule, SiteId, String), (usize, Vec<String>)> = HashMap::new();
    for &(site, visit) in &visits {
        let site_id = &catalogue.sites[site].id;
        if let Some(failure) = &visit.failure {
            findings.push(
                Diagnostic::new(
                    Rule::AuditIncomplete,
                    Some(page_location(visit)),
                    format!("the {} pass could not complete: {failure}", visit.pass.word()),
                )
                .with_help("make the page load on its own, offline, within 20 s; fixtures (--fixtures) can stand in for third-party hosts"),
            );
        }
        for stored in &visit.stored {
            let location = stored
                .set_at
                .clone()
                .unwrap_or_else(|| page_location(visit));
            let what = describe(stored);
            let declared = super::declared(catalogue, site, stored.kind, &stored.name);
            let Some(c) = declared else {
                let rule = if stored.kind.is_cookie() {
                    Rule::UndeclaredCookie
                } else {
                    Rule::UndeclaredStorage
                };
                let writer = stored
                    .written_by_script()
                    .then(|| (rule, site, location.to_string()));
                if let Some((_, others)) = writer.as_ref().and_then(|w| by_writer.get_mut(w)) {
                    if !others.contains(&stored.name) {
                        others.push(stored.name.clone());
                    }
                    continue;
                }
                if reported.insert((rule, site, stored.kind, stored.name.clone())) {
                    if let Some(writer) = writer {
                        by_writer.insert(writer, (findings.len(), vec![stored.name.clone()]));
                    }
                    let kind = if stored.kind.is_cookie() {
                        String::new()
                    } else {
                        format!(" with `kind = \"{}\"`", stored.kind.id())
                    };
                    let d = Diagnostic::new(
                        rule,
                        Some(location),
                        format!(
                            "a real browser stores {what} on {} {}, and site `{site_id}` does not declare it",
                            visit.page,
                            stored.pass.word(),
                        ),
                    )
                    .about_on(stored.kind, stored.name.clone(), [site_id.clone()])
                    .with_help(format!(
                        "declare `{}`{kind} in the catalogue for site `{site_id}`, or remove what sets it",
                        stored.name
                    ));
                    findings.push(with_written(d, stored));
                }
                continue;
            };
            let cookie = &catalogue.cookies[c];
            let category = &catalogue.categories[cookie.category];
            seen.insert((site, c));
            for d in declaration_checks(catalogue, site, c, stored, &location, &what) {
                if reported.insert((d.rule, site, stored.kind, stored.name.clone())) {
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
                || !reported.insert((rule, site, stored.kind, stored.name.clone()))
            {
                continue;
            }
            let d = Diagnostic::new(
                rule,
                Some(location),
                format!(
                    "a real browser stores {what} on {} {}, and its category `{}` needs consent",
                    visit.page,
                    stored.pass.word(),
                    category.id
                ),
            )
            .about_on(stored.kind, stored.name.clone(), [site_id.clone()])
            .with_help(format!(
                "load what sets `{}` only once the visitor accepts {}",
                stored.name, category.id
            ));
            findings.push(with_written(d, stored));
        }
        if visit.clicked == Some(false) {
            findings.push(
                Diagnostic::new(
                    Rule::AuditIncomplete,
                    Some(page_location(visit)),
                    format!(
                        "no consent button to press on {} for the {} pass: it saw what a visitor who does nothing sees",
                        visit.page,
                        visit.pass.word()
                    ),
                )
                .with_help("name the banner's buttons (CSS selectors) in the catalogue's `[consent]` table, `accept = [\"...\"]` and `refuse = [\"...\"]`, or with --accept and --refuse"),
            );
        }
    }
    for (index, names) in by_writer.into_values() {
        if names.len() > 1 {
            let d = &mut findings[index];
            d.message.push_str(&format!(
                "; the same write stored other names on other visits: `{}`",
                names[1..].join("`, `")
            ));
        }
    }
    findings.extend(not_stored(catalogue, &visits, &seen));
    Judged {
        findings,
        notes: notes(evidence),
    }
}

/// Declared items no pass stored: evidence the audit could not add, said once per item with
/// every visited site it was missing on, however many passes and pages visited them.
fn not_stored(
    catalogue: &Catalogue,
    visits: &[(SiteId, &Visited)],
    seen: &HashSet<(SiteId, usize)>,
) -> Vec<Diagnostic> {
    let visited: BTreeSet<SiteId> = visits.iter().map(|(s, _)| *s).collect();
    let mut findings = Vec::new();
    for (c, cookie) in catalogue.cookies.iter().enumerate() {
        if cookie.allow.contains_key(&Rule::NotStored) {
            continue;
        }
        let missing: Vec<SiteId> = visited
            .iter()
            .copied()
            .filter(|site| cookie.sites.contains(site) && !seen.contains(&(*site, c)))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let pages = visits
            .iter()
            .filter(|(s, v)| missing.contains(s) && v.pass == Pass::BeforeConsent)
            .count();
        let expected = if catalogue.categories[cookie.category].consent {
            Pass::AfterAccepting
        } else {
            Pass::BeforeConsent
        };
        let message = format!(
            "{} `{}` is declared for {}, but no pass stored it on the {pages} page{} visited (expected {})",
            cookie.kind.word(),
            cookie.names.join(", "),
            super::site_list(catalogue, &missing),
            if pages == 1 { "" } else { "s" },
            expected.word()
        );
        findings.push(
            Diagnostic::new(Rule::NotStored, Some(cookie.location.clone()), message)
                .with_help("if it is set where the audit does not go (after signing in, by a form, on a server path, or by a host the offline audit refused: give it with --fixtures), record that with `allow.not-stored = \"reason\"` in its entry; if nothing sets it any more, take those sites out of its `sites`"),
        );
    }
    findings
}

/// What each pass stored, per page, for a person to read (pages that stored nothing counted),
/// how many pages the visits stand for, and what the audit could not reach.
fn notes(evidence: &Evidence) -> Vec<String> {
    let mut notes = Vec::new();
    for pass in Pass::ALL {
        let mut empty = 0;
        for visit in evidence.visits.iter().filter(|v| v.pass == pass) {
            if visit.stored.is_empty() {
                empty += 1;
                continue;
            }
            let items: Vec<String> = visit
                .stored
                .iter()
                .map(|s| {
                    let by = s
                        .set_at
                        .as_ref()
                        .map_or(String::new(), |at| format!(" by {at}"));
                    format!("{}{by}", describe(s))
                })
                .collect();
            let like = match visit.stands_for {
                0 | 1 => String::new(),
                2 => " (and 1 page like it)".to_owned(),
                n => format!(" (and {} pages like it)", n - 1),
            };
            notes.push(format!(
                "{} {}{like}: {}",
                pass.word(),
                visit.page,
                items.join(", ")
            ));
        }
        if empty > 0 {
            let pages = if empty == 1 { "page" } else { "pages" };
            notes.push(format!(
                "{}: nothing stored on {empty} {pages} visited",
                pass.word()
            ));
        }
    }
    let first: Vec<&Visited> = evidence
        .visits
        .iter()
        .filter(|v| v.pass == Pass::BeforeConsent)
        .collect();
    let represented: usize = first.iter().map(|v| v.stands_for).sum();
    if first.len() < represented {
        notes.push(format!(
            "visited {} of {represented} pages: one page of each group that loads the same scripts, frames and other hosts' images and runs the same inline code, and every policy page (--pages all visits every page)",
            first.len()
        ));
    }
    if !evidence.outside.is_empty() {
        notes.push(format!(
            "not visited, as they belong to no site: {}",
            evidence.outside.join(", ")
        ));
    }
    if !evidence.refused.is_empty() {
        notes.push(format!(
            "refused (offline): {}",
            evidence.refused.join(", ")
        ));
    }
    notes
}

/// `d` with what the browser caught being written, when it caught it.
fn with_written(d: Diagnostic, stored: &StoredItem) -> Diagnostic {
    match &stored.written {
        Some(written) => d.with_evidence(written.clone()),
        None => d,
    }
}

/// "cookie `a` (a.example, 182 days)" or "localStorage `k` (https://a.example)".
fn describe(stored: &StoredItem) -> String {
    let lifetime = if stored.kind.is_cookie() {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn what_no_pass_stored_is_said_once_whatever_the_sites_passes_and_pages() {
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
        // In the order the audit makes them: every page in a pass, pass after pass.
        let visits = Pass::ALL
            .iter()
            .flat_map(|&pass| {
                [
                    ("a", "out/a/index.html"),
                    ("a", "out/a/x.html"),
                    ("b", "out/b/index.html"),
                ]
                .map(|(site, page)| Visited {
                    site: site.to_owned(),
                    page: page.to_owned(),
                    pass,
                    stands_for: 1,
                    failure: None,
                    clicked: None,
                    stored: Vec::new(),
                })
            })
            .collect();
        let judged = stored(
            &catalogue,
            &Evidence {
                visits,
                ..Evidence::default()
            },
        );
        let said: Vec<(&str, &str)> = judged
            .findings
            .iter()
            .map(|d| (d.rule.id(), d.message.as_str()))
            .collect();
        assert_eq!(
            said,
            [(
                "not-stored",
                "cookie `sid` is declared for sites `a`, `b`, but no pass stored it on the 3 pages visited (expected before consent)"
            )]
        );
    }
}
