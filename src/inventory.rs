//! The inventory a build writes beside its output: for every site, each page and file that sets
//! cookies, which, how, and the evidence. An audit's inventory adds what each pass stored, and
//! the passes in which the browser saw each cookie the files set.

use serde::Serialize;
use serde_json::{Value, json};

use crate::audit;
use crate::catalogue::Catalogue;
use crate::scan::services::Services;
use crate::scan::{Placed, Source};

/// One item a real browser stored during `cookie-ledger audit`, as the JSON report carries it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StoredItem {
    /// The pass: `before consent`, `after refusing` or `after accepting`.
    pub pass: &'static str,
    /// The id of the page's site.
    pub site: String,
    /// The page visited, as reports name files.
    pub page: String,
    /// Where it is stored: `cookie`, `local-storage`, `session-storage`, `indexeddb` or `cache-storage`.
    pub kind: crate::storage::Storage,
    /// The cookie's name or the storage key.
    pub name: String,
    /// The cookie's domain, or the storage's origin.
    pub domain: String,
    /// When the cookie expires, in seconds since the epoch; absent for a session cookie and storage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<f64>,
    /// A cookie's flags; absent for storage.
    #[serde(skip_serializing_if = "Option::is_none", flatten)]
    pub flags: Option<CookieFlags>,
    /// Where the write is: a file of the output (or a URL) with its line and column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub set_at: Option<crate::diagnostic::Location>,
    /// What was written: the `document.cookie` text or the `Set-Cookie` header.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub written: Option<String>,
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

/// What one site's pages and files set, gathered during the run.
#[derive(Clone, Debug, Default)]
pub struct SiteInventory {
    /// Places (pages, scripts, headers files) and the cookies found there.
    pub places: Vec<FileFound>,
}

/// One file and the cookies found in it.
#[derive(Clone, Debug)]
pub struct FileFound {
    /// The file as reports name it.
    pub file: String,
    /// Each cookie it sets, where.
    pub found: Vec<Placed>,
}

/// The inventory document.
pub fn document(catalogue: &Catalogue, services: &Services, sites: &[SiteInventory]) -> Value {
    let sites: Vec<Value> = catalogue
        .site_ids()
        .zip(sites)
        .map(|((s, site), inventory)| {
            let places: Vec<Value> = inventory
                .places
                .iter()
                .map(|FileFound { file, found }| {
                    let cookies: Vec<Value> = found
                        .iter()
                        .map(|Placed { location, sighting }| {
                            let (source, by, always) = match &sighting.source {
                                Source::Script(api) => ("script", api.as_str().to_owned(), true),
                                Source::Header => ("header", "Set-Cookie".to_owned(), true),
                                Source::Service(i, c) => {
                                    let service = &services.all()[*i];
                                    ("service", service.name.clone(), service.cookie[*c].always)
                                }
                            };
                            json!({
                                "name": sighting.name,
                                "declared": sighting.name.as_deref().is_some_and(|n| audit::declared(catalogue, s, sighting.storage(), n).is_some()),
                                "kind": sighting.storage().id(),
                                "source": source,
                                "by": by,
                                "always": always,
                                "line": location.line,
                                "column": location.column,
                                "evidence": sighting.evidence,
                            })
                        })
                        .collect();
                    json!({ "file": file, "cookies": cookies })
                })
                .collect();
            json!({ "id": site.id, "url": site.url, "places": places })
        })
        .collect();
    json!({ "generator": "cookie-ledger", "version": 1, "sites": sites })
}

/// The inventory of an audit: [`document`], with each site's `stored` items (pass, page, kind,
/// name, whether declared, where written) and, on each cookie its files set, `stored_in`: the
/// passes in which the browser stored it on that site.
pub fn audit_document(
    catalogue: &Catalogue,
    services: &Services,
    sites: &[SiteInventory],
    stored: &[StoredItem],
) -> Value {
    let mut doc = document(catalogue, services, sites);
    let Some(list) = doc["sites"].as_array_mut() else {
        return doc;
    };
    for ((s, site), entry) in catalogue.site_ids().zip(list.iter_mut()) {
        let own: Vec<&StoredItem> = stored.iter().filter(|i| i.site == site.id).collect();
        for place in entry["places"].as_array_mut().into_iter().flatten() {
            for cookie in place["cookies"].as_array_mut().into_iter().flatten() {
                let (Some(name), Some(kind)) = (cookie["name"].as_str(), cookie["kind"].as_str())
                else {
                    continue;
                };
                let mut passes: Vec<&str> = own
                    .iter()
                    .filter(|i| i.kind.id() == kind && audit::names_meet(name, &i.name))
                    .map(|i| i.pass)
                    .collect();
                passes.dedup();
                cookie["stored_in"] = json!(passes);
            }
        }
        let items: Vec<Value> = own
            .iter()
            .map(|i| {
                json!({
                    "pass": i.pass,
                    "page": i.page,
                    "kind": i.kind.id(),
                    "name": i.name,
                    "domain": i.domain,
                    "declared": audit::declared(catalogue, s, i.kind, &i.name).is_some(),
                    "set_at": i.set_at,
                    "written": i.written,
                })
            })
            .collect();
        entry["stored"] = json!(items);
    }
    doc
}
