//! Turns the raw TOML into a [`Catalogue`], reporting every impossible statement with its place.

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::Path;

use toml::Spanned;

use super::raw::{RawCatalogue, RawText};
use super::service::Service;
use super::{Catalogue, Category, ConsentButtons, Duration, Pages, Texts};
use crate::diagnostic::{Diagnostic, Location, Rule};
use crate::position::LineIndex;

mod cookies;
mod pages;
mod services;
mod sites;
mod template_headers;

use cookies::{cookie, duplicates};
use pages::{file_allows, globs};
use services::service;

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
            let code = lang.get_ref().as_str();
            // A text in `nl` serves a site that speaks `nl-BE`.
            let serves =
                known.contains(code) || known.iter().any(|k| crate::labels::primary(k) == code);
            if !serves {
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
            if !texts.contains_key(*lang)
                && let Some(general) = texts.get(crate::labels::primary(lang)).cloned()
            {
                texts.insert((*lang).to_owned(), general);
            }
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

    /// [`Checker::texts`] of a text that may be absent: no source states it yet.
    fn stated_texts(
        &mut self,
        raw: &Option<RawText>,
        key: &str,
        needed: &BTreeSet<&str>,
        known: &BTreeSet<&str>,
    ) -> Texts {
        match raw {
            Some(raw) => self.texts(raw, key, needed, known),
            None => Texts::new(),
        }
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
        if let Some(word) = placeholder(raw.get_ref()) {
            self.error(
                raw.span(),
                format!("`duration` is a placeholder (`{word}`)"),
                "write how long it lives, such as \"13 months\" or \"session\" (the lifetime its setter asks for)",
            );
            return Duration::Session;
        }
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
pub(super) fn placeholder(text: &str) -> Option<&'static str> {
    ["TODO", "FIXME", "TBD"].into_iter().find(|word| {
        text.match_indices(word).any(|(i, w)| {
            let before = text[..i].chars().next_back();
            let after = text[i + w.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
    })
}

/// The words of each `[language.<tag>]` table: built-in words with what it replaces, or,
/// for a language the tool has none for, all of them.
fn languages(
    checker: &mut Checker,
    raw: &RawCatalogue,
) -> std::collections::BTreeMap<String, crate::labels::Words> {
    let mut languages = std::collections::BTreeMap::new();
    for (tag, wording) in &raw.language {
        let code = tag.get_ref();
        let plausible = !code.is_empty()
            && code.len() <= 35
            && code
                .split('-')
                .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric()));
        if !plausible {
            checker.error(
                tag.span(),
                format!("`{code}` is not a language tag"),
                "name the language by its tag, such as \"ar\", \"nl-BE\" or \"de-AT\"",
            );
            continue;
        }
        if languages
            .keys()
            .any(|t: &String| t.eq_ignore_ascii_case(code))
        {
            checker.error(
                tag.span(),
                format!("`[language.{code}]` is declared twice (tags ignore case)"),
                "keep one table per language",
            );
            continue;
        }
        let base = crate::labels::words(code);
        match crate::labels::words_from(code, wording.get_ref().clone(), base) {
            Ok(words) => {
                let others: Vec<&crate::labels::Words> = languages
                    .values()
                    .chain(crate::labels::languages())
                    .filter(|w: &&crate::labels::Words| !w.lang.eq_ignore_ascii_case(code))
                    .collect();
                if let Some((text, column, other)) =
                    crate::labels::clashing_wording(&words, &others)
                {
                    checker.error(
                        wording.span(),
                        format!(
                            "`[language.{code}]`: the {} header {text:?} already names the {} column, so tables using it could not be read",
                            column.key(),
                            other.key()
                        ),
                        "give each column wordings no other column uses, in any language",
                    );
                    continue;
                }
                languages.insert(code.clone(), words);
            }
            Err(message) => {
                let help = if base.is_some() {
                    "give only the words to replace, with the keys README.md lists (\"The catalogue\", `[language.<tag>]`)"
                } else {
                    "a language the tool has no words for gives every key README.md lists (\"The catalogue\", `[language.<tag>]`)"
                };
                checker.error(
                    wording.span(),
                    format!("`[language.{code}]`: {message}"),
                    help,
                );
            }
        }
    }
    languages
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
    let mut languages = languages(&mut checker, &raw);
    let sites = sites::sites(&mut checker, &raw, base, &mut inputs, &mut languages);
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
            description: checker.stated_texts(
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
    let mut selectors = |list: &[toml::Spanned<String>], key: &str| -> Vec<String> {
        list.iter()
            .map(|selector| {
                if selector.get_ref().trim().is_empty() {
                    checker.error(
                        selector.span(),
                        format!("`consent.{key}` holds an empty selector"),
                        "write a CSS selector of the button, such as \"#banner .accept\"",
                    );
                }
                checker.characters(selector, &format!("`consent.{key}`"));
                selector.get_ref().trim().to_owned()
            })
            .collect()
    };
    let consent = ConsentButtons {
        accept: selectors(&raw.consent.accept, "accept"),
        refuse: selectors(&raw.consent.refuse, "refuse"),
    };
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
            languages,
            path: display.to_owned(),
            sites,
            categories,
            cookies,
            services,
            pages,
            allow,
            consent,
            inputs,
            updated: None,
        })
    } else {
        Err(checker.errors)
    }
}
