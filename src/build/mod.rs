//! Drives a whole site through the page pass in parallel; `build` writes the output folder whole or
//! not at all, `check` writes nothing.
//!
//! The rooms: `layout` (the run's folders, the guards on `--out` and `--inventory`, the walk),
//! `file` (one file through its pass), `aggregate` (the site-wide reduction into findings and the
//! inventory), `publish` (staging, the lock, the atomic swap).

mod aggregate;
mod cache;
mod coverage;
mod dates;
mod file;
mod layout;
mod merge;
mod parity;
mod prepare;
mod previous;
#[cfg(feature = "audit")]
pub(crate) use layout::{absolute, is_inventory};
mod publish;
mod shard;

use std::fs;
use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;

use crate::catalogue::Catalogue;
use crate::diagnostic::{Class, Diagnostic, ExitCode, Policy};
use crate::guard;
use crate::inventory;
use crate::page::Context;
use crate::render::Tables;
use crate::scan::{self, services::Services};
pub use crate::stored::{CookieFlags, Evidence, StoredItem};
use file::Bytes;
pub use file::{Facts, FileResult, HeaderCookie};
use layout::{Entry, Layout, slash};
pub use merge::merge;
use prepare::Prepared;
use previous::Previous;
use publish::Output;
pub use publish::stamp;
pub use shard::{Shard, ShardDocument, shard};

/// What a run does with its result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Write the output folder when every check passes.
    Build,
    /// Run every check and write nothing; compare with the output folder if one is given.
    Check,
}

/// Where a run reads and writes.
#[derive(Clone, Debug)]
pub struct Options {
    /// The catalogue file.
    pub catalogue: PathBuf,
    /// The site folder.
    pub site: PathBuf,
    /// The output folder: written by `build` (required there), compared with by `check` when given.
    pub out: Option<PathBuf>,
    /// Build or check.
    pub mode: Mode,
    /// What `--strict`, `--allow`, `--warn` and `--deny` make of each rule.
    pub policy: Policy,
    /// A copy of the Open Cookie Database (CSV), to describe undeclared cookies.
    pub cookie_db: Option<PathBuf>,
    /// The preview's settings; `None` for `build` and `check`.
    pub preview: Option<Preview>,
    /// Where a clean build writes its inventory; `None` puts it beside the output, as `<out>-inventory.json`.
    pub inventory: Option<PathBuf>,
    /// The command a user runs to bring the output up to date, for help texts.
    pub build_command: String,
    /// The date of the catalogue's last change as the pipeline gives it (`--updated`);
    /// `None` asks git ([`crate::catalogue::changed::from_git`]).
    pub updated: Option<String>,
    /// What a real browser stored on the same site (`cookie-ledger audit`), judged in the same
    /// reduction as what the files set.
    pub browser: Option<Evidence>,
    /// A folder that keeps each file's result between checks (`check --cache`).
    pub cache: Option<PathBuf>,
}

impl Options {
    /// A plain check of `site` with `catalogue`: default policy, no output folder, no extras.
    pub fn check(catalogue: &std::path::Path, site: &std::path::Path) -> Options {
        Options {
            catalogue: catalogue.to_path_buf(),
            site: site.to_path_buf(),
            out: None,
            mode: Mode::Check,
            policy: Policy::default(),
            cookie_db: None,
            preview: None,
            inventory: None,
            build_command: "cookie-ledger build".to_owned(),
            updated: None,
            browser: None,
            cache: None,
        }
    }
}

/// How the preview server builds: its script on every page, and output written despite drift.
#[derive(Clone, Debug)]
pub struct Preview {
    /// HTML appended to every page.
    pub append: String,
}

/// Counts for the summary line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Sites in the catalogue.
    pub sites: usize,
    /// HTML pages read.
    pub pages: usize,
    /// All files read, pages included.
    pub files: usize,
    /// Visible cookie tables found.
    pub tables: usize,
    /// Cookie entries in the catalogue.
    pub cookies: usize,
    /// Pages an audit visited (in each of its passes); none for a build or a check.
    #[serde(skip_serializing_if = "is_zero")]
    pub visited: usize,
    /// Files whose result came from the cache (`--cache`), not from reading them again.
    #[serde(skip_serializing_if = "is_zero")]
    pub cached: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The cookies one site's pages set, for reports.
#[derive(Clone, Debug, Serialize)]
pub struct SiteCookies {
    /// The site's id.
    pub site: String,
    /// Each cookie and what sets it, sorted.
    pub cookies: Vec<crate::audit::CookieSeen>,
}

/// The result of a run.
#[derive(Debug)]
pub struct Outcome {
    /// Every finding, sorted by file, line and column.
    pub diagnostics: Vec<Diagnostic>,
    /// Counts.
    pub summary: Summary,
    /// What the findings add up to.
    pub exit: ExitCode,
    /// Whether the output folder was replaced.
    pub wrote: bool,
    /// For each site (by id), the cookies its pages set: name, and what sets it.
    pub found: Vec<SiteCookies>,
    /// Pages with a cookie table, as `/`-separated paths in the site folder.
    pub policy_pages: Vec<String>,
    /// What the run looked at beyond the site, said once: the output folder it compared with, or that there was none.
    pub notes: Vec<String>,
    /// For an audit, everything the browser stored, by pass and page.
    pub stored: Vec<StoredItem>,
    /// What each site's files set, place by place, for an inventory.
    pub inventory: Vec<crate::inventory::SiteInventory>,
    /// With a cache, the files (pages, scripts, headers files) whose result this run made
    /// rather than took from the cache, sorted.
    pub redone: Vec<String>,
}

impl Outcome {
    /// An outcome of `diagnostics` alone, sorted, with its exit code.
    pub fn failed(diagnostics: Vec<Diagnostic>, summary: Summary) -> Outcome {
        let mut diagnostics = diagnostics;
        diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        let exit = ExitCode::of(&diagnostics);
        Outcome {
            diagnostics,
            summary,
            exit,
            wrote: false,
            found: Vec::new(),
            policy_pages: Vec::new(),
            notes: Vec::new(),
            stored: Vec::new(),
            inventory: Vec::new(),
            redone: Vec::new(),
        }
    }
}

/// Runs a build or a check; a panic anywhere becomes an internal-error finding.
pub fn run(options: &Options) -> Outcome {
    let result = guard::catch(&options.site.display().to_string(), None, || {
        let catalogue = match Catalogue::load(&options.catalogue) {
            Ok(catalogue) => catalogue,
            Err(errors) => return Outcome::failed(errors, Summary::default()),
        };
        match Session::start_with(options, catalogue, Keep::No) {
            Ok((_, outcome)) | Err(outcome) => outcome,
        }
    });
    result.unwrap_or_else(|d| Outcome::failed(vec![d], Summary::default()))
}

/// [`run`] with a catalogue already loaded (`options.catalogue` only names it): how `init`
/// checks a site against the catalogue it is starting.
pub fn run_with(options: &Options, catalogue: Catalogue) -> Outcome {
    let result =
        guard::catch(
            &options.site.display().to_string(),
            None,
            || match Session::start_with(options, catalogue, Keep::No) {
                Ok((_, outcome)) | Err(outcome) => outcome,
            },
        );
    result.unwrap_or_else(|d| Outcome::failed(vec![d], Summary::default()))
}

/// How many files go through their pass together when results are not kept.
const STREAM_CHUNK: usize = 512;

/// Whether a run keeps every file's result (for the preview's one-page updates), or lets each
/// go once reduced.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Keep {
    Results,
    No,
}

/// A site built once and kept in memory, so that the preview rebuilds a changed page alone.
pub struct Session {
    options: Options,
    catalogue: Catalogue,
    /// The services to recognise: the catalogue's own, then those the tool knows.
    services: Services,
    tables: Tables,
    cookie_db: Option<scan::cookie_db::CookieDb>,
    layout: Layout,
    /// What each file of the site contributed, in walk order.
    files: Vec<FileResult>,
    /// Folders of the site, for comparing with an output folder.
    dirs: Vec<String>,
    /// Findings of the walk itself.
    walk: Vec<Diagnostic>,
}

impl Session {
    /// Builds or checks the whole site, and keeps what an update needs; `Err` when nothing could be built.
    pub fn start(options: &Options) -> Result<(Session, Outcome), Outcome> {
        let catalogue = Catalogue::load(&options.catalogue)
            .map_err(|errors| Outcome::failed(errors, Summary::default()))?;
        Session::start_with(options, catalogue, Keep::Results)
    }

    /// [`Session::start`] with the catalogue given.
    fn start_with(
        options: &Options,
        catalogue: Catalogue,
        keep: Keep,
    ) -> Result<(Session, Outcome), Outcome> {
        let Prepared {
            catalogue,
            services,
            tables,
            cookie_db,
            layout,
            entries,
            walk,
            mut notes,
            compare_with,
            summary,
        } = Prepared::new(options, catalogue)?;
        let fail = |d: Diagnostic| Outcome::failed(vec![d], summary.clone());
        let cache = cache::for_run(
            options,
            compare_with.is_some(),
            &catalogue,
            &layout,
            &mut notes,
        )
        .map_err(fail)?;
        let output = match (options.mode, layout.out.as_deref()) {
            (Mode::Build, Some(out)) => {
                let output = Output::begin(out).map_err(fail)?;
                for entry in entries.iter().filter(|e| e.is_dir) {
                    let dir = output.staging().join(&entry.rel);
                    if let Err(e) = fs::create_dir_all(&dir) {
                        output.abandon();
                        return Err(fail(layout::io_error(&dir, "cannot create folder", &e)));
                    }
                }
                Some(output)
            }
            _ => None,
        };
        // Output::begin made sure a folder there is the tool's own.
        let previous = (output.as_ref().zip(layout.out.as_ref()))
            .and_then(|(output, out)| Previous::find(out, output.staging()));
        let fate = match (output.as_ref(), compare_with.as_deref()) {
            (Some(output), _) => Bytes::Written {
                into: output.staging(),
                keep_last_good: false,
                previous: previous.as_ref(),
            },
            (None, Some(with)) => Bytes::Compared {
                with,
                build_command: &options.build_command,
            },
            (None, None) => Bytes::Checked,
        };
        let extra = compare_with
            .as_deref()
            .map(|out| {
                let known = entries.iter().map(|e| e.rel.as_str());
                file::extra_outputs(&layout, out, known, &options.build_command)
            })
            .unwrap_or_default();
        let (dirs, files): (Vec<Entry>, Vec<Entry>) = entries.into_iter().partition(|e| e.is_dir);
        let mut session = Session {
            options: options.clone(),
            catalogue,
            services,
            tables,
            cookie_db,
            layout,
            files: Vec::new(),
            dirs: dirs.into_iter().map(|d| d.rel).collect(),
            walk,
        };
        let ctx = Context {
            catalogue: &session.catalogue,
            services: &session.services,
            tables: &session.tables,
            report_stale_markers: options.mode == Mode::Check,
            append: options.preview.as_ref().map(|p| p.append.as_str()),
            build_command: &options.build_command,
        };
        let process =
            |entry: &Entry| file::process(&session.layout, &ctx, entry, fate, cache.as_ref());
        let (mut outcome, inventory) = if keep == Keep::Results || cache.is_some() {
            // The preview updates pages one by one from the kept results; the cache stores them.
            let results = files.par_iter().map(process).collect();
            session.files = results;
            aggregate::aggregate(&session, &session.files, extra)
        } else {
            // A chunk of files at a time, in parallel, each result let go once reduced: memory
            // stays flat however large the site.
            let mut files = files.into_iter();
            let results = std::iter::from_fn(|| {
                let chunk: Vec<Entry> = files.by_ref().take(STREAM_CHUNK).collect();
                (!chunk.is_empty()).then(|| chunk.par_iter().map(process).collect::<Vec<_>>())
            })
            .flatten();
            aggregate::aggregate(&session, results, extra)
        };
        notes.append(&mut outcome.notes);
        outcome.notes = notes;
        if let Some(cache) = cache {
            outcome.summary.cached = cache.hits();
            outcome.redone = cache.redone();
            if let Some(d) = cache.save(&session.files) {
                outcome.diagnostics.push(d);
                outcome.exit = ExitCode::of(&outcome.diagnostics);
            }
        }
        if let Some(output) = output {
            session.publish(output, &mut outcome, &inventory);
        }
        outcome.inventory = inventory;
        Ok((session, outcome))
    }

    /// The catalogue the session was built with.
    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    /// Rebuilds the files at `paths` (absolute, as a watcher reports them) alone, writing them into
    /// the output in place; `None` when the change needs a full rebuild (a folder came or went).
    ///
    /// A page that turns into bad input is not written: the output keeps its last good version.
    pub fn update(&mut self, paths: &[PathBuf]) -> Option<Outcome> {
        let site = self.layout.site.canonicalize().ok()?;
        let out = self.layout.out.clone()?;
        // A walk that met errors (an unreadable file, a bad link) is redone whole until it is clean.
        if !self.walk.is_empty() {
            return None;
        }
        let mut wrote = false;
        for path in paths {
            let Ok(relative) = path.strip_prefix(&site) else {
                continue;
            };
            let rel = slash(relative);
            if rel.is_empty() || path.is_dir() || self.dirs.contains(&rel) {
                return None;
            }
            let index = self.files.iter().position(|r| r.path == rel);
            if path.exists() && (path.is_symlink() || !self.layout.inside(path)) {
                // Links are rare and may lead anywhere: let the full walk decide about them.
                return None;
            }
            if !path.exists() {
                if let Some(i) = index {
                    self.files.remove(i);
                    let _ = fs::remove_file(out.join(&rel));
                    wrote = true;
                }
                continue;
            }
            let parent = rel.rsplit_once('/').map_or("", |(folder, _)| folder);
            if !parent.is_empty() && !self.dirs.iter().any(|d| d == parent) {
                return None;
            }
            let ctx = Context {
                catalogue: &self.catalogue,
                services: &self.services,
                tables: &self.tables,
                report_stale_markers: false,
                append: self.options.preview.as_ref().map(|p| p.append.as_str()),
                build_command: &self.options.build_command,
            };
            let entry = Entry {
                path: path.clone(),
                rel,
                is_dir: false,
            };
            let fate = Bytes::Written {
                into: &out,
                keep_last_good: true,
                previous: None,
            };
            let result = file::process(&self.layout, &ctx, &entry, fate, None);
            wrote |= !result
                .findings
                .iter()
                .any(|d| d.rule.class() == Class::BadInput);
            match index {
                Some(i) => self.files[i] = result,
                None => {
                    self.files.push(result);
                    self.files.sort_by(|a, b| a.path.cmp(&b.path));
                }
            }
        }
        let (mut outcome, inventory) = aggregate::aggregate(self, &self.files, Vec::new());
        outcome.wrote = wrote;
        outcome.inventory = inventory;
        Some(outcome)
    }

    /// Swaps the staged output in when the outcome allows it, with the inventory beside it.
    fn publish(
        &self,
        output: Output,
        outcome: &mut Outcome,
        inventory: &[inventory::SiteInventory],
    ) {
        // The preview shows drift on the page itself, so it writes pages that drift; bad input keeps the last good output.
        let writable = outcome.exit == ExitCode::Clean
            || (self.options.preview.is_some() && outcome.exit == ExitCode::Drift);
        if !writable {
            output.abandon();
            return;
        }
        let document = self.layout.inventory.as_deref().map(|path| {
            let text = serde_json::to_string_pretty(&inventory::document(
                &self.catalogue,
                &self.services,
                inventory,
            ))
            .unwrap_or_default()
                + "\n";
            (path, text.into_bytes())
        });
        match output.publish(document.as_ref().map(|(p, t)| (*p, t.as_slice()))) {
            Ok(mut warnings) => {
                outcome.wrote = true;
                self.options.policy.apply(&mut warnings);
                outcome.diagnostics.extend(warnings);
                outcome.exit = ExitCode::of(&outcome.diagnostics);
            }
            Err((e, wrote)) => {
                outcome.wrote = wrote;
                outcome.diagnostics.push(e);
                outcome.exit = ExitCode::BadInput;
            }
        }
    }
}

#[cfg(test)]
mod tests;
