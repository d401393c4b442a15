//! `cookie-ledger audit`: visits the built site in a real headless Chromium, in three passes
//! (before consent, after refusing, after accepting), and holds what the browser stored
//! against the catalogue.
//!
//! The rooms: `route` (what answers each request: the output folder, fixtures, the network or
//! a refusal), `browse` (one page in a fresh browser context: what it stores and who stored
//! it), `record` (the visits as evidence the build's reduction judges with the static scan's
//! sightings: writers placed in the output's files, domains as first or third party).

mod answer;
mod auditor;
mod browse;
mod group;
mod inventory;
mod proxy;
mod record;
pub mod route;
mod schedule;
mod seen;
mod tls;

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::build::{Outcome, Summary};
use crate::catalogue::{Catalogue, SiteId};
use crate::diagnostic::{Diagnostic, ExitCode, Policy, Rule};
use crate::storage::Storage;
pub use crate::stored::Pass;
use answer::Requests;
pub use auditor::Auditor;
pub use browse::Buttons;
use route::{Network, Routes};

/// What an audit reads and how it runs.
#[derive(Clone, Debug)]
pub struct Options {
    /// The catalogue file.
    pub catalogue: PathBuf,
    /// The built site to visit.
    pub site: PathBuf,
    /// The browser; `None` finds one (see [`crate::chrome::find`]).
    pub chrome: Option<PathBuf>,
    /// Whether third-party requests may leave the machine.
    pub network: Network,
    /// Responses for other hosts: `DIR/<host>/<path>`.
    pub fixtures: Option<PathBuf>,
    /// The consent banner's buttons from the command line; an empty list falls back to the
    /// catalogue's `[consent]`, then to [`default_buttons`].
    pub buttons: Buttons,
    /// What the flags make of each rule.
    pub policy: Policy,
    /// Visit every page, not one page of each group that loads the same things.
    pub all_pages: bool,
    /// Visit this page alone (its `/`-separated path in the site), as the preview's live
    /// audit does for the page being viewed.
    pub only: Option<String>,
    /// Where to write the inventory of what the files set and each pass stored.
    pub inventory: Option<PathBuf>,
}

impl Options {
    /// An offline audit of `site` against `catalogue`, every choice left to its default: the
    /// browser found, the catalogue's buttons, one page of each group.
    pub fn offline(catalogue: &Path, site: &Path) -> Options {
        Options {
            catalogue: catalogue.to_path_buf(),
            site: site.to_path_buf(),
            chrome: None,
            network: Network::Offline,
            fixtures: None,
            buttons: Buttons {
                accept: Vec::new(),
                refuse: Vec::new(),
            },
            policy: Policy::default(),
            all_pages: false,
            only: None,
            inventory: None,
        }
    }
}

/// One item the browser stored after a visit.
#[derive(Clone, Debug, PartialEq)]
pub struct Stored {
    /// In which pass.
    pub pass: Pass,
    /// Cookie or storage.
    pub kind: Storage,
    /// Its name or key.
    pub name: String,
    /// The cookie's domain, or the storage's origin.
    pub domain: String,
    /// When it expires (seconds since the epoch); `None` for a session cookie or storage.
    pub expires: Option<f64>,
    /// A cookie's flags; `None` for storage.
    pub flags: Option<crate::build::CookieFlags>,
    /// Who wrote it, when the audit caught the write.
    pub setter: Option<browse::Setter>,
}

/// One page to visit.
struct Page {
    /// Its `/`-separated path in the site folder.
    rel: String,
    site: SiteId,
    url: String,
    /// How many pages of its site its visit stands for, itself included.
    stands_for: usize,
}

/// The buttons of the demo's banner, vanilla-cookieconsent's and MkDocs Material's consent
/// form, when nothing else is said.
pub fn default_buttons() -> Buttons {
    Buttons {
        accept: vec![
            ".consent-banner button:nth-of-type(1)".to_owned(),
            "#cc-main [data-role=\"all\"]".to_owned(),
            ".md-consent__controls button:not([type=\"reset\"])".to_owned(),
        ],
        refuse: vec![
            ".consent-banner button:nth-of-type(2)".to_owned(),
            "#cc-main [data-role=\"necessary\"]".to_owned(),
            ".md-consent__controls button[type=\"reset\"]".to_owned(),
        ],
    }
}

/// Runs the audit in a browser of its own, launched for this run.
pub fn run(options: &Options) -> Outcome {
    let plan = match Plan::new(options) {
        Ok(plan) => plan,
        Err(outcome) => return outcome,
    };
    match Auditor::launch(options.chrome.as_deref()) {
        Ok(auditor) => auditor.run_plan(plan),
        Err(d) => Outcome::failed(vec![d], plan.summary),
    }
}

/// What a run will do, worked out before any browser starts: bad input is said without one.
struct Plan {
    options: Options,
    catalogue: Catalogue,
    summary: Summary,
    /// The pages to visit, each with how many pages it stands for.
    pages: Vec<Page>,
    /// Pages of no site.
    outside: Vec<String>,
    buttons: Buttons,
}

impl Plan {
    fn new(options: &Options) -> Result<Plan, Outcome> {
        // `site/` and `site` name one folder: reports name its files one way, so the
        // browser's findings meet the static check's.
        let trimmed = options.site.to_string_lossy();
        let trimmed = trimmed.trim_end_matches('/');
        let options = Options {
            site: if trimmed.is_empty() {
                options.site.clone()
            } else {
                PathBuf::from(trimmed)
            },
            ..options.clone()
        };
        let catalogue = match Catalogue::load(&options.catalogue) {
            Ok(c) => c,
            Err(errors) => return Err(Outcome::failed(errors, Summary::default())),
        };
        let mut summary = Summary {
            sites: catalogue.sites.len(),
            cookies: catalogue.cookies.len(),
            ..Summary::default()
        };
        if !options.site.is_dir() {
            let d = Diagnostic::new(
                Rule::Io,
                None,
                format!("no built site at {}", options.site.display()),
            )
            .with_help(
                "build the site first (cookie-ledger build), and name its output with --site"
                    .to_owned(),
            );
            return Err(Outcome::failed(vec![d], summary));
        }
        if let Some(path) = &options.inventory
            && let Err(d) = inventory::check(&catalogue, path, &options.site)
        {
            return Err(Outcome::failed(vec![d], summary));
        }
        let (all, outside) = pages(&catalogue, &options.site);
        let signatures: Vec<Option<group::Signature>> = all
            .iter()
            .map(|p| {
                group::signature(&options.site.join(&p.rel), &p.url).map(|mut s| {
                    s.site = p.site.0;
                    s
                })
            })
            .collect();
        let chosen = match &options.only {
            Some(only) => all
                .iter()
                .position(|p| &p.rel == only)
                .map(|i| vec![(i, 1)])
                .unwrap_or_default(),
            None => group::choose(&signatures, options.all_pages),
        };
        summary.pages = all.len();
        let mut all: Vec<Option<Page>> = all.into_iter().map(Some).collect();
        let pages: Vec<Page> = chosen
            .into_iter()
            .filter_map(|(i, stands_for)| {
                let mut page = all[i].take()?;
                page.stands_for = stands_for;
                Some(page)
            })
            .collect();
        summary.visited = pages.len();
        let defaults = default_buttons();
        let pick = |flags: &[String], declared: &[String], built_in: Vec<String>| {
            if !flags.is_empty() {
                flags.to_vec()
            } else if !declared.is_empty() {
                declared.to_vec()
            } else {
                built_in
            }
        };
        let buttons = Buttons {
            accept: pick(
                &options.buttons.accept,
                &catalogue.consent.accept,
                defaults.accept,
            ),
            refuse: pick(
                &options.buttons.refuse,
                &catalogue.consent.refuse,
                defaults.refuse,
            ),
        };
        Ok(Plan {
            options,
            catalogue,
            summary,
            pages,
            outside,
            buttons,
        })
    }

    /// Every visit of the run: each page in each pass.
    fn jobs(&self) -> Vec<(Pass, &Page)> {
        Pass::ALL
            .iter()
            .flat_map(|&pass| self.pages.iter().map(move |page| (pass, page)))
            .collect()
    }

    /// Holds what the visits saw, with what the files of the same folder set, against the
    /// catalogue in one reduction; writes the inventory.
    fn finish(self, visits: Vec<browse::Visit>, routes: &Routes, requests: Requests) -> Outcome {
        let Plan {
            options,
            catalogue,
            pages,
            outside,
            ..
        } = self;
        let jobs: Vec<&Page> = Pass::ALL.iter().flat_map(|_| pages.iter()).collect();
        let visits: Vec<(&Page, browse::Visit)> = jobs.into_iter().zip(visits).collect();
        let evidence =
            record::evidence(&catalogue, &options.site, routes, visits, outside, requests);
        let mut outcome = crate::build::run(&crate::build::Options {
            policy: options.policy.clone(),
            browser: Some(evidence),
            ..crate::build::Options::check(&options.catalogue, &options.site)
        });
        // What the audit saw is recorded whether it found drift or not; an audit that could
        // not do its job records nothing.
        if let Some(path) = &options.inventory
            && outcome.exit != ExitCode::BadInput
            && let Err(d) = inventory::write(&catalogue, &outcome, path)
        {
            outcome.diagnostics.push(d);
            outcome.exit = ExitCode::of(&outcome.diagnostics);
        }
        outcome
    }
}

/// The site's pages, each with its site and address; and the pages of no site, which cannot
/// be visited at any site's address.
fn pages(catalogue: &Catalogue, root: &Path) -> (Vec<Page>, Vec<String>) {
    let mut pages = Vec::new();
    let mut outside = Vec::new();
    for entry in WalkDir::new(root).sort_by_file_name().into_iter().flatten() {
        let is_page = entry.file_type().is_file()
            && entry
                .path()
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "html" | "htm"));
        if !is_page {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(root) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        match catalogue.site_of(&rel) {
            Some(site) => {
                let info = &catalogue.sites[site];
                let within = if info.dir.is_empty() {
                    rel.as_str()
                } else {
                    rel.strip_prefix(&format!("{}/", info.dir)).unwrap_or(&rel)
                };
                let within = within.strip_suffix("index.html").unwrap_or(within);
                pages.push(Page {
                    url: format!("{}/{within}", route::origin(&info.url)),
                    rel,
                    site,
                    stands_for: 1,
                });
            }
            None => outside.push(rel),
        }
    }
    (pages, outside)
}
