//! Where a script a page loads lives in the site folder, when it is the site's own.

use super::Context;
use crate::catalogue::SiteId;

/// The site-folder path of a script a page loads by `url`; a page of no site resolves against the site root.
pub(super) fn local_script(
    ctx: &Context,
    site: Option<SiteId>,
    page: &str,
    url: &str,
) -> Option<String> {
    match site {
        Some(s) => {
            let info = &ctx.catalogue.sites[s];
            local_path(page, &info.dir, &info.url, url)
        }
        None => local_path(page, "", "", url),
    }
}

/// The site-folder path a page's script URL points to, or `None` for another host.
///
/// A root-relative URL starts at the site's own folder: each site is served at its own
/// address, `site_url`, and an absolute URL on that address is the site's too.
pub fn local_path(page: &str, site_dir: &str, site_url: &str, url: &str) -> Option<String> {
    let url = url.trim();
    let url = url.split(['?', '#']).next().unwrap_or_default();
    let own = site_url.trim_end_matches('/');
    let url = match url.strip_prefix(own) {
        Some(path) if path.is_empty() || path.starts_with('/') => {
            if path.is_empty() {
                "/"
            } else {
                path
            }
        }
        _ => url,
    };
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("//")
        || lower.contains("://")
        || lower.starts_with("data:")
        || lower.is_empty()
    {
        return None;
    }
    let url = crate::html::percent_decode(url);
    let base = match url.strip_prefix('/') {
        Some(_) => site_dir.to_owned(),
        None => page
            .rsplit_once('/')
            .map_or(String::new(), |(dir, _)| dir.to_owned()),
    };
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for part in url.trim_start_matches('/').split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}
