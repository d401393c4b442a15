//! The catalogue: every cookie declared once, checked, and resolved into table rows per site and language.

pub mod changed;
mod duration;
mod raw;
pub mod service;
mod validate;

use std::collections::BTreeMap;
use std::path::Path;

pub use duration::{Duration, Unit};
pub use raw::{Party, SetBy};

/// The JSON Schema of `catalogue.toml`, from the types it is read into, for editors and
/// `taplo` (`cargo xtask codegen` writes it to `catalogue.schema.json`).
#[cfg(feature = "schema")]
pub fn json_schema() -> serde_json::Value {
    let mut schema =
        serde_json::to_value(schemars::schema_for!(raw::RawCatalogue)).unwrap_or_default();
    schema["title"] = "cookie-ledger catalogue".into();
    schema["description"] = "The cookies a group of sites sets, declared once: sites, categories, cookies, services, pages and waivers. README.md (\"The catalogue\") explains every key.".into();
    schema
}

use crate::diagnostic::{Diagnostic, Location, Rule};
use crate::labels::{self, Column};

/// A site of the catalogue: its place in [`Catalogue::sites`], in declaration order.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct SiteId(pub usize);

impl std::ops::Index<SiteId> for Vec<Site> {
    type Output = Site;

    fn index(&self, id: SiteId) -> &Site {
        &self[id.0]
    }
}

impl std::ops::Index<SiteId> for [Site] {
    type Output = Site;

    fn index(&self, id: SiteId) -> &Site {
        &self[id.0]
    }
}

/// A text in every language that uses it, keyed by language code.
pub type Texts = BTreeMap<String, String>;

/// A validated catalogue; every reference in it resolves.
#[derive(Debug)]
pub struct Catalogue {
    /// The catalogue's path as the user gave it, for messages.
    pub path: String,
    /// Sites in declaration order.
    pub sites: Vec<Site>,
    /// Categories sorted by id.
    pub categories: Vec<Category>,
    /// Cookies (table rows) in declaration order.
    pub cookies: Vec<Cookie>,
    /// The services its `[[service]]` tables declare, for the scan to recognise beside the
    /// ones the tool knows.
    pub services: Vec<service::Service>,
    /// Pages treated apart.
    pub pages: Pages,
    /// Rules waived for some files.
    pub allow: Vec<FileAllow>,
    /// `[consent]`: the banner's buttons, for the audit.
    pub consent: ConsentButtons,
    /// Every file the catalogue was read from: itself and its templates.
    pub inputs: Vec<std::path::PathBuf>,
    /// The words its `[language.<tag>]` tables give, by tag: a language the tool has no
    /// words for, or built-in words replaced.
    pub languages: BTreeMap<String, labels::Words>,
    /// The date of its last change (`YYYY-MM-DD`), when the run knows it (see [`changed`]):
    /// templates receive it as `updated`.
    pub updated: Option<String>,
}

/// `[consent]`: CSS selectors of the consent banner's buttons; empty when the catalogue says
/// nothing (the audit then tries its built-in ones).
#[derive(Debug, Default)]
pub struct ConsentButtons {
    /// Selectors of the accept-all button.
    pub accept: Vec<String>,
    /// Selectors of the refuse button.
    pub refuse: Vec<String>,
}

/// `[pages]`: path globs relative to the site folder.
#[derive(Debug, Default)]
pub struct Pages {
    /// Pages that belong to no site on purpose; still scanned.
    pub outside_sites: Vec<String>,
    /// Pages whose tables are never taken for cookie tables.
    pub no_cookie_tables: Vec<String>,
}

impl Pages {
    /// Whether the page at `rel` is listed as belonging to no site.
    pub fn outside_sites(&self, rel: &str) -> bool {
        self.outside_sites
            .iter()
            .any(|g| crate::glob::matches(g, rel))
    }

    /// Whether the tables of the page at `rel` are never cookie tables.
    pub fn no_cookie_tables(&self, rel: &str) -> bool {
        self.no_cookie_tables
            .iter()
            .any(|g| crate::glob::matches(g, rel))
    }
}

/// A rule waived for the files some globs match.
#[derive(Debug)]
pub struct FileAllow {
    /// The rule.
    pub rule: Rule,
    /// Path globs relative to the site folder.
    pub files: Vec<String>,
    /// Why.
    pub reason: String,
}

impl Catalogue {
    /// Whether `rule` is waived for the file at `rel` (relative to the site folder).
    pub fn allowed_in(&self, rule: Rule, rel: &str) -> bool {
        self.allow
            .iter()
            .any(|a| a.rule == rule && a.files.iter().any(|g| crate::glob::matches(g, rel)))
    }
}

/// One portal.
#[derive(Debug)]
pub struct Site {
    /// Short id.
    pub id: String,
    /// Public address.
    pub url: String,
    /// Folder under the site root, `/`-separated, without leading or trailing `/`; empty for the root.
    pub dir: String,
    /// Languages, default first.
    pub languages: Vec<String>,
    /// A table template of its own: (file path for messages, source).
    pub template: Option<(String, String)>,
    /// Where the site is declared.
    pub location: Location,
}

/// One category of cookies.
#[derive(Debug)]
pub struct Category {
    /// Id used by markers and cookies.
    pub id: String,
    /// Caption per language.
    pub title: Texts,
    /// Description per language.
    pub description: Texts,
    /// Whether consent is required.
    pub consent: bool,
}

impl Category {
    /// The description in `lang`; empty when the catalogue gives none.
    pub fn description(&self, lang: &str) -> &str {
        self.description.get(lang).map_or("", String::as_str)
    }
}

/// One row of the tables: a cookie or a group of cookies that serve together.
#[derive(Debug)]
pub struct Cookie {
    /// Names or patterns.
    pub names: Vec<String>,
    /// Provider.
    pub provider: String,
    /// Function and location per language.
    pub function: Texts,
    /// Purpose per language.
    pub purpose: Texts,
    /// Lifetime.
    pub duration: Duration,
    /// Index into [`Catalogue::categories`].
    pub category: usize,
    /// Cookie, or which web storage.
    pub kind: crate::storage::Storage,
    /// First or third party.
    pub party: Party,
    /// What sets it.
    pub set_by: SetBy,
    /// The sites that use it.
    pub sites: Vec<SiteId>,
    /// What differs on some sites.
    pub overrides: BTreeMap<SiteId, Override>,
    /// Rules waived for this cookie, with the reason given.
    pub allow: BTreeMap<crate::diagnostic::Rule, String>,
    /// Script files (path globs) whose writes with a name built at run time set this cookie.
    pub set_in: Vec<String>,
    /// Where the cookie is declared.
    pub location: Location,
}

/// What one site says differently about a cookie.
#[derive(Debug, Default)]
pub struct Override {
    /// Provider on that site.
    pub provider: Option<String>,
    /// Function texts on that site (languages given replace the shared ones).
    pub function: Texts,
    /// Purpose texts on that site (languages given replace the shared ones).
    pub purpose: Texts,
    /// Lifetime on that site.
    pub duration: Option<Duration>,
}

/// What the catalogue says one row of a table must say, in one language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// Index into [`Catalogue::cookies`].
    pub cookie: usize,
    /// Names, as declared.
    pub names: Vec<String>,
    /// Provider.
    pub provider: String,
    /// Function and location.
    pub function: String,
    /// Purpose.
    pub purpose: String,
    /// Lifetime in the row's language.
    pub duration: String,
    /// The lifetime itself, which a table may word in other letters ("2 Weeks").
    pub lifetime: Duration,
    /// Where it is stored, in the row's language ("Cookie", "Local storage").
    pub kind: String,
}

impl Row {
    /// The text a visitor should read in `column`.
    pub fn cell(&self, column: Column) -> String {
        match column {
            Column::Provider => self.provider.clone(),
            Column::Function => self.function.clone(),
            Column::Names => self.names.join(", "),
            Column::Purpose => self.purpose.clone(),
            Column::Duration => self.duration.clone(),
            Column::Kind => self.kind.clone(),
        }
    }
}

impl Catalogue {
    /// Reads, parses and validates the catalogue at `path`, and the site templates it names.
    ///
    /// Errors come back all at once, each with its line and column.
    pub fn load(path: &Path) -> Result<Catalogue, Vec<Diagnostic>> {
        let display = path.display().to_string();
        let bytes = crate::fsio::read(path, crate::fsio::MAX_TEXT).map_err(|e| {
            vec![
                Diagnostic::new(Rule::Io, None, format!("cannot read {display}: {e}"))
                    .with_help("pass the catalogue's path with --catalogue"),
            ]
        })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let bytes = e.as_bytes();
            let at = e.utf8_error().valid_up_to();
            let place = crate::position::LineIndex::new().line_col(bytes, at);
            vec![
                Diagnostic::new(
                    Rule::CatalogueSyntax,
                    Some(Location::new(display.clone(), place)),
                    "the catalogue is not UTF-8 text",
                )
                .with_help("save the file as UTF-8 (TOML files are UTF-8)"),
            ]
        })?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut catalogue = Catalogue::parse(&text, &display, &base)?;
        catalogue.inputs.insert(0, path.to_path_buf());
        Ok(catalogue)
    }

    /// Parses and validates catalogue `text`; `base` is the folder templates are relative to.
    pub fn parse(text: &str, display: &str, base: &Path) -> Result<Catalogue, Vec<Diagnostic>> {
        validate::parse(text, display, base)
    }

    /// Every site, with its id.
    pub fn site_ids(&self) -> impl Iterator<Item = (SiteId, &Site)> {
        self.sites.iter().enumerate().map(|(i, s)| (SiteId(i), s))
    }

    /// Whether `site` declares anything beyond cookies, so its tables show a type column.
    pub fn declares_storage(&self, site: SiteId) -> bool {
        self.cookies
            .iter()
            .any(|c| c.sites.contains(&site) && !c.kind.is_cookie())
    }

    /// The category with id `id`.
    pub fn category(&self, id: &str) -> Option<usize> {
        self.categories.iter().position(|c| c.id == id)
    }

    /// The site whose folder holds `page` (a `/`-separated path relative to the site root); the deepest folder wins.
    pub fn site_of(&self, page: &str) -> Option<SiteId> {
        self.sites
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                s.dir.is_empty()
                    || page
                        .strip_prefix(s.dir.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            })
            .max_by_key(|(_, s)| s.dir.len())
            .map(|(i, _)| SiteId(i))
    }

    /// The language of `site` that `requested` names ("fr-BE" finds "fr"), or the site's default when none is requested.
    pub fn language_of(&self, site: SiteId, requested: Option<&str>) -> Option<&str> {
        let languages = &self.sites[site].languages;
        let Some(requested) = requested.map(str::trim).filter(|r| !r.is_empty()) else {
            return languages.first().map(String::as_str);
        };
        let primary = labels::primary(requested);
        languages
            .iter()
            .find(|l| l.eq_ignore_ascii_case(requested))
            .or_else(|| languages.iter().find(|l| l.eq_ignore_ascii_case(primary)))
            .map(String::as_str)
    }

    /// The words tables use in `lang`: the catalogue's own for that tag, else for its
    /// language ("fr" for "fr-BE"), else the built-in ones.
    pub fn words(&self, lang: &str) -> Option<&labels::Words> {
        let primary = labels::primary(lang);
        let own = |tag: &str| {
            self.languages
                .iter()
                .find(|(t, _)| t.eq_ignore_ascii_case(tag))
                .map(|(_, w)| w)
        };
        own(lang)
            .or_else(|| own(primary))
            .or_else(|| labels::words(lang))
    }

    /// Every language whose header wordings a table may use: the catalogue's own, then the
    /// built-in ones.
    pub fn known_words(&self) -> Vec<&labels::Words> {
        self.languages.values().chain(labels::languages()).collect()
    }

    /// The rows `site` must show in `lang`: of one category, or of all when `category` is `None`.
    ///
    /// `lang` must be one of the site's languages (validation guarantees every text exists then).
    pub fn rows(&self, site: SiteId, category: Option<usize>, lang: &str) -> Vec<Row> {
        let words = self.words(lang).expect("site languages are validated");
        self.cookies
            .iter()
            .enumerate()
            .filter(|(_, c)| c.sites.contains(&site))
            .filter(|(_, c)| category.is_none_or(|k| c.category == k))
            .map(|(i, c)| {
                let local = c.overrides.get(&site);
                let primary = labels::primary(lang);
                let text = |shared: &Texts, local: Option<&Texts>| {
                    local
                        .and_then(|t| t.get(lang).or_else(|| t.get(primary)))
                        .or_else(|| shared.get(lang))
                        .cloned()
                        .unwrap_or_default()
                };
                Row {
                    cookie: i,
                    names: c.names.clone(),
                    provider: local
                        .and_then(|o| o.provider.clone())
                        .unwrap_or_else(|| c.provider.clone()),
                    function: text(&c.function, local.map(|o| &o.function)),
                    purpose: text(&c.purpose, local.map(|o| &o.purpose)),
                    duration: local
                        .and_then(|o| o.duration)
                        .unwrap_or(c.duration)
                        .render(words),
                    lifetime: local.and_then(|o| o.duration).unwrap_or(c.duration),
                    kind: words.kind(c.kind).to_owned(),
                }
            })
            .collect()
    }
}
