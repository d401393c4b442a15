//! The cookies found, against the catalogue: undeclared ones, names built at run time, pages
//! outside every site, and declarations nothing sets.

use std::collections::BTreeSet;

use crate::catalogue::{Catalogue, SiteId};
use crate::diagnostic::{Diagnostic, Rule};
use crate::pattern;
use crate::scan::Source;
use crate::scan::cookie_db::CookieDb;
use crate::scan::services::Services;
use crate::storage::Storage;

use super::{CookieSeen, Found, declared, describe, elsewhere, names_meet, site_list};

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
        let undeclared: Vec<SiteId> = f
            .sites
            .iter()
            .copied()
            .filter(|&s| declared(catalogue, s, f.sighting.storage(), name).is_none())
            .collect();
        if undeclared.is_empty() {
            continue;
        }
        let (what, always) = describe(services, &f.sighting.source);
        if !always && !strict {
            continue;
        }
        let kind = f.sighting.storage();
        let known = match f.sighting.source {
            Source::Script(_) if kind.is_cookie() => db.and_then(|db| db.lookup(name)),
            _ => None,
        };
        let mut message = format!(
            "{what} sets {} `{name}`, which the catalogue does not declare for {}{}",
            kind.word(),
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
        let rule = if kind.is_cookie() {
            Rule::UndeclaredCookie
        } else {
            Rule::UndeclaredStorage
        };
        findings.push(
            Diagnostic::new(rule, Some(f.location.clone()), message)
                .about_on(
                    kind,
                    name.clone(),
                    undeclared.iter().map(|&s| catalogue.sites[s].id.clone()),
                )
                .with_evidence(f.sighting.evidence.clone())
                .with_help(format!(
                    "add the entry below to {} and write its TODO parts (a build refuses them), or remove what sets the {}",
                    catalogue.path,
                    kind.word()
                ))
                .with_suggestion(super::suggestion::suggestion(
                    catalogue,
                    services,
                    &undeclared,
                    name,
                    &f.sighting.source,
                    known,
                    longest(f),
                ))
                .with_places(f.places.clone()),
        );
    }
    findings
}

/// The longest lifetime the writes of a found cookie state: the one its declaration must
/// cover (a write for a minute and one for a year make a cookie of a year).
fn longest(f: &Found) -> crate::scan::Lifetime {
    use crate::scan::Lifetime;
    std::iter::once(f.sighting.lifetime)
        .chain(f.others.iter().map(|o| o.sighting.lifetime))
        .filter(|l| matches!(l, Lifetime::Seconds(_)))
        .max_by(|a, b| {
            let days = |l: &Lifetime| l.days().unwrap_or(0.0);
            days(a).total_cmp(&days(b))
        })
        .unwrap_or(f.sighting.lifetime)
}

/// Writes whose cookie name is built at run time: settled when a declaration covers them (a
/// pattern that covers the name's literal parts, or `set_in` naming the file) or a `[[allow]]`
/// waives the file; reported otherwise. Returns the findings and the (site, cookie) pairs the
/// settled writes stand for, which count as set.
pub fn dynamic(catalogue: &Catalogue, found: &[Found]) -> (Vec<Diagnostic>, Vec<(SiteId, usize)>) {
    let mut findings = Vec::new();
    let mut settled = Vec::new();
    for f in found.iter().filter(|f| f.sighting.name.is_none()) {
        let shape = f.sighting.shape.as_deref();
        let kind = f.sighting.storage();
        let covers = |site: SiteId| {
            catalogue.cookies.iter().position(|c| {
                c.kind == kind
                    && c.sites.contains(&site)
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
                format!(
                    "a script writes a {} whose name is built at run time{takes}",
                    kind.word()
                ),
            )
            .with_evidence(f.sighting.evidence.clone())
            .with_help(format!(
                "declare the names it can take in {}: an entry with a pattern (`names = [\"{example}\"]`, `*` for the part built at run time) and `set_in = [\"{}\"]`{}; or, if it stores nothing a visitor keeps, waive it with an `[[allow]]` for this file",
                catalogue.path, f.rel,
                if kind.is_cookie() { String::new() } else { format!(" and `kind = \"{}\"`", kind.id()) }
            ))
            .with_places(f.places.clone()),
        );
    }
    (findings, settled)
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
        let kind = f.sighting.storage();
        let cookie = match &f.sighting.name {
            Some(name) => format!("{} `{name}`", kind.word()),
            None => format!("a {} whose name is built at run time", kind.word()),
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
                "move the page into a site's folder ({}), or add a [[site]] for it, and declare the {}",
                dirs.join(", "),
                kind.word()
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
pub fn listed(services: &Services, found: &[Found], site: SiteId, strict: bool) -> Vec<CookieSeen> {
    let mut listed: Vec<CookieSeen> = found
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
            (always || strict).then_some(CookieSeen { name, set_by: by })
        })
        .collect();
    listed.sort();
    listed.dedup();
    listed
}

/// Declared cookies said to be set by a script or a tag that no page of their sites sets; `seen[site]` holds
/// the names each site sets or a browser stored on it, `settled` the (site, cookie) pairs that writes with built
/// names stand for, `visited` the sites an audit visited.
pub fn unseen(
    catalogue: &Catalogue,
    seen: &[&BTreeSet<(Storage, String)>],
    settled: &[(SiteId, usize)],
    visited: &[SiteId],
) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for (c, cookie) in catalogue.cookies.iter().enumerate() {
        if cookie.set_by == crate::catalogue::SetBy::Server
            || cookie.allow.contains_key(&Rule::UnseenCookie)
        {
            continue;
        }
        let missing: Vec<SiteId> = cookie
            .sites
            .iter()
            .copied()
            .filter(|&site| {
                !settled.contains(&(site, c))
                    && !cookie.names.iter().any(|p| {
                        seen[site.0]
                            .iter()
                            .any(|(k, n)| *k == cookie.kind && names_meet(p, n))
                    })
            })
            .collect();
        if missing.is_empty() {
            continue;
        }
        let audited = if missing.iter().all(|s| visited.contains(s)) {
            ", and no page the audit visited there stored it"
        } else {
            ""
        };
        let message = format!(
            "{} `{}` is declared as set by a {}, but nothing the scan can see on {} sets it{audited}",
            cookie.kind.word(),
            cookie.names.join(", "),
            cookie.set_by.id(),
            site_list(catalogue, &missing)
        );
        let d = Diagnostic::new(Rule::UnseenCookie, Some(cookie.location.clone()), message)
            .about_on(
                cookie.kind,
                cookie.names[0].clone(),
                missing.iter().map(|&s| catalogue.sites[s].id.clone()),
            )
            .with_help(
            "the scan sees the sites' own pages and scripts, not scripts served from other hosts, tag managers' tags or the server: if such a thing sets it, record why with `allow.unseen-cookie = \"reason\"`; if those sites really no longer set it, take them out of its `sites`",
        );
        findings.push(d);
    }
    findings
}
