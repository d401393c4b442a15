//! What answers a request the browser makes during an audit: a file of the site for the
//! sites' own addresses, a file of `--fixtures` for other hosts, and otherwise the network
//! (`--network live`) or a refusal (`--network offline`), every refusal listed.

use std::path::{Path, PathBuf};

use crate::catalogue::Catalogue;
use crate::diagnostic::Location;

/// Whether requests to other hosts may leave the machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Network {
    /// Third-party requests go out.
    Live,
    /// Every request the site and the fixtures do not answer is refused.
    Offline,
}

/// How one request is answered.
#[derive(Debug, PartialEq, Eq)]
pub enum Answer {
    /// With this file's bytes and content type, and the `Set-Cookie` headers the output's
    /// `_headers` files give it.
    File(PathBuf, &'static str, Vec<HeaderCookie>),
    /// Not found: the address is the site's (or a fixture host's) and holds no file.
    NotFound,
    /// Sent out to the network.
    Network,
    /// Refused: offline, and nothing here answers it.
    Refused,
}

/// A `Set-Cookie` a `_headers` file gives a response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeaderCookie {
    /// The header's value.
    pub value: String,
    /// The `_headers` line, as reports name it.
    pub location: Location,
}

/// One `Set-Cookie` rule of a `_headers` file of the output.
struct HeaderRule {
    /// The folder the file sits in, relative to the output (`""` at its root).
    folder: String,
    rule: crate::scan::headers::SetCookie,
    location: Location,
}

/// The addresses a run answers for.
pub struct Routes {
    /// `Set-Cookie` rules of the output's `_headers` files (at its root and in site folders).
    headers: Vec<HeaderRule>,
    /// Each site's origin (`https://www.odwb.be`) and its folder in the output.
    sites: Vec<(String, PathBuf)>,
    /// The output folder, where sites built together share assets.
    root: PathBuf,
    fixtures: Option<PathBuf>,
    network: Network,
}

impl Routes {
    /// The routes of `catalogue`'s sites, served from `root`, with `fixtures` for other hosts.
    pub fn new(
        catalogue: &Catalogue,
        root: &Path,
        fixtures: Option<&Path>,
        network: Network,
    ) -> Routes {
        let mut headers = Vec::new();
        let folders = std::iter::once("").chain(catalogue.sites.iter().map(|s| s.dir.as_str()));
        for folder in folders {
            let file = root.join(folder).join("_headers");
            let Ok(text) = crate::fsio::read(&file, crate::fsio::MAX_TEXT) else {
                continue;
            };
            let text = String::from_utf8_lossy(&text);
            let shown = file.display().to_string();
            for rule in crate::scan::headers::set_cookies(&text) {
                let place =
                    crate::position::LineIndex::new().line_col(text.as_bytes(), rule.offset);
                headers.push(HeaderRule {
                    folder: folder.to_owned(),
                    location: Location::new(shown.clone(), place),
                    rule,
                });
            }
        }
        Routes {
            headers,
            sites: catalogue
                .sites
                .iter()
                .map(|s| (origin(&s.url), root.join(&s.dir)))
                .collect(),
            root: root.to_path_buf(),
            fixtures: fixtures.map(Path::to_path_buf),
            network,
        }
    }

    /// How to answer a request for `url`.
    pub fn answer(&self, url: &str) -> Answer {
        let (origin, path) = split(url);
        if let Some((_, dir)) = self.sites.iter().find(|(o, _)| *o == origin) {
            // A path the site's folder lacks is looked for at the output's root, where sites
            // built together share assets (`../assets/consent.js`).
            return file(dir, path, true)
                .or_else(|| file(&self.root, path, true))
                .map_or(Answer::NotFound, |p| {
                    let kind = content_type(&p);
                    let cookies = self.set_cookies(origin, path, &p);
                    Answer::File(p, kind, cookies)
                });
        }
        if let Some(fixtures) = &self.fixtures {
            let host = origin.split("://").nth(1).unwrap_or_default();
            let dir = fixtures.join(host);
            if !host.is_empty() && dir.is_dir() {
                return file(&dir, path, false).map_or(Answer::NotFound, |p| {
                    let kind = if p.extension().is_none() {
                        "text/javascript"
                    } else {
                        content_type(&p)
                    };
                    Answer::File(p, kind, Vec::new())
                });
            }
        }
        match self.network {
            Network::Live if url.starts_with("http") => Answer::Network,
            Network::Live => Answer::Network,
            Network::Offline if url.starts_with("data:") || url.starts_with("blob:") => {
                Answer::Network
            }
            Network::Offline => Answer::Refused,
        }
    }
}

impl Routes {
    /// Whether requests to `origin` (`https://host[:port]`) are answered here: a site's
    /// origin, or a host of the fixtures.
    pub fn serves(&self, origin: &str) -> bool {
        self.sites.iter().any(|(o, _)| o == origin)
            || self.fixtures.as_ref().is_some_and(|fixtures| {
                let host = origin.split("://").nth(1).unwrap_or_default();
                !host.is_empty()
                    && !host.starts_with('.')
                    && !host.contains(['/', '\\'])
                    && fixtures.join(host).is_dir()
            })
    }

    /// Whether requests may leave the machine.
    pub fn network(&self) -> Network {
        self.network
    }

    /// The `Set-Cookie` headers the output's `_headers` files give the response for `path` on
    /// `origin`, served from `file`.
    fn set_cookies(&self, origin: &str, path: &str, file: &Path) -> Vec<HeaderCookie> {
        let host = origin.split("://").nth(1).unwrap_or_default();
        let in_output = file
            .strip_prefix(&self.root)
            .map(|p| format!("/{}", p.to_string_lossy().replace('\\', "/")))
            .unwrap_or_default();
        self.headers
            .iter()
            .filter(|h| {
                // A site folder's file sees the site's own paths; the root's sees the output's.
                let request = if h.folder.is_empty() {
                    in_output.clone()
                } else {
                    path.to_owned()
                };
                let folder_form = request.strip_suffix("index.html").map(str::to_owned);
                crate::scan::headers::applies_to_request(&h.rule.path, &request, host)
                    || folder_form.is_some_and(|f| {
                        crate::scan::headers::applies_to_request(&h.rule.path, &f, host)
                    })
            })
            .map(|h| HeaderCookie {
                value: h.rule.value.clone(),
                location: h.location.clone(),
            })
            .collect()
    }
}

/// `scheme://host[:port]` of `url`, without a trailing slash.
pub fn origin(url: &str) -> String {
    split(url).0.to_owned()
}

/// A URL's origin and its path, query and fragment cut.
fn split(url: &str) -> (&str, &str) {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let end = url[after_scheme..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| after_scheme + i);
    let origin = &url[..end];
    let rest = &url[end..];
    let path = rest.split(['?', '#']).next().unwrap_or_default();
    (origin, path)
}

/// The file `path` names under `dir`: never outside it; a folder gives its `index.html`.
fn file(dir: &Path, path: &str, index: bool) -> Option<PathBuf> {
    let decoded = crate::html::percent_decode(path);
    let mut target = dir.to_path_buf();
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            // The browser already resolves `..`; one left over tries to leave the folder.
            ".." => return None,
            part => target.push(part),
        }
    }
    if target.is_dir() && index {
        target.push("index.html");
    }
    target.is_file().then_some(target)
}

/// The content type of a file, by its extension.
fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "xhtml" => "application/xhtml+xml",
        "js" | "mjs" | "cjs" => "text/javascript",
        "css" => "text/css",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "gif" => "image/gif",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        "xml" => "application/xml",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// Routes of one site, `https://a.example`, with fixtures for the tag manager's host.
    pub(in crate::visit) fn routes(network: Network) -> (tempfile::TempDir, Routes) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for (path, text) in [
            ("out/a/index.html", "a"),
            ("out/a/fr/page.html", "p"),
            ("out/assets/consent.js", "c"),
            ("fixtures/www.googletagmanager.com/gtag/js", "g"),
        ] {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let routes = Routes {
            headers: Vec::new(),
            sites: vec![("https://a.example".into(), root.join("out/a"))],
            root: root.join("out"),
            fixtures: Some(root.join("fixtures")),
            network,
        };
        (dir, routes)
    }

    #[test]
    fn site_addresses_are_answered_from_the_output_and_never_outside_it() {
        let (dir, routes) = routes(Network::Offline);
        let out = dir.path().join("out");
        assert_eq!(
            routes.answer("https://a.example/"),
            Answer::File(out.join("a/index.html"), "text/html; charset=utf-8", vec![])
        );
        assert_eq!(
            routes.answer("https://a.example/fr/page.html?x=1#top"),
            Answer::File(
                out.join("a/fr/page.html"),
                "text/html; charset=utf-8",
                vec![]
            )
        );
        assert_eq!(
            routes.answer("https://a.example/assets/consent.js"),
            Answer::File(out.join("assets/consent.js"), "text/javascript", vec![])
        );
        assert_eq!(
            routes.answer("https://a.example/missing.html"),
            Answer::NotFound
        );
        assert_eq!(
            routes.answer("https://a.example/%2e%2e/%2e%2e/etc/passwd"),
            Answer::NotFound
        );
    }

    #[test]
    fn fixtures_answer_other_hosts_whatever_the_query_and_offline_refuses_the_rest() {
        let (dir, routes) = routes(Network::Offline);
        assert_eq!(
            routes.answer("https://www.googletagmanager.com/gtag/js?id=G-1"),
            Answer::File(
                dir.path().join("fixtures/www.googletagmanager.com/gtag/js"),
                "text/javascript",
                vec![]
            )
        );
        assert_eq!(
            routes.answer("https://www.googletagmanager.com/other.js"),
            Answer::NotFound
        );
        assert_eq!(
            routes.answer("https://tracker.example/t.js"),
            Answer::Refused
        );
        let (_dir, live) = super::tests::routes(Network::Live);
        assert_eq!(live.answer("https://tracker.example/t.js"), Answer::Network);
    }

    #[test]
    fn a_run_serves_its_sites_and_its_fixture_hosts_and_no_other() {
        let (_dir, routes) = routes(Network::Offline);
        assert!(routes.serves("https://a.example"));
        assert!(routes.serves("https://www.googletagmanager.com"));
        assert!(!routes.serves("https://a.example:8443"));
        assert!(!routes.serves("https://tracker.example"));
        assert!(!routes.serves("https://.."));
        assert!(!routes.serves("https://"));
    }
}
