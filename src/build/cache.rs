//! `check --cache DIR`: each file's result kept between runs, keyed by a hash of the file's
//! bytes, so a check where little changed redoes only what changed. Everything else a file's
//! result depends on (the tool's version, the catalogue and its templates, the cookie database,
//! how the site folder is named in reports, the command help texts name) makes one key for the
//! whole cache: when any of it changes, nothing cached is used.
//!
//! The cache is one file, `check.json` in the folder, replaced whole (a temporary file
//! renamed) and only when something in it changed; a file that cannot be read or is of
//! another key is an empty cache, never an error: the run does the work instead.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::{Deserialize, Serialize};

use super::Options;
use super::file::FileResult;
use super::layout::Layout;
use crate::catalogue::Catalogue;
use crate::diagnostic::{Diagnostic, Rule};

/// The name of the cache file in the folder.
const FILE: &str = "cookie-ledger-check.json";

/// How every cache file starts: a cache of another version, cut short or damaged is still
/// known as the tool's own, and replaced.
const MARK: &[u8] = b"{\"generator\":\"cookie-ledger\",";

/// The most bytes a cache file may have.
const LIMIT: u64 = 4 << 30;

/// The cache as stored.
#[derive(Deserialize)]
struct Stored {
    /// What every result depends on besides its file's bytes.
    key: String,
    /// Each file's path in the site, and its result with the hash of the bytes it was made from.
    files: Vec<(String, Entry)>,
}

#[derive(Deserialize)]
struct Entry {
    hash: String,
    result: FileResult,
}

/// [`Stored`] as written, from the run's own results.
#[derive(Serialize)]
struct Writing<'a> {
    /// Always `cookie-ledger`, first.
    generator: &'a str,
    key: &'a str,
    files: Vec<(&'a str, EntryRef<'a>)>,
}

#[derive(Serialize)]
struct EntryRef<'a> {
    hash: &'a str,
    result: &'a FileResult,
}

/// The cache of one run.
pub(super) struct Cache {
    folder: PathBuf,
    key: String,
    /// The kept results; each is taken out when used.
    old: Mutex<HashMap<String, Entry>>,
    /// How many results the cache held.
    held: usize,
    /// The hash of each file this run read whose result may be kept, by path.
    hashes: Mutex<HashMap<String, String>>,
    hits: AtomicUsize,
    /// Paths whose result was made in this run, not taken from the cache.
    redone: Mutex<Vec<String>>,
}

/// What every file's result depends on besides its bytes, as one hash.
pub(super) fn key(
    options: &Options,
    catalogue: &Catalogue,
    layout: &Layout,
) -> Result<String, Diagnostic> {
    let inputs = super::shard::fingerprint(catalogue, options.cookie_db.as_deref())?;
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for part in [
        env!("CARGO_PKG_VERSION"),
        "check",
        &inputs,
        &layout.site_display,
        &options.build_command,
    ] {
        hasher.update(part.as_bytes());
        hasher.update(&[0]);
    }
    Ok(format!("{:032x}", hasher.digest128()))
}

impl Cache {
    /// The cache in `folder` for results that depend on `key`; creates the folder. Refuses a
    /// folder inside the site (its file would become one of the site's) and a cache file that
    /// is not one this tool wrote.
    pub fn open(folder: &Path, layout: &Layout, key: String) -> Result<Cache, Diagnostic> {
        let unsafe_cache = |message: String| {
            Diagnostic::new(Rule::UnsafeOutput, None, message).with_help(
                "choose a --cache folder of its own outside the site, such as .cookie-ledger-cache",
            )
        };
        if super::layout::absolute(folder).starts_with(super::layout::absolute(&layout.site)) {
            return Err(unsafe_cache(format!(
                "the cache folder {} lies inside the site, whose files it would join",
                folder.display()
            )));
        }
        let path = folder.join(FILE);
        let found = crate::fsio::read(&path, LIMIT).ok();
        let stored = found
            .as_deref()
            .and_then(|bytes| serde_json::from_slice::<Stored>(bytes).ok());
        if path.exists() && stored.is_none() && !is_ours(found.as_deref()) {
            return Err(unsafe_cache(format!(
                "{} exists and is not a cache cookie-ledger wrote; writing the cache would lose it",
                path.display()
            )));
        }
        std::fs::create_dir_all(folder).map_err(|e| {
            Diagnostic::new(
                Rule::Io,
                None,
                format!("cannot create the cache folder {}: {e}", folder.display()),
            )
            .with_help("choose another --cache folder, or make this one writable")
        })?;
        let old: HashMap<String, Entry> = stored
            .filter(|stored| stored.key == key)
            .map(|stored| stored.files.into_iter().collect())
            .unwrap_or_default();
        Ok(Cache {
            folder: folder.to_path_buf(),
            key,
            held: old.len(),
            old: Mutex::new(old),
            hashes: Mutex::new(HashMap::new()),
            hits: AtomicUsize::new(0),
            redone: Mutex::new(Vec::new()),
        })
    }

    /// The result kept for `rel` when its bytes are still `bytes`, or the one `make` gives,
    /// kept for the next run.
    pub fn result(&self, rel: &str, bytes: &[u8], make: impl FnOnce() -> FileResult) -> FileResult {
        let hash = format!("{:032x}", xxhash_rust::xxh3::xxh3_128(bytes));
        let kept = self
            .old
            .lock()
            .ok()
            .and_then(|mut old| old.remove(rel))
            .filter(|e| e.hash == hash);
        let result = match kept {
            Some(entry) => {
                self.hits.fetch_add(1, Ordering::Relaxed);
                entry.result
            }
            None => {
                if let Ok(mut redone) = self.redone.lock() {
                    redone.push(rel.to_owned());
                }
                make()
            }
        };
        // A file that could not be checked (bad input) is checked again next time.
        if !result.is_bad_input()
            && let Ok(mut hashes) = self.hashes.lock()
        {
            hashes.insert(rel.to_owned(), hash);
        }
        result
    }

    /// How many results came from the cache.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::Relaxed)
    }

    /// The paths whose result this run made, sorted.
    pub fn redone(&self) -> Vec<String> {
        let mut redone = self.redone.lock().map(|r| r.clone()).unwrap_or_default();
        redone.sort();
        redone
    }

    /// Stores `results` (this run's, of every file) for the next run, unless every one came
    /// from the cache as it was; a cache that cannot be written is said, and the run's findings
    /// stand.
    pub fn save(self, results: &[FileResult]) -> Option<Diagnostic> {
        let hashes = self.hashes.into_inner().unwrap_or_default();
        let hits = self.hits.load(Ordering::Relaxed);
        if hits == self.held && hits == hashes.len() {
            return None;
        }
        let files = results
            .iter()
            .filter_map(|r| {
                let hash = hashes.get(&r.path)?;
                Some((r.path.as_str(), EntryRef { hash, result: r }))
            })
            .collect();
        let writing = Writing {
            generator: "cookie-ledger",
            key: &self.key,
            files,
        };
        let text = serde_json::to_vec(&writing).ok()?;
        let path = self.folder.join(FILE);
        crate::fsio::write_atomically(&path, &text).err().map(|e| {
            Diagnostic::new(
                Rule::Io,
                None,
                format!("cannot write the cache {}: {e}", path.display()),
            )
            .with_help("choose another --cache folder, or make this one writable; the next run checks every file again")
        })
    }
}

/// Whether `bytes` (a file that did not read as a cache) begin as every cache this tool writes.
fn is_ours(bytes: Option<&[u8]>) -> bool {
    bytes.is_some_and(|b| b.starts_with(MARK))
}
