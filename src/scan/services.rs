//! The third-party services the tool recognises on a page (from `src/data/services.toml`
//! and the catalogue's own `[[service]]` tables), and the cookies each one sets.

use serde::Deserialize;

use crate::catalogue::Duration;
pub use crate::catalogue::service::{Matchers, Service, ServiceCookie};
use crate::pattern;

/// The data file shipped with the tool.
pub const BUILTIN: &str = include_str!("../data/services.toml");

/// Which kind of tag a URL comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TagKind {
    /// `<script src>`.
    Script,
    /// `<iframe src>`.
    Iframe,
    /// `<img src>`.
    Img,
}

/// The list of services, catalogue's first so they win.
#[derive(Clone, Debug, Default)]
pub struct Services {
    list: Vec<Service>,
    /// Each service's URL rules per kind of tag (script, iframe, img), in lower case, split
    /// once here: every string literal of every script is held against them.
    urls: Vec<[Vec<Vec<UrlPart>>; 3]>,
}

/// One part a URL must contain: in its query (`id=`) or before it.
#[derive(Clone, Debug)]
struct UrlPart {
    in_query: bool,
    lower: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    service: Vec<Service>,
}

impl Services {
    /// The built-in services followed by `extra` ones; `extra` come first so a catalogue can override.
    pub fn new(extra: Vec<Service>) -> Services {
        let builtin: File = toml::from_str(BUILTIN)
            .unwrap_or_else(|e| panic!("src/data/services.toml: {}", e.message()));
        // A catalogue's service replaces the built-in one of the same id, in every check.
        let mut list = extra;
        let own: Vec<String> = list.iter().map(|s| s.id.clone()).collect();
        list.extend(builtin.service.into_iter().filter(|s| !own.contains(&s.id)));
        let compile = |rules: &[Vec<String>]| -> Vec<Vec<UrlPart>> {
            rules
                .iter()
                .filter(|all| !all.is_empty())
                .map(|all| {
                    all.iter()
                        .map(|part| UrlPart {
                            in_query: part.contains('='),
                            lower: part.to_ascii_lowercase(),
                        })
                        .collect()
                })
                .collect()
        };
        let urls = list
            .iter()
            .map(|s| {
                [
                    compile(&s.matchers.script_src),
                    compile(&s.matchers.iframe_src),
                    compile(&s.matchers.img_src),
                ]
            })
            .collect();
        Services { list, urls }
    }

    /// Every service, in matching order.
    pub fn all(&self) -> &[Service] {
        &self.list
    }

    /// The service a tag's URL belongs to.
    pub fn by_url(&self, kind: TagKind, url: &str) -> Option<&Service> {
        let url = Lowered::new(url);
        self.by_lowered_url(kind, &url)
    }

    fn by_lowered_url(&self, kind: TagKind, url: &Lowered) -> Option<&Service> {
        let k = match kind {
            TagKind::Script => 0,
            TagKind::Iframe => 1,
            TagKind::Img => 2,
        };
        self.urls
            .iter()
            .position(|rules| rules[k].iter().any(|all| url.has(all)))
            .map(|i| &self.list[i])
    }

    /// The place of `service` in [`Services::all`]; ids are unique in the list, as a
    /// catalogue's service replaces the built-in one of the same id.
    pub fn index_of(&self, service: &Service) -> usize {
        self.list
            .iter()
            .position(|s| s.id == service.id)
            .unwrap_or_default()
    }

    /// The services whose tag URL a string contains, whatever kind of tag would load it.
    pub fn by_url_anywhere(&self, url: &str) -> Option<&Service> {
        // Every service's URL names a host: a string with no dot is none of them.
        if !url.contains('.') {
            return None;
        }
        let url = Lowered::new(url);
        [TagKind::Script, TagKind::Iframe, TagKind::Img]
            .into_iter()
            .find_map(|kind| self.by_lowered_url(kind, &url))
    }

    /// The service a call with literal arguments (`e("config","G-1")`) belongs to.
    pub fn by_call(&self, first: &str, second: &str) -> Option<&Service> {
        self.list.iter().find(|s| {
            s.matchers
                .call
                .iter()
                .any(|[f, prefix]| f == first && second.starts_with(prefix.as_str()))
        })
    }

    /// The libraries a script holds, by the compact form of its code.
    pub fn by_content(&self, compact: &str) -> Vec<&Service> {
        self.list
            .iter()
            .filter(|s| {
                s.matchers.content.iter().any(|all| {
                    !all.is_empty() && all.iter().all(|part| compact.contains(part.as_str()))
                })
            })
            .collect()
    }

    /// The services whose snippet an inline script contains.
    pub fn by_inline(&self, code: &str) -> Vec<&Service> {
        let mut found: Vec<&Service> = Vec::new();
        for s in &self.list {
            if s.matchers
                .inline
                .iter()
                .any(|sig| code.contains(sig.as_str()))
                && !found.iter().any(|f| f.id == s.id)
            {
                found.push(s);
            }
        }
        found
    }

    /// The known service cookies a declared name or pattern stands for.
    pub fn known(&self, declared: &str) -> Vec<(&Service, &ServiceCookie)> {
        self.list
            .iter()
            .flat_map(|s| s.cookie.iter().map(move |c| (s, c)))
            .filter(|(_, c)| {
                c.name == declared
                    || pattern::matches(declared, &c.name)
                    || pattern::matches(&c.name, declared)
            })
            .collect()
    }
}

/// Whether a URL holds every part: host and path compared without case (a part with `=` is
/// looked for in the query, any other in what comes before it), so a host written in capitals
/// is the same host and a query that quotes another URL names no service.
/// A URL in lower case, split where its query starts.
struct Lowered {
    text: String,
    query_at: usize,
}

impl Lowered {
    fn new(url: &str) -> Lowered {
        let text = url.to_ascii_lowercase();
        let query_at = text.find(['?', '#']).unwrap_or(text.len());
        Lowered { text, query_at }
    }

    /// Whether it contains every part, each where the part belongs.
    fn has(&self, parts: &[UrlPart]) -> bool {
        let (base, query) = self.text.split_at(self.query_at);
        parts.iter().all(|part| {
            if part.in_query {
                query.contains(&part.lower)
            } else {
                base.contains(&part.lower)
            }
        })
    }
}

impl ServiceCookie {
    /// The typical lifetime, parsed; `None` when unknown.
    pub fn lifetime(&self) -> Option<Duration> {
        self.duration.as_deref().and_then(|d| d.parse().ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_file_is_valid_and_covers_the_promised_services() {
        let services = Services::new(Vec::new());
        for id in [
            "google-analytics-4",
            "universal-analytics",
            "google-tag-manager",
            "matomo",
            "at-internet",
            "meta-pixel",
            "hotjar",
            "clarity",
            "linkedin-insight",
            "hubspot",
            "youtube",
            "youtube-nocookie",
            "vimeo",
            "vimeo-dnt",
            "google-maps",
            "x-widgets",
            "plausible",
            "disqus",
            "vanilla-cookieconsent",
            "js-cookie",
            "jquery-cookie",
        ] {
            assert!(services.all().iter().any(|s| s.id == id), "{id}");
        }
        for s in services.all() {
            for c in s.cookie.iter().filter(|c| c.duration.is_some()) {
                assert!(
                    c.lifetime().is_some(),
                    "{}: {} has a bad duration",
                    s.id,
                    c.name
                );
            }
            assert!(
                ["necessary", "preferences", "statistics", "marketing"]
                    .contains(&s.category.as_str()),
                "{}",
                s.id
            );
        }
    }

    #[test]
    fn specific_variants_win_over_general_ones() {
        let services = Services::new(Vec::new());
        let id = |kind, url| services.by_url(kind, url).map(|s| s.id.as_str());
        assert_eq!(
            id(TagKind::Iframe, "https://www.youtube-nocookie.com/embed/x"),
            Some("youtube-nocookie")
        );
        assert_eq!(
            id(TagKind::Iframe, "https://www.youtube.com/embed/x"),
            Some("youtube")
        );
        assert_eq!(
            id(TagKind::Iframe, "https://player.vimeo.com/video/1?dnt=1"),
            Some("vimeo-dnt")
        );
        assert_eq!(
            id(TagKind::Iframe, "https://player.vimeo.com/video/1"),
            Some("vimeo")
        );
        assert_eq!(
            id(
                TagKind::Script,
                "https://www.googletagmanager.com/gtag/js?id=G-1"
            ),
            Some("google-analytics-4")
        );
        assert_eq!(id(TagKind::Script, "https://example.org/app.js"), None);
        assert_eq!(
            id(TagKind::Iframe, "https://www.YouTube.com/embed/x"),
            Some("youtube"),
            "hosts have no case"
        );
        assert_eq!(
            id(
                TagKind::Iframe,
                "https://www.youtube.com/embed/x?origin=https://www.youtube-nocookie.com/embed"
            ),
            Some("youtube"),
            "a URL quoted in the query is not the host"
        );
    }
}
