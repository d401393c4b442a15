//! What the browser stored, held against the catalogue: undeclared cookies, cookies that need
//! consent stored before the visitor chose or after they refused, storage the catalogue cannot
//! declare yet, and what each pass stored, as notes a person reads.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use super::browse::{Setter, Visit};
use super::route::{Answer, Routes};
use super::{Page, Pass};
use crate::build::{Outcome, StoredItem, Summary};
use crate::catalogue::{Catalogue, SiteId};
use crate::diagnostic::{Diagnostic, Location, Policy, Rule};

/// Turns the visits into the run's outcome, with the declarations (site, cookie) some pass
/// stored.
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
) -> (Outcome, HashSet<(SiteId, usize)>) {
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
    // One write that stores another name on each visit (`"id" + Math.random()`) is one
    // finding, which lists the other names, not one finding per visit.
    let mut by_writer: HashMap<(Rule, SiteId, String), (usize, Vec<String>)> = HashMap::new();
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
            let declared = crate::audit::declared(catalogue, page.site, stored.kind, &stored.name);
            let Some(c) = declared else {
                let rule = if stored.kind.is_cookie() {
                    Rule::UndeclaredCookie
                } else {
                    Rule::UndeclaredStorage
                };
                let writer = stored
                    .setter
                    .as_ref()
                    .filter(|s| s.place.is_some())
                    .map(|_| (rule, page.site, location.to_string()));
                if let Some((_, others)) = writer.as_ref().and_then(|w| by_writer.get_mut(w)) {
                    if !others.contains(&stored.name) {
                        others.push(stored.name.clone());
                    }
                    continue;
                }
                if reported.insert((rule, page.site, stored.kind, stored.name.clone())) {
                    if let Some(writer) = writer {
                        by_writer.insert(writer, (findings.len(), vec![stored.name.clone()]));
                    }
                    let kind = if stored.kind.is_cookie() {
                        String::new()
                    } else {
                        format!(" with `kind = \"{}\"`", stored.kind.id())
                    };
                    let mut d = Diagnostic::new(
                        rule,
                        Some(location),
                        format!(
                            "a real browser stores {what} on {} {}, and site `{}` does not declare it",
                            shown(&page.rel),
                            stored.pass.word(),
                            site.id
                        ),
                    )
                    .about_on(stored.kind, stored.name.clone(), [site.id.clone()])
                    .with_help(format!(
                        "declare `{}`{kind} in the catalogue for site `{}`, or remove what sets it",
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
            for d in
                super::declared::declaration_checks(catalogue, page, c, stored, &location, &what)
            {
                if reported.insert((d.rule, page.site, stored.kind, stored.name.clone())) {
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
                || !reported.insert((rule, page.site, stored.kind, stored.name.clone()))
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
            .about_on(stored.kind, stored.name.clone(), [site.id.clone()])
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
    // Declared items no pass stored: evidence the audit could not add, said once per item
    // with every visited site it was missing on, however many passes and pages visited them.
    let visited: BTreeSet<SiteId> = visits.iter().map(|(p, _)| p.site).collect();
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
            .filter(|(p, v)| missing.contains(&p.site) && v.pass == Pass::BeforeConsent)
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
            crate::audit::site_list(catalogue, &missing),
            if pages == 1 { "" } else { "s" },
            expected.word()
        );
        findings.push(
            Diagnostic::new(Rule::NotStored, Some(cookie.location.clone()), message)
                .with_help("if it is set where the audit does not go (after signing in, by a form, on a server path, or by a host the offline audit refused: give it with --fixtures), record that with `allow.not-stored = \"reason\"` in its entry; if nothing sets it any more, take those sites out of its `sites`"),
        );
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
                site: catalogue.sites[page.site].id.clone(),
                page: shown(&page.rel),
                kind: s.kind,
                name: s.name.clone(),
                domain: s.domain.clone(),
                expires: s.expires,
                flags: s.flags.clone(),
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
    (outcome, seen)
}

/// "cookie `a` (a.example, 182 days)" or "localStorage `k` (https://a.example)".
fn describe(stored: &super::Stored) -> String {
    let lifetime = if stored.kind.is_cookie() {
        super::declared::lifetime(stored.expires)
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
    use crate::visit::route::Network;

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
        let (outcome, _) = judge(
            &catalogue,
            root,
            &routes,
            &visits,
            &[],
            &[],
            &Policy::default(),
            Summary::default(),
        );
        let said: Vec<(&str, &str)> = outcome
            .diagnostics
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
        assert!(
            outcome
                .diagnostics
                .iter()
                .all(|d| d.severity == crate::diagnostic::Severity::Note)
        );
        assert_eq!(outcome.exit, crate::diagnostic::ExitCode::Clean);
    }
}
