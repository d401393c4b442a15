//! The places a site can keep something on a visitor's device. Regulators treat each like a
//! cookie (CNIL 2020, EDPB Guidelines 2/2023), so the catalogue declares them, the scan and
//! the audit find them, and the tables list them, all under one vocabulary.

use serde::{Deserialize, Serialize};

/// Where an item is stored.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Storage {
    /// A cookie.
    #[default]
    Cookie,
    /// A `localStorage` key: kept until something deletes it.
    LocalStorage,
    /// A `sessionStorage` key: kept while the tab lives.
    SessionStorage,
    /// An IndexedDB database, by name.
    #[serde(rename = "indexeddb")]
    IndexedDb,
    /// A Cache Storage cache, by name.
    CacheStorage,
}

impl Storage {
    /// Every kind, in the order tables and labels list them.
    pub const ALL: [Storage; 5] = [
        Storage::Cookie,
        Storage::LocalStorage,
        Storage::SessionStorage,
        Storage::IndexedDb,
        Storage::CacheStorage,
    ];

    /// The catalogue's word for it (`kind = "local-storage"`).
    pub fn id(self) -> &'static str {
        match self {
            Storage::Cookie => "cookie",
            Storage::LocalStorage => "local-storage",
            Storage::SessionStorage => "session-storage",
            Storage::IndexedDb => "indexeddb",
            Storage::CacheStorage => "cache-storage",
        }
    }

    /// How reports name one item of it, before its name: "cookie", "localStorage key", ...
    pub fn word(self) -> &'static str {
        match self {
            Storage::Cookie => "cookie",
            Storage::LocalStorage => "localStorage key",
            Storage::SessionStorage => "sessionStorage key",
            Storage::IndexedDb => "IndexedDB database",
            Storage::CacheStorage => "Cache Storage cache",
        }
    }

    /// Whether it is a cookie (which has a domain, an expiry and flags) rather than web storage.
    pub fn is_cookie(self) -> bool {
        self == Storage::Cookie
    }
}

impl std::fmt::Display for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}
