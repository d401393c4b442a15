//! Judges the cookies pages set against the catalogue, and the catalogue against what is known of services and of the law.

use std::collections::BTreeSet;

use crate::catalogue::{Catalogue, Duration, Party, Unit};
use crate::diagnostic::{Diagnostic, Location, Rule, Severity};
use crate::labels;
use crate::pattern;
use crate::scan::cookie_db::{CookieDb, Entry};
use crate::scan::{Sighting, Source};

/// Whether a declared name or pattern and a found one can be the same cookie: equal, or one an instance of the
/// other (`_ga_*` declared and `_ga_ABC` found, or `_ga_ABC` declared and the service's `_ga_*` found).
pub fn names_meet(declared: &str, found: &str) -> bool {
    declared == found || pattern::matches(declared, found) || pattern::matches(found, declared)
}

/// The catalogue cookie of `site` that declares `name` (a name or a pattern).
pub fn declared(catalogue: &Catalogue, site: usize, name: &str) -> Option<usize> {
    catalogue
        .cookies
        .iter()
        .position(|c| c.sites.contains(&site) && c.names.iter().any(|p| names_meet(p, name)))
}

/// One cookie found, with where it was first seen, on how many places, and for which sites.
#[derive(Clone, Debug)]
pub struct Found {
    /// Where it was first seen.
    pub location: Location,
    /// What sets it.
    pub sighting: Sighting,
    /// On how many places (pages, files) it was seen.
    pub places: usize,
    /// The sites that it was seen for (indices).
    pub sites: Vec<usize>,
}

/// Findings for the cookies the sites set and the catalogue does not declare.
///
/// A service cookie set only in some cases is reported only when `strict`.
///
/// `db`, a copy of the Open Cookie Database, describes cookies the catalogue and the services list do not know.
pub fn sightings(
    catalogue: &Catalogue,
    found: &[Found],
    strict: bool,
    db: Option<&CookieDb>,
) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for Found {
        location,
        sighting,
        places,
        sites,
    } in found
    {
        let elsewhere = match places {
            0 | 1 => String::new(),
            2 => ", here and in 1 other place".to_owned(),
            n => format!(", here and in {} other places", n - 1),
        };
        let Some(name) = &sighting.name else {
            let d = Diagnostic::warning(
                Rule::DynamicCookieName,
                Some(location.clone()),
                "a script writes a cookie whose name is built at run time",
            )
            .with_evidence(sighting.evidence.clone());
            findings.push(d.with_help("declare the names it can take in the catalogue (patterns with `*` work), and write them as literals"));
            continue;
        };
        let undeclared: Vec<usize> = sites
            .iter()
            .copied()
            .filter(|&s| declared(catalogue, s, name).is_none())
            .collect();
        if undeclared.is_empty() {
            continue;
        }
        let (what, always) = describe(catalogue, &sighting.source);
        if !always && !strict {
            continue;
        }
        let known = match sighting.source {
            Source::Service(..) => None,
            _ => db.and_then(|db| db.lookup(name)),
        };
        let mut message = format!(
            "{what} sets cookie `{name}`, which the catalogue does not declare for {}{elsewhere}",
            site_list(catalogue, &undeclared)
        );
        if let Some(entry) = known {
            message.push_str(&format!(
                "; the Open Cookie Database knows it as {} ({})",
                entry.platform, entry.category
            ));
        }
        let mut d = Diagnostic::error(Rule::UndeclaredCookie, Some(location.clone()), message)
            .with_evidence(sighting.evidence.clone())
            .with_help(format!(
                "add the entry below to {}, or remove what sets the cookie",
                catalogue.path
            ))
            .with_suggestion(suggestion(
                catalogue,
                &undeclared,
                name,
                &sighting.source,
                known,
                sighting.lifetime,
            ));
        if !always {
            d.message.push_str("; it sets it only in some cases");
        }
        findings.push(d);
    }
    findings
}

/// The cookies a site sets, as (name, what sets it), for reports: service cookies set only in some cases only when `strict`.
pub fn listed(
    catalogue: &Catalogue,
    first: &[(Location, Sighting, usize)],
    strict: bool,
) -> Vec<(String, String)> {
    let mut listed: Vec<(String, String)> = first
        .iter()
        .filter_map(|(_, sighting, _)| {
            let name = sighting.name.clone()?;
            let (_, always) = describe(catalogue, &sighting.source);
            let by = match &sighting.source {
                Source::Script(api) => format!("script, {api}"),
                Source::Header => "Set-Cookie".to_owned(),
                Source::Service(s, _) => catalogue.services.all()[*s].name.clone(),
            };
            (always || strict).then_some((name, by))
        })
        .collect();
    listed.sort();
    listed.dedup();
    listed
}

/// "site `a`" or "sites `a`, `b`".
fn site_list(catalogue: &Catalogue, sites: &[usize]) -> String {
    let ids: Vec<String> = sites
        .iter()
        .map(|&s| format!("`{}`", catalogue.sites[s].id))
        .collect();
    match ids.len() {
        1 => format!("site {}", ids[0]),
        _ => format!("sites {}", ids.join(", ")),
    }
}

/// Declared cookies said to be set by a script or a tag that no page of their sites sets; `seen[site]` holds what each site sets.
pub fn unseen(catalogue: &Catalogue, seen: &[&BTreeSet<String>], strict: bool) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for cookie in &catalogue.cookies {
        if cookie.set_by == crate::catalogue::SetBy::Server
            || cookie.allow.contains_key(&Rule::UnseenCookie)
        {
            continue;
        }
        let missing: Vec<usize> = cookie
            .sites
            .iter()
            .copied()
            .filter(|&site| {
                !cookie
                    .names
                    .iter()
                    .any(|p| seen[site].iter().any(|n| names_meet(p, n)))
            })
            .collect();
        if missing.is_empty() {
            continue;
        }
        let message = format!(
            "cookie `{}` is declared as set by a {}, but no page of {} sets it",
            cookie.names.join(", "),
            cookie.set_by.id(),
            site_list(catalogue, &missing)
        );
        let mut d = Diagnostic::warning(Rule::UnseenCookie, Some(cookie.location.clone()), message).with_help(
            "remove the cookie from those sites, or, if something the scan cannot see sets it, say so with `allow.unseen-cookie = \"reason\"`",
        );
        if strict {
            d.severity = Severity::Error;
        }
        findings.push(d);
    }
    findings
}

/// What is known of services and the regulators' rules, checked against each declared cookie.
pub fn catalogue_rules(catalogue: &Catalogue) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for cookie in &catalogue.cookies {
        let category = &catalogue.categories[cookie.category];
        let mut push = |rule: Rule, message: String, help: &str| {
            if !cookie.allow.contains_key(&rule) {
                let d = Diagnostic::error(rule, Some(cookie.location.clone()), message);
                findings.push(d.with_help(format!(
                    "{help}; or waive it with `allow.{rule} = \"reason\"`"
                )));
            }
        };
        let names = cookie.names.join(", ");
        let known: Vec<_> = cookie
            .names
            .iter()
            .flat_map(|n| catalogue.services.known(n))
            .collect();
        if let Some((service, known_cookie)) = known.iter().find(|(_, k)| k.party != cookie.party) {
            push(
                Rule::PartyMismatch,
                format!(
                    "cookie `{names}` is declared {}-party, but {} sets `{}` as a {}-party cookie",
                    cookie.party.id(),
                    service.name,
                    known_cookie.name,
                    known_cookie.party.id()
                ),
                &format!("declare `party = \"{}\"`", known_cookie.party.id()),
            );
        }
        let advertising = known.iter().find(|(s, _)| s.category == "marketing");
        if let (Some((service, _)), "necessary") = (advertising, category.id.as_str()) {
            push(
                Rule::NecessaryAdvertising,
                format!(
                    "cookie `{names}` is declared necessary, but {} sets it for advertising",
                    service.name
                ),
                "move it to a category that asks for consent, such as marketing",
            );
        } else if let Some((service, _)) = known
            .iter()
            .find(|(s, _)| s.category != category.id && catalogue.category(&s.category).is_some())
        {
            push(
                Rule::CategoryMismatch,
                format!(
                    "cookie `{names}` is declared in category `{}`, but {} is a {} service",
                    category.id, service.name, service.category
                ),
                &format!("declare `category = \"{}\"`", service.category),
            );
        }
        let statistics =
            category.id == "statistics" || known.iter().any(|(s, _)| s.category == "statistics");
        if statistics && !category.consent {
            let longest = std::iter::once(cookie.duration)
                .chain(cookie.overrides.values().filter_map(|o| o.duration))
                .max_by(|a, b| days(a).total_cmp(&days(b)))
                .expect("at least one");
            if days(&longest) > days(&THIRTEEN_MONTHS) {
                let words = labels::words("en").expect("built in");
                push(
                    Rule::ConsentExemptDuration,
                    format!(
                        "statistics cookie `{names}` is exempt from consent (category `{}`) but lives {}, more than 13 months",
                        category.id,
                        longest.render(words).to_lowercase()
                    ),
                    "shorten its lifetime to 13 months at most, or ask for consent",
                );
            }
        }
    }
    findings
}

const THIRTEEN_MONTHS: Duration = Duration::Length {
    amount: 13,
    unit: Unit::Month,
    up_to: false,
};

/// A lifetime in days, for comparison; a session counts as none.
fn days(duration: &Duration) -> f64 {
    match *duration {
        Duration::Session => 0.0,
        Duration::Length { amount, unit, .. } => {
            let per = match unit {
                Unit::Minute => 1.0 / 1440.0,
                Unit::Hour => 1.0 / 24.0,
                Unit::Day => 1.0,
                Unit::Week => 7.0,
                Unit::Month => 365.25 / 12.0,
                Unit::Year => 365.25,
            };
            f64::from(amount) * per
        }
    }
}

/// Who sets the cookie, in words, and whether it is set on every visit.
fn describe(catalogue: &Catalogue, source: &Source) -> (String, bool) {
    match source {
        Source::Script(api) => (format!("a script ({api})"), true),
        Source::Header => ("a Set-Cookie header".to_owned(), true),
        Source::Service(s, c) => {
            let service = &catalogue.services.all()[*s];
            (service.name.clone(), service.cookie[*c].always)
        }
    }
}

/// A catalogue entry to paste, filled with what is known and marked where a person must write.
fn suggestion(
    catalogue: &Catalogue,
    sites: &[usize],
    name: &str,
    source: &Source,
    known: Option<&Entry>,
    lifetime: crate::scan::Lifetime,
) -> String {
    let found = lifetime
        .catalogue_text()
        .unwrap_or_else(|| "TODO: how long it lives".to_owned());
    let site_info = &catalogue.sites[sites[0]];
    let host = if sites.len() > 1 {
        "TODO: who provides it".to_owned()
    } else {
        site_info
            .url
            .split("://")
            .nth(1)
            .unwrap_or(&site_info.url)
            .trim_end_matches('/')
            .to_owned()
    };
    let (provider, category, party, set_by, duration) = match source {
        Source::Service(s, c) => {
            let service = &catalogue.services.all()[*s];
            let cookie = &service.cookie[*c];
            let category = if catalogue.category(&service.category).is_some() {
                service.category.clone()
            } else {
                "TODO".into()
            };
            (
                service.provider.clone(),
                category,
                cookie.party,
                service.set_by.id(),
                cookie.duration.clone().unwrap_or(found),
            )
        }
        Source::Script(_) => (host, "TODO".into(), Party::First, "script", found),
        Source::Header => (host, "TODO".into(), Party::First, "server", found),
    };
    // The database fills in what a script's cookie is; a person still reviews every line.
    let (provider, category, duration) = match known {
        Some(entry) => {
            let category = Some(CookieDb::category(entry))
                .filter(|c| catalogue.category(c).is_some())
                .unwrap_or("TODO");
            let duration = entry.retention.parse::<Duration>().map_or_else(
                |_| format!("TODO: {}", entry.retention),
                |_| entry.retention.to_lowercase(),
            );
            let provider = if entry.controller.is_empty() {
                entry.platform.clone()
            } else {
                entry.controller.clone()
            };
            (provider, category.to_owned(), duration)
        }
        None => (provider, category, duration),
    };
    let mut languages: Vec<&str> = Vec::new();
    for &site in sites {
        for lang in &catalogue.sites[site].languages {
            if !languages.contains(&lang.as_str()) {
                languages.push(lang);
            }
        }
    }
    let mut text = format!(
        "[[cookie]]\nnames = [{}]\nprovider = {}\n",
        toml_string(name),
        toml_string(&provider)
    );
    for lang in &languages {
        text.push_str(&format!(
            "function.{lang} = \"TODO: what it serves, and where\"\n"
        ));
    }
    for lang in &languages {
        match known {
            // The database is written in English.
            Some(entry) if *lang == "en" && !entry.description.is_empty() => {
                text.push_str(&format!(
                    "purpose.en = {}  # from the Open Cookie Database: check it\n",
                    toml_string(&entry.description)
                ));
            }
            _ => text.push_str(&format!("purpose.{lang} = \"TODO: why it is set\"\n")),
        }
    }
    let ids: Vec<String> = sites
        .iter()
        .map(|&site| toml_string(&catalogue.sites[site].id))
        .collect();
    text.push_str(&format!(
        "duration = {}\ncategory = {}\nparty = \"{}\"\nset_by = \"{set_by}\"\nsites = [{}]\n",
        toml_string(&duration),
        toml_string(&category),
        party.id(),
        ids.join(", ")
    ));
    text
}

/// A TOML basic string holding `text`, escaped as TOML wants.
fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}
