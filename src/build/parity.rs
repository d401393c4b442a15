//! Language parity: every language a site declares shows every cookie table the site's other
//! languages show. A visitor reading the French page is owed the statistics table the English
//! one has.

use std::collections::BTreeSet;

use crate::catalogue::Catalogue;
use crate::diagnostic::{Diagnostic, Rule};

/// For each site of several languages with a policy page: each category shown in one of its
/// languages and not in another, said once per language that lacks it. A category no
/// language shows is left to `uncovered-cookie`.
pub(super) fn parity(
    catalogue: &Catalogue,
    shown: &[BTreeSet<(String, usize)>],
    policy_pages: &[usize],
    site_display: &str,
) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for (id, site) in catalogue.site_ids() {
        let s = id.0;
        if site.languages.len() < 2 || policy_pages[s] == 0 {
            continue;
        }
        let shown = &shown[s];
        let folder = if site.dir.is_empty() {
            site_display.to_owned()
        } else {
            format!("{site_display}/{}", site.dir)
        };
        let categories: BTreeSet<usize> = shown.iter().map(|(_, c)| *c).collect();
        for lang in &site.languages {
            let missing: Vec<usize> = categories
                .iter()
                .copied()
                .filter(|&c| !shown.contains(&(lang.clone(), c)))
                .collect();
            if missing.is_empty() {
                continue;
            }
            let any = shown.iter().any(|(l, _)| l == lang);
            // The languages that show every table this one lacks.
            let elsewhere: Vec<&str> = site
                .languages
                .iter()
                .filter(|l| *l != lang)
                .filter(|l| missing.iter().all(|&c| shown.contains(&((*l).clone(), c))))
                .map(String::as_str)
                .collect();
            let missing: Vec<&str> = missing
                .iter()
                .map(|&c| catalogue.categories[c].id.as_str())
                .collect();
            let tables = missing
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let message = if any {
                format!(
                    "site `{}` shows its {tables} table{} in {}, but no page in `{lang}` does",
                    site.id,
                    if missing.len() == 1 { "" } else { "s" },
                    if elsewhere.is_empty() {
                        "another of its languages".to_owned()
                    } else {
                        format!("`{}`", elsewhere.join("`, `"))
                    },
                )
            } else {
                format!(
                    "site `{}` declares the language `{lang}`, but no page in `{lang}` shows a cookie table ({tables} {} shown in its other languages)",
                    site.id,
                    if missing.len() == 1 { "is" } else { "are" },
                )
            };
            let markers = missing
                .iter()
                .map(|m| format!("<div data-cookie-table=\"{m}\"></div>"))
                .collect::<Vec<_>>()
                .join(" ");
            let d = Diagnostic::new(Rule::LanguageParity, Some(site.location.clone()), message)
                .with_help(format!(
                    "add {markers} to the `{lang}` policy page under {folder}/ (a page with <html lang=\"{lang}\">), or take `{lang}` out of the site's languages"
                ));
            findings.push(d);
        }
    }
    findings
}
