//! Catalogue entries to paste, filled with what is known.

use crate::catalogue::{Catalogue, Duration, Party, SiteId};
use crate::scan::Source;
use crate::scan::cookie_db::{CookieDb, Entry};
use crate::scan::services::Services;

/// A catalogue entry to paste, filled with what is known and marked where a person must write.
pub(super) fn suggestion(
    catalogue: &Catalogue,
    services: &Services,
    sites: &[SiteId],
    name: &str,
    source: &Source,
    known: Option<&Entry>,
    lifetime: crate::scan::Lifetime,
) -> String {
    let kind = match source {
        Source::Script(api) => api.storage(),
        _ => crate::storage::Storage::Cookie,
    };
    let found = match kind {
        crate::storage::Storage::Cookie => lifetime
            .catalogue_text()
            .unwrap_or_else(|| "TODO: how long it lives".to_owned()),
        crate::storage::Storage::SessionStorage => "session".to_owned(),
        // Nothing expires web storage: it lasts until the site or the visitor deletes it.
        _ => "persistent".to_owned(),
    };
    let site_info = &catalogue.sites[sites[0]];
    let host = if sites.len() > 1 {
        "TODO: who provides it".to_owned()
    } else {
        site_info
            .url
            .split("://")
            .nth(1)
            .unwrap_or(&site_info.url)
            .trim_end_matches('/')
            .to_owned()
    };
    let (provider, category, party, set_by, duration) = match source {
        Source::Service(s, c) => {
            let service = &services.all()[*s];
            let cookie = &service.cookie[*c];
            let category = if catalogue.category(&service.category).is_some() {
                service.category.clone()
            } else {
                "TODO".into()
            };
            // A library the site serves is the site's own doing.
            let provider = if service.set_by == crate::catalogue::SetBy::Script {
                host
            } else {
                service.provider.clone()
            };
            (
                provider,
                category,
                cookie.party,
                service.set_by.id(),
                cookie.duration.clone().unwrap_or(found),
            )
        }
        Source::Script(_) => (host, "TODO".into(), Party::First, "script", found),
        Source::Header => (host, "TODO".into(), Party::First, "server", found),
    };
    // The database fills in what a script's cookie is; a person still reviews every line.
    let (provider, category, duration) = match known {
        Some(entry) => {
            let category = Some(CookieDb::category(entry))
                .filter(|c| catalogue.category(c).is_some())
                .unwrap_or("TODO");
            let duration = entry.retention.parse::<Duration>().map_or_else(
                |_| format!("TODO: {}", entry.retention),
                |_| entry.retention.to_lowercase(),
            );
            let provider = if entry.controller.is_empty() {
                entry.platform.clone()
            } else {
                entry.controller.clone()
            };
            (provider, category.to_owned(), duration)
        }
        None => (provider, category, duration),
    };
    let mut languages: Vec<&str> = Vec::new();
    for &site in sites {
        for lang in &catalogue.sites[site].languages {
            if !languages.contains(&lang.as_str()) {
                languages.push(lang);
            }
        }
    }
    let mut text = format!("[[cookie]]\nnames = [{}]\n", toml_string(&declarable(name)));
    if !kind.is_cookie() {
        text.push_str(&format!("kind = \"{}\"\n", kind.id()));
    }
    text.push_str(&format!("provider = {}\n", toml_string(&provider)));
    for lang in &languages {
        text.push_str(&format!(
            "function.{lang} = \"TODO: what it serves, and where\"\n"
        ));
    }
    for lang in &languages {
        match known {
            // The database is written in English.
            Some(entry) if *lang == "en" && !entry.description.is_empty() => {
                text.push_str(&format!(
                    "purpose.en = {}  # from the Open Cookie Database: check it\n",
                    toml_string(&entry.description)
                ));
            }
            _ => text.push_str(&format!("purpose.{lang} = \"TODO: why it is set\"\n")),
        }
    }
    let ids: Vec<String> = sites
        .iter()
        .map(|&site| toml_string(&catalogue.sites[site].id))
        .collect();
    text.push_str(&format!(
        "duration = {}\ncategory = {}\nparty = \"{}\"\nset_by = \"{set_by}\"\nsites = [{}]\n",
        toml_string(&duration),
        toml_string(&category),
        party.id(),
        ids.join(", ")
    ));
    text
}

/// A TOML basic string holding `text`, escaped as TOML wants.
fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// `name` as the catalogue can declare it: characters a table's names cell cannot show
/// (white space, `,`, `;`, `=`, quotes, control characters) become `*`, so the entry is a
/// pattern that covers the key a script stores ("my key" is declared `my*key`).
pub(crate) fn declarable(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        let shown = !(c.is_whitespace()
            || c.is_control()
            || ",;=\"".contains(c)
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'));
        match (shown, out.ends_with('*')) {
            (true, _) => out.push(c),
            (false, false) => out.push('*'),
            (false, true) => {}
        }
    }
    out
}
