//! `[[site]]` tables: ids, folders, languages, and their table templates.

use std::path::Path;

use super::super::Site;
use super::super::raw::RawCatalogue;
use crate::labels;

use super::Checker;

pub(super) fn sites(
    checker: &mut Checker,
    raw: &RawCatalogue,
    base: &Path,
    inputs: &mut Vec<std::path::PathBuf>,
    declared: &mut std::collections::BTreeMap<String, labels::Words>,
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
        if let Some(word) = super::placeholder(url) {
            checker.error(
                site.url.span(),
                format!("the url of site `{id}` is a placeholder (`{word}`)"),
                "write the site's public address, such as https://www.example.org",
            );
        }
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
        // Languages without words, which the site's template may word itself.
        let mut unworded = Vec::new();
        for lang in site.languages.get_ref() {
            let code = lang.get_ref();
            let primary = labels::primary(code);
            let own = declared
                .keys()
                .any(|t| t.eq_ignore_ascii_case(code) || t.eq_ignore_ascii_case(primary));
            if labels::words(code).is_none() && !own && site.template.is_some() {
                if !languages.contains(code) {
                    languages.push(code.clone());
                }
                unworded.push(lang);
            } else if labels::words(code).is_none() && !own {
                let supported: Vec<&str> = labels::languages()
                    .iter()
                    .map(|w| w.lang.as_str())
                    .collect();
                checker.error(
                    lang.span(),
                    format!("language `{code}` has no built-in table wording"),
                    &format!(
                        "give its words in a `[language.{code}]` table (README.md, \"The catalogue\"), or use one of: {}",
                        supported.join(", ")
                    ),
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
        for lang in unworded {
            let code = lang.get_ref();
            let Some((path, source)) = &template else {
                continue;
            };
            match super::template_headers::words(code, source) {
                Ok(words) => {
                    declared.entry(code.clone()).or_insert(words);
                }
                Err(missing) => {
                    let missing: Vec<&str> = missing.iter().map(|c| c.key()).collect();
                    checker.error(
                        lang.span(),
                        format!(
                            "language `{code}` has no built-in table wording, and the template of site `{id}` ({path}) does not write every column's header itself (not: {})",
                            missing.join(", ")
                        ),
                        &format!(
                            "write each header as text in the template (<th>...</th> above {{{{ row.<field> }}}}), or give the words in a `[language.{code}]` table"
                        ),
                    );
                }
            }
        }
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

pub(super) fn site_hint(sites: &[Site]) -> String {
    let ids: Vec<&str> = sites.iter().map(|s| s.id.as_str()).collect();
    format!("use one of the site ids: {}", ids.join(", "))
}

/// A site id is also a folder name of `export`: it starts with a letter or digit and never holds `..`.
pub(super) fn is_identifier(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_alphanumeric())
        && !id.contains("..")
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
}

/// The largest template read: a table template is a few lines.
pub(super) const MAX_TEMPLATE: u64 = 1024 * 1024;

/// Reads a site template at `relative` to the catalogue's folder `base`; it must be a regular file inside that folder.
pub(super) fn template(
    base: &Path,
    relative: &str,
) -> (std::path::PathBuf, Result<String, String>) {
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
