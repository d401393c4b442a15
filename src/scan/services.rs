//! The third-party services the tool recognises on a page (from `src/data/services.toml`
//! and the catalogue's own `[[service]]` tables), and the cookies each one sets.

use serde::Deserialize;

use crate::catalogue::{Duration, Party};
use crate::pattern;

/// The data file shipped with the tool.
pub const BUILTIN: &str = include_str!("../data/services.toml");

/// One recognisable service.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Stable id, such as `matomo`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Who provides it, for suggested catalogue entries.
    pub provider: String,
    /// The category its cookies belong to: necessary, preferences, statistics or marketing.
    pub category: String,
    /// How to recognise it.
    #[serde(rename = "match", default)]
    pub matchers: Matchers,
    /// The cookies it sets; empty for cookieless services.
    #[serde(default)]
    pub cookie: Vec<ServiceCookie>,
}

/// Substrings that identify a service.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Matchers {
    /// `<script src>`: each entry is a list of strings the URL must all contain.
    #[serde(default)]
    pub script_src: Vec<Vec<String>>,
    /// `<iframe src>`, same shape.
    #[serde(default)]
    pub iframe_src: Vec<Vec<String>>,
    /// `<img src>` (tracking pixels), same shape.
    #[serde(default)]
    pub img_src: Vec<Vec<String>>,
    /// Inline `<script>` text: any one string.
    #[serde(default)]
    pub inline: Vec<String>,
    /// Inline text that turns the service's cookies off (Matomo's `disableCookies`).
    #[serde(default)]
    pub cookieless_if: Vec<String>,
}

/// A cookie a service sets.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceCookie {
    /// Name or pattern.
    pub name: String,
    /// First or third party.
    pub party: Party,
    /// Typical lifetime, in catalogue notation.
    pub duration: String,
    /// Set on every visit, rather than only in some cases.
    pub always: bool,
}

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
        Services { list }
    }

    /// Every service, in matching order.
    pub fn all(&self) -> &[Service] {
        &self.list
    }

    /// The service a tag's URL belongs to.
    pub fn by_url(&self, kind: TagKind, url: &str) -> Option<&Service> {
        self.list.iter().find(|s| {
            let rules = match kind {
                TagKind::Script => &s.matchers.script_src,
                TagKind::Iframe => &s.matchers.iframe_src,
                TagKind::Img => &s.matchers.img_src,
            };
            rules
                .iter()
                .any(|all| !all.is_empty() && all.iter().all(|part| url.contains(part.as_str())))
        })
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

impl ServiceCookie {
    /// The typical lifetime, parsed.
    pub fn lifetime(&self) -> Option<Duration> {
        self.duration.parse().ok()
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
        ] {
            assert!(services.all().iter().any(|s| s.id == id), "{id}");
        }
        for s in services.all() {
            for c in &s.cookie {
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
    }
}
