//! Turns the raw TOML into a [`Catalogue`], reporting every impossible statement with its place.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::Path;

use toml::Spanned;

use super::raw::{RawCatalogue, RawCookie, RawText};
use super::{Catalogue, Category, Cookie, Duration, Override, Site, Texts};
use crate::diagnostic::{Diagnostic, Location, Rule};
use crate::labels;
use crate::position::LineIndex;

/// Collects errors while walking the raw catalogue.
struct Checker<'a> {
    text: &'a str,
    display: &'a str,
    index: LineIndex,
    errors: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn at(&self, span: Range<usize>) -> Location {
        Location::new(
            self.display,
            self.index.line_col(self.text.as_bytes(), span.start),
        )
    }

    fn error(&mut self, span: Range<usize>, message: String, help: &str) {
        let d = Diagnostic::error(Rule::CatalogueInvalid, Some(self.at(span)), message);
        self.errors.push(d.with_help(help));
    }

    /// Converts a text, checking it has every language in `needed` and none that no site declares.
    fn texts(
        &mut self,
        raw: &RawText,
        key: &str,
        needed: &BTreeSet<&str>,
        known: &BTreeSet<&str>,
    ) -> Texts {
        let mut texts = Texts::new();
        for (lang, value) in raw.get_ref() {
            if !known.contains(lang.get_ref().as_str()) {
                self.error(
                    lang.span(),
                    format!(
                        "{key} has a text in `{}`, a language no site declares",
                        lang.get_ref()
                    ),
                    "fix the language code or add the language to a site's `languages`",
                );
            }
            if value.get_ref().trim().is_empty() {
                self.error(
                    value.span(),
                    format!("{key} is empty in `{}`", lang.get_ref()),
                    "write the text",
                );
            }
            texts.insert(lang.get_ref().clone(), value.get_ref().trim().to_owned());
        }
        for lang in needed {
            if !texts.contains_key(*lang) {
                self.error(
                    raw.span(),
                    format!("{key} has no text in `{lang}`, a language of a site that uses it"),
                    &format!("add `{lang} = \"...\"` to {key}"),
                );
            }
        }
        texts
    }

    fn duration(&mut self, raw: &Spanned<String>) -> Duration {
        raw.get_ref().parse().unwrap_or_else(|e| {
            self.error(
                raw.span(),
                format!("bad `duration`: {e}"),
                "write a duration the tool understands",
            );
            Duration::Session
        })
    }
}

/// Parses and validates; see [`Catalogue::parse`].
pub fn parse(text: &str, display: &str, base: &Path) -> Result<Catalogue, Vec<Diagnostic>> {
    let mut checker = Checker {
        text,
        display,
        index: LineIndex::new(text.as_bytes()),
        errors: Vec::new(),
    };
    let raw: RawCatalogue = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            let location = e.span().map(|s| checker.at(s));
            let message = e.message().trim().replace('\n', "; ");
            let d = Diagnostic::error(Rule::CatalogueSyntax, location, message)
                .with_help("the catalogue's keys are documented in README.md (\"The catalogue\")");
            return Err(vec![d]);
        }
    };

    let sites = sites(&mut checker, &raw, base);
    let known: BTreeSet<&str> = sites
        .iter()
        .flat_map(|s| s.languages.iter().map(String::as_str))
        .collect();
    let all_languages = known.clone();

    let mut categories = Vec::new();
    for (id, category) in &raw.category {
        categories.push(Category {
            id: id.get_ref().clone(),
            title: checker.texts(
                &category.title,
                &format!("`category.{}.title`", id.get_ref()),
                &all_languages,
                &known,
            ),
            description: checker.texts(
                &category.description,
                &format!("`category.{}.description`", id.get_ref()),
                &all_languages,
                &known,
            ),
            consent: category.consent,
        });
    }
    if categories.is_empty() {
        checker.error(
            0..0,
            "the catalogue declares no category".into(),
            "add a `[category.necessary]` table",
        );
    }

    let mut cookies = Vec::new();
    for raw_cookie in &raw.cookie {
        if let Some(cookie) = cookie(&mut checker, raw_cookie, &sites, &categories, &known) {
            cookies.push(cookie);
        }
    }
    duplicates(&mut checker, &raw.cookie, &cookies);

    if checker.errors.is_empty() {
        Ok(Catalogue {
            path: display.to_owned(),
            sites,
            categories,
            cookies,
            services: crate::scan::services::Services::new(raw.service),
        })
    } else {
        Err(checker.errors)
    }
}

fn sites(checker: &mut Checker, raw: &RawCatalogue, base: &Path) -> Vec<Site> {
    if raw.site.is_empty() {
        checker.error(
            0..0,
            "the catalogue declares no site".into(),
            "add a `[[site]]` table with id, url, dir and languages",
        );
    }
    let mut sites: Vec<Site> = Vec::new();
    for site in &raw.site {
        let id = site.id.get_ref();
        if !is_identifier(id) {
            checker.error(
                site.id.span(),
                format!("site id `{id}` is not an identifier"),
                "use letters, digits, `-` and `_`",
            );
        }
        if sites.iter().any(|s| &s.id == id) {
            checker.error(
                site.id.span(),
                format!("site `{id}` is declared twice"),
                "give each site its own id",
            );
        }
        let url = site.url.get_ref();
        if !(url.starts_with("https://") || url.starts_with("http://"))
            || url.contains(char::is_whitespace)
        {
            checker.error(
                site.url.span(),
                format!("site url `{url}` is not an http(s) address"),
                "write the public address, such as \"https://www.example.org\"",
            );
        }
        // One spelling per folder: "./odwb/", "odwb" and "odwb/." are the same site.
        let raw_dir = site.dir.get_ref().replace('\\', "/");
        let parts: Vec<&str> = raw_dir
            .split('/')
            .filter(|p| !p.is_empty() && *p != ".")
            .collect();
        let dir = parts.join("/");
        if raw_dir.starts_with('/')
            || Path::new(site.dir.get_ref()).is_absolute()
            || parts.contains(&"..")
        {
            checker.error(
                site.dir.span(),
                format!("site dir `{}` leaves the site folder", site.dir.get_ref()),
                "give a folder relative to the site root, such as \"datastro\"",
            );
        }
        if sites.iter().any(|s| s.dir == dir) {
            checker.error(
                site.dir.span(),
                format!("site dir `{dir}` is already another site's"),
                "give each site its own folder",
            );
        }
        let mut languages = Vec::new();
        for lang in site.languages.get_ref() {
            let code = lang.get_ref();
            if labels::words(code).is_none() {
                let supported: Vec<&str> = labels::LANGUAGES.iter().map(|w| w.lang).collect();
                checker.error(
                    lang.span(),
                    format!("language `{code}` has no built-in table wording"),
                    &format!("use one of: {}", supported.join(", ")),
                );
            } else if languages.contains(code) {
                checker.error(
                    lang.span(),
                    format!("language `{code}` is listed twice"),
                    "list each language once",
                );
            } else {
                languages.push(code.clone());
            }
        }
        if site.languages.get_ref().is_empty() {
            checker.error(
                site.languages.span(),
                format!("site `{id}` has no language"),
                "list its languages, default first: [\"en\"]",
            );
        }
        let template = site.template.as_ref().and_then(|t| {
            let path = base.join(t.get_ref());
            match std::fs::read_to_string(&path) {
                Ok(source) => Some((path.display().to_string(), source)),
                Err(e) => {
                    checker.error(
                        t.span(),
                        format!("cannot read template {}: {e}", path.display()),
                        "fix the path; it is relative to the catalogue",
                    );
                    None
                }
            }
        });
        let location = checker.at(site.id.span());
        sites.push(Site {
            id: id.clone(),
            url: url.clone(),
            dir,
            languages,
            template,
            location,
        });
    }
    sites
}

fn cookie(
    checker: &mut Checker,
    raw: &Spanned<RawCookie>,
    sites: &[Site],
    categories: &[Category],
    known: &BTreeSet<&str>,
) -> Option<Cookie> {
    let cookie = raw.get_ref();
    let label = cookie
        .names
        .get_ref()
        .first()
        .map(|n| n.get_ref().clone())
        .unwrap_or_default();
    if cookie.names.get_ref().is_empty() {
        checker.error(
            cookie.names.span(),
            "`names` is empty".into(),
            "list the cookie's name, such as [\"sessionid\"]",
        );
    }
    for name in cookie.names.get_ref() {
        let n = name.get_ref();
        if n.is_empty()
            || n.chars()
                .any(|c| c.is_whitespace() || c.is_control() || ",;=\"".contains(c))
        {
            checker.error(
                name.span(),
                format!("`{n}` is not a cookie name"),
                "a name has no spaces, commas, semicolons, quotes or `=`; use `*` for a pattern",
            );
        }
    }

    let category = categories
        .iter()
        .position(|c| &c.id == cookie.category.get_ref());
    if category.is_none() {
        let ids: Vec<&str> = categories.iter().map(|c| c.id.as_str()).collect();
        checker.error(
            cookie.category.span(),
            format!(
                "cookie `{label}` has unknown category `{}`",
                cookie.category.get_ref()
            ),
            &format!(
                "use one of: {}, or declare it under [category]",
                ids.join(", ")
            ),
        );
    }

    let site_ids = match &cookie.sites {
        None => (0..sites.len()).collect(),
        Some(list) => {
            if list.get_ref().is_empty() {
                checker.error(
                    list.span(),
                    format!("cookie `{label}` is used by no site"),
                    "remove `sites` to mean every site, or list site ids",
                );
            }
            let mut found = Vec::new();
            for id in list.get_ref() {
                match sites.iter().position(|s| &s.id == id.get_ref()) {
                    Some(i) if !found.contains(&i) => found.push(i),
                    Some(_) => checker.error(
                        id.span(),
                        format!("site `{}` is listed twice", id.get_ref()),
                        "list each site once",
                    ),
                    None => checker.error(
                        id.span(),
                        format!("cookie `{label}` names unknown site `{}`", id.get_ref()),
                        &site_hint(sites),
                    ),
                }
            }
            found.sort_unstable();
            found
        }
    };
    let needed: BTreeSet<&str> = site_ids
        .iter()
        .flat_map(|&i| sites[i].languages.iter().map(String::as_str))
        .collect();

    let function = checker.texts(
        &cookie.function,
        &format!("`function` of cookie `{label}`"),
        &needed,
        known,
    );
    let purpose = checker.texts(
        &cookie.purpose,
        &format!("`purpose` of cookie `{label}`"),
        &needed,
        known,
    );
    let duration = checker.duration(&cookie.duration);

    let mut overrides = BTreeMap::new();
    for (site_id, raw_override) in &cookie.overrides {
        let Some(site) = sites.iter().position(|s| &s.id == site_id.get_ref()) else {
            checker.error(
                site_id.span(),
                format!(
                    "cookie `{label}` overrides unknown site `{}`",
                    site_id.get_ref()
                ),
                &site_hint(sites),
            );
            continue;
        };
        if !site_ids.contains(&site) {
            checker.error(
                site_id.span(),
                format!(
                    "cookie `{label}` overrides site `{}`, which does not use it",
                    site_id.get_ref()
                ),
                "add the site to the cookie's `sites` or remove the override",
            );
            continue;
        }
        let o = raw_override.get_ref();
        let none = BTreeSet::new();
        let site_languages: BTreeSet<&str> =
            sites[site].languages.iter().map(String::as_str).collect();
        let partial = |checker: &mut Checker, text: &Option<RawText>, key: &str| {
            text.as_ref()
                .map(|t| {
                    let texts = checker.texts(t, key, &none, known);
                    for lang in texts.keys() {
                        if !site_languages.contains(lang.as_str()) {
                            checker.error(
                                t.span(),
                                format!(
                                    "{key} has a text in `{lang}`, which site `{}` does not use",
                                    sites[site].id
                                ),
                                "remove it or add the language to the site",
                            );
                        }
                    }
                    texts
                })
                .unwrap_or_default()
        };
        let function = partial(
            checker,
            &o.function,
            &format!(
                "`override.{}.function` of cookie `{label}`",
                site_id.get_ref()
            ),
        );
        let purpose = partial(
            checker,
            &o.purpose,
            &format!(
                "`override.{}.purpose` of cookie `{label}`",
                site_id.get_ref()
            ),
        );
        let duration = o.duration.as_ref().map(|d| checker.duration(d));
        overrides.insert(
            site,
            Override {
                provider: o.provider.as_ref().map(|p| p.get_ref().trim().to_owned()),
                function,
                purpose,
                duration,
            },
        );
    }

    let mut allow = BTreeMap::new();
    for (rule, reason) in &cookie.allow {
        match Rule::ALL
            .iter()
            .find(|r| r.id() == rule.get_ref().as_str() && r.can_be_allowed())
        {
            Some(r) if !reason.get_ref().trim().is_empty() => {
                allow.insert(*r, reason.get_ref().trim().to_owned());
            }
            Some(_) => checker.error(
                reason.span(),
                format!("allowing `{}` needs a reason", rule.get_ref()),
                "say why the rule does not apply to this cookie",
            ),
            None => {
                let ids: Vec<&str> = Rule::ALL
                    .iter()
                    .filter(|r| r.can_be_allowed())
                    .map(|r| r.id())
                    .collect();
                checker.error(
                    rule.span(),
                    format!("`{}` is not a rule a cookie can be allowed", rule.get_ref()),
                    &format!("use one of: {}", ids.join(", ")),
                );
            }
        }
    }

    let location = checker.at(raw.span());
    Some(Cookie {
        names: cookie
            .names
            .get_ref()
            .iter()
            .map(|n| n.get_ref().clone())
            .collect(),
        provider: cookie.provider.get_ref().trim().to_owned(),
        function,
        purpose,
        duration,
        category: category?,
        party: cookie.party,
        set_by: cookie.set_by,
        sites: site_ids,
        overrides,
        allow,
        location,
    })
}

/// A name may be declared once per site: two rows for one cookie would contradict each other.
fn duplicates(checker: &mut Checker, raw: &[Spanned<RawCookie>], cookies: &[Cookie]) {
    let mut seen: BTreeMap<(&str, usize), &Location> = BTreeMap::new();
    // `cookies` skips entries that failed validation; only report when both lists line up.
    if raw.len() != cookies.len() {
        return;
    }
    for (cookie, raw_cookie) in cookies.iter().zip(raw) {
        for (name, raw_name) in cookie
            .names
            .iter()
            .zip(raw_cookie.get_ref().names.get_ref())
        {
            for &site in &cookie.sites {
                if let Some(first) = seen.insert((name.as_str(), site), &cookie.location) {
                    if first != &cookie.location {
                        checker.error(raw_name.span(), format!("cookie `{name}` is declared twice (first at {first})"), "keep one entry; use `[cookie.override.<site>]` for what differs on a site");
                    }
                    break;
                }
            }
        }
    }
}

fn site_hint(sites: &[Site]) -> String {
    let ids: Vec<&str> = sites.iter().map(|s| s.id.as_str()).collect();
    format!("use one of the site ids: {}", ids.join(", "))
}

fn is_identifier(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
}
