//! The inventory a build writes beside its output: for every site, each page and file that sets
//! cookies, which, how, and the evidence. An audit's inventory adds what each pass stored, and
//! the passes in which the browser saw each cookie the files set.

use serde_json::{Value, json};

use crate::audit;
use crate::catalogue::Catalogue;
use crate::scan::services::Services;
use crate::scan::{Placed, Source};
use crate::stored::StoredItem;

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
                    .map(|i| i.pass.word())
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
                    "party": i.party,
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
