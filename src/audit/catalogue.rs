//! The catalogue against what is known of services and of regulators' rules.

use crate::catalogue::{Catalogue, Duration, Unit};
use crate::diagnostic::{Diagnostic, Rule};
use crate::labels;
use crate::scan::services::Services;

/// What is known of services and the regulators' rules, checked against each declared cookie.
pub fn catalogue_rules(catalogue: &Catalogue, services: &Services) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for cookie in &catalogue.cookies {
        let category = &catalogue.categories[cookie.category];
        let mut push = |rule: Rule, message: String, help: &str| {
            if !cookie.allow.contains_key(&rule) {
                let sites = cookie.sites.iter().map(|&s| catalogue.sites[s].id.clone());
                let d = Diagnostic::new(rule, Some(cookie.location.clone()), message).about_on(
                    cookie.kind,
                    cookie.names[0].clone(),
                    sites,
                );
                findings.push(d.with_help(format!(
                    "{help}; or waive it with `allow.{rule} = \"reason\"`"
                )));
            }
        };
        let names = cookie.names.join(", ");
        let unstated = unstated(cookie);
        if !unstated.is_empty() {
            push(
                Rule::Unstated,
                format!(
                    "cookie `{names}` states no {}, which its policy must tell visitors",
                    unstated.join(" and no ")
                ),
                &format!(
                    "write its {} in the catalogue (`cookie-ledger import` leaves out what no table says)",
                    unstated.join(", ")
                ),
            );
        }
        let known: Vec<_> = cookie
            .names
            .iter()
            .flat_map(|n| services.known(n))
            .collect();
        if let Some((service, known_cookie)) = known.iter().find(|(_, k)| k.party != cookie.party) {
            push(
                Rule::PartyMismatch,
                format!(
                    "cookie `{names}` is declared {}-party, but {} sets `{}` as a {}-party cookie",
                    cookie.party.id(),
                    service.name,
                    known_cookie.name,
                    known_cookie.party.id()
                ),
                &format!("declare `party = \"{}\"`", known_cookie.party.id()),
            );
        }
        let advertising = known.iter().find(|(s, _)| s.category == "marketing");
        if let (Some((service, _)), "necessary") = (advertising, category.id.as_str()) {
            push(
                Rule::NecessaryAdvertising,
                format!(
                    "cookie `{names}` is declared necessary, but {} sets it for advertising",
                    service.name
                ),
                "move it to a category that asks for consent, such as marketing",
            );
        } else if let Some((service, _)) = known
            .iter()
            .find(|(s, _)| s.category != category.id && catalogue.category(&s.category).is_some())
        {
            push(
                Rule::CategoryMismatch,
                format!(
                    "cookie `{names}` is declared in category `{}`, but {} is a {} service",
                    category.id, service.name, service.category
                ),
                &format!("declare `category = \"{}\"`", service.category),
            );
        }
        let statistics =
            category.id == "statistics" || known.iter().any(|(s, _)| s.category == "statistics");
        if statistics && !category.consent {
            let longest = std::iter::once(cookie.duration)
                .chain(cookie.overrides.values().filter_map(|o| o.duration))
                .max_by(|a, b| days(a).total_cmp(&days(b)))
                .expect("at least one");
            if days(&longest) > days(&THIRTEEN_MONTHS) {
                let words = labels::words("en").expect("built in");
                push(
                    Rule::ConsentExemptDuration,
                    format!(
                        "statistics cookie `{names}` is exempt from consent (category `{}`) but lives {}, more than 13 months",
                        category.id,
                        longest.render(words).to_lowercase()
                    ),
                    "shorten its lifetime to 13 months at most, or ask for consent",
                );
            }
        }
    }
    findings
}

const THIRTEEN_MONTHS: Duration = Duration::Length {
    amount: 13,
    unit: Unit::Month,
    up_to: false,
};

fn days(duration: &Duration) -> f64 {
    duration.days()
}

/// The facts `cookie` leaves out for some site that uses it: a shared text or duration it
/// lacks, unless that site's override gives one.
fn unstated(cookie: &crate::catalogue::Cookie) -> Vec<&'static str> {
    let lacking = |shared: bool, local: &dyn Fn(&crate::catalogue::Override) -> bool| {
        !shared
            && cookie
                .sites
                .iter()
                .any(|s| !cookie.overrides.get(s).is_some_and(local))
    };
    let mut missing = Vec::new();
    if lacking(!cookie.function.is_empty(), &|o| !o.function.is_empty()) {
        missing.push("function");
    }
    if lacking(!cookie.purpose.is_empty(), &|o| !o.purpose.is_empty()) {
        missing.push("purpose");
    }
    let stated = cookie.duration != Duration::Unstated;
    if lacking(stated, &|o| o.duration.is_some()) {
        missing.push("duration");
    }
    missing
}
