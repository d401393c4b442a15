//! Renders each cookie table once per site, category and language with minijinja; no I/O.
//! Templates are checked first (`context`): catalogue text may only land where escaping makes it safe.

mod context;

use std::collections::HashMap;

use minijinja::{AutoEscape, Environment, UndefinedBehavior, context};

use crate::catalogue::{Catalogue, SiteId};
use crate::diagnostic::{Diagnostic, Location, Rule};
use crate::labels::Column;

/// The built-in table template: an accessible table with the seeds' columns plus duration.
pub const DEFAULT_TEMPLATE: &str = include_str!("templates/cookie-table.html");

/// The work one table's rendering may do, in template instructions: far beyond any real table.
const TEMPLATE_FUEL: u64 = 2_000_000;

// The `.html` suffix turns on minijinja's HTML auto-escaping for catalogue text.
const DEFAULT_NAME: &str = "cookie-table.html";

/// Which table a marker asks for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TableKey {
    /// The site whose cookies it lists.
    pub site: SiteId,
    /// The category (index into [`Catalogue::categories`]).
    pub category: usize,
    /// The language code, one of the site's.
    pub lang: String,
}

/// Every table the catalogue can produce, rendered up front so pages only copy strings.
pub struct Tables {
    html: HashMap<TableKey, String>,
}

impl Tables {
    /// Renders every (site, category, language) table; errors name the template and line.
    pub fn render(catalogue: &Catalogue) -> Result<Tables, Vec<Diagnostic>> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        // A template runs with bounded work: a loop that never ends runs out of fuel instead.
        env.set_fuel(Some(TEMPLATE_FUEL));
        // Every value is escaped; nothing may turn that off for catalogue text.
        env.remove_filter("safe");
        env.set_formatter(|out, state, value| {
            if matches!(state.auto_escape(), AutoEscape::Html)
                && !value.is_safe()
                && value.as_str().is_some()
            {
                out.write_str(&escape_text(value.as_str().unwrap_or_default()))
                    .map_err(|_| {
                        minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "cannot write")
                    })
            } else {
                minijinja::escape_formatter(out, state, value)
            }
        });
        let mut errors = Vec::new();
        let mut names = Vec::new();
        add(
            &mut env,
            DEFAULT_NAME.into(),
            DEFAULT_NAME,
            DEFAULT_TEMPLATE,
            &mut errors,
        );
        for site in &catalogue.sites {
            let name = site
                .template
                .as_ref()
                .map_or(DEFAULT_NAME.to_owned(), |(path, source)| {
                    let name = format!("site-{}.html", site.id);
                    add(&mut env, name.clone(), path, source, &mut errors);
                    name
                });
            names.push(name);
        }
        if !errors.is_empty() {
            return Err(errors);
        }

        let mut html = HashMap::new();
        for ((s, site), name) in catalogue.site_ids().zip(&names) {
            let template = env.get_template(name).expect("added above");
            let path = site
                .template
                .as_ref()
                .map_or(DEFAULT_NAME, |(p, _)| p.as_str());
            // One site's tables share their columns: a type column in all of them, or none.
            let show_kind = catalogue.declares_storage(s);
            for (c, category) in catalogue.categories.iter().enumerate() {
                for lang in &site.languages {
                    let words = catalogue.words(lang).expect("validated language");
                    let headers: HashMap<&str, String> = Column::ALL
                        .iter()
                        .map(|&col| (col.key(), words.header(col).to_owned()))
                        .collect();
                    let rows: Vec<_> = catalogue
                        .rows(s, Some(c), lang)
                        .into_iter()
                        .map(|r| {
                            let cookie = &catalogue.cookies[r.cookie];
                            context! {
                                names => r.names,
                                provider => r.provider,
                                function => r.function,
                                purpose => r.purpose,
                                duration => r.duration,
                                kind => r.kind,
                                kind_id => cookie.kind.id(),
                                party => cookie.party.id(),
                                set_by => cookie.set_by.id(),
                            }
                        })
                        .collect();
                    let ctx = context! {
                        lang => lang,
                        updated => &catalogue.updated,
                        site => context! { id => &site.id, url => &site.url },
                        category => context! {
                            id => &category.id,
                            title => &category.title[lang],
                            description => category.description(lang),
                            consent => category.consent,
                        },
                        headers => headers,
                        rows => rows,
                        show_kind => show_kind,
                        dir => words.dir.as_deref(),
                    };
                    match template.render(ctx) {
                        Ok(out) if out.contains(crate::html::MARKER_ATTRIBUTE) => {
                            let message = "the template's table contains a marker (data-cookie-table), which the next build would fill again";
                            let d = Diagnostic::new(
                                Rule::Template,
                                Some(Location::new(path, (1, 1))),
                                message,
                            );
                            errors.push(d.with_help("leave the marker to the page: the template renders only what goes inside it"));
                        }
                        Ok(out) => {
                            html.insert(
                                TableKey {
                                    site: s,
                                    category: c,
                                    lang: lang.clone(),
                                },
                                format!("\n{}\n", out.trim()),
                            );
                        }
                        Err(e) => errors.push(template_error(path, &e)),
                    }
                }
            }
        }
        errors.dedup();
        if errors.is_empty() {
            Ok(Tables { html })
        } else {
            Err(errors)
        }
    }

    /// The rendered table for `key`, with a leading and trailing newline.
    pub fn get(&self, key: &TableKey) -> Option<&str> {
        self.html.get(key).map(String::as_str)
    }
}

/// Escapes text for HTML content and double-quoted attributes.
///
/// Apostrophes stay as they are, so "visitor's" reads (and greps) as written; templates are
/// therefore refused when they put a value anywhere but content or a double-quoted value.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

fn add(
    env: &mut Environment<'static>,
    name: String,
    path: &str,
    source: &str,
    errors: &mut Vec<Diagnostic>,
) {
    if let Err(refusal) = context::check(source) {
        let d = Diagnostic::new(
            Rule::Template,
            Some(Location::new(path, (refusal.line, 1))),
            refusal.message,
        );
        errors.push(d.with_help(refusal.help));
        return;
    }
    if let Err(e) = env.add_template_owned(name, source.to_owned()) {
        errors.push(template_error(path, &e));
    }
}

fn template_error(path: &str, e: &minijinja::Error) -> Diagnostic {
    let location = e.line().map(|line| Location::new(path, (line, 1)));
    if e.kind() == minijinja::ErrorKind::OutOfFuel {
        return Diagnostic::new(
            Rule::Template,
            location,
            "the template does far more work than any table needs (a loop that does not end?)",
        )
        .with_help("render the rows it is given, once each");
    }
    let detail = e.detail().map(|d| format!(": {d}")).unwrap_or_default();
    Diagnostic::new(Rule::Template, location, format!("{}{detail}", e.kind()))
        .with_help("the template receives lang, dir, site, category, headers, rows and show_kind; see README.md (\"Templates\")")
}
