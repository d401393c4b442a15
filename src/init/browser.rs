//! What a real browser stores on the sites, for `init --audit`: the audit runs against the
//! catalogue init is starting, and each item it stored that no entry of the static scan
//! covers becomes an entry, filled from what is known of its service or from what the
//! browser saw (its domain, its lifetime), with `TODO` for the rest.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::PathBuf;

use super::Added;
use crate::audit::names_meet;
use crate::catalogue::Party;
use crate::diagnostic::{Diagnostic, Policy, Rule};
use crate::import::SiteFacts;
use crate::import::text::{comment, string};
use crate::scan::Lifetime;
use crate::scan::services::Services;
use crate::storage::Storage;
use crate::stored::StoredItem;
use crate::visit::{self, route::Network};

/// How the audit runs.
#[derive(Debug, Clone)]
pub struct Browse {
    /// The browser; `None` finds one.
    pub chrome: Option<PathBuf>,
    /// Whether third-party requests may leave the machine.
    pub network: Network,
    /// Responses for other hosts: `DIR/<host>/<path>`.
    pub fixtures: Option<PathBuf>,
}

/// Audits the sites at `root` with the catalogue text `bootstrap`; `declared` are the names
/// the static scan's entries already cover.
pub(super) fn audit(
    browse: &Browse,
    root: &std::path::Path,
    sites: &[SiteFacts],
    bootstrap: &str,
    declared: &[(Storage, String)],
) -> Result<Added, Vec<Diagnostic>> {
    let folder = tempfile::tempdir().map_err(|e| {
        vec![Diagnostic::new(
            Rule::Io,
            None,
            format!("cannot make a temporary folder: {e}"),
        )]
    })?;
    let path = folder.path().join("catalogue.toml");
    std::fs::write(&path, bootstrap).map_err(|e| {
        vec![Diagnostic::new(
            Rule::Io,
            None,
            format!("cannot write {}: {e}", path.display()),
        )]
    })?;
    let outcome = visit::run(&visit::Options {
        catalogue: path,
        site: root.to_path_buf(),
        chrome: browse.chrome.clone(),
        network: browse.network,
        fixtures: browse.fixtures.clone(),
        buttons: visit::Buttons {
            accept: Vec::new(),
            refuse: Vec::new(),
        },
        policy: Policy {
            strict: true,
            ..Policy::default()
        },
        all_pages: false,
        only: None,
        inventory: None,
    });
    let mut notes = Vec::new();
    let mut bad = Vec::new();
    for d in &outcome.diagnostics {
        match d.rule {
            // A site without a banner has no button to press: the other passes still count.
            Rule::AuditIncomplete => notes.push(format!("audit: {}", d.message)),
            rule if rule.class() == crate::diagnostic::Class::BadInput => bad.push(d.clone()),
            _ => {}
        }
    }
    if !bad.is_empty() {
        return Err(bad);
    }
    let services = Services::new(Vec::new());
    let mut added = Added {
        entries: String::new(),
        categories: BTreeSet::new(),
        count: 0,
        notes,
        audited: true,
    };
    let mut done: Vec<(Storage, String)> = declared.to_vec();
    for item in &outcome.stored {
        let covered = done
            .iter()
            .any(|(kind, name)| *kind == item.kind && names_meet(name, &item.name));
        if covered {
            continue;
        }
        done.push((item.kind, item.name.clone()));
        let site = sites.iter().find(|s| s.id == item.site);
        entry(&mut added, item, site, &services);
    }
    Ok(added)
}

/// One entry for an item the browser stored.
fn entry(added: &mut Added, item: &StoredItem, site: Option<&SiteFacts>, services: &Services) {
    let known = services.known(&item.name).into_iter().next();
    let out = &mut added.entries;
    let _ = writeln!(
        out,
        "\n# stored by the browser: {} {} for {}, {}, on {}{}",
        item.kind.word(),
        string(&item.name),
        comment(&item.domain),
        item.pass.word(),
        comment(&item.page),
        item.set_at
            .as_ref()
            .map(|at| format!(", set at {}", comment(&at.to_string())))
            .unwrap_or_default()
    );
    let _ = writeln!(
        out,
        "[[cookie]]\nnames = [{}]",
        string(&crate::audit::declarable(&item.name))
    );
    if !item.kind.is_cookie() {
        let _ = writeln!(out, "kind = {}", string(item.kind.id()));
    }
    let languages = site.map(|s| s.languages.clone()).unwrap_or_default();
    let languages = if languages.is_empty() {
        vec!["en".to_owned()]
    } else {
        languages
    };
    // A site whose address no page gives was served at the stand-in address.
    let known_host = site
        .and_then(|s| s.url.as_ref())
        .and_then(|(url, _)| url.split("://").nth(1));
    // The audit measured the party against the address it served the site at.
    let party = Some(item.party);
    let (provider, category, party, set_by, duration) = match known {
        Some((service, cookie)) => (
            service.provider.clone(),
            service.category.clone(),
            Some(cookie.party),
            "tag",
            cookie.duration.clone(),
        ),
        None => {
            let set_by = match &item.set_at {
                Some(at) if at.file.contains("://") => "tag",
                Some(_) => "script",
                None => "server",
            };
            let provider = match (party, known_host) {
                (Some(Party::First), Some(host)) => host.trim_start_matches("www.").to_owned(),
                _ => "TODO: who provides it".to_owned(),
            };
            (provider, "TODO".to_owned(), party, set_by, None)
        }
    };
    let duration = duration.unwrap_or_else(|| lifetime(item));
    if category != "TODO" {
        added.categories.insert(category.clone());
    }
    let _ = writeln!(out, "provider = {}", string(&provider));
    for lang in &languages {
        let _ = writeln!(out, "function.{lang} = \"TODO: what it serves, and where\"");
    }
    for lang in &languages {
        let _ = writeln!(out, "purpose.{lang} = \"TODO: why it is set\"");
    }
    let _ = writeln!(
        out,
        "duration = {}\ncategory = {}",
        string(&duration),
        string(&category)
    );
    match party {
        Some(party) => {
            let _ = writeln!(out, "party = \"{}\"", party.id());
        }
        None => {
            let _ = writeln!(
                out,
                "# party: the site's address is not known, so nor is whose domain {} is\nparty = \"first\"",
                comment(&item.domain)
            );
        }
    }
    let _ = writeln!(out, "set_by = \"{set_by}\"");
    if let Some(site) = site {
        let _ = writeln!(out, "sites = [{}]", string(&site.id));
    }
    added.count += 1;
}

/// The lifetime the item's writer asked for, else the one the browser gave it, as the
/// catalogue writes it.
fn lifetime(item: &StoredItem) -> String {
    match item.kind {
        Storage::Cookie => {}
        Storage::SessionStorage => return "session".to_owned(),
        _ => return "persistent".to_owned(),
    }
    let asked = item
        .written
        .as_deref()
        .and_then(crate::scan::lifetime::of_set_cookie);
    let stored = || match item.expires {
        None => Lifetime::Session,
        Some(expires) => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0.0, |d| d.as_secs_f64());
            Lifetime::Seconds((expires - now).max(0.0))
        }
    };
    asked
        .filter(|l| *l != Lifetime::Unknown)
        .unwrap_or_else(stored)
        .catalogue_text()
        .unwrap_or_else(|| "TODO: how long it lives".to_owned())
}
