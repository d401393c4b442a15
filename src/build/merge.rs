//! `cookie-ledger merge SHARD...`: the site-wide reduction over the documents of a sharded
//! check, once every shard is there and all were made by this version from the same inputs.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::layout::Layout;
use super::shard::{self, Placed, ShardDocument};
use super::{Mode, Options, Outcome, Session, Summary, aggregate};
use crate::catalogue::Catalogue;
use crate::diagnostic::{Diagnostic, Location, Rule};
use crate::render::Tables;
use crate::scan::{cookie_db::CookieDb, services::Services};

/// The most bytes one shard document may have.
const SHARD_LIMIT: u64 = 4 << 30;

/// Reads the shard documents at `paths` and reduces them into the outcome a single check of
/// the same site would give.
pub fn merge(paths: &[PathBuf]) -> Outcome {
    let shown = paths
        .first()
        .map_or_else(String::new, |p| p.display().to_string());
    crate::guard::catch(&shown, None, || match read_all(paths) {
        Ok(documents) => reduce(documents),
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
fn reduce(mut documents: Vec<(String, ShardDocument)>) -> Outcome {
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
    let mut catalogue = match Catalogue::load(&first.catalogue) {
        Ok(catalogue) => catalogue,
        Err(errors) => return Outcome::failed(errors, Summary::default()),
    };
    match shard::fingerprint(&catalogue, first.cookie_db.as_deref()) {
        Ok(now) if now == first.fingerprint => {}
        Ok(_) => {
            return invalid(
                format!(
                    "{} or what it reads (its templates, the cookie database) changed since the shards were made",
                    first.catalogue.display()
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
        ..Options::check(&first.catalogue, &first.site)
    };
    let mut placed: Vec<Placed> = documents.into_iter().flat_map(|(_, d)| d.files).collect();
    placed.sort_by_key(|p| p.at);
    let places: BTreeSet<usize> = placed.iter().map(|p| p.at).collect();
    if places.len() != placed.len()
        || placed.len() != files_in_site
        || places.last().is_some_and(|&at| at >= files_in_site)
    {
        return invalid(
            format!(
                "the shards hold {} results for the {files_in_site} files of the site",
                placed.len()
            ),
            "merge the documents of one sharded check, each shard once, as they were written",
        );
    }
    let session = Session {
        layout: Layout::recorded(&options.site, options.out.as_deref()),
        services: Services::new(catalogue.services.clone()),
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
            && d.files_in_site == first.files_in_site;
        if !same {
            errors.push(refuse(
                file,
                format!("shard {} is not of the same run as {first_file} (shard {}): they differ in the shard count, the inputs, the flags or the site", d.shard, first.shard),
                "make every shard with the same command line, only --shard differing, from the same checkout",
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
