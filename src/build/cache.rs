//! `--cache DIR`: each file's result kept between runs, keyed by a hash of the file's bytes, so
//! a run where little changed redoes only what changed. Everything else a file's result depends
//! on (the tool's version, what the run does, the catalogue and its templates, the cookie
//! database, how the site folder is named in reports, the command help texts name) makes one
//! key for the whole cache: when any of it changes, nothing cached is used.
//!
//! `check`, `build` and the preview each keep a file of their own in the folder (their results
//! differ: only a check reports a marker's stale table), replaced whole (a temporary file
//! renamed) and only when something in it changed; a file that cannot be read or is of another
//! key is an empty cache, never an error: the run does the work instead. A build takes a kept
//! result only for a file it passes through as it is: a page it rewrites is rewritten again.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::{Deserialize, Serialize};

use super::file::FileResult;
use super::layout::Layout;
use super::{Mode, Options};
use crate::catalogue::Catalogue;
use crate::diagnostic::{Diagnostic, Rule};

/// What a run does with the files, which its results depend on: each keeps its own cache file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Purpose {
    Check,
    Build,
    /// A build with the preview's script appended to every page.
    Preview,
}

impl Purpose {
    fn word(self) -> &'static str {
        match self {
            Purpose::Check => "check",
            Purpose::Build => "build",
            Purpose::Preview => "preview",
        }
    }

    /// The name of its cache file in the folder.
    fn file(self) -> String {
        format!("cookie-ledger-{}.json", self.word())
    }
}

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
    /// Whether a build wrote the file's bytes as they were (a page, followed by the preview's
    /// script), so that a build may do so again from this result alone.
    passes: bool,
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
    passes: bool,
}

/// The cache of one run.
pub(super) struct Cache {
    /// The cache file.
    path: PathBuf,
    key: String,
    /// The kept results; each is taken out when used.
    old: Mutex<HashMap<String, Entry>>,
    /// How many results the cache held.
    held: usize,
    /// The hash of each file this run read whose result may be kept, and whether it passed
    /// through a build as it was, by path.
    hashes: Mutex<HashMap<String, (String, bool)>>,
    hits: AtomicUsize,
    /// Paths whose result was made in this run, not taken from the cache.
    redone: Mutex<Vec<String>>,
}

/// The cache a run uses: `None` without a folder, and for a check that compares with an
/// output folder (which `notes` then says), since output bytes are not kept.
pub(super) fn for_run(
    options: &Options,
    comparing: bool,
    catalogue: &Catalogue,
    layout: &Layout,
    notes: &mut Vec<String>,
) -> Result<Option<Cache>, Diagnostic> {
    let Some(folder) = &options.cache else {
        return Ok(None);
    };
    // Results depend on what the run does with the files: each purpose keeps its own.
    let purpose = match (options.mode, &options.preview) {
        (Mode::Build, None) => Purpose::Build,
        (Mode::Build, Some(_)) => Purpose::Preview,
        (Mode::Check, _) if !comparing => Purpose::Check,
        (Mode::Check, _) => {
            notes.push(
                "the cache is not used when comparing with an output folder: every file was checked"
                    .to_owned(),
            );
            return Ok(None);
        }
    };
    let key = key(options, purpose, catalogue, layout)?;
    Cache::open(folder, purpose, layout, key).map(Some)
}

/// What every file's result depends on besides its bytes, as one hash.
fn key(
    options: &Options,
    purpose: Purpose,
    catalogue: &Catalogue,
    layout: &Layout,
) -> Result<String, Diagnostic> {
    let inputs = super::shard::fingerprint(catalogue, options.cookie_db.as_deref())?;
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let append = options.preview.as_ref().map_or("", |p| p.append.as_str());
    for part in [
        env!("CARGO_PKG_VERSION"),
        purpose.word(),
        append,
        // Templates may show the date of the declaration.
        catalogue.updated.as_deref().unwrap_or_default(),
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
    /// folder inside the site (its file would become one of the site's) or the output (a build
    /// replaces it whole), and a cache file that is not one this tool wrote.
    fn open(
        folder: &Path,
        purpose: Purpose,
        layout: &Layout,
        key: String,
    ) -> Result<Cache, Diagnostic> {
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
        if let Some(out) = &layout.out
            && super::layout::absolute(folder).starts_with(super::layout::absolute(out))
        {
            return Err(unsafe_cache(format!(
                "the cache folder {} lies inside the output folder, which a build replaces whole",
                folder.display()
            )));
        }
        let path = folder.join(purpose.file());
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
            path,
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
        let (hash, kept) = self.take(rel, bytes, |_| true);
        let result = kept.unwrap_or_else(make);
        self.keep(rel, hash, &result, false);
        result
    }

    /// The result kept for `rel` when its bytes are still `bytes` and a build passed them
    /// through as they were, with the hash to [`Cache::keep`] the run's result under.
    pub fn passed(&self, rel: &str, bytes: &[u8]) -> (String, Option<FileResult>) {
        self.take(rel, bytes, |entry| entry.passes)
    }

    /// Takes the result kept for `rel` out of the cache when the hash of `bytes` is the one it
    /// was made from and `usable` says so; a file whose result is not taken counts as redone.
    fn take(
        &self,
        rel: &str,
        bytes: &[u8],
        usable: impl Fn(&Entry) -> bool,
    ) -> (String, Option<FileResult>) {
        let hash = format!("{:032x}", xxhash_rust::xxh3::xxh3_128(bytes));
        let kept = self
            .old
            .lock()
            .ok()
            .and_then(|mut old| old.remove(rel))
            .filter(|e| e.hash == hash && usable(e));
        match kept {
            Some(entry) => {
                self.hits.fetch_add(1, Ordering::Relaxed);
                (hash, Some(entry.result))
            }
            None => {
                if let Ok(mut redone) = self.redone.lock() {
                    redone.push(rel.to_owned());
                }
                (hash, None)
            }
        }
    }

    /// Keeps `result`, made from bytes of `hash`, for the next run; `passes` when a build wrote
    /// the bytes as they were. A file that could not be checked (bad input) is checked again
    /// next time.
    pub fn keep(&self, rel: &str, hash: String, result: &FileResult, passes: bool) {
        if !result.is_bad_input()
            && let Ok(mut hashes) = self.hashes.lock()
        {
            hashes.insert(rel.to_owned(), (hash, passes));
        }
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
            .filter(|r| !r.is_bad_input())
            .filter_map(|r| {
                let (hash, passes) = hashes.get(&r.path)?;
                Some((
                    r.path.as_str(),
                    EntryRef {
                        hash,
                        result: r,
                        passes: *passes,
                    },
                ))
            })
            .collect();
        let writing = Writing {
            generator: "cookie-ledger",
            key: &self.key,
            files,
        };
        let text = serde_json::to_vec(&writing).ok()?;
        let path = self.path;
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
