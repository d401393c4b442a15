//! Writes the catalogue out for other consumers: a JSON declaration per site and language, and a
//! vanilla-cookieconsent configuration module per site, so nobody types the list twice.
//!
//! [`files`] is pure: it returns file names and contents; [`write`] puts them in place all at once.

use std::path::{Component, Path, PathBuf};

use serde_json::{Value, json};

use crate::catalogue::{Catalogue, Duration, SiteId, Unit};
use crate::labels::Column;

/// The files to write, as (`/`-separated path under the export folder, contents).
pub fn files(catalogue: &Catalogue) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for (s, site) in catalogue.site_ids() {
        for lang in &site.languages {
            let declaration = declaration(catalogue, s, lang);
            let text = serde_json::to_string_pretty(&declaration).expect("plain JSON") + "\n";
            files.push((format!("{}/cookies.{lang}.json", site.id), text));
        }
        files.push((
            format!("{}/cookieconsent.mjs", site.id),
            cookieconsent(catalogue, s),
        ));
    }
    files
}

/// The JSON declaration of `site` in `lang`: one entry per cookie name or pattern.
pub fn declaration(catalogue: &Catalogue, site: SiteId, lang: &str) -> Value {
    let info = &catalogue.sites[site];
    let categories: Vec<Value> = catalogue
        .categories
        .iter()
        .map(|c| json!({ "id": c.id, "title": c.title[lang], "description": c.description(lang), "consent_required": c.consent }))
        .collect();
    let mut cookies = Vec::new();
    for row in catalogue.rows(site, None, lang) {
        let cookie = &catalogue.cookies[row.cookie];
        let duration = cookie
            .overrides
            .get(&site)
            .and_then(|o| o.duration)
            .unwrap_or(cookie.duration);
        for name in &row.names {
            cookies.push(json!({
                "name": name,
                "pattern": name.contains('*'),
                "provider": row.provider,
                "function": row.function,
                "purpose": row.purpose,
                "duration": {
                    "text": row.duration,
                    "session": duration == Duration::Session,
                    "persistent": duration == Duration::Persistent,
                    "iso8601": iso8601(&duration),
                    "up_to": matches!(duration, Duration::Length { up_to: true, .. }),
                },
                "kind": cookie.kind.id(),
                "category": catalogue.categories[cookie.category].id,
                "party": cookie.party.id(),
                "set_by": cookie.set_by.id(),
            }));
        }
    }
    json!({
        "generator": "cookie-ledger",
        "version": 1,
        "site": { "id": info.id, "url": info.url },
        "language": lang,
        "categories": categories,
        "cookies": cookies,
    })
}

/// An ISO 8601 duration (`P13M`, `PT30M`); `None` for a session cookie or storage kept until deleted.
fn iso8601(duration: &Duration) -> Option<String> {
    match *duration {
        Duration::Session | Duration::Persistent | Duration::Unstated => None,
        Duration::Length { amount, unit, .. } => Some(match unit {
            Unit::Minute => format!("PT{amount}M"),
            Unit::Hour => format!("PT{amount}H"),
            Unit::Day => format!("P{amount}D"),
            Unit::Week => format!("P{amount}W"),
            Unit::Month => format!("P{amount}M"),
            Unit::Year => format!("P{amount}Y"),
        }),
    }
}

/// The module's template: JavaScript laid out for people to read, values filled in as literals.
const COOKIECONSENT: &str = include_str!("cookieconsent.mjs");

/// An ES module with vanilla-cookieconsent's `categories` and the cookie tables of its
/// preferences modal, per language; patterns become regular expressions.
pub fn cookieconsent(catalogue: &Catalogue, site: SiteId) -> String {
    use minijinja::context;
    let info = &catalogue.sites[site];
    let shown = |c: usize, lang: &str| catalogue.rows(site, Some(c), lang);
    let categories: Vec<_> = catalogue
        .categories
        .iter()
        .enumerate()
        .filter_map(|(c, category)| {
            let rows = shown(c, &info.languages[0]);
            // vanilla-cookieconsent clears cookies only; web storage is listed, not cleared.
            let names: Vec<String> = rows
                .iter()
                .filter(|r| catalogue.cookies[r.cookie].kind.is_cookie())
                .flat_map(|r| r.names.iter())
                .map(|n| cookie_matcher(n))
                .collect();
            (!rows.is_empty()).then(|| {
                context! { id => js_string(&category.id), read_only => !category.consent, names }
            })
        })
        .collect();
    let translations: Vec<_> = info
        .languages
        .iter()
        .map(|lang| {
            let words = catalogue.words(lang).expect("validated");
            let sections: Vec<_> = catalogue
                .categories
                .iter()
                .enumerate()
                .filter_map(|(c, category)| {
                    let rows: Vec<_> = shown(c, lang)
                        .iter()
                        .map(|r| {
                            context! {
                                names => html_string(&r.cell(Column::Names)),
                                provider => html_string(&r.provider),
                                purpose => html_string(&r.purpose),
                                duration => html_string(&r.duration),
                                kind => html_string(&r.kind),
                            }
                        })
                        .collect();
                    (!rows.is_empty()).then(|| {
                        context! {
                            title => html_string(&category.title[lang]),
                            description => html_string(category.description(lang)),
                            category => js_string(&category.id),
                            rows,
                        }
                    })
                })
                .collect();
            let header = |column| html_string(words.header(column));
            context! {
                lang => js_string(lang),
                headers => context! {
                    names => header(Column::Names),
                    provider => header(Column::Provider),
                    purpose => header(Column::Purpose),
                    duration => header(Column::Duration),
                    kind => header(Column::Kind),
                },
                sections,
            }
        })
        .collect();
    let mut env = minijinja::Environment::new();
    // Values are finished literals; a template's own escaping would corrupt them.
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
        .keep_trailing_newline(true)
        .build()
    {
        env.set_syntax(syntax);
    }
    let rendered = env.render_str(
        COOKIECONSENT,
        context! {
            // Catalogue text in a comment is quoted as a string, so no line break can end the comment.
            path => js_string(&catalogue.path),
            site => js_string(&info.id),
            url => js_string(&info.url),
            default_lang => js_string(&info.languages[0]),
            show_kind => catalogue.declares_storage(site),
            categories,
            translations,
        },
    );
    // The template is built in and every value a plain string: only a bug in it can fail
    // here, and the export test renders it for every site of the demo.
    rendered.expect("the built-in module template renders any catalogue")
}

/// Writes `files` under `out`, all or none: every file goes to a temporary sibling first, and
/// only when all are written are they renamed into place. Files of other names are kept.
pub fn write(out: &Path, catalogue: &Catalogue, files: &[(String, String)]) -> Result<(), String> {
    let inputs: Vec<PathBuf> = catalogue
        .inputs
        .iter()
        .filter_map(|p| p.canonicalize().ok())
        .collect();
    // Every path is checked before anything is written.
    let mut targets = Vec::new();
    for (rel, contents) in files {
        // Site ids are validated, so these hold no `..`; checked again because the folder is the user's.
        if Path::new(rel)
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
        {
            return Err(format!(
                "refusing to write {rel}: it leaves {}",
                out.display()
            ));
        }
        let path = out.join(rel);
        if path.is_dir() {
            return Err(format!(
                "cannot write {}: a folder of that name is in the way; nothing was written",
                path.display()
            ));
        }
        if path.exists() && !written_by_export(&path) {
            return Err(format!(
                "refusing to replace {}: cookie-ledger did not write it; nothing was written",
                path.display()
            ));
        }
        if path.canonicalize().is_ok_and(|p| inputs.contains(&p)) {
            return Err(format!(
                "refusing to write {}: the catalogue reads that file",
                path.display()
            ));
        }
        targets.push((path, contents));
    }
    let mut created: Vec<PathBuf> = Vec::new();
    let mut prepared: Vec<(PathBuf, PathBuf)> = Vec::new();
    let undo = |prepared: &[(PathBuf, PathBuf)], created: &[PathBuf]| {
        for (temporary, _) in prepared {
            let _ = std::fs::remove_file(temporary);
        }
        for folder in created.iter().rev() {
            let _ = std::fs::remove_dir(folder);
        }
    };
    for (path, contents) in targets {
        let written = make_folders(path.parent().unwrap_or(out), &mut created)
            .and_then(|()| crate::fsio::prepare(&path, contents.as_bytes()));
        match written {
            Ok(temporary) => prepared.push((temporary, path)),
            Err(e) => {
                undo(&prepared, &created);
                return Err(format!(
                    "cannot write {}: {e}; nothing was written",
                    path.display()
                ));
            }
        }
    }
    for (temporary, path) in &prepared {
        crate::fsio::commit(temporary, path)
            .map_err(|e| format!("cannot put {} in place: {e}", path.display()))?;
    }
    Ok(())
}

/// Whether the file at `path` is one `export` wrote: a declaration or a module it generated.
fn written_by_export(path: &Path) -> bool {
    let Ok(bytes) = crate::fsio::read(path, crate::fsio::MAX_TEXT) else {
        return false;
    };
    bytes.starts_with(b"// Generated by cookie-ledger")
        || serde_json::from_slice::<Value>(&bytes).is_ok_and(|v| v["generator"] == "cookie-ledger")
}

/// Creates `folder` and its missing ancestors, recording each one created, outermost first.
fn make_folders(folder: &Path, created: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut missing = Vec::new();
    let mut at = Some(folder);
    while let Some(f) = at.filter(|f| !f.as_os_str().is_empty() && !f.exists()) {
        missing.push(f.to_path_buf());
        at = f.parent();
    }
    for f in missing.into_iter().rev() {
        std::fs::create_dir(&f)?;
        created.push(f);
    }
    Ok(())
}

/// A name as vanilla-cookieconsent matches it: a string, or a regular expression for a pattern.
fn cookie_matcher(name: &str) -> String {
    if !name.contains('*') {
        return js_string(name);
    }
    let parts: Vec<String> = name.split('*').map(regex_escape).collect();
    format!("/^{}$/", parts.join(".*"))
}

fn regex_escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if "\\^$.|?*+()[]{}/".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A JavaScript string literal of text escaped for HTML: vanilla-cookieconsent puts the
/// preferences modal's texts and table cells into the page as HTML.
fn html_string(text: &str) -> String {
    js_string(&crate::render::escape_text(text))
}

/// A JavaScript string literal; line and paragraph separators escaped too, which JSON leaves as they are.
fn js_string(text: &str) -> String {
    serde_json::to_string(text)
        .unwrap_or_default()
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}
