//! Judges the cookies pages set against the catalogue, and the catalogue against what is known of services and of the law.
//!
//! `found.rs` judges the cookies found (undeclared, built names, pages outside sites, unseen
//! declarations), `lifetimes.rs` their stated lifetimes, `consent.rs` services loaded before
//! consent, `catalogue.rs` the catalogue against what is known of services and regulators,
//! `stored.rs` (with `measured.rs`) what a real browser stored, `join.rs` makes what the files
//! and the browser both show one finding, and `suggestion.rs` writes the catalogue entries
//! findings suggest.

mod catalogue;
mod consent;
mod found;
mod join;
mod lifetimes;
mod measured;
mod stored;
mod suggestion;

#[cfg(feature = "audit")]
pub(crate) use suggestion::declarable;

use crate::catalogue::{Catalogue, SiteId};
use crate::diagnostic::{Location, Place};
use crate::pattern;
use crate::scan::services::Services;
use crate::scan::{Placed, Sighting, Source};
use crate::storage::Storage;

pub use catalogue::catalogue_rules;
pub use consent::consent;
pub use found::{dynamic, listed, outside, undeclared, unseen};
pub use join::join;
pub use lifetimes::{durations, mismatch};
pub use stored::{Judged, stored};

/// Whether a declared name or pattern and a found one can be the same cookie: equal, or one an instance of the
/// other (`_ga_*` declared and `_ga_ABC` found, or `_ga_ABC` declared and the service's `_ga_*` found).
pub fn names_meet(declared: &str, found: &str) -> bool {
    declared == found || pattern::matches(declared, found) || pattern::matches(found, declared)
}

/// The catalogue entry of `site` that declares `name` (a name or a pattern) in `kind` of storage.
pub fn declared(catalogue: &Catalogue, site: SiteId, kind: Storage, name: &str) -> Option<usize> {
    catalogue.cookies.iter().position(|c| {
        c.kind == kind && c.sites.contains(&site) && c.names.iter().any(|p| names_meet(p, name))
    })
}

/// One cookie found, with where it was first seen, every place, and the sites it was seen for.
#[derive(Clone, Debug)]
pub struct Found {
    /// Where it was first seen.
    pub location: Location,
    /// That place's file, relative to the site folder.
    pub rel: String,
    /// What sets it.
    pub sighting: Sighting,
    /// Every place: where it is set, then the pages that load a script that sets it.
    pub places: Vec<Place>,
    /// On how many places it is set.
    pub count: usize,
    /// The sites that it was seen for.
    pub sites: Vec<SiteId>,
    /// Other writes of it that state another lifetime than the first, each checked too.
    pub others: Vec<Placed>,
}

/// A service loaded as the page loads, with no consent manager or setting holding it back.
#[derive(Clone, Debug)]
pub struct ServiceLoad {
    /// The service (index into the services list).
    pub service: usize,
    /// Where it is first loaded so.
    pub location: Location,
    /// That place's file, relative to the site folder.
    pub rel: String,
    /// The source there.
    pub evidence: String,
    /// Every place that loads it so.
    pub places: Vec<Place>,
    /// The sites that load it so.
    pub sites: Vec<SiteId>,
}

/// One cookie a site sets, and what sets it, as reports list them.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct CookieSeen {
    /// Its name or pattern.
    pub name: String,
    /// What sets it: `script, document.cookie`, `Set-Cookie`, or a service's name.
    pub set_by: String,
}

/// ", here and in 2 other places".
fn elsewhere(count: usize) -> String {
    match count {
        0 | 1 => String::new(),
        2 => ", here and in 1 other place".to_owned(),
        n => format!(", here and in {} other places", n - 1),
    }
}

/// "site `a`" or "sites `a`, `b`".
pub fn site_list(catalogue: &Catalogue, sites: &[SiteId]) -> String {
    let ids: Vec<String> = sites
        .iter()
        .map(|&s| format!("`{}`", catalogue.sites[s].id))
        .collect();
    match ids.len() {
        1 => format!("site {}", ids[0]),
        _ => format!("sites {}", ids.join(", ")),
    }
}

/// Who sets the cookie, in words, and whether it is set on every visit.
fn describe(services: &Services, source: &Source) -> (String, bool) {
    match source {
        Source::Script(api) => (format!("a script ({api})"), true),
        Source::Header => ("a Set-Cookie header".to_owned(), true),
        Source::Service(s, c) => {
            let service = &services.all()[*s];
            (service.name.clone(), service.cookie[*c].always)
        }
    }
}
