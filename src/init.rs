//! `cookie-ledger init`: a starting catalogue for a site with no cookie tables, from what its
//! pages set as the static scan sees it.
//!
//! The sites are surveyed as `import` reads them (id, folder, address, languages); a check
//! runs against a catalogue that declares them and nothing else, so every cookie the scan
//! finds comes back as an undeclared finding with the entry to paste, filled with what is
//! known of its service. Those entries are the catalogue, with every text a person must
//! write left as `TODO`, which build and check refuse until it is written.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::build::{self, Outcome};
use crate::catalogue::Catalogue;
use crate::diagnostic::{Class, Diagnostic, Policy, Rule};
use crate::import::text::{comment, string};
use crate::import::{SiteFacts, as_given, survey};

/// The categories the tool's services fall in, with whether each needs consent.
const CATEGORIES: [(&str, bool); 4] = [
    ("necessary", false),
    ("preferences", true),
    ("statistics", true),
    ("marketing", true),
];

/// A starting catalogue.
#[derive(Debug)]
pub struct Started {
    /// Its TOML text.
    pub text: String,
    /// The folder the sites' `dir`s are relative to.
    pub root: PathBuf,
    /// What the scan could not settle, for the person who runs it.
    pub notes: Vec<String>,
    /// How many cookie entries it holds.
    pub cookies: usize,
}

/// Surveys and scans the site folders `dirs`; `Err` when one cannot be read.
pub fn run(dirs: &[PathBuf]) -> Result<Started, Vec<Diagnostic>> {
    let (root, sites) = survey(dirs)?;
    let bootstrap = bootstrap(&sites);
    let catalogue = Catalogue::parse(&bootstrap, "(the catalogue init starts)", &root).map_err(
        |mut errors| {
            errors.push(Diagnostic::new(
                Rule::InternalError,
                None,
                "init could not declare the sites it found (a bug to report)",
            ));
            errors
        },
    )?;
    let mut options = build::Options::check(Path::new("catalogue.toml"), &as_given(&root));
    // Cookies a service sets only sometimes belong in a starting catalogue too.
    options.policy = Policy {
        strict: true,
        ..Policy::default()
    };
    let outcome = build::run_with(&options, catalogue);
    let bad: Vec<Diagnostic> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.rule.class() == Class::BadInput)
        .cloned()
        .collect();
    if !bad.is_empty() {
        return Err(bad);
    }
    Ok(write(&sites, root, &outcome))
}

/// A catalogue that declares the sites and every category a service can have, and no cookie.
fn bootstrap(sites: &[SiteFacts]) -> String {
    let mut text = String::new();
    let mut languages = BTreeSet::new();
    for site in sites {
        let langs = languages_of(site);
        languages.extend(langs.clone());
        let url = site
            .url
            .as_ref()
            .map_or("https://site.invalid", |(url, _)| url.as_str());
        let _ = writeln!(
            text,
            "[[site]]\nid = {}\nurl = {}\ndir = {}\nlanguages = [{}]\n",
            string(&site.id),
            string(url),
            string(&site.dir),
            langs
                .iter()
                .map(|l| string(l))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    for (id, consent) in CATEGORIES {
        let _ = writeln!(text, "[category.{id}]\nconsent = {consent}");
        for lang in &languages {
            let _ = writeln!(text, "title.{lang} = \"{id}\"");
        }
    }
    text
}

fn languages_of(site: &SiteFacts) -> Vec<String> {
    if site.languages.is_empty() {
        vec!["en".to_owned()]
    } else {
        site.languages.clone()
    }
}

/// The starting catalogue: the sites, the categories the entries use, and one entry per
/// cookie found, each below the places it was found.
fn write(sites: &[SiteFacts], root: PathBuf, outcome: &Outcome) -> Started {
    let mut notes = Vec::new();
    let mut entries = String::new();
    let mut used = BTreeSet::from(["necessary".to_owned()]);
    let mut cookies = 0;
    for d in &outcome.diagnostics {
        let Some(suggestion) = &d.suggestion else {
            if matches!(
                d.rule,
                Rule::DynamicCookieName | Rule::LoadedBeforeConsent | Rule::PageOutsideSites
            ) {
                let at = d
                    .location
                    .as_ref()
                    .map(|l| format!("{l}: "))
                    .unwrap_or_default();
                notes.push(format!("{at}{} [{}]", d.message, d.rule));
            }
            continue;
        };
        cookies += 1;
        let category = toml::from_str::<toml::Table>(suggestion)
            .ok()
            .and_then(|t| {
                t.get("cookie")?
                    .get(0)?
                    .get("category")?
                    .as_str()
                    .map(str::to_owned)
            });
        if let Some(category) = category.filter(|c| c != "TODO") {
            used.insert(category);
        }
        let _ = writeln!(entries);
        if let Some(location) = &d.location {
            let mut places: Vec<String> = vec![location.to_string()];
            for place in &d.places {
                let place = place.location.to_string();
                if !places.contains(&place) {
                    places.push(place);
                }
            }
            let more = places.len().saturating_sub(3);
            places.truncate(3);
            if more > 0 {
                places.push(format!("and {more} more"));
            }
            let _ = writeln!(entries, "# found: {}", comment(&places.join(", ")));
        }
        if let Some(evidence) = &d.evidence {
            let _ = writeln!(entries, "# set by: {}", comment(evidence));
        }
        entries.push_str(suggestion);
    }
    let mut text = format!(
        "# Started by `cookie-ledger init` from what the pages of {} site(s) set, as the static\n\
         # scan sees them: {} cookie or storage entries. Each names the places it was found;\n\
         # provider, duration, party and set_by come from what the tool knows of the service that\n\
         # sets it. Every TODO is for a person to write: build and check refuse the catalogue\n\
         # until none is left. The scan does not see what a server sets (Set-Cookie from an\n\
         # application), nor tags another script loads: `cookie-ledger audit` does.\n",
        sites.len(),
        cookies
    );
    for site in sites {
        let _ = writeln!(text, "\n[[site]]\nid = {}", string(&site.id));
        match &site.url {
            Some((url, from)) => {
                let _ = writeln!(text, "# url: {}\nurl = {}", comment(from), string(url));
            }
            None => {
                notes.push(format!(
                    "site `{}`: no page gives the site's address; write its `url`",
                    site.id
                ));
                text.push_str("url = \"https://TODO\"\n");
            }
        }
        let langs = languages_of(site);
        if site.languages.is_empty() {
            text.push_str("# languages: no page says its language (<html lang>): check it\n");
        }
        let _ = writeln!(
            text,
            "dir = {}\nlanguages = [{}]",
            string(&site.dir),
            langs
                .iter()
                .map(|l| string(l))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let languages: BTreeSet<String> = sites.iter().flat_map(languages_of).collect();
    for (id, consent) in CATEGORIES.iter().filter(|(id, _)| used.contains(*id)) {
        let _ = writeln!(text, "\n[category.{id}]");
        for lang in &languages {
            let _ = writeln!(
                text,
                "title.{lang} = \"TODO: the title of the {id} table in {lang}\""
            );
        }
        let why = if *consent {
            "cookies of this kind need the visitor's consent"
        } else {
            "strictly necessary cookies may go without consent"
        };
        let _ = writeln!(text, "consent = {consent}  # {why}");
    }
    text.push_str(&entries);
    if cookies == 0 {
        notes.push(
            "the static scan found nothing the pages set; cookies a server or a loaded tag sets show in `cookie-ledger audit`"
                .to_owned(),
        );
    }
    Started {
        text,
        root,
        notes,
        cookies,
    }
}
