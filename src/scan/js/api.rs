//! The APIs a script stores something through, and where each stores it.

use serde::{Deserialize, Serialize};

use crate::storage::Storage;

/// The API a script writes a cookie through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Api {
    /// `document.cookie = ...`.
    #[serde(rename = "document.cookie")]
    DocumentCookie,
    /// `cookieStore.set(...)`.
    #[serde(rename = "cookieStore")]
    CookieStore,
    /// js-cookie's `Cookies.set(...)`.
    #[serde(rename = "js-cookie")]
    JsCookie,
    /// jQuery's `$.cookie(...)`.
    #[serde(rename = "jQuery.cookie")]
    JqueryCookie,
    /// `localStorage.setItem(...)` or a property write.
    #[serde(rename = "localStorage")]
    LocalStorage,
    /// `sessionStorage.setItem(...)` or a property write.
    #[serde(rename = "sessionStorage")]
    SessionStorage,
    /// `indexedDB.open(...)`.
    #[serde(rename = "indexedDB")]
    IndexedDb,
    /// `caches.open(...)`.
    #[serde(rename = "caches")]
    CacheStorage,
}

impl Api {
    /// How reports name it: `document.cookie`, `js-cookie`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            Api::DocumentCookie => "document.cookie",
            Api::CookieStore => "cookieStore",
            Api::JsCookie => "js-cookie",
            Api::JqueryCookie => "jQuery.cookie",
            Api::LocalStorage => "localStorage",
            Api::SessionStorage => "sessionStorage",
            Api::IndexedDb => "indexedDB",
            Api::CacheStorage => "caches",
        }
    }

    /// Where what it writes is stored.
    pub fn storage(self) -> Storage {
        match self {
            Api::DocumentCookie | Api::CookieStore | Api::JsCookie | Api::JqueryCookie => {
                Storage::Cookie
            }
            Api::LocalStorage => Storage::LocalStorage,
            Api::SessionStorage => Storage::SessionStorage,
            Api::IndexedDb => Storage::IndexedDb,
            Api::CacheStorage => Storage::CacheStorage,
        }
    }
}

impl std::fmt::Display for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
