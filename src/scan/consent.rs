//! Whether a tag waits for the visitor's consent, from what consent managers put in the markup:
//! a script type browsers do not run, a URL parked in an attribute of the manager's, the
//! manager's marker attributes, and inline code that calls a page's loaders only once consent is
//! stored. Facts from the managers' own documentation and code (vanilla-cookieconsent, Cookiebot,
//! OneTrust, Klaro, Complianz, Usercentrics, iubenda, consentmanager, Borlabs, MkDocs Material).

/// Script types browsers run; a script of any other type is parked until something turns it on.
const RUNNABLE_TYPES: &[&str] = &[
    "",
    "module",
    "text/javascript",
    "application/javascript",
    "text/ecmascript",
    "application/ecmascript",
    "application/x-javascript",
    "application/x-ecmascript",
    "text/x-javascript",
    "text/x-ecmascript",
    "text/jscript",
    "text/livescript",
    "text/javascript1.0",
    "text/javascript1.1",
    "text/javascript1.2",
    "text/javascript1.3",
    "text/javascript1.4",
    "text/javascript1.5",
];

/// Attributes in which a consent manager parks a tag's URL until consent.
const PARKED_URL: &[&str] = &[
    "data-cookieblock-src",
    "data-src-cmplz",
    "data-cmp-src",
    "data-suppressedsrc",
    "suppressedsrc",
    "data-consent-src",
    "data-uc-src",
    "data-wpconsent-src",
    "data-gdpr-iframesrc",
    "data-borlabs-cookie-script-blocker-src",
];

/// Attributes that lazy loaders use as much as consent managers: a marker must come with them.
const LAZY_URL: &[&str] = &["data-src", "data-lazy-src"];

/// Attributes consent managers mark a blocked tag with.
const MARKERS: &[&str] = &[
    "data-category",
    "data-cookiecategory",
    "data-cookieconsent",
    "data-name",
    "data-usercentrics",
    "data-service",
    "data-categories",
    "data-cookieyes",
    "data-iub-purposes",
    "data-cmp-vendor",
    "data-cmp-purpose",
    "data-consent",
];

/// Class name prefixes consent managers mark a blocked tag with.
const MARKER_CLASSES: &[&str] = &["optanon-category-", "_iub_cs_activate", "cmplz-"];

/// Consent managers that call a page's loader function only once the visitor agreed: the call
/// under the stored consent, and the loader it guards, both in the compact form of
/// [`crate::scan::js::Script::compact`]. Only services found in a script that defines the
/// loader are held back, and only on a page that makes the guarded call.
pub const INLINE_GATES: &[(&str, &str)] = &[
    // MkDocs Material: `__md_analytics()` runs only if the stored consent allows analytics.
    (
        "consent.analytics&&__md_analytics()",
        "function__md_analytics(",
    ),
];

/// Where a tag loads from and whether it waits for consent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Load {
    /// The URL it loads.
    pub url: String,
    /// Whether a consent manager holds it back.
    pub gated: bool,
}

/// Reads a `<script>`, `<iframe>` or `<img>` through `attribute` (its value by name).
pub fn load(tag: &str, attribute: &dyn Fn(&str) -> Option<String>) -> Option<Load> {
    let marked = MARKERS
        .iter()
        .any(|m| attribute(m).is_some_and(|v| !v.trim().eq_ignore_ascii_case("ignore")))
        || attribute("class").is_some_and(|class| {
            class
                .split_whitespace()
                .any(|c| MARKER_CLASSES.iter().any(|m| c.starts_with(m)))
        });
    let parked_script = tag.eq_ignore_ascii_case("script") && !runs(attribute("type").as_deref());
    let src = attribute("src").filter(|s| {
        let s = s.trim();
        !s.is_empty() && !s.eq_ignore_ascii_case("about:blank") && !s.starts_with("data:")
    });
    if let Some(url) = src {
        return Some(Load {
            url,
            gated: parked_script,
        });
    }
    if let Some(url) = PARKED_URL.iter().find_map(|a| attribute(a)) {
        return Some(Load { url, gated: true });
    }
    LAZY_URL.iter().find_map(|a| attribute(a)).map(|url| Load {
        url,
        gated: parked_script || marked,
    })
}

/// Whether an inline `<script>` of this `type` runs as the page loads.
pub fn runs(script_type: Option<&str>) -> bool {
    let kind = script_type.unwrap_or_default().trim().to_ascii_lowercase();
    let kind = kind.split(';').next().unwrap_or_default().trim();
    RUNNABLE_TYPES.contains(&kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(tag: &str, attrs: &[(&str, &str)]) -> Option<Load> {
        let lookup = |name: &str| {
            attrs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        };
        load(tag, &lookup)
    }

    #[test]
    fn consent_managers_markup_holds_tags_back() {
        let gated = |tag, attrs: &[(&str, &str)]| of(tag, attrs).map(|l| l.gated);
        assert_eq!(gated("script", &[("src", "https://x/a.js")]), Some(false));
        assert_eq!(
            gated(
                "script",
                &[
                    ("src", "https://x/a.js"),
                    ("type", "text/plain"),
                    ("data-category", "analytics")
                ]
            ),
            Some(true)
        );
        assert_eq!(
            gated(
                "script",
                &[("type", "text/plain"), ("data-src", "https://x/a.js")]
            ),
            Some(true)
        );
        assert_eq!(
            gated(
                "iframe",
                &[
                    ("data-cookieblock-src", "https://www.youtube.com/embed/1"),
                    ("data-cookieconsent", "marketing")
                ]
            ),
            Some(true)
        );
        assert_eq!(
            gated(
                "iframe",
                &[
                    ("data-src", "https://www.youtube.com/embed/1"),
                    ("data-name", "youtube")
                ]
            ),
            Some(true)
        );
        // A lazy loader's `data-src` loads on scroll, consent or not.
        assert_eq!(
            gated(
                "iframe",
                &[
                    ("data-src", "https://www.youtube.com/embed/1"),
                    ("class", "lazyload")
                ]
            ),
            Some(false)
        );
        assert_eq!(
            gated(
                "iframe",
                &[
                    ("src", "about:blank"),
                    ("data-src-cmplz", "https://www.youtube.com/embed/1")
                ]
            ),
            Some(true)
        );
        assert_eq!(gated("img", &[("alt", "x")]), None);
        assert!(
            runs(Some("text/javascript; charset=utf-8"))
                && runs(Some("module"))
                && !runs(Some("text/plain"))
        );
    }
}
