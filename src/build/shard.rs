//! `check --shard I/N`: the map step over a deterministic share of the site's files, balanced
//! by bytes, written as a document `cookie-ledger merge` reduces with the other shards'.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::file::{self, Bytes, FileResult};
use super::layout::Entry;
use super::{Mode, Options, Outcome, Prepared, Summary};
use crate::catalogue::Catalogue;
use crate::diagnostic::{Diagnostic, Policy};
use crate::guard;
use crate::page::Context;

/// Which share of the files a run processes: `index` of `count`, from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// This share, from 1.
    pub index: usize,
    /// How many shares the files are divided into.
    pub count: usize,
}

impl Shard {
    /// The most shares a run may be divided into.
    pub const MAX: usize = 1000;

    /// Reads `I/N`, with 1 ≤ I ≤ N ≤ [`Shard::MAX`].
    pub fn parse(text: &str) -> Result<Shard, String> {
        let bad =
            || format!("`{text}` is not a shard: write I/N, such as 2/4 (the second of four)");
        let (index, count) = text.split_once('/').ok_or_else(bad)?;
        let index: usize = index.trim().parse().map_err(|_| bad())?;
        let count: usize = count.trim().parse().map_err(|_| bad())?;
        if count == 0 || count > Shard::MAX {
            return Err(format!(
                "`{text}`: the count of shards must be from 1 to {}",
                Shard::MAX
            ));
        }
        if index == 0 || index > count {
            return Err(format!("`{text}`: the shard must be from 1 to {count}"));
        }
        Ok(Shard { index, count })
    }

    /// Which files (by their position in `sizes`) fall to this shard: the largest file first
    /// to the share with the fewest bytes so far (ties to the lowest share), so every shard
    /// computes the same division and the shares' bytes differ by at most one file.
    pub fn share(self, sizes: &[u64]) -> Vec<bool> {
        let mut order: Vec<usize> = (0..sizes.len()).collect();
        order.sort_by(|&a, &b| sizes[b].cmp(&sizes[a]).then(a.cmp(&b)));
        let mut loads = vec![0u64; self.count];
        let mut mine = vec![false; sizes.len()];
        for i in order {
            let (lightest, _) = loads
                .iter()
                .enumerate()
                .min_by_key(|&(s, load)| (*load, s))
                .unwrap_or((0, &0));
            loads[lightest] += sizes[i];
            mine[i] = lightest + 1 == self.index;
        }
        mine
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// What one shard hands to `merge`: the run's settings, a fingerprint of what it read, and
/// the result of each of its files with its place in the walk.
#[derive(Debug, Serialize, Deserialize)]
pub struct ShardDocument {
    /// Always `cookie-ledger`.
    pub generator: String,
    /// The version of the tool that wrote it; merge takes only its own.
    pub version: String,
    /// Which share this is.
    pub shard: Shard,
    /// The catalogue, as given.
    pub catalogue: PathBuf,
    /// The site folder, as given.
    pub site: PathBuf,
    /// The output folder compared with, as given.
    pub out: Option<PathBuf>,
    /// The Open Cookie Database copy, as given.
    pub cookie_db: Option<PathBuf>,
    /// What the run's flags make of each rule.
    pub policy: Policy,
    /// The date of the catalogue's last change the run used.
    pub updated: Option<String>,
    /// The command that brings the output up to date, for help texts.
    pub build_command: String,
    /// A hash of every file the catalogue was read from, and of the cookie database.
    pub fingerprint: String,
    /// How many files the whole site has.
    pub files_in_site: usize,
    /// A hash of the site's tree as this shard walked it (every path, in walk order, and
    /// each file's size): shards of different builds of a site must not be merged.
    pub tree: String,
    /// Whether this shard compared its files with the output folder (`--out` was there).
    pub compared: bool,
    /// Findings of the walk, and of the comparison with the output folder (shard 1 only).
    pub walk: Vec<Diagnostic>,
    /// What the run compared with (shard 1 only).
    pub notes: Vec<String>,
    /// Each file of the share, with its place in the walk.
    pub files: Vec<Placed>,
}

/// One file's result and its place among the site's files.
#[derive(Debug, Serialize, Deserialize)]
pub struct Placed {
    /// Its position in the walk of the whole site.
    pub at: usize,
    /// What it gave.
    pub result: FileResult,
}

/// Runs the map step of a check over `shard`'s files; `Err` when the run cannot start.
pub fn shard(options: &Options, shard: Shard) -> Result<ShardDocument, Outcome> {
    let site = options.site.display().to_string();
    guard::catch(&site, None, || {
        let catalogue = Catalogue::load(&options.catalogue)
            .map_err(|errors| Outcome::failed(errors, Summary::default()))?;
        map(options, catalogue, shard)
    })
    .unwrap_or_else(|d| Err(Outcome::failed(vec![d], Summary::default())))
}

fn map(options: &Options, catalogue: Catalogue, shard: Shard) -> Result<ShardDocument, Outcome> {
    debug_assert_eq!(options.mode, Mode::Check);
    let fingerprint = fingerprint(&catalogue, options.cookie_db.as_deref())
        .map_err(|d| Outcome::failed(vec![d], Summary::default()))?;
    let prepared = Prepared::new(options, catalogue)?;
    let files: Vec<&Entry> = prepared.entries.iter().filter(|e| !e.is_dir).collect();
    // A file that cannot be measured weighs nothing; its own pass reports why.
    let sizes: Vec<u64> = files
        .iter()
        .map(|e| std::fs::metadata(&e.path).map_or(0, |m| m.len()))
        .collect();
    let mine = shard.share(&sizes);
    let tree = tree(&prepared.entries, &sizes);
    let ctx = Context {
        catalogue: &prepared.catalogue,
        services: &prepared.services,
        tables: &prepared.tables,
        report_stale_markers: true,
        append: None,
        build_command: &options.build_command,
    };
    let fate = match prepared.compare_with.as_deref() {
        Some(with) => Bytes::Compared {
            with,
            build_command: &options.build_command,
        },
        None => Bytes::Checked,
    };
    let mine: Vec<(usize, &Entry)> = files
        .iter()
        .enumerate()
        .filter(|(at, _)| mine[*at])
        .map(|(at, entry)| (at, *entry))
        .collect();
    let results: Vec<Placed> = mine
        .par_iter()
        .map(|&(at, entry)| Placed {
            at,
            result: file::process(&prepared.layout, &ctx, entry, fate, None),
        })
        .collect();
    // What belongs to the whole site is said by one shard.
    let first = shard.index == 1;
    let mut walk = Vec::new();
    let mut notes = Vec::new();
    if first {
        walk = prepared.walk.clone();
        notes = prepared.notes.clone();
        if let Some(out) = prepared.compare_with.as_deref() {
            let known = prepared.entries.iter().map(|e| e.rel.as_str());
            walk.extend(file::extra_outputs(
                &prepared.layout,
                out,
                known,
                &options.build_command,
            ));
        }
    }
    Ok(ShardDocument {
        generator: "cookie-ledger".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        shard,
        catalogue: options.catalogue.clone(),
        site: options.site.clone(),
        out: options.out.clone(),
        cookie_db: options.cookie_db.clone(),
        policy: options.policy.clone(),
        updated: prepared.catalogue.updated.clone(),
        build_command: options.build_command.clone(),
        fingerprint,
        files_in_site: files.len(),
        tree,
        compared: prepared.compare_with.is_some(),
        walk,
        notes,
        files: results,
    })
}

/// A hash of every path of the walk, in order, with each file's size (`sizes`, in the order of
/// the files among `entries`).
fn tree(entries: &[Entry], sizes: &[u64]) -> String {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut sizes = sizes.iter();
    for entry in entries {
        hasher.update(entry.rel.as_bytes());
        let size = if entry.is_dir {
            u64::MAX
        } else {
            sizes.next().copied().unwrap_or_default()
        };
        hasher.update(&[0]);
        hasher.update(&size.to_le_bytes());
    }
    format!("{:032x}", hasher.digest128())
}

/// The most bytes of one input the fingerprint reads.
const FINGERPRINT_LIMIT: u64 = 1 << 30;

/// A hash of the bytes of every file the catalogue was read from and of the cookie database,
/// in the order they were read (not their paths, which differ between CI machines): shards
/// made from different inputs must not be merged.
pub(super) fn fingerprint(
    catalogue: &Catalogue,
    cookie_db: Option<&Path>,
) -> Result<String, Diagnostic> {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut seen = HashSet::new();
    for path in catalogue
        .inputs
        .iter()
        .map(PathBuf::as_path)
        .chain(cookie_db)
    {
        if !seen.insert(path) {
            continue;
        }
        let bytes = crate::fsio::read(path, FINGERPRINT_LIMIT).map_err(|e| {
            Diagnostic::new(
                crate::diagnostic::Rule::Io,
                None,
                format!("cannot read {}: {e}", path.display()),
            )
            .with_help("check that it exists and is readable")
        })?;
        hasher.update(&(bytes.len() as u64).to_le_bytes());
        hasher.update(&bytes);
    }
    Ok(format!("{:032x}", hasher.digest128()))
}
