//! What the browser stored, held against the catalogue: undeclared cookies, cookies that need
//! consent stored before the visitor chose or after they refused, storage the catalogue cannot
//! declare yet, and what each pass stored, as notes a person reads.

use std::collections::HashSet;
use std::path::Path;

use super::browse::{Setter, Visit};
use super::route::{Answer, Routes};
use super::{Kind, Page, Pass};
use crate::build::{Outcome, Summary};
use crate::catalogue::Catalogue;
use crate::diagnostic::{Diagnostic, Location, Policy, Rule};

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
        match routes.answer(&setter.url) {
            Answer::File(path, _) if path.starts_with(root) => {
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
                .with_help("give the audit the banner's buttons with --accept and --refuse (CSS selectors)"),
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
            lines.push(format!(
                "{} {}: {}",
                pass.word(),
                shown(&page.rel),
                items.join(", ")
            ));
        }
        if empty > 0 {
            let pages = if empty == 1 { "page" } else { "pages" };
            lines.push(format!(
                "{}: nothing stored on {empty} {pages}",
                pass.word()
            ));
        }
        notes.extend(lines);
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
    policy.apply(&mut findings);
    let mut outcome = Outcome::failed(findings, summary);
    outcome.notes = notes;
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
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0.0, |d| d.as_secs_f64());
            let days = ((at - now) / 86_400.0).round().max(0.0);
            format!(", {days} days")
        }
    }
}
