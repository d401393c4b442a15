//! The imported catalogue as TOML: sites, categories, one `[[cookie]]` per entry with the
//! shared values, `[cookie.override.<site>]` where a site says something else, and above each
//! value a comment naming the pages that say it and what it outvoted.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::SiteInput;
use super::text::{Shown, comment, key, list, string, strings};
use super::vote::{Entry, Group, Said, Tally, Votes};
use crate::scan::services::Services;
use crate::storage::Storage;

/// The catalogue's text, and the notes for the person who runs the import.
pub(super) fn catalogue(sites: &[SiteInput], votes: &Votes) -> (String, Vec<String>) {
    let mut out = String::new();
    let mut notes = Vec::new();
    let languages: BTreeSet<&str> = votes
        .languages
        .iter()
        .flatten()
        .map(String::as_str)
        .collect();
    let ids: Vec<&str> = sites.iter().map(|s| s.id.as_str()).collect();
    let _ = writeln!(
        out,
        "# Imported by `cookie-ledger import` from the cookie tables of {} site(s): {}.\n\
         # Each value is what most sites' tables say (a site's own value is what most of its pages\n\
         # say; a tie goes to the site named first); a site that says something else has its own\n\
         # in [cookie.override.<site>]. The comment above a value names the pages that say it.\n\
         # What no table says is left out (rule `unstated` reports it) or, where the catalogue\n\
         # needs a value, said to be assumed on its line: read those before you publish.",
        sites.len(),
        ids.join(", ")
    );
    for (s, site) in sites.iter().enumerate() {
        site_table(&mut out, &mut notes, s, site, votes);
    }
    for category in &votes.categories {
        out.push_str(&format!("\n[category.{}]\n", key(&category.id)));
        for lang in &languages {
            match category.title.get(*lang) {
                Some(tally) => {
                    let groups = tally.groups();
                    sourced(&mut out, &groups, sites, &format!("title.{lang}"));
                    let _ = writeln!(out, "title.{lang} = {}", string(groups[0].value));
                }
                None => {
                    notes.push(format!(
                        "category `{}` has no title in `{lang}` on any page: write it (the catalogue says TODO until then, and check refuses it)",
                        category.id
                    ));
                    let _ = writeln!(
                        out,
                        "# title.{lang}: no table of this category is headed in `{lang}`"
                    );
                    let _ = writeln!(out, "title.{lang} = \"TODO: the title in {lang}\"");
                }
            }
        }
        let necessary = category.id == "necessary";
        let _ = writeln!(
            out,
            "# consent: not in the tables; {} because the headings {}\nconsent = {}",
            !necessary,
            if necessary {
                "say these cookies are necessary (only strictly necessary cookies may go without consent)"
            } else {
                "do not say these cookies are necessary"
            },
            !necessary
        );
    }
    let services = Services::new(Vec::new());
    for entry in &votes.cookies {
        cookie(&mut out, &mut notes, sites, votes, entry, &services);
    }
    notes.extend(votes.skipped.iter().cloned());
    (out, notes)
}

fn site_table(
    out: &mut String,
    notes: &mut Vec<String>,
    s: usize,
    site: &SiteInput,
    votes: &Votes,
) {
    let _ = writeln!(out, "\n[[site]]\nid = {}", string(&site.id));
    match url(site) {
        Some((url, from)) => {
            let _ = writeln!(out, "# url: {}", comment(&from));
            let _ = writeln!(out, "url = {}", string(&url));
        }
        None => {
            notes.push(format!(
                "site `{}`: no page gives the site's address; write its `url` (the catalogue says TODO until then, and check refuses it)",
                site.id
            ));
            let _ = writeln!(
                out,
                "# url: no page gives the site's own address\nurl = \"https://TODO\""
            );
        }
    }
    let _ = writeln!(out, "dir = {}", string(&site.dir));
    let mut languages = votes.languages[s].clone();
    if languages.is_empty() {
        languages = votes.untabled[s].iter().take(1).cloned().collect();
        if languages.is_empty() {
            languages.push("en".to_owned());
        }
        let _ = writeln!(
            out,
            "# languages: no page of {} shows a cookie table",
            comment(&site.shown)
        );
    }
    let _ = writeln!(out, "languages = {}", strings(&languages));
    let untabled = &votes.untabled[s];
    if !untabled.is_empty() {
        let _ = writeln!(
            out,
            "# Pages in {} show no cookie table: add those languages once their policy pages do.",
            untabled
                .iter()
                .map(|l| format!("`{l}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
}

/// The site's address: the one its pages give for themselves, else the origin they name most
/// whose host has the folder's name in it.
pub(super) fn url(site: &SiteInput) -> Option<(String, String)> {
    let tally = |found: &mut BTreeMap<String, usize>, origin: &String| {
        *found.entry(origin.clone()).or_default() += 1;
    };
    let mut own = BTreeMap::new();
    site.pages
        .iter()
        .flat_map(|p| &p.own_origins)
        .for_each(|o| tally(&mut own, o));
    let best = |found: BTreeMap<String, usize>| {
        found
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
            .map(|(o, _)| o)
    };
    if let Some(origin) = best(own) {
        return Some((origin, "the canonical address its pages give".to_owned()));
    }
    let squash = |s: &str| {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase()
    };
    let name = squash(&site.id);
    let mut named = BTreeMap::new();
    site.pages
        .iter()
        .flat_map(|p| &p.origins)
        .filter(|o| {
            let host = squash(o.split_once("://").map_or(o.as_str(), |(_, h)| h));
            !name.is_empty() && (host.contains(&name) || name.contains(&host))
        })
        .for_each(|o| tally(&mut named, o));
    best(named).map(|o| {
        (
            o,
            format!(
                "named on the site's pages, and its host has the folder's name `{}`",
                site.id
            ),
        )
    })
}

fn cookie(
    out: &mut String,
    notes: &mut Vec<String>,
    sites: &[SiteInput],
    votes: &Votes,
    entry: &Entry,
    services: &Services,
) {
    let label = entry.names.join(", ");
    let _ = writeln!(out, "\n[[cookie]]\nnames = {}", strings(&entry.names));
    let known = entry.names.iter().flat_map(|n| services.known(n)).next();
    let providers = entry.provider.groups();
    match (providers.first(), known) {
        (Some(first), _) => {
            sourced(out, &providers, sites, "provider");
            let _ = writeln!(out, "provider = {}", string(first.value));
        }
        (None, Some((service, _))) => {
            let _ = writeln!(
                out,
                "# provider: no table names it; {} is what is known of `{}`",
                service.provider, entry.names[0]
            );
            let _ = writeln!(out, "provider = {}", string(&service.provider));
        }
        (None, None) => {
            notes.push(format!("cookie `{label}`: no table names its provider; write it (TODO until then, which check refuses)"));
            let _ = writeln!(
                out,
                "# provider: no table names it\nprovider = \"TODO: who provides it\""
            );
        }
    }
    let speaks: BTreeSet<&str> = entry
        .sites
        .iter()
        .flat_map(|&s| votes.languages[s].iter().map(String::as_str))
        .collect();
    texts(
        out,
        notes,
        sites,
        &label,
        "function",
        &entry.function,
        &speaks,
    );
    texts(
        out,
        notes,
        sites,
        &label,
        "purpose",
        &entry.purpose,
        &speaks,
    );
    let durations = entry.duration.groups();
    match (durations.first(), known) {
        (
            Some(Group {
                value: Said::Read(d),
                ..
            }),
            _,
        ) => {
            sourced(out, &durations, sites, "duration");
            let _ = writeln!(
                out,
                "duration = {}",
                string(&d.catalogue_text().unwrap_or_default())
            );
        }
        (
            Some(
                group @ Group {
                    value: Said::Unread(text),
                    ..
                },
            ),
            _,
        ) => {
            notes.push(format!("cookie `{label}`: the duration `{text}` ({}) is not one the tool reads; write it as \"13 months\", \"session\" or \"up to 1 year\"", group.places[0]));
            let _ = writeln!(
                out,
                "# duration: {} is not a duration the tool reads: write it",
                string(text)
            );
        }
        (None, Some((service, found))) if found.duration.is_some() => {
            let d = found.duration.clone().unwrap_or_default();
            let _ = writeln!(
                out,
                "# duration: no table states it; {} is what is known of {}'s `{}`",
                string(&d),
                service.name,
                found.name
            );
            let _ = writeln!(out, "duration = {}", string(&d));
        }
        (None, _) => {
            let _ = writeln!(
                out,
                "# duration: no table states it (rule `unstated` says so until it is written)"
            );
        }
    }
    let categories = entry.category.groups();
    let category = categories.first().map_or("cookies", |g| g.value.as_str());
    if categories.len() > 1 {
        let said: Vec<String> = categories
            .iter()
            .map(|g| format!("`{}` ({})", g.value, list(&g.places)))
            .collect();
        notes.push(format!(
            "cookie `{label}` is listed under several categories: {}; a catalogue gives it one, so `{category}` is written: check does not compare a hand-written table's heading with it, so decide which is true",
            said.join(", ")
        ));
    }
    sourced(out, &categories, sites, "category");
    let _ = writeln!(out, "category = {}", string(category));
    if let Some(kind) = entry
        .kind
        .groups()
        .first()
        .map(|g| *g.value)
        .filter(|k| *k != Storage::Cookie)
    {
        let _ = writeln!(out, "kind = {}", string(kind.id()));
    }
    match known {
        Some((service, found)) => {
            let _ = writeln!(
                out,
                "# party, set_by: what is known of {}'s `{}`",
                service.name, found.name
            );
            let _ = writeln!(
                out,
                "party = {}\nset_by = \"tag\"",
                string(found.party.id())
            );
        }
        None => {
            let _ = writeln!(
                out,
                "# party, set_by: not in the tables; assumed first-party and set by the site's server:\n\
                 # correct them if a script or another site sets it (check then looks for the script)\n\
                 party = \"first\"\nset_by = \"server\""
            );
        }
    }
    if entry.sites.len() < sites.len() {
        let ids = entry.sites.iter().map(|&s| sites[s].id.as_str());
        let _ = writeln!(out, "sites = {}", strings(ids));
    }
    overrides(out, sites, entry);
}

/// The shared text of a field per language, a placeholder where a language a site uses has
/// none, and nothing at all when no table has the column (rule `unstated`).
fn texts(
    out: &mut String,
    notes: &mut Vec<String>,
    sites: &[SiteInput],
    label: &str,
    field: &str,
    tallies: &BTreeMap<String, Tally<String>>,
    speaks: &BTreeSet<&str>,
) {
    if tallies.is_empty() {
        let _ = writeln!(
            out,
            "# {field}: no table has a {field} column (rule `unstated` says so until it is written)"
        );
        return;
    }
    for lang in speaks {
        match tallies.get(*lang).filter(|t| !t.is_empty()) {
            Some(tally) => {
                let groups = tally.groups();
                sourced(out, &groups, sites, &format!("{field}.{lang}"));
                let _ = writeln!(out, "{field}.{lang} = {}", string(groups[0].value));
            }
            None => {
                notes.push(format!("cookie `{label}`: no `{lang}` table gives its {field}; write it (TODO until then, which check refuses)"));
                let _ = writeln!(out, "{field}.{lang} = \"TODO: the {field} in {lang}\"");
            }
        }
    }
}

/// `[cookie.override.<site>]` for each site whose own value differs from the shared one.
fn overrides(out: &mut String, sites: &[SiteInput], entry: &Entry) {
    for &s in &entry.sites {
        let mut lines = String::new();
        let shared_provider = entry.provider.groups().first().map(|g| g.value);
        if let (Some(own), Some(shared)) = (entry.provider.by_site().get(&s), shared_provider)
            && *own != shared
        {
            let _ = writeln!(
                lines,
                "# provider: {}",
                places(entry.provider.groups().iter().find(|g| g.value == *own))
            );
            let _ = writeln!(lines, "provider = {}", string(own));
        }
        for (field, tallies) in [("function", &entry.function), ("purpose", &entry.purpose)] {
            for (lang, tally) in tallies {
                let groups = tally.groups();
                if let Some(own) = tally.by_site().get(&s)
                    && *own != groups[0].value
                {
                    let _ = writeln!(
                        lines,
                        "# {field}.{lang}: {}",
                        places(groups.iter().find(|g| g.value == *own))
                    );
                    let _ = writeln!(lines, "{field}.{lang} = {}", string(own));
                }
            }
        }
        let durations = entry.duration.groups();
        if let (Some(Said::Read(own)), Some(shared)) =
            (entry.duration.by_site().get(&s), durations.first())
            && Said::Read(*own) != *shared.value
        {
            let _ = writeln!(
                lines,
                "# duration: {}",
                places(durations.iter().find(|g| *g.value == Said::Read(*own)))
            );
            let _ = writeln!(
                lines,
                "duration = {}",
                string(&own.catalogue_text().unwrap_or_default())
            );
        }
        if !lines.is_empty() {
            let _ = write!(out, "\n[cookie.override.{}]\n{lines}", key(&sites[s].id));
        }
    }
}

/// The comment above a shared value: who says it, and what it outvoted.
fn sourced<T: std::fmt::Debug + Shown>(
    out: &mut String,
    groups: &[Group<'_, T>],
    sites: &[SiteInput],
    field: &str,
) {
    let Some((first, rest)) = groups.split_first() else {
        return;
    };
    let who = |g: &Group<'_, T>| {
        g.sites
            .iter()
            .map(|&s| sites[s].id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut line = format!("# {field}: {} ({})", who(first), list(&first.places));
    for other in rest {
        line.push_str(&format!(
            "; outvoted: {} says {} ({})",
            who(other),
            other.value.shown(),
            list(&other.places)
        ));
    }
    let _ = writeln!(out, "{}", comment(&line));
}

/// The pages that say a value.
fn places<T>(group: Option<&Group<'_, T>>) -> String {
    group.map_or_else(String::new, |g| list(&g.places))
}
