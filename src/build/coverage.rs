//! Whether every site has a policy page, and every cookie it declares is listed on one.

use std::collections::BTreeSet;

use crate::catalogue::Catalogue;
use crate::diagnostic::{Diagnostic, Rule};

/// Sites without a policy page, and cookies no policy page of their site lists.
pub(super) fn coverage(
    catalogue: &Catalogue,
    covered: &[BTreeSet<usize>],
    policy_pages: &[usize],
    site_display: &str,
) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for (id, site) in catalogue.site_ids() {
        let s = id.0;
        let folder = if site.dir.is_empty() {
            site_display.to_owned()
        } else {
            format!("{site_display}/{}", site.dir)
        };
        if policy_pages[s] == 0 {
            let d = Diagnostic::new(
                Rule::NoPolicyPage,
                Some(site.location.clone()),
                format!(
                    "site `{}` has no page with a cookie table under {folder}/",
                    site.id
                ),
            );
            findings.push(d.with_help(format!("add a policy page to {folder}/ with a marker such as <div data-cookie-table=\"necessary\"></div>")));
            continue;
        }
        for (c, cookie) in catalogue.cookies.iter().enumerate() {
            if cookie.sites.contains(&id) && !covered[s].contains(&c) {
                let category = &catalogue.categories[cookie.category].id;
                let d = Diagnostic::new(
                    Rule::UncoveredCookie,
                    Some(cookie.location.clone()),
                    format!(
                        "cookie `{}` appears on none of site `{}`'s policy pages",
                        cookie.names.join(", "),
                        site.id
                    ),
                );
                findings.push(d.with_help(format!("add <div data-cookie-table=\"{category}\"></div> to a policy page under {folder}/")));
            }
        }
    }
    findings
}
