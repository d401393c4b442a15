//! The inventory a build writes beside its output: for every site, each page and file that sets cookies, which, how, and the evidence.

use serde_json::{Value, json};

use crate::audit;
use crate::catalogue::Catalogue;
use crate::scan::services::Services;
use crate::scan::{Placed, Source};

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
