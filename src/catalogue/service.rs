//! The shape of a service declaration: a catalogue's `[[service]]` table, and each entry of
//! the tool's own `src/data/services.toml`, which `scan::services` reads the same way.

use serde::Deserialize;

use super::{Party, SetBy};

/// One recognisable service.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    /// What puts its cookies in the browser: `tag` (a third party's script or embed, the default) or
    /// `script` (a library the site serves itself, such as a consent banner).
    #[serde(default = "tag")]
    pub set_by: SetBy,
    /// Code in the compact form of `match.content`, anywhere on the page or in the script, that
    /// makes the service wait for consent (Matomo's `_paq.push(["requireConsent"])`).
    #[serde(default)]
    pub consent_if: Vec<String>,
    /// How a page tells the service itself to wait for consent, in words for help texts.
    #[serde(default)]
    pub consent_how: Option<String>,
    /// Code in the same compact form that sets the lifetime of the service's cookies itself
    /// (GA's `cookie_expires`), so the typical lifetime says nothing.
    #[serde(default)]
    pub lifetime_if: Vec<String>,
    /// How many writes whose name is built at run time the library itself makes (its API, its own
    /// cookie); that many such writes in a file that holds it are its own, not the site's.
    #[serde(default)]
    pub dynamic_writes: usize,
}

fn tag() -> SetBy {
    SetBy::Tag
}

/// Substrings that identify a service.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    /// Calls whose first argument is the first string and whose second starts with the second:
    /// `["config", "G-"]` finds `gtag("config", "G-1")` and its minified `e("config","G-1")`.
    #[serde(default)]
    pub call: Vec<[String; 2]>,
    /// A script (inline or a file) holds the library when its code, without comments or white
    /// space and with every quote written `"`, contains every string of one entry.
    #[serde(default)]
    pub content: Vec<Vec<String>>,
}

/// A cookie a service sets.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ServiceCookie {
    /// Name or pattern.
    pub name: String,
    /// First or third party.
    pub party: Party,
    /// Typical lifetime, in catalogue notation; absent when the vendor does not say.
    #[serde(default)]
    pub duration: Option<String>,
    /// Set on every visit, rather than only in some cases.
    pub always: bool,
}
