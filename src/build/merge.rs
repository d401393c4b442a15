//! `cookie-ledger merge SHARD...`: the site-wide reduction over the documents of a sharded
//! check, once every shard is there and all were made by this version from the same inputs.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::file::{Facts, FileResult};
use super::layout::Layout;
use super::shard::{self, Placed, Shard, ShardDocument};
use super::{Mode, Options, Outcome, Session, Summary, aggregate};
use crate::catalogue::Catalogue;
use crate::diagnostic::{Diagnostic, Location, Rule};
use crate::render::Tables;
use crate::scan::{Sighting, Source, cookie_db::CookieDb, services::Services};

/// The most bytes one shard document may have.
const SHARD_LIMIT: u64 = 4 << 30;

/// Reads the shard documents at `paths` and reduces them into the outcome a single check of
/// the same site would give; `catalogue`, when given, stands for the path the shards recorded
/// (a merge run in another folder than theirs).
pub fn merge(paths: &[PathBuf], catalogue: Option<&Path>) -> Outcome {
    let shown = paths
        .first()
        .map_or_else(String::new, |p| p.display().to_string());
    crate::guard::catch(&shown, None, || match read_all(paths) {
        Ok(documents) => reduce(documents, catalogue),
        Err(errors) => Outcome::failed(errors, Summary::default()),
    })
    .unwrap_or_else(|d| Outcome::failed(vec![d], Summary::default()))
}

/// Every document, or why some cannot be read.
fn read_all(paths: &[PathBuf]) -> Result<Vec<(String, ShardDocument)>, Vec<Diagnostic>> {
    let mut documents = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        match read(path) {
            Ok(document) => documents.push((path.display().to_string(), document)),
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() {
        Ok(documents)
    } else {
        Err(errors)
    }
}

fn read(path: &Path) -> Result<ShardDocument, Diagnostic> {
    let bytes = crate::fsio::read(path, SHARD_LIMIT).map_err(|e| {
        Diagnostic::new(
            Rule::Io,
            None,
            format!("cannot read the shard {}: {e}", path.display()),
        )
        .with_help("name the files `cookie-ledger check --shard I/N --format shard` wrote")
    })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Diagnostic::new(
            Rule::ShardInvalid,
            Some(Location::new(path.display().to_string(), (1, 1))),
            "this shard is empty: the check that should have written it failed, or its output was lost",
        )
        .with_help("run that shard's check again (`cookie-ledger check --shard I/N --format shard > FILE`) and see why it failed"));
    }
    serde_json::from_slice(&bytes).map_err(|e| {
        Diagnostic::new(
            Rule::ShardInvalid,
            Some(Location::new(
                path.display().to_string(),
                (e.line().max(1), e.column().max(1)),
            )),
            format!(
                "this is not a shard cookie-ledger wrote: {}",
                without_place(&e)
            ),
        )
        .with_help("merge the files `cookie-ledger check --shard I/N --format shard` wrote, whole")
    })
}

/// serde_json's message without the place it appends, which the finding already gives.
fn without_place(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rsplit_once(" at line ") {
        Some((message, _)) => message.to_owned(),
        None => text,
    }
}

/// Checks that the documents make one whole run, then reduces them.
fn reduce(mut documents: Vec<(String, ShardDocument)>, catalogue: Option<&Path>) -> Outcome {
    if let Err(errors) = agree(&mut documents) {
        return Outcome::failed(errors, Summary::default());
    }
    let first_file = documents[0].0.clone();
    let first = &documents[0].1;
    let invalid = |message: String, help: &str| {
        let at = Location::new(first_file.clone(), (1, 1));
        let d = Diagnostic::new(Rule::ShardInvalid, Some(at), message).with_help(help);
        Outcome::failed(vec![d], Summary::default())
    };
    let catalogue_path = catalogue.unwrap_or(&first.catalogue);
    if !catalogue_path.is_file() {
        return invalid(
            format!(
                "the shards name the catalogue {}, which is not a file here",
                catalogue_path.display()
            ),
            "run merge in the folder the shards ran in (their paths are as they gave them), or name the catalogue with --catalogue",
        );
    }
    let mut catalogue = match Catalogue::load(catalogue_path) {
        Ok(catalogue) => catalogue,
        Err(errors) => return Outcome::failed(errors, Summary::default()),
    };
    match shard::fingerprint(&catalogue, first.cookie_db.as_deref()) {
        Ok(now) if now == first.fingerprint => {}
        Ok(_) => {
            return invalid(
                format!(
                    "{} or what it reads (its templates, the cookie database) is not what the shards were made with",
                    catalogue_path.display()
                ),
                "merge in the same checkout the shards were made from, or make the shards again",
            );
        }
        Err(d) => return Outcome::failed(vec![d], Summary::default()),
    }
    catalogue.updated = first.updated.clone();
    let cookie_db = match first.cookie_db.as_deref().map(CookieDb::load).transpose() {
        Ok(db) => db,
        Err(d) => return Outcome::failed(vec![d], Summary::default()),
    };
    let tables = match Tables::render(&catalogue) {
        Ok(tables) => tables,
        Err(errors) => return Outcome::failed(errors, Summary::default()),
    };
    let files_in_site = first.files_in_site;
    let notes = first.notes.clone();
    let walk = first.walk.clone();
    let options = Options {
        out: first.out.clone(),
        mode: Mode::Check,
        policy: first.policy.clone(),
        cookie_db: first.cookie_db.clone(),
        build_command: first.build_command.clone(),
        updated: first.updated.clone(),
        ..Options::check(catalogue_path, &first.site)
    };
    let services = Services::new(catalogue.services.clone());
    let placed = match gather(documents, &catalogue, &services, files_in_site) {
        Ok(placed) => placed,
        Err(d) => return Outcome::failed(vec![d], Summary::default()),
    };
    let session = Session {
        layout: Layout::recorded(&options.site, options.out.as_deref()),
        services,
        catalogue,
        tables,
        cookie_db,
        files: placed.into_iter().map(|p| p.result).collect(),
        dirs: Vec::new(),
        walk,
        options,
    };
    let (mut outcome, _) = aggregate::aggregate(&session, &session.files, Vec::new());
    let mut all = notes;
    all.append(&mut outcome.notes);
    outcome.notes = all;
    outcome
}

/// Every document's results in walk order, once each result is known to be one the shards'
/// own catalogue and site could have given: a place in the walk and a path no other result
/// has, and sites, cookies, categories and services that exist.
fn gather(
    documents: Vec<(String, ShardDocument)>,
    catalogue: &Catalogue,
    services: &Services,
    files_in_site: usize,
) -> Result<Vec<Placed>, Diagnostic> {
    let mut places = BTreeSet::new();
    let mut paths = BTreeSet::new();
    let mut placed = Vec::new();
    for (file, document) in documents {
        for p in document.files {
            let problem = if p.at >= files_in_site {
                Some(format!(
                    "a result is placed at {}, beyond the {files_in_site} files of the site",
                    p.at
                ))
            } else if !places.insert(p.at) {
                Some(format!("two results are placed at {} in the walk", p.at))
            } else if !paths.insert(p.result.path.clone()) {
                Some(format!("`{}` has two results", p.result.path))
            } else if !fits(&p.result, catalogue, services) {
                Some(format!(
                    "the result of `{}` names a site, cookie, category or service the catalogue does not have",
                    p.result.path
                ))
            } else {
                None
            };
            if let Some(message) = problem {
                return Err(Diagnostic::new(
                    Rule::ShardInvalid,
                    Some(Location::new(file, (1, 1))),
                    format!("this shard was changed after it was written: {message}"),
                )
                .with_help("make the shards again; merge them as `check --shard` wrote them"));
            }
            placed.push(p);
        }
    }
    if placed.len() != files_in_site {
        let d = Diagnostic::new(
            Rule::ShardInvalid,
            None,
            format!(
                "the shards hold {} results for the {files_in_site} files of the site",
                placed.len()
            ),
        )
        .with_help("make the shards again; merge them as `check --shard` wrote them");
        return Err(d);
    }
    placed.sort_by_key(|p| p.at);
    Ok(placed)
}

/// Whether every index `result` holds names something that exists.
fn fits(result: &FileResult, catalogue: &Catalogue, services: &Services) -> bool {
    let sighting = |s: &Sighting| match s.source {
        Source::Service(i, c) => services.all().get(i).is_some_and(|s| c < s.cookie.len()),
        Source::Script(_) | Source::Header => true,
    };
    match &result.facts {
        Facts::Other => true,
        Facts::Page(page) => {
            page.site.is_none_or(|s| s.0 < catalogue.sites.len())
                && page.covered.iter().all(|&c| c < catalogue.cookies.len())
                && page
                    .shown
                    .iter()
                    .all(|(_, k)| *k < catalogue.categories.len())
                && page.sightings.iter().all(|p| sighting(&p.sighting))
        }
        Facts::Script { sightings, .. } => sightings.iter().all(|p| sighting(&p.sighting)),
        Facts::Headers { cookies } => cookies.iter().all(|h| sighting(&h.sighting)),
    }
}

/// Whether the documents are the shards of one run, each once, all there; sorted by shard.
fn agree(documents: &mut [(String, ShardDocument)]) -> Result<(), Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let refuse = |file: &str, message: String, help: &str| {
        Diagnostic::new(
            Rule::ShardInvalid,
            Some(Location::new(file.to_owned(), (1, 1))),
            message,
        )
        .with_help(help)
    };
    let ours = env!("CARGO_PKG_VERSION");
    for (file, d) in documents.iter() {
        if Shard::parse(&d.shard.to_string()).is_err() {
            errors.push(refuse(
                file,
                format!("`{}` is no shard: it must be I/N with 1 ≤ I ≤ N ≤ {}", d.shard, Shard::MAX),
                "merge the files `cookie-ledger check --shard I/N --format shard` wrote, as they were written",
            ));
        }
        if d.generator != "cookie-ledger" || d.version != ours {
            errors.push(refuse(
                file,
                format!(
                    "this shard was written by {} {}, and this is cookie-ledger {ours}",
                    d.generator, d.version
                ),
                "make every shard and the merge with one version of cookie-ledger",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    documents.sort_by_key(|(_, d)| d.shard.index);
    let Some((first_file, first)) = documents.first() else {
        return Err(errors);
    };
    let count = first.shard.count;
    for (file, d) in documents.iter().skip(1) {
        let same = d.shard.count == count
            && d.catalogue == first.catalogue
            && d.site == first.site
            && d.out == first.out
            && d.cookie_db == first.cookie_db
            && d.policy == first.policy
            && d.updated == first.updated
            && d.build_command == first.build_command
            && d.fingerprint == first.fingerprint
            && d.files_in_site == first.files_in_site
            && d.tree == first.tree
            && d.compared == first.compared;
        if !same {
            errors.push(refuse(
                file,
                format!("shard {} is not of the same run as {first_file} (shard {}): they differ in the shard count, the catalogue, the flags, the site's files or whether the output folder was there", d.shard, first.shard),
                "build the site once and give every shard job that same build; run every shard with the same command line, only --shard differing, from the same checkout",
            ));
        }
    }
    for pair in documents.windows(2) {
        if pair[0].1.shard.index == pair[1].1.shard.index {
            errors.push(refuse(
                &pair[1].0,
                format!(
                    "shard {} is given twice, here and in {}",
                    pair[1].1.shard, pair[0].0
                ),
                "give each shard once",
            ));
        }
    }
    let given: BTreeSet<usize> = documents.iter().map(|(_, d)| d.shard.index).collect();
    let missing: Vec<String> = (1..=count)
        .filter(|i| !given.contains(i))
        .map(|i| format!("{i}/{count}"))
        .collect();
    if !missing.is_empty() {
        errors.push(refuse(
            first_file,
            format!(
                "shard{} {} of this run {} not given: a merge without {} would not have checked every file",
                if missing.len() == 1 { "" } else { "s" },
                missing.join(", "),
                if missing.len() == 1 { "is" } else { "are" },
                if missing.len() == 1 { "it" } else { "them" },
            ),
            "give every shard's document; a CI job whose shard failed must fail the merge",
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}
