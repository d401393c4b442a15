//! The catalogue exactly as written in TOML, with the span of every value for error messages.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

/// A text in several languages: `purpose = { en = "...", fr = "..." }`.
pub type RawText = Spanned<BTreeMap<Spanned<String>, Spanned<String>>>;

/// The whole file.
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawCatalogue {
    /// `[[site]]` tables.
    #[serde(default)]
    pub site: Vec<RawSite>,
    /// `[category.<id>]` tables.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "BTreeMap<String, RawCategory>"))]
    pub category: BTreeMap<Spanned<String>, RawCategory>,
    /// `[[cookie]]` tables.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<RawCookie>"))]
    pub cookie: Vec<Spanned<RawCookie>>,
    /// `[[service]]` tables: third-party services to recognise, added to the built-in ones.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<super::service::Service>"))]
    pub service: Vec<Spanned<super::service::Service>>,
    /// `[pages]`: pages that are treated apart.
    #[serde(default)]
    pub pages: RawPages,
    /// `[[allow]]` tables: a rule waived for some files, with the reason.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<RawAllow>"))]
    pub allow: Vec<Spanned<RawAllow>>,
    /// `[consent]`: how the audit presses the banner's buttons.
    #[serde(default)]
    pub consent: RawConsent,
    /// `[language.<tag>]` tables: the words of a language the tool has none for, or words
    /// that replace built-in ones.
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "BTreeMap<String, crate::labels::Wording>")
    )]
    pub language: BTreeMap<Spanned<String>, Spanned<crate::labels::Wording>>,
}

/// `[consent]`: CSS selectors of the consent banner's buttons, for `cookie-ledger audit`.
#[derive(Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawConsent {
    /// Selectors of the accept-all button; the first one found on a page is pressed.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub accept: Vec<Spanned<String>>,
    /// Selectors of the refuse button; the first one found on a page is pressed.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub refuse: Vec<Spanned<String>>,
}

/// `[pages]`: path globs relative to the site folder.
#[derive(Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawPages {
    /// Pages that belong to no site on purpose; still scanned.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub outside_sites: Vec<Spanned<String>>,
    /// Pages whose tables are never taken for cookie tables.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub no_cookie_tables: Vec<Spanned<String>>,
}

/// `[[allow]]`: a rule waived for the files its globs match.
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawAllow {
    /// The rule id.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub rule: Spanned<String>,
    /// Path globs relative to the site folder.
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub files: Spanned<Vec<Spanned<String>>>,
    /// Why the rule does not apply there.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub reason: Spanned<String>,
}

/// One portal sharing the catalogue.
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawSite {
    /// Short id used by cookies' `sites` lists.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub id: Spanned<String>,
    /// Public address, such as `https://www.datastro.eu`.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub url: Spanned<String>,
    /// Folder under the site root that holds its pages.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub dir: Spanned<String>,
    /// Languages of its pages; the first one is the default.
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub languages: Spanned<Vec<Spanned<String>>>,
    /// Optional table template replacing the built-in one, relative to the catalogue.
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub template: Option<Spanned<String>>,
}

/// One category such as `necessary`.
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawCategory {
    /// Table caption, per language.
    #[cfg_attr(feature = "schema", schemars(with = "BTreeMap<String, String>"))]
    pub title: RawText,
    /// One-sentence description, per language; optional.
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<BTreeMap<String, String>>")
    )]
    pub description: Option<RawText>,
    /// Whether the visitor must consent before these cookies are set.
    pub consent: bool,
}

/// Who is the cookie's party relative to the visited site.
#[derive(Deserialize, Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Party {
    /// Set for the visited site's own domain.
    First,
    /// Set for another domain.
    Third,
}

impl Party {
    /// The catalogue's word for it.
    pub fn id(self) -> &'static str {
        match self {
            Party::First => "first",
            Party::Third => "third",
        }
    }
}

/// What puts the cookie in the browser.
#[derive(Deserialize, Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum SetBy {
    /// The site's server, with a Set-Cookie header.
    Server,
    /// A script of the site's own.
    Script,
    /// A third-party tag or embed.
    Tag,
}

impl SetBy {
    /// The catalogue's word for it.
    pub fn id(self) -> &'static str {
        match self {
            SetBy::Server => "server",
            SetBy::Script => "script",
            SetBy::Tag => "tag",
        }
    }
}

/// One row of the tables: a cookie, or several that serve together.
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawCookie {
    /// Exact names or patterns with `*`.
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub names: Spanned<Vec<Spanned<String>>>,
    /// Who provides the service.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub provider: Spanned<String>,
    /// Function and location, per language; absent when no source states it (rule `unstated`).
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<BTreeMap<String, String>>")
    )]
    pub function: Option<RawText>,
    /// Purpose, per language; absent when no source states it (rule `unstated`).
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<BTreeMap<String, String>>")
    )]
    pub purpose: Option<RawText>,
    /// Lifetime such as "13 months", "up to 12 months" or "session"; "persistent" for web
    /// storage kept until deleted; absent when no source states it (rule `unstated`).
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub duration: Option<Spanned<String>>,
    /// Category id.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub category: Spanned<String>,
    /// Where it is stored: a cookie (the default), or web storage.
    #[serde(default)]
    pub kind: crate::storage::Storage,
    /// First or third party.
    pub party: Party,
    /// Server, script or tag.
    pub set_by: SetBy,
    /// Site ids; absent means every site.
    #[cfg_attr(feature = "schema", schemars(with = "Option<Vec<String>>"))]
    pub sites: Option<Spanned<Vec<Spanned<String>>>>,
    /// Per-site differences: `[cookie.override.<site>]`.
    #[serde(default, rename = "override")]
    #[cfg_attr(feature = "schema", schemars(with = "BTreeMap<String, RawOverride>"))]
    pub overrides: BTreeMap<Spanned<String>, Spanned<RawOverride>>,
    /// Rules this cookie is exempt from, each with the reason: `[cookie.allow]`.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "BTreeMap<String, String>"))]
    pub allow: BTreeMap<Spanned<String>, Spanned<String>>,
    /// Script files (path globs) whose writes with a name built at run time set this cookie.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<Vec<String>>"))]
    pub set_in: Option<Spanned<Vec<Spanned<String>>>>,
}

/// What one site says differently about a cookie.
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawOverride {
    /// Another provider.
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub provider: Option<Spanned<String>>,
    /// Another function text.
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<BTreeMap<String, String>>")
    )]
    pub function: Option<RawText>,
    /// Another purpose text.
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<BTreeMap<String, String>>")
    )]
    pub purpose: Option<RawText>,
    /// Another lifetime.
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub duration: Option<Spanned<String>>,
}
