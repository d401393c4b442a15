//! The declaration at a glance: one self-contained HTML page (no script, no request) with, per
//! site and language, every cookie and storage item and what is known of it (the catalogue's
//! words, the pages that set it, what the last audit measured), every finding with its place,
//! the texts a language lacks, and the catalogue's changes from git. The preview serves it at
//! `/__cookie-ledger/`; `cookie-ledger report --format html` writes it for CI.
//!
//! Everything shown comes from the catalogue, the pages and git, so everything is escaped: the
//! template is rendered with HTML auto-escaping and nothing is marked safe.

use std::collections::BTreeMap;

use minijinja::{AutoEscape, Environment};
use serde::Serialize;
use serde_json::{Value, json};

use crate::audit;
use crate::build::Outcome;
use crate::catalogue::Catalogue;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::history::Change;
use crate::scan::services::Services;

/// The page's template.
const PAGE: &str = include_str!("page.html");

/// The most places listed for one item; the rest are counted.
const PLACES_SHOWN: usize = 12;

/// How findings and pages link to what they name.
#[derive(Clone, Debug)]
pub enum Links {
    /// Served by the preview: a page of the site at `/<path in the site>`.
    Preview {
        /// How reports name the site folder (`site`, `./public`).
        site: String,
    },
    /// Files on disk: paths as reports give them (relative to the working folder), behind
    /// `base`, the way from the page written back to that folder (`../`).
    Files {
        /// The prefix of every link.
        base: String,
    },
}

/// One thing a real browser stored, as the dashboard shows it.
#[derive(Clone, Debug, Serialize)]
pub struct Measured {
    /// The site's id.
    pub site: String,
    /// The pass (`before-consent`, `after-refusal`, `after-accepting`).
    pub pass: String,
    /// The page visited.
    pub page: String,
    /// Where it was stored (`cookie`, `local-storage`, ...).
    pub kind: String,
    /// Its name.
    pub name: String,
    /// Whether the catalogue declares it for the site.
    pub declared: bool,
}

impl Measured {
    /// What an audit inventory (`audit --inventory`) says each pass stored.
    pub fn from_inventory(document: &Value) -> Vec<Measured> {
        let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
        document["sites"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|site| {
                let id = text(&site["id"]);
                site["stored"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(move |item| Measured {
                        site: id.clone(),
                        pass: text(&item["pass"]),
                        page: text(&item["page"]),
                        kind: text(&item["kind"]),
                        name: text(&item["name"]),
                        declared: item["declared"] != false,
                    })
            })
            .collect()
    }

    /// The finding for an item the audit saw stored that the catalogue does not declare.
    pub fn undeclared(&self) -> Diagnostic {
        let (rule, what) = if self.kind == "cookie" {
            (Rule::UndeclaredCookie, "cookie")
        } else {
            (Rule::UndeclaredStorage, self.kind.as_str())
        };
        Diagnostic::new(
            rule,
            None,
            format!(
                "the last audit saw {} store {what} `{}` {}, which the catalogue does not declare for site `{}`",
                self.page,
                self.name,
                self.pass.replace('-', " "),
                self.site
            ),
        )
        .with_help("declare it in catalogue.toml, or remove what stores it, then audit again")
    }
}

/// What the page is made from.
pub struct Inputs<'a> {
    /// The catalogue, when it loaded.
    pub catalogue: Option<&'a Catalogue>,
    /// The run of the site the page reports on.
    pub outcome: &'a Outcome,
    /// What the last audit stored.
    pub measured: &'a [Measured],
    /// The catalogue's changes, newest first.
    pub timeline: &'a [Change],
    /// How to link to pages.
    pub links: Links,
    /// What made it: `cookie-ledger serve`, `cookie-ledger report`.
    pub generator: &'a str,
}

/// The page.
pub fn html(inputs: &Inputs) -> String {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.add_template("page.html", PAGE)
        .expect("the dashboard template compiles");
    env.get_template("page.html")
        .and_then(|t| t.render(minijinja::value::Serde(context(inputs))))
        .map(without_controls)
        .unwrap_or_else(|e| {
            format!(
                "<!DOCTYPE html><html lang=\"en\"><title>cookie-ledger</title><p>The dashboard could not be drawn: {}</p></html>",
                crate::render::escape_text(&e.to_string())
            )
        })
}

/// What the page shows, as data (`report --format json`).
pub fn context(inputs: &Inputs) -> Value {
    let findings: Vec<Value> = inputs
        .outcome
        .diagnostics
        .iter()
        .map(|d| finding(d, &inputs.links))
        .collect();
    let count = |severity: Severity| {
        inputs
            .outcome
            .diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    };
    let sites = inputs.catalogue.map_or_else(Vec::new, |c| sites(c, inputs));
    // What a language lacks: a table another language shows, or a text a declaration leaves out.
    let missing: Vec<Value> = inputs
        .outcome
        .diagnostics
        .iter()
        .filter(|d| matches!(d.rule, Rule::LanguageParity | Rule::Unstated))
        .map(|d| finding(d, &inputs.links))
        .collect();
    let timeline: Vec<Value> = inputs
        .timeline
        .iter()
        .map(|change| {
            let sites: Vec<Value> = change
                .sites
                .iter()
                .map(|s| {
                    json!({
                        "site": s.site,
                        "lang": s.lang,
                        "whole": s.whole,
                        "added": s.added.iter().map(|r| r.names.join(", ")).collect::<Vec<_>>(),
                        "removed": s.removed.iter().map(|r| r.names.join(", ")).collect::<Vec<_>>(),
                        "changed": s.changed.iter().map(|r| json!({
                            "names": r.names.join(", "),
                            "fields": r.fields.iter().map(|(f, _, _)| *f).collect::<Vec<_>>(),
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            json!({ "commit": change.commit, "date": change.date, "subject": change.subject, "sites": sites })
        })
        .collect();
    let mut sources = vec!["the catalogue", "the site's files"];
    if !inputs.measured.is_empty() {
        sources.push("the last real-browser audit");
    }
    if !inputs.timeline.is_empty() {
        sources.push("the catalogue's git history");
    }
    let last = sources.pop().unwrap_or_default();
    let sources = format!("{} and {last}", sources.join(", "));
    json!({
        "generator": inputs.generator,
        "sources": sources,
        "version": env!("CARGO_PKG_VERSION"),
        "loaded": inputs.catalogue.is_some(),
        "summary": {
            "errors": count(Severity::Error),
            "warnings": count(Severity::Warning),
            "notes": count(Severity::Note),
            "pages": inputs.outcome.summary.pages,
            "audited": !inputs.measured.is_empty(),
        },
        "findings": findings,
        "missing": missing,
        "sites": sites,
        "timeline": timeline,
    })
}

/// A finding as the page lists it, with a link to its page where it has one.
fn finding(d: &Diagnostic, links: &Links) -> Value {
    let place = d
        .location
        .as_ref()
        .map(|l| format!("{}:{}:{}", l.file, l.line, l.column));
    let href = d.location.as_ref().and_then(|l| href(&l.file, links));
    json!({
        "severity": d.severity.word(),
        "rule": d.rule.id(),
        "message": d.message,
        "help": d.help,
        "place": place,
        "href": href,
        "evidence": d.evidence,
    })
}

/// What a path segment keeps as it is in a link: letters, digits and `-._~`.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Where a file named as reports name it (`site/odwb/cookies.html`) is seen; `None` for a file
/// that is not a page of the site (the catalogue), or whose name would not make a link that
/// stays where it belongs (an empty segment, `..`).
fn href(file: &str, links: &Links) -> Option<String> {
    if !(file.ends_with(".html") || file.ends_with(".htm")) {
        return None;
    }
    let encode = |path: &str| -> Option<String> {
        let segments: Vec<String> = path
            .split('/')
            .map(|s| {
                (!s.is_empty() && s != "." && s != "..")
                    .then(|| percent_encoding::utf8_percent_encode(s, SEGMENT).to_string())
            })
            .collect::<Option<_>>()?;
        Some(segments.join("/"))
    };
    match links {
        Links::Preview { site } => {
            let below = file
                .strip_prefix(site.trim_end_matches('/'))?
                .strip_prefix('/')?;
            encode(below).map(|below| format!("/{below}"))
        }
        Links::Files { base } => {
            let file = file.strip_prefix("./").unwrap_or(file);
            encode(file).map(|file| format!("{base}{file}"))
        }
    }
}

/// `text` with every control character but line breaks and tabs written out (`\u{1b}`): a
/// page printed to a terminal must not drive it.
fn without_controls(text: String) -> String {
    if !text.chars().any(is_control) {
        return text;
    }
    text.chars()
        .map(|c| {
            if is_control(c) {
                format!("\\u{{{:x}}}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn is_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\n' | '\t')
}

/// Every site, each language with its categories and items.
fn sites(catalogue: &Catalogue, inputs: &Inputs) -> Vec<Value> {
    let services = Services::new(catalogue.services.clone());
    let inventory = crate::inventory::document(catalogue, &services, &inputs.outcome.inventory);
    catalogue
        .site_ids()
        .zip(inventory["sites"].as_array().cloned().unwrap_or_default())
        .map(|((s, site), found)| {
            // Which files set each name, whatever the language.
            let mut setters: BTreeMap<(String, String), Vec<(String, String)>> = BTreeMap::new();
            for place in found["places"].as_array().into_iter().flatten() {
                let file = place["file"].as_str().unwrap_or_default();
                for cookie in place["cookies"].as_array().into_iter().flatten() {
                    let (Some(name), Some(kind)) =
                        (cookie["name"].as_str(), cookie["kind"].as_str())
                    else {
                        continue;
                    };
                    let at = format!("{file}:{}", cookie["line"]);
                    setters
                        .entry((kind.to_owned(), name.to_owned()))
                        .or_default()
                        .push((at, href(file, &inputs.links).unwrap_or_default()));
                }
            }
            let measured: Vec<&Measured> = inputs
                .measured
                .iter()
                .filter(|m| m.site == site.id)
                .collect();
            let languages: Vec<Value> = site
                .languages
                .iter()
                .map(|lang| language(catalogue, s, lang, &setters, &measured))
                .collect();
            json!({
                "id": site.id,
                "url": site.url,
                "languages": languages,
            })
        })
        .collect()
}

/// One language of a site: its categories, each with its items.
fn language(
    catalogue: &Catalogue,
    site: crate::catalogue::SiteId,
    lang: &str,
    setters: &BTreeMap<(String, String), Vec<(String, String)>>,
    measured: &[&Measured],
) -> Value {
    let declaration = crate::export::declaration(catalogue, site, lang);
    let dir = catalogue
        .languages
        .get(lang)
        .and_then(|words| words.dir.clone())
        .unwrap_or_else(|| "ltr".to_owned());
    let categories: Vec<Value> = declaration["categories"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|category| {
            let id = category["id"].as_str()?;
            let items: Vec<Value> = declaration["cookies"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|c| c["category"] == id)
                .map(|c| item(c, setters, measured))
                .collect();
            (!items.is_empty()).then(|| {
                json!({
                    "id": id,
                    "title": category["title"],
                    "consent": category["consent_required"],
                    "items": items,
                })
            })
        })
        .collect();
    json!({ "lang": lang, "dir": dir, "categories": categories })
}

/// One declared item, with the files that set it and what the audit measured of it.
fn item(
    declared: &Value,
    setters: &BTreeMap<(String, String), Vec<(String, String)>>,
    measured: &[&Measured],
) -> Value {
    let name = declared["name"].as_str().unwrap_or_default();
    let kind = declared["kind"].as_str().unwrap_or_default();
    let mut places: Vec<&(String, String)> = setters
        .iter()
        .filter(|((k, n), _)| k == kind && audit::names_meet(name, n))
        .flat_map(|(_, places)| places)
        .collect();
    places.sort();
    places.dedup();
    let more = places.len().saturating_sub(PLACES_SHOWN);
    let shown: Vec<Value> = places
        .iter()
        .take(PLACES_SHOWN)
        .map(|(at, href)| json!({ "at": at, "href": (!href.is_empty()).then_some(href) }))
        .collect();
    let mut passes: Vec<&str> = measured
        .iter()
        .filter(|m| m.kind == kind && audit::names_meet(name, &m.name))
        .map(|m| m.pass.as_str())
        .collect();
    passes.sort();
    passes.dedup();
    json!({
        "name": name,
        "kind": kind,
        "provider": declared["provider"],
        "function": declared["function"],
        "purpose": declared["purpose"],
        "duration": declared["duration"]["text"],
        "party": declared["party"],
        "set_by": declared["set_by"],
        "places": shown,
        "more_places": more,
        "stored_in": passes,
    })
}
