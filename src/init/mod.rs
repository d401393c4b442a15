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
use crate::import::text::{comment, string, strings};
use crate::import::{SiteFacts, as_given, survey};

#[cfg(feature = "audit")]
mod browser;

#[cfg(feature = "audit")]
pub use browser::Browse;

/// What to start a catalogue from.
#[derive(Debug, Default)]
pub struct Options {
    /// One folder per site.
    pub sites: Vec<PathBuf>,
    /// Run the real-browser audit too, so what servers and loaded tags store is in.
    #[cfg(feature = "audit")]
    pub browse: Option<Browse>,
}

/// The categories the tool's services fall in, with whether each needs consent.
const CATEGORIES: [(&str, bool); 4] = [
    ("necessary", false),
    ("preferences", true),
    ("statistics", true),
    ("marketing", true),
];

/// The address a site whose pages give none is checked and audited at.
const STAND_IN_HOST: &str = "site.invalid";

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

/// Surveys and scans the site folders, and audits them when asked; `Err` when one cannot
/// be read or the audit cannot run.
pub fn run(options: &Options) -> Result<Started, Vec<Diagnostic>> {
    let (root, sites) = survey(&options.sites)?;
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
    let mut check = build::Options::check(Path::new("catalogue.toml"), &as_given(&root));
    // Cookies a service sets only sometimes belong in a starting catalogue too.
    check.policy = Policy {
        strict: true,
        ..Policy::default()
    };
    let outcome = build::run_with(&check, catalogue);
    let bad: Vec<Diagnostic> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.rule.class() == Class::BadInput)
        .cloned()
        .collect();
    if !bad.is_empty() {
        return Err(bad);
    }
    #[cfg(feature = "audit")]
    let added = match &options.browse {
        Some(browse) => browser::audit(
            browse,
            &as_given(&root),
            &sites,
            &bootstrap,
            &declared(&outcome),
        )?,
        None => Added::default(),
    };
    #[cfg(not(feature = "audit"))]
    let added = Added::default();
    #[cfg(feature = "audit")]
    let audited = options.browse.is_some();
    #[cfg(not(feature = "audit"))]
    let audited = false;
    let mut started = write(&sites, root, &outcome, added);
    if !audited {
        started.notes.push(
            "the static scan does not see what a server or a tag another script loads stores: `init --audit` adds what a real browser stores"
                .to_owned(),
        );
    }
    Ok(started)
}

/// What the browser added to the static scan's entries.
#[derive(Default)]
struct Added {
    /// Entries, each under its comment.
    entries: String,
    /// The categories they use.
    categories: BTreeSet<String>,
    /// How many.
    count: usize,
    /// What the audit could not do.
    notes: Vec<String>,
    /// Whether a browser visited the sites.
    audited: bool,
}

/// The (kind, name) of every entry the static scan's findings suggest.
#[cfg(feature = "audit")]
fn declared(outcome: &Outcome) -> Vec<(crate::storage::Storage, String)> {
    use crate::storage::Storage;
    outcome
        .diagnostics
        .iter()
        .filter_map(|d| d.suggestion.as_deref())
        .filter_map(|s| toml::from_str::<toml::Table>(s).ok())
        .filter_map(|t| {
            let cookie = t.get("cookie")?.get(0)?;
            let kind = cookie
                .get("kind")
                .and_then(|k| k.as_str())
                .and_then(|k| Storage::ALL.into_iter().find(|s| s.id() == k))
                .unwrap_or(Storage::Cookie);
            let names = cookie.get("names")?.as_array()?;
            Some(
                names
                    .iter()
                    .filter_map(|n| n.as_str())
                    .map(|n| (kind, n.to_owned()))
                    .collect::<Vec<_>>(),
            )
        })
        .flatten()
        .collect()
}

/// A catalogue that declares the sites and every category a service can have, and no cookie.
fn bootstrap(sites: &[SiteFacts]) -> String {
    let mut text = String::new();
    let mut languages = BTreeSet::new();
    for site in sites {
        let langs = languages_of(site);
        languages.extend(langs.clone());
        let stand_in = format!("https://{STAND_IN_HOST}");
        let url = site
            .url
            .as_ref()
            .map_or(stand_in.as_str(), |(url, _)| url.as_str());
        let _ = writeln!(
            text,
            "[[site]]\nid = {}\nurl = {}\ndir = {}\nlanguages = {}\n",
            string(&site.id),
            string(url),
            string(&site.dir),
            strings(&langs)
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
fn write(sites: &[SiteFacts], root: PathBuf, outcome: &Outcome, added: Added) -> Started {
    let mut notes = added.notes;
    let mut entries = String::new();
    let mut used = BTreeSet::from(["necessary".to_owned()]);
    used.extend(added.categories);
    let mut cookies = added.count;
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
    let seen = if added.audited {
        "as the static scan sees them and as a real browser stored them"
    } else {
        "as the static scan sees them (what a server or a tag another script loads sets is\n\
         # not among them: `init --audit` adds what a real browser stores)"
    };
    let mut text = format!(
        "# Started by `cookie-ledger init` from what the pages of {} site(s) set, {seen}:\n\
         # {} cookie or storage entries. Each names the places it was found; provider,\n\
         # duration, party and set_by come from what the tool knows of the service that sets it,\n\
         # or from what the browser saw. Every TODO is for a person to write: build and check\n\
         # refuse the catalogue until none is left.\n",
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
            "dir = {}\nlanguages = {}",
            string(&site.dir),
            strings(&langs)
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
    text.push_str(&added.entries);
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
