//! Writes the catalogue out for other consumers: a JSON declaration per site and language, and a
//! vanilla-cookieconsent configuration module per site, so nobody types the list twice.
//!
//! [`files`] is pure: it returns file names and contents; [`write`] puts them in place all at once.

use std::path::{Component, Path, PathBuf};

use serde_json::{Value, json};

use crate::catalogue::{Catalogue, Duration, Unit};
use crate::labels::{self, Column};

/// The files to write, as (`/`-separated path under the export folder, contents).
pub fn files(catalogue: &Catalogue) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for (s, site) in catalogue.sites.iter().enumerate() {
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
pub fn declaration(catalogue: &Catalogue, site: usize, lang: &str) -> Value {
    let info = &catalogue.sites[site];
    let categories: Vec<Value> = catalogue
        .categories
        .iter()
        .map(|c| json!({ "id": c.id, "title": c.title[lang], "description": c.description[lang], "consent_required": c.consent }))
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
                    "iso8601": iso8601(&duration),
                    "up_to": matches!(duration, Duration::Length { up_to: true, .. }),
                },
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

/// An ISO 8601 duration (`P13M`, `PT30M`); `None` for a session cookie.
fn iso8601(duration: &Duration) -> Option<String> {
    match *duration {
        Duration::Session => None,
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

/// An ES module with vanilla-cookieconsent's `categories` and the cookie tables of its
/// preferences modal, per language; patterns become regular expressions.
pub fn cookieconsent(catalogue: &Catalogue, site: usize) -> String {
    let info = &catalogue.sites[site];
    let mut categories = String::new();
    for (c, category) in catalogue.categories.iter().enumerate() {
        let rows = catalogue.rows(site, Some(c), &info.languages[0]);
        if rows.is_empty() {
            continue;
        }
        if !category.consent {
            categories.push_str(&format!(
                "  {}: {{ enabled: true, readOnly: true }},\n",
                js_string(&category.id)
            ));
            continue;
        }
        let names: Vec<String> = rows
            .iter()
            .flat_map(|r| r.names.iter())
            .map(|n| format!("      {{ name: {} }},\n", cookie_matcher(n)))
            .collect();
        categories.push_str(&format!(
            "  {}: {{\n    autoClear: {{\n      cookies: [\n{}      ],\n    }},\n  }},\n",
            js_string(&category.id),
            names.iter().map(|n| format!("  {n}")).collect::<String>()
        ));
    }
    let mut translations = String::new();
    for lang in &info.languages {
        let words = labels::words(lang).expect("validated");
        let mut sections = String::new();
        for (c, category) in catalogue.categories.iter().enumerate() {
            let rows = catalogue.rows(site, Some(c), lang);
            if rows.is_empty() {
                continue;
            }
            let body: String = rows
                .iter()
                .map(|r| {
                    format!(
                        "              {{ name: {}, provider: {}, purpose: {}, duration: {} }},\n",
                        html_string(&r.cell(Column::Names)),
                        html_string(&r.provider),
                        html_string(&r.purpose),
                        html_string(&r.duration)
                    )
                })
                .collect();
            sections.push_str(&format!(
                "        {{\n          title: {},\n          description: {},\n          linkedCategory: {},\n          cookieTable: {{\n            headers: {{ name: {}, provider: {}, purpose: {}, duration: {} }},\n            body: [\n{body}            ],\n          }},\n        }},\n",
                html_string(&category.title[lang]),
                html_string(&category.description[lang]),
                js_string(&category.id),
                html_string(words.header(Column::Names)),
                html_string(words.header(Column::Provider)),
                html_string(words.header(Column::Purpose)),
                html_string(words.header(Column::Duration)),
            ));
        }
        translations.push_str(&format!("  {}: {{\n    preferencesModal: {{\n      sections: [\n{sections}      ],\n    }},\n  }},\n", js_string(lang)));
    }
    format!(
        "// Generated by cookie-ledger from {} for {} ({}): do not edit, run `cookie-ledger export`.\n\
         // Use with vanilla-cookieconsent: CookieConsent.run({{ categories, language: {{ default: {}, translations }} }}),\n\
         // after adding each language's consentModal texts to `translations`.\n\n\
         export const categories = {{\n{categories}}};\n\nexport const translations = {{\n{translations}}};\n",
        // Catalogue text in a comment is quoted as a string, so no line break can end the comment.
        js_string(&catalogue.path),
        js_string(&info.id),
        js_string(&info.url),
        js_string(&info.languages[0]),
    )
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
