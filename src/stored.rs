//! What a real browser stored during an audit, as plain data: each visit (page, pass, how many
//! pages it stands for, whether it completed) and each item it stored, with who wrote it and
//! whose domain it is on. `visit` records it; the build's reduction holds it against the
//! catalogue together with the static scan's sightings; reports and inventories carry it.

use serde::Serialize;

use crate::catalogue::Party;
use crate::diagnostic::Location;
use crate::storage::Storage;

/// The three passes of an audit, each with fresh profiles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Pass {
    /// The page loads; the visitor does nothing.
    #[serde(rename = "before consent")]
    BeforeConsent,
    /// The visitor refuses everything that needs consent.
    #[serde(rename = "after refusing")]
    AfterRefusing,
    /// The visitor accepts everything.
    #[serde(rename = "after accepting")]
    AfterAccepting,
}

impl Pass {
    /// Every pass, in order.
    pub const ALL: [Pass; 3] = [
        Pass::BeforeConsent,
        Pass::AfterRefusing,
        Pass::AfterAccepting,
    ];

    /// How reports name it.
    pub fn word(self) -> &'static str {
        match self {
            Pass::BeforeConsent => "before consent",
            Pass::AfterRefusing => "after refusing",
            Pass::AfterAccepting => "after accepting",
        }
    }
}

/// One item a real browser stored during `cookie-ledger audit`, as the JSON report carries it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StoredItem {
    /// The pass: `before consent`, `after refusing` or `after accepting`.
    pub pass: Pass,
    /// The id of the page's site.
    pub site: String,
    /// The page visited, as reports name files.
    pub page: String,
    /// Where it is stored: `cookie`, `local-storage`, `session-storage`, `indexeddb` or `cache-storage`.
    pub kind: Storage,
    /// The cookie's name or the storage key.
    pub name: String,
    /// The cookie's domain, or the storage's origin.
    pub domain: String,
    /// Whether that domain is the site's own registrable domain (`first`) or another (`third`).
    pub party: Party,
    /// When the cookie expires, in seconds since the epoch; absent for a session cookie and storage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<f64>,
    /// A cookie's flags; absent for storage.
    #[serde(skip_serializing_if = "Option::is_none", flatten)]
    pub flags: Option<CookieFlags>,
    /// Where the write is: a file of the output (or a URL) with its line and column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub set_at: Option<Location>,
    /// What was written: the `document.cookie` text or the `Set-Cookie` header.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub written: Option<String>,
}

impl StoredItem {
    /// Whether a script's write was caught at a line of it: one such line that stores another
    /// name on each visit (`"id" + Math.random()`) is one writer.
    pub fn written_by_script(&self) -> bool {
        self.set_at.is_some()
            && self
                .written
                .as_deref()
                .is_some_and(|w| !w.starts_with("Set-Cookie:"))
    }
}

/// A stored cookie's flags, as the browser holds them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CookieFlags {
    /// Hidden from scripts.
    pub http_only: bool,
    /// Sent over HTTPS only.
    pub secure: bool,
    /// `Strict`, `Lax` or `None`; absent when the setter said nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub same_site: Option<String>,
    /// The top-level site a partitioned (CHIPS) cookie is kept for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partition_key: Option<String>,
}

/// One page visited in one pass.
#[derive(Clone, Debug, PartialEq)]
pub struct Visited {
    /// The id of the page's site.
    pub site: String,
    /// The page, as reports name files.
    pub page: String,
    /// In which pass.
    pub pass: Pass,
    /// How many pages of its site the visit stands for, itself included.
    pub stands_for: usize,
    /// Why the visit could not complete, if it could not.
    pub failure: Option<String>,
    /// Whether the pass's consent button was found and pressed (consent passes only).
    pub clicked: Option<bool>,
    /// Everything stored once the page settled.
    pub stored: Vec<StoredItem>,
}

/// Everything an audit's browser saw, for the reduction.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Evidence {
    /// Every visit, pass after pass, each pass in the same page order.
    pub visits: Vec<Visited>,
    /// Pages of no site, which no visit could reach.
    pub outside: Vec<String>,
    /// Requests refused because they would have left the machine.
    pub refused: Vec<String>,
}

impl Evidence {
    /// Every item stored, visit after visit.
    pub fn items(&self) -> impl Iterator<Item = &StoredItem> {
        self.visits.iter().flat_map(|v| v.stored.iter())
    }
}
