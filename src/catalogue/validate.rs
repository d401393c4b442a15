//! Turns the raw TOML into a [`Catalogue`], reporting every impossible statement with its place.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::Path;

use toml::Spanned;

use super::raw::{RawAllow, RawCatalogue, RawCookie, RawText};
use super::service::Service;
use super::{Catalogue, Category, Cookie, Duration, FileAllow, Override, Pages, Site, Texts};
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
        let d = Diagnostic::new(Rule::CatalogueInvalid, Some(self.at(span)), message);
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
            // Zero-width characters show nothing: text of only those is as empty as none.
            let visible = value.get_ref().chars().any(|c| {
                !c.is_whitespace()
                    && !matches!(
                        c,
                        '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}'
                    )
            });
            if !visible {
                self.error(
                    value.span(),
                    format!("{key} is empty in `{}`", lang.get_ref()),
                    "write the text",
                );
            }
            self.prose(value, &format!("{key} in `{}`", lang.get_ref()));
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

    /// Text a visitor reads: no placeholder, no control or bidirectional formatting characters.
    fn prose(&mut self, value: &Spanned<String>, key: &str) {
        self.characters(value, key);
        if let Some(word) = placeholder(value.get_ref()) {
            self.error(
                value.span(),
                format!("{key} is a placeholder (`{word}`), which would be published as it is"),
                "write the text a visitor should read in its place",
            );
        }
    }

    /// Any text of the catalogue: no control characters (tabs and line breaks aside), no
    /// bidirectional overrides or isolates, which make text display as something it does not say.
    fn characters(&mut self, value: &Spanned<String>, key: &str) {
        let bad = value.get_ref().chars().find(|&c| {
            (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        });
        if let Some(c) = bad {
            let what = if c.is_control() {
                "a control character"
            } else {
                "a bidirectional formatting character, which can make text display differently from what it says"
            };
            self.error(
                value.span(),
                format!("{key} holds U+{:04X}, {what}", c as u32),
                "remove it; write the text as plain characters",
            );
        }
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

/// The placeholder word `text` holds, if any: `TODO`, `FIXME` or `TBD` as a word of its own.
fn placeholder(text: &str) -> Option<&'static str> {
    ["TODO", "FIXME", "TBD"].into_iter().find(|word| {
        text.match_indices(word).any(|(i, w)| {
            let before = text[..i].chars().next_back();
            let after = text[i + w.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
    })
}

/// Parses and validates; see [`Catalogue::parse`].
pub fn parse(text: &str, display: &str, base: &Path) -> Result<Catalogue, Vec<Diagnostic>> {
    let mut checker = Checker {
        text,
        display,
        index: LineIndex::new(),
        errors: Vec::new(),
    };
    let raw: RawCatalogue = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            let location = e.span().map(|s| checker.at(s));
            let message = e.message().trim().replace('\n', "; ");
            let d = Diagnostic::new(Rule::CatalogueSyntax, location, message)
                .with_help("the catalogue's keys are documented in README.md (\"The catalogue\")");
            return Err(vec![d]);
        }
    };

    let mut inputs = Vec::new();
    let sites = sites(&mut checker, &raw, base, &mut inputs);
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
    duplicates(&mut checker, &raw.cookie, &cookies, &sites);
    let pages = Pages {
        outside_sites: globs(
            &mut checker,
            &raw.pages.outside_sites,
            "`pages.outside_sites`",
        ),
        no_cookie_tables: globs(
            &mut checker,
            &raw.pages.no_cookie_tables,
            "`pages.no_cookie_tables`",
        ),
    };
    let allow = file_allows(&mut checker, &raw.allow);
    let services: Vec<Service> = raw
        .service
        .into_iter()
        .map(|s| {
            service(&mut checker, &s, &categories);
            s.into_inner()
        })
        .collect();

    if checker.errors.is_empty() {
        Ok(Catalogue {
            path: display.to_owned(),
            sites,
            categories,
            cookies,
            services,
            pages,
            allow,
            inputs,
        })
    } else {
        Err(checker.errors)
    }
}

fn sites(
    checker: &mut Checker,
    raw: &RawCatalogue,
    base: &Path,
    inputs: &mut Vec<std::path::PathBuf>,
) -> Vec<Site> {
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
                "start with a letter or digit, then use letters, digits, `-`, `_` and single dots",
            );
        }
        checker.characters(&site.url, &format!("the url of site `{id}`"));
        checker.characters(&site.dir, &format!("the dir of site `{id}`"));
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
            let (path, read) = template(base, t.get_ref());
            match read {
                Ok(source) => {
                    inputs.push(path.clone());
                    Some((path.display().to_string(), source))
                }
                Err(message) => {
                    checker.error(
                        t.span(),
                        format!("cannot use template {}: {message}", path.display()),
                        "give a template file inside the catalogue's folder, relative to the catalogue",
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
    for (k, name) in cookie.names.get_ref().iter().enumerate() {
        let n = name.get_ref();
        if n.is_empty()
            || n.chars().any(|c| {
                c.is_whitespace()
                    || c.is_control()
                    || ",;=\"".contains(c)
                    || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
            })
        {
            checker.error(
                name.span(),
                format!("`{n}` is not a cookie name"),
                "a name has no spaces, commas, semicolons, quotes, `=` or control characters; use `*` for a pattern",
            );
        } else if cookie.names.get_ref()[..k]
            .iter()
            .any(|other| other.get_ref() == n)
        {
            checker.error(
                name.span(),
                format!("`{n}` is listed twice in this entry"),
                "list each name once",
            );
        }
    }
    checker.prose(&cookie.provider, &format!("`provider` of cookie `{label}`"));

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
        if let Some(provider) = &o.provider {
            checker.prose(
                provider,
                &format!(
                    "`override.{}.provider` of cookie `{label}`",
                    site_id.get_ref()
                ),
            );
        }
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
            .find(|r| r.id() == rule.get_ref().as_str() && r.waivable_per_cookie())
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
                    .filter(|r| r.waivable_per_cookie())
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

    let set_in = match &cookie.set_in {
        Some(list) if list.get_ref().is_empty() => {
            checker.error(
                list.span(),
                "`set_in` is empty".into(),
                "list the script files that write this cookie, or remove `set_in`",
            );
            Vec::new()
        }
        Some(list) => globs(
            checker,
            list.get_ref(),
            &format!("`set_in` of cookie `{label}`"),
        ),
        None => Vec::new(),
    };
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
        set_in,
        location,
    })
}

/// A name may be declared once per site: two rows for one cookie would contradict each other,
/// and so would a pattern and a name it covers (`_pk_id.*` and `_pk_id.1`), which no page edit
/// could reconcile.
fn duplicates(
    checker: &mut Checker,
    raw: &[Spanned<RawCookie>],
    cookies: &[Cookie],
    sites: &[Site],
) {
    // `cookies` skips entries that failed validation; only report when both lists line up.
    if raw.len() != cookies.len() {
        return;
    }
    let mut declared: Vec<(&str, usize, &Spanned<String>)> = Vec::new();
    for (c, (cookie, raw_cookie)) in cookies.iter().zip(raw).enumerate() {
        for (name, raw_name) in cookie
            .names
            .iter()
            .zip(raw_cookie.get_ref().names.get_ref())
        {
            let clash = declared.iter().find(|(other, o, _)| {
                *o != c
                    && cookies[*o].sites.iter().any(|s| cookie.sites.contains(s))
                    && crate::pattern::overlap(other, name)
            });
            if let Some((other, o, _)) = clash {
                let first = &cookies[*o].location;
                let site = cookies[*o]
                    .sites
                    .iter()
                    .find(|s| cookie.sites.contains(s))
                    .map_or("", |&s| sites[s].id.as_str());
                let message = if *other == name.as_str() {
                    format!("cookie `{name}` is declared twice (first at {first})")
                } else {
                    format!(
                        "cookie `{name}` overlaps `{other}` (declared at {first}) on site `{site}`: one cookie name would match both"
                    )
                };
                checker.error(
                    raw_name.span(),
                    message,
                    "keep one entry per cookie: narrow the pattern, or use `[cookie.override.<site>]` for what differs on a site",
                );
            }
            declared.push((name.as_str(), c, raw_name));
        }
    }
}

fn site_hint(sites: &[Site]) -> String {
    let ids: Vec<&str> = sites.iter().map(|s| s.id.as_str()).collect();
    format!("use one of the site ids: {}", ids.join(", "))
}

/// A site id is also a folder name of `export`: it starts with a letter or digit and never holds `..`.
fn is_identifier(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_alphanumeric())
        && !id.contains("..")
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
}

/// The largest template read: a table template is a few lines.
const MAX_TEMPLATE: u64 = 1024 * 1024;

/// Reads a site template at `relative` to the catalogue's folder `base`; it must be a regular file inside that folder.
fn template(base: &Path, relative: &str) -> (std::path::PathBuf, Result<String, String>) {
    let path = base.join(relative);
    let inside = || -> Result<(), String> {
        if Path::new(relative).is_absolute() {
            return Err("the path is absolute".into());
        }
        let folder = (if base.as_os_str().is_empty() {
            Path::new(".")
        } else {
            base
        })
        .canonicalize()
        .map_err(|e| e.to_string())?;
        let file = path.canonicalize().map_err(|e| e.to_string())?;
        if !file.starts_with(&folder) {
            return Err("it lies outside the catalogue's folder".to_owned());
        }
        Ok(())
    };
    let read = inside().and_then(|()| {
        let bytes = crate::fsio::read(&path, MAX_TEMPLATE).map_err(|e| e.to_string())?;
        String::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_owned())
    });
    (path, read)
}

/// A `[[service]]` of the catalogue: every string it matches by says something (an empty one
/// would match every page), its cookies are cookie names and its durations durations.
fn service(checker: &mut Checker, raw: &Spanned<Service>, categories: &[Category]) {
    let s = raw.get_ref();
    let at = raw.span();
    let fail = |checker: &mut Checker, message: String, help: &str| {
        checker.error(at.clone(), message, help);
    };
    if !is_identifier(&s.id) {
        fail(
            checker,
            format!("service id `{}` is not an identifier", s.id),
            "start with a letter or digit, then use letters, digits, `-`, `_` and single dots",
        );
    }
    for (key, text) in [
        ("name", &s.name),
        ("provider", &s.provider),
        ("category", &s.category),
    ] {
        let bad = text.trim().is_empty()
            || text.chars().any(|c| {
                c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
            });
        if bad {
            fail(
                checker,
                format!(
                    "service `{}` has an empty `{key}` or one with control characters",
                    s.id
                ),
                "write it as plain text",
            );
        }
    }
    if !categories.iter().any(|c| c.id == s.category) {
        let ids: Vec<&str> = categories.iter().map(|c| c.id.as_str()).collect();
        fail(
            checker,
            format!("service `{}` has unknown category `{}`", s.id, s.category),
            &format!("use one of: {}", ids.join(", ")),
        );
    }
    let m = &s.matchers;
    let lists = m
        .script_src
        .iter()
        .chain(&m.iframe_src)
        .chain(&m.img_src)
        .chain(&m.content);
    let empty_list = lists.clone().any(|all| all.is_empty());
    let strings = lists
        .flatten()
        .chain(&m.inline)
        .chain(&m.cookieless_if)
        .chain(&s.consent_if)
        .chain(&s.lifetime_if)
        .chain(m.call.iter().map(|[first, _]| first));
    if empty_list || strings.into_iter().any(|t| t.is_empty()) {
        fail(
            checker,
            format!(
                "service `{}` matches by an empty string, which every page contains",
                s.id
            ),
            "give each `match` entry the text that only this service's tags hold",
        );
    }
    for cookie in &s.cookie {
        if cookie.name.is_empty()
            || cookie
                .name
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || ",;=\"".contains(c))
        {
            fail(
                checker,
                format!(
                    "service `{}` lists `{}`, which is not a cookie name",
                    s.id, cookie.name
                ),
                "a name has no spaces, commas, semicolons, quotes or `=`; use `*` for a pattern",
            );
        }
        if let Some(duration) = &cookie.duration
            && let Err(e) = duration.parse::<Duration>()
        {
            fail(
                checker,
                format!(
                    "service `{}`: bad `duration` of `{}`: {e}",
                    s.id, cookie.name
                ),
                "write a duration the tool understands",
            );
        }
    }
}

/// Path globs: one per entry, none empty.
fn globs(checker: &mut Checker, raw: &[Spanned<String>], key: &str) -> Vec<String> {
    raw.iter()
        .filter_map(|g| {
            checker.characters(g, key);
            if g.get_ref().trim().is_empty() {
                checker.error(
                    g.span(),
                    format!("{key} holds an empty path"),
                    "write a path relative to the site folder, such as \"portals.html\" or \"docs/**\"",
                );
                return None;
            }
            Some(g.get_ref().trim().to_owned())
        })
        .collect()
}

/// `[[allow]]` tables: a rule that can be waived per file, files, and a reason.
fn file_allows(checker: &mut Checker, raw: &[Spanned<RawAllow>]) -> Vec<FileAllow> {
    let mut allows = Vec::new();
    for entry in raw {
        let a = entry.get_ref();
        let rule = Rule::ALL
            .iter()
            .find(|r| r.id() == a.rule.get_ref().as_str() && r.waivable_per_file());
        let Some(rule) = rule else {
            let ids: Vec<&str> = Rule::ALL
                .iter()
                .filter(|r| r.waivable_per_file())
                .map(|r| r.id())
                .collect();
            checker.error(
                a.rule.span(),
                format!(
                    "`{}` is not a rule that can be waived for files",
                    a.rule.get_ref()
                ),
                &format!("use one of: {}", ids.join(", ")),
            );
            continue;
        };
        if a.reason.get_ref().trim().is_empty() {
            checker.error(
                a.reason.span(),
                format!("waiving `{}` needs a reason", rule.id()),
                "say why the rule does not apply to these files",
            );
        }
        checker.prose(&a.reason, "the reason of `[[allow]]`");
        if a.files.get_ref().is_empty() {
            checker.error(
                a.files.span(),
                "`files` is empty".into(),
                "list the files, as paths relative to the site folder",
            );
        }
        allows.push(FileAllow {
            rule: *rule,
            files: globs(checker, a.files.get_ref(), "`files` of `[[allow]]`"),
            reason: a.reason.get_ref().trim().to_owned(),
        });
    }
    allows
}
