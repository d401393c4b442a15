//! Services whose cookies need consent, loaded as the page loads.

use std::collections::BTreeSet;

use crate::catalogue::{Catalogue, SiteId};
use crate::diagnostic::{Diagnostic, Rule};
use crate::scan::services::Services;

use super::{ServiceLoad, declared, site_list};

/// Services whose cookies need consent but that load as the page loads.
pub fn consent(
    catalogue: &Catalogue,
    services: &Services,
    loads: &[ServiceLoad],
) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for load in loads {
        let service = &services.all()[load.service];
        if service.cookie.is_empty() {
            continue;
        }
        // The category each site declares the service's cookies in, else the service's own.
        let mut needing: Vec<SiteId> = Vec::new();
        let mut categories: BTreeSet<String> = BTreeSet::new();
        for &site in &load.sites {
            let declared_in = service
                .cookie
                .iter()
                .find_map(|c| declared(catalogue, site, crate::storage::Storage::Cookie, &c.name))
                .map(|c| &catalogue.cookies[c]);
            if declared_in.is_some_and(|c| c.allow.contains_key(&Rule::LoadedBeforeConsent)) {
                continue;
            }
            let (category, needs) = match declared_in {
                Some(c) => {
                    let category = &catalogue.categories[c.category];
                    (category.id.clone(), category.consent)
                }
                None => match catalogue.category(&service.category) {
                    Some(k) => (service.category.clone(), catalogue.categories[k].consent),
                    None => (service.category.clone(), service.category != "necessary"),
                },
            };
            if needs {
                needing.push(site);
                categories.insert(category);
            }
        }
        if needing.is_empty() || catalogue.allowed_in(Rule::LoadedBeforeConsent, &load.rel) {
            continue;
        }
        let names: Vec<String> = service
            .cookie
            .iter()
            .map(|c| format!("`{}`", c.name))
            .collect();
        let categories: Vec<String> = categories.into_iter().map(|c| format!("`{c}`")).collect();
        let own = service
            .consent_how
            .as_deref()
            .map(|how| format!(", or tell the service itself to wait ({how})"))
            .unwrap_or_default();
        findings.push(
            Diagnostic::new(
                Rule::LoadedBeforeConsent,
                Some(load.location.clone()),
                format!(
                    "{} loads as the page loads on {}, before the visitor can agree, but its cookies ({}) are in {} {}, which asks for consent",
                    service.name,
                    site_list(catalogue, &needing),
                    names.join(", "),
                    if categories.len() == 1 { "category" } else { "categories" },
                    categories.join(", ")
                ),
            )
            .with_evidence(load.evidence.clone())
            .with_help(format!(
                "load it only once the visitor agrees: through your consent manager (a <script type=\"text/plain\"> with its category attribute, such as data-category for vanilla-cookieconsent){own}; if something the scan cannot see holds it back, waive it for this file with an `[[allow]]` of `loaded-before-consent`"
            ))
            .with_places(load.places.clone()),
        );
    }
    findings
}
