//! Reads the `_headers` file static hosts (Netlify, Cloudflare Pages) apply to responses.
//!
//! Lines without indentation are URL paths (`/*`, `/odwb/*`); indented `Name: value` lines
//! under them are headers for those paths; `#` starts a comment.

/// A `Set-Cookie` header for a path pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetCookie {
    /// The path pattern it applies to.
    pub path: String,
    /// The header's value.
    pub value: String,
    /// Byte offset of the header's line.
    pub offset: usize,
}

/// The `Set-Cookie` headers of a `_headers` file.
pub fn set_cookies(text: &str) -> Vec<SetCookie> {
    let mut found = Vec::new();
    let mut path: Option<&str> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let here = offset;
        offset += line.len();
        let content = line.trim_end();
        if content.trim().is_empty() || content.trim_start().starts_with('#') {
            continue;
        }
        if !content.starts_with([' ', '\t']) {
            path = Some(content.trim());
            continue;
        }
        let Some((name, value)) = content.trim().split_once(':') else {
            continue;
        };
        if let (Some(path), true) = (path, name.trim().eq_ignore_ascii_case("set-cookie")) {
            found.push(SetCookie {
                path: path.to_owned(),
                value: value.trim().to_owned(),
                offset: here,
            });
        }
    }
    found
}

/// Whether a `_headers` rule for `path` applies to a request for `request_path` (from the
/// folder the file sits in) on `host`.
pub fn applies_to_request(path: &str, request_path: &str, host: &str) -> bool {
    same_host(path, &format!("https://{host}"))
        && crate::pattern::matches(&pattern(path), request_path)
}

/// A rule's path as a pattern of `/`-separated segments: a full URL loses its scheme and host,
/// and a placeholder segment (`:site`) matches any one segment, as the hosts read them.
fn pattern(path: &str) -> String {
    let path = path.trim();
    let path = match path.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => path,
    };
    path.split('/')
        .map(|segment| {
            if segment.starts_with(':') {
                "*"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether a `_headers` path pattern covers pages under `dir` (a site folder, `/`-separated).
pub fn covers(path: &str, dir: &str) -> bool {
    let path = &pattern(path);
    let folder = if dir.is_empty() {
        "/".to_owned()
    } else {
        format!("/{dir}/")
    };
    if path.contains('*') {
        // `/*` covers every site; `/odwb/*` the site in `odwb`; `/odwb*` and `/*/cookies.html` too.
        return crate::pattern::matches(path, &folder)
            || path.starts_with(&folder)
            || crate::pattern::overlap(path, &format!("{folder}*"));
    }
    // The folder itself, without its slash, is its index page.
    if !dir.is_empty() && *path == format!("/{dir}") {
        return true;
    }
    // A plain path names one page: it serves the site whose folder holds it; `/` is the root site's home page.
    if dir.is_empty() {
        path.starts_with('/')
    } else {
        path.starts_with(&folder)
    }
}

/// Whether a `_headers` file at `file` (a path in the site folder) with a rule for `path`
/// serves pages of the site in folder `dir` at `site_url`.
pub fn serves(file: &str, path: &str, dir: &str, site_url: &str) -> bool {
    applies(file, path, dir) && same_host(path, site_url)
}

/// Whether a rule written with a full URL (`https://www.example.org/*`) names the site at
/// `site_url`; a rule written as a path names any.
fn same_host(path: &str, site_url: &str) -> bool {
    let host = |url: &str| {
        url.split_once("://").map(|(_, rest)| {
            rest.split('/')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase()
        })
    };
    match host(path.trim()) {
        Some(rule) => host(site_url).is_some_and(|site| site == rule),
        None => true,
    }
}

/// Whether a `_headers` file at `file` (a path in the site folder) with a rule for `path` serves pages of the site in `dir`.
///
/// The file applies to the folder it sits in, which a host serves as `/`.
fn applies(file: &str, path: &str, dir: &str) -> bool {
    let root = file.rsplit_once('/').map_or("", |(folder, _)| folder);
    if root.is_empty() {
        return covers(path, dir);
    }
    if dir == root || dir.starts_with(&format!("{root}/")) {
        let below = dir
            .strip_prefix(root)
            .unwrap_or_default()
            .trim_start_matches('/');
        return covers(path, below);
    }
    // A headers file inside a site's folder serves that site.
    root.starts_with(&format!("{dir}/")) && !dir.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_set_cookie_under_its_path() {
        let text = "# headers\n/*\n  X-Frame-Options: DENY\n  Set-Cookie: region=eu; Path=/; Secure\n/odwb/*\n\tset-cookie: odwb_ab=1\n";
        let found = set_cookies(text);
        assert_eq!(found.len(), 2);
        assert_eq!(
            (
                found[0].path.as_str(),
                found[0].value.as_str(),
                found[0].offset
            ),
            ("/*", "region=eu; Path=/; Secure", 37)
        );
        assert_eq!(
            (found[1].path.as_str(), found[1].value.as_str()),
            ("/odwb/*", "odwb_ab=1")
        );
        assert!(
            covers("/*", "odwb") && covers("/odwb/*", "odwb") && !covers("/odwb/*", "datastro")
        );
        assert!(covers("/datastro/cookies.html", "datastro"));
        assert!(
            !covers("/", "datastro"),
            "`/` is the home page of the root only"
        );
        assert!(covers("/", ""));
        for path in [
            "/*/cookies.html",
            "/:site/*",
            "/datastro",
            "https://www.datastro.eu/*",
        ] {
            assert!(covers(path, "datastro"), "{path}");
        }
        assert!(!covers("/other/*", "datastro"));
    }
}
