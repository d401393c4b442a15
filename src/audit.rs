//! Judges the cookies pages set against the catalogue, and the catalogue against what is known of services and of the law.

use std::collections::BTreeSet;

use crate::catalogue::{Catalogue, Duration, Party, Unit};
use crate::diagnostic::{Diagnostic, Location, Place, Rule};
use crate::labels;
use crate::pattern;
use crate::scan::cookie_db::{CookieDb, Entry};
use crate::scan::services::Services;
use crate::scan::{Lifetime, Sighting, Source};

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

/// One cookie found, with where it was first seen, every place, and the sites it was seen for.
#[derive(Clone, Debug)]
pub struct Found {
    /// Where it was first seen.
    pub location: Location,
    /// That place's file, relative to the site folder.
    pub rel: String,
    /// What sets it.
    pub sighting: Sighting,
    /// Every place: where it is set, then the pages that load a script that sets it.
    pub places: Vec<Place>,
    /// On how many places it is set.
    pub count: usize,
    /// The sites that it was seen for (indices).
    pub sites: Vec<usize>,
    /// Other writes of it that state another lifetime than the first, each checked too.
    pub others: Vec<(Location, Sighting)>,
}

/// A service loaded as the page loads, with no consent manager or setting holding it back.
#[derive(Clone, Debug)]
pub struct ServiceLoad {
    /// The service (index into the services list).
    pub service: usize,
    /// Where it is first loaded so.
    pub location: Location,
    /// That place's file, relative to the site folder.
    pub rel: String,
    /// The source there.
    pub evidence: String,
    /// Every place that loads it so.
    pub places: Vec<Place>,
    /// The sites that load it so.
    pub sites: Vec<usize>,
}

/// ", here and in 2 other places".
fn elsewhere(count: usize) -> String {
    match count {
        0 | 1 => String::new(),
        2 => ", here and in 1 other place".to_owned(),
        n => format!(", here and in {} other places", n - 1),
    }
}

/// Findings for the cookies the sites set and the catalogue does not declare.
///
/// A service cookie set only in some cases is reported only when `strict`.
///
/// `db`, a copy of the Open Cookie Database, describes cookies the catalogue and the services list do not know.
pub fn undeclared(
    catalogue: &Catalogue,
    services: &Services,
    found: &[Found],
    strict: bool,
    db: Option<&CookieDb>,
) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for f in found {
        let Some(name) = &f.sighting.name else {
            continue;
        };
        let undeclared: Vec<usize> = f
            .sites
            .iter()
            .copied()
            .filter(|&s| declared(catalogue, s, name).is_none())
            .collect();
        if undeclared.is_empty() {
            continue;
        }
        let (what, always) = describe(services, &f.sighting.source);
        if !always && !strict {
            continue;
        }
        let known = match f.sighting.source {
            Source::Service(..) => None,
            _ => db.and_then(|db| db.lookup(name)),
        };
        let mut message = format!(
            "{what} sets cookie `{name}`, which the catalogue does not declare for {}{}",
            site_list(catalogue, &undeclared),
            elsewhere(f.count)
        );
        if let Some(entry) = known {
            message.push_str(&format!(
                "; the Open Cookie Database knows it as {} ({})",
                entry.platform, entry.category
            ));
        }
        if !always {
            message.push_str("; it sets it only in some cases");
        }
        findings.push(
            Diagnostic::new(Rule::UndeclaredCookie, Some(f.location.clone()), message)
                .with_evidence(f.sighting.evidence.clone())
                .with_help(format!(
                    "add the entry below to {} and write its TODO parts (a build refuses them), or remove what sets the cookie",
                    catalogue.path
                ))
                .with_suggestion(suggestion(
                    catalogue,
                    services,
                    &undeclared,
                    name,
                    &f.sighting.source,
                    known,
                    f.sighting.lifetime,
                ))
                .with_places(f.places.clone()),
        );
    }
    findings
}

/// Writes whose cookie name is built at run time: settled when a declaration covers them (a
/// pattern that covers the name's literal parts, or `set_in` naming the file) or a `[[allow]]`
/// waives the file; reported otherwise. Returns the findings and the (site, cookie) pairs the
/// settled writes stand for, which count as set.
pub fn dynamic(catalogue: &Catalogue, found: &[Found]) -> (Vec<Diagnostic>, Vec<(usize, usize)>) {
    let mut findings = Vec::new();
    let mut settled = Vec::new();
    for f in found.iter().filter(|f| f.sighting.name.is_none()) {
        let shape = f.sighting.shape.as_deref();
        let covers = |site: usize| {
            catalogue.cookies.iter().position(|c| {
                c.sites.contains(&site)
                    && (c.set_in.iter().any(|g| crate::glob::matches(g, &f.rel))
                        || shape.is_some_and(|shape| {
                            c.names.iter().any(|p| pattern::matches(p, shape))
                        }))
            })
        };
        let settling: Vec<Option<usize>> = f.sites.iter().map(|&s| covers(s)).collect();
        if settling.iter().all(Option::is_some) && !f.sites.is_empty() {
            settled.extend(
                f.sites
                    .iter()
                    .zip(&settling)
                    .filter_map(|(&s, c)| Some((s, (*c)?))),
            );
            continue;
        }
        if catalogue.allowed_in(Rule::DynamicCookieName, &f.rel) {
            continue;
        }
        let takes = match shape {
            Some(shape) => format!("; it takes the form `{shape}`"),
            None => String::new(),
        };
        let example = shape.unwrap_or("prefix_*");
        findings.push(
            Diagnostic::new(
                Rule::DynamicCookieName,
                Some(f.location.clone()),
                format!("a script writes a cookie whose name is built at run time{takes}"),
            )
            .with_evidence(f.sighting.evidence.clone())
            .with_help(format!(
                "declare the names it can take in {}: an entry with a pattern (`names = [\"{example}\"]`, `*` for the part built at run time) and `set_in = [\"{}\"]`; or, if it sets no cookie a visitor keeps, waive it with an `[[allow]]` for this file",
                catalogue.path, f.rel
            ))
            .with_places(f.places.clone()),
        );
    }
    (findings, settled)
}

/// Declared durations against the lifetimes writes state: a declaration shorter than the
/// lifetime (2% slack, for the lengths of months), or, unless written "up to", more than twice as long.
pub fn durations(catalogue: &Catalogue, services: &Services, found: &[Found]) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    let writes = found.iter().flat_map(|f| {
        std::iter::once((f, &f.location, &f.sighting))
            .chain(f.others.iter().map(move |(l, s)| (f, l, s)))
    });
    for (f, location, sighting) in writes {
        let (Some(name), lifetime) = (&sighting.name, sighting.lifetime) else {
            continue;
        };
        if lifetime == Lifetime::Unknown {
            continue;
        }
        // Sites that declare it, grouped by the duration they declare.
        let mut by_entry: Vec<(usize, Duration, Vec<usize>)> = Vec::new();
        for &site in &f.sites {
            let Some(c) = declared(catalogue, site, name) else {
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
fn mismatch(declared: &Duration, lifetime: Lifetime) -> Option<&'static str> {
    match (declared, lifetime) {
        (Duration::Session, Lifetime::Session) => None,
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

/// Services whose cookies need consent but that load as the page loads.
pub fn consent(
    catalogue: &Catalogue,
    services: &Services,
    loads: &[ServiceLoad],
) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for load in loads {
        let service = &services.all()[load.service];
        if service.cookie.is_empty() {
            continue;
        }
        // The category each site declares the service's cookies in, else the service's own.
        let mut needing: Vec<usize> = Vec::new();
        let mut categories: BTreeSet<String> = BTreeSet::new();
        for &site in &load.sites {
            let declared_in = service
                .cookie
                .iter()
                .find_map(|c| declared(catalogue, site, &c.name))
                .map(|c| &catalogue.cookies[c]);
            if declared_in.is_some_and(|c| c.allow.contains_key(&Rule::LoadedBeforeConsent)) {
                continue;
            }
            let (category, needs) = match declared_in {
                Some(c) => {
                    let category = &catalogue.categories[c.category];
                    (category.id.clone(), category.consent)
                }
                None => match catalogue.category(&service.category) {
                    Some(k) => (service.category.clone(), catalogue.categories[k].consent),
                    None => (service.category.clone(), service.category != "necessary"),
                },
            };
            if needs {
                needing.push(site);
                categories.insert(category);
            }
        }
        if needing.is_empty() || catalogue.allowed_in(Rule::LoadedBeforeConsent, &load.rel) {
            continue;
        }
        let names: Vec<String> = service
            .cookie
            .iter()
            .map(|c| format!("`{}`", c.name))
            .collect();
        let categories: Vec<String> = categories.into_iter().map(|c| format!("`{c}`")).collect();
        let own = service
            .consent_how
            .as_deref()
            .map(|how| format!(", or tell the service itself to wait ({how})"))
            .unwrap_or_default();
        findings.push(
            Diagnostic::new(
                Rule::LoadedBeforeConsent,
                Some(load.location.clone()),
                format!(
                    "{} loads as the page loads on {}, before the visitor can agree, but its cookies ({}) are in {} {}, which asks for consent",
                    service.name,
                    site_list(catalogue, &needing),
                    names.join(", "),
                    if categories.len() == 1 { "category" } else { "categories" },
                    categories.join(", ")
                ),
            )
            .with_evidence(load.evidence.clone())
            .with_help(format!(
                "load it only once the visitor agrees: through your consent manager (a <script type=\"text/plain\"> with its category attribute, such as data-category for vanilla-cookieconsent){own}; if something the scan cannot see holds it back, waive it for this file with an `[[allow]]` of `loaded-before-consent`"
            ))
            .with_places(load.places.clone()),
        );
    }
    findings
}

/// Cookies set by pages that belong to no site, and the pages that belong to none without being listed as such.
pub fn outside(
    catalogue: &Catalogue,
    services: &Services,
    found: &[Found],
    unlisted: &[String],
) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    let dirs: Vec<&str> = catalogue.sites.iter().map(|s| s.dir.as_str()).collect();
    for f in found {
        if catalogue.allowed_in(Rule::PageOutsideSites, &f.rel) {
            continue;
        }
        let (what, _) = describe(services, &f.sighting.source);
        let cookie = match &f.sighting.name {
            Some(name) => format!("cookie `{name}`"),
            None => "a cookie whose name is built at run time".to_owned(),
        };
        let on = match f.sighting.source {
            Source::Header if f.rel.ends_with("_headers") => {
                "for paths that are no site's pages".to_owned()
            }
            _ => "on a page that belongs to no site of the catalogue".to_owned(),
        };
        findings.push(
            Diagnostic::new(
                Rule::PageOutsideSites,
                Some(f.location.clone()),
                format!(
                    "{what} sets {cookie} {on}, so no policy declares it{}",
                    elsewhere(f.count)
                ),
            )
            .with_evidence(f.sighting.evidence.clone())
            .with_help(format!(
                "move the page into a site's folder ({}), or add a [[site]] for it, and declare the cookie",
                dirs.join(", ")
            ))
            .with_places(f.places.clone()),
        );
    }
    if let Some(first) = unlisted.first() {
        let more = match unlisted.len() {
            1 => String::new(),
            n => format!(" and {} more", n - 1),
        };
        findings.push(
            Diagnostic::new(
                Rule::UnlistedPages,
                None,
                format!(
                    "{} page(s) belong to no site of the catalogue: {first}{more}; they were scanned, and set no cookie",
                    unlisted.len()
                ),
            )
            .with_help(format!(
                "move them into a site's folder ({}), or list them in `[pages] outside_sites` of {} if they belong to none on purpose",
                dirs.join(", "),
                catalogue.path
            )),
        );
    }
    findings
}

/// The cookies a site sets, as (name, what sets it), for reports: service cookies set only in some cases only when `strict`.
pub fn listed(
    services: &Services,
    found: &[Found],
    site: usize,
    strict: bool,
) -> Vec<(String, String)> {
    let mut listed: Vec<(String, String)> = found
        .iter()
        .filter(|f| f.sites.contains(&site))
        .filter_map(|f| {
            let name = f.sighting.name.clone()?;
            let (_, always) = describe(services, &f.sighting.source);
            let by = match &f.sighting.source {
                Source::Script(api) => format!("script, {api}"),
                Source::Header => "Set-Cookie".to_owned(),
                Source::Service(s, _) => services.all()[*s].name.clone(),
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

/// Declared cookies said to be set by a script or a tag that no page of their sites sets; `seen[site]` holds
/// the names each site sets, `settled` the (site, cookie) pairs that writes with built names stand for.
pub fn unseen(
    catalogue: &Catalogue,
    seen: &[&BTreeSet<String>],
    settled: &[(usize, usize)],
) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for (c, cookie) in catalogue.cookies.iter().enumerate() {
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
                !settled.contains(&(site, c))
                    && !cookie
                        .names
                        .iter()
                        .any(|p| seen[site].iter().any(|n| names_meet(p, n)))
            })
            .collect();
        if missing.is_empty() {
            continue;
        }
        let message = format!(
            "cookie `{}` is declared as set by a {}, but nothing the scan can see on {} sets it",
            cookie.names.join(", "),
            cookie.set_by.id(),
            site_list(catalogue, &missing)
        );
        let d = Diagnostic::new(Rule::UnseenCookie, Some(cookie.location.clone()), message).with_help(
            "the scan sees the sites' own pages and scripts, not scripts served from other hosts, tag managers' tags or the server: if such a thing sets it, record why with `allow.unseen-cookie = \"reason\"`; if those sites really no longer set it, take them out of its `sites`",
        );
        findings.push(d);
    }
    findings
}

/// What is known of services and the regulators' rules, checked against each declared cookie.
pub fn catalogue_rules(catalogue: &Catalogue, services: &Services) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for cookie in &catalogue.cookies {
        let category = &catalogue.categories[cookie.category];
        let mut push = |rule: Rule, message: String, help: &str| {
            if !cookie.allow.contains_key(&rule) {
                let d = Diagnostic::new(rule, Some(cookie.location.clone()), message);
                findings.push(d.with_help(format!(
                    "{help}; or waive it with `allow.{rule} = \"reason\"`"
                )));
            }
        };
        let names = cookie.names.join(", ");
        let known: Vec<_> = cookie
            .names
            .iter()
            .flat_map(|n| services.known(n))
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

fn days(duration: &Duration) -> f64 {
    duration.days()
}

/// Who sets the cookie, in words, and whether it is set on every visit.
fn describe(services: &Services, source: &Source) -> (String, bool) {
    match source {
        Source::Script(api) => (format!("a script ({api})"), true),
        Source::Header => ("a Set-Cookie header".to_owned(), true),
        Source::Service(s, c) => {
            let service = &services.all()[*s];
            (service.name.clone(), service.cookie[*c].always)
        }
    }
}

/// A catalogue entry to paste, filled with what is known and marked where a person must write.
fn suggestion(
    catalogue: &Catalogue,
    services: &Services,
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
            let service = &services.all()[*s];
            let cookie = &service.cookie[*c];
            let category = if catalogue.category(&service.category).is_some() {
                service.category.clone()
            } else {
                "TODO".into()
            };
            // A library the site serves is the site's own doing.
            let provider = if service.set_by == crate::catalogue::SetBy::Script {
                host
            } else {
                service.provider.clone()
            };
            (
                provider,
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
