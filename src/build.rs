//! Drives a whole site through the page pass in parallel; `build` writes the output folder whole or not at all, `check` writes nothing.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;
use similar::TextDiff;
use walkdir::WalkDir;

use crate::audit;
use crate::catalogue::Catalogue;
use crate::diagnostic::{Class, Diagnostic, ExitCode, Location, Rule};
use crate::inventory::{self, SiteInventory};
use crate::page::{self, Context};
use crate::position::LineIndex;
use crate::render::Tables;
use crate::scan::{self, Sighting};

/// What a run does with its result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Write the output folder when every check passes.
    Build,
    /// Run every check and write nothing; compare with the output folder if it exists.
    Check,
}

/// Where a run reads and writes.
#[derive(Clone, Debug)]
pub struct Options {
    /// The catalogue file.
    pub catalogue: PathBuf,
    /// The site folder.
    pub site: PathBuf,
    /// The output folder.
    pub out: PathBuf,
    /// Build or check.
    pub mode: Mode,
    /// Treat warnings about declared cookies nothing sets as errors.
    pub strict: bool,
    /// Rules not to report.
    pub allow: Vec<Rule>,
    /// A copy of the Open Cookie Database (CSV), to describe undeclared cookies.
    pub cookie_db: Option<PathBuf>,
    /// The preview's settings; `None` for `build` and `check`.
    pub preview: Option<Preview>,
    /// Where a clean build writes its inventory; `None` puts it beside the output, as `<out>-inventory.json`.
    pub inventory: Option<PathBuf>,
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
    pub found: Vec<(String, Vec<(String, String)>)>,
    /// Pages with a cookie table, as `/`-separated paths in the site folder.
    pub policy_pages: Vec<String>,
}

impl Outcome {
    fn failed(diagnostics: Vec<Diagnostic>, summary: Summary) -> Outcome {
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
        }
    }
}

/// What one file contributed.
#[derive(Default)]
struct FileResult {
    findings: Vec<Diagnostic>,
    site: Option<usize>,
    page: bool,
    cookie_tables: usize,
    covered: Vec<usize>,
    /// Cookies a page sets.
    sightings: Vec<(Location, Sighting)>,
    /// Scripts of the site a page loads.
    scripts: Vec<page::ScriptLoad>,
    /// What a script file sets and holds back, when the file is a script.
    script_writes: Option<(Vec<(Location, Sighting)>, scan::Gates)>,
    /// `Set-Cookie` headers of a `_headers` file: the path pattern, where, what.
    header_cookies: Vec<(String, Location, Sighting)>,
}

/// The cookies a site sets: each one once, where it was first found, and on how many places.
#[derive(Clone, Default)]
struct SiteSightings {
    /// Names and patterns set.
    names: BTreeSet<String>,
    /// First sighting of each cookie (or of each dynamic write), with its count of places.
    first: Vec<(Location, Sighting, usize)>,
    /// Position in `first` and the files already counted, by cookie.
    index: HashMap<String, (usize, HashSet<String>)>,
}

impl SiteSightings {
    fn new() -> SiteSightings {
        SiteSightings::default()
    }

    fn add(&mut self, sightings: impl IntoIterator<Item = (Location, Sighting)>) {
        for (location, sighting) in sightings {
            // A name is one finding however many pages set it; a dynamic write is one per place.
            let key = match &sighting.name {
                Some(name) => name.clone(),
                None => format!("{location}\u{0}{}", sighting.evidence),
            };
            if let Some(name) = &sighting.name {
                self.names.insert(name.clone());
            }
            match self.index.get_mut(&key) {
                // Places are files: a page with the tag and the snippet of one service is one place.
                Some((i, files)) => {
                    if files.insert(location.file.clone()) {
                        self.first[*i].2 += 1;
                    }
                }
                None => {
                    let files = HashSet::from([location.file.clone()]);
                    self.index.insert(key, (self.first.len(), files));
                    self.first.push((location, sighting, 1));
                }
            }
        }
    }
}

/// What kind of file the walk met.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Page,
    Script,
    Headers,
    Other,
}

impl Kind {
    fn of(path: &Path) -> Kind {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default()
            .to_ascii_lowercase();
        match ext.as_str() {
            "html" | "htm" => Kind::Page,
            "js" | "mjs" => Kind::Script,
            _ if path.file_name().is_some_and(|n| n == "_headers") => Kind::Headers,
            _ => Kind::Other,
        }
    }
}

/// Runs a build or a check.
pub fn run(options: &Options) -> Outcome {
    match Session::start(options) {
        Ok((_, outcome)) | Err(outcome) => outcome,
    }
}

/// A site built once and kept in memory, so that the preview rebuilds a changed page alone.
pub struct Session {
    options: Options,
    catalogue: Catalogue,
    tables: Tables,
    cookie_db: Option<scan::cookie_db::CookieDb>,
    layout: Layout,
    /// The site's files in walk order, with what each contributed.
    files: Vec<(Entry, FileResult)>,
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
        let summary = Summary {
            sites: catalogue.sites.len(),
            cookies: catalogue.cookies.len(),
            ..Summary::default()
        };
        let cookie_db = options
            .cookie_db
            .as_deref()
            .map(scan::cookie_db::CookieDb::load)
            .transpose()
            .map_err(|e| Outcome::failed(vec![e], summary.clone()))?;
        let tables = Tables::render(&catalogue)
            .map_err(|errors| Outcome::failed(errors, summary.clone()))?;
        let layout = Layout::new(options).map_err(|e| Outcome::failed(vec![e], summary.clone()))?;
        if let Some(folder) = options
            .inventory
            .as_deref()
            .and_then(Path::parent)
            .filter(|f| !f.as_os_str().is_empty() && !f.is_dir())
        {
            let message = format!("the inventory's folder {} does not exist", folder.display());
            let d = Diagnostic::error(Rule::Io, None, message)
                .with_help("create it, or choose another --inventory");
            return Err(Outcome::failed(vec![d], summary));
        }
        let (entries, walk) = layout.walk();
        let staging = match options.mode {
            Mode::Build => Some(
                layout
                    .prepare_staging(&entries)
                    .map_err(|e| Outcome::failed(vec![e], summary.clone()))?,
            ),
            Mode::Check => None,
        };
        let compare_with =
            (options.mode == Mode::Check && layout.out.is_dir()).then(|| layout.out.clone());
        let ctx = Context {
            catalogue: &catalogue,
            tables: &tables,
            report_stale_markers: options.mode == Mode::Check,
            append: options.preview.as_ref().map(|p| p.append.as_str()),
        };
        let results: Vec<FileResult> = entries
            .par_iter()
            .filter(|e| !e.is_dir)
            .map(|entry| {
                layout.file(
                    &ctx,
                    entry,
                    staging.as_deref(),
                    compare_with.as_deref(),
                    false,
                )
            })
            .collect();
        let (dirs, files): (Vec<Entry>, Vec<Entry>) = entries.into_iter().partition(|e| e.is_dir);
        let session = Session {
            options: options.clone(),
            catalogue,
            tables,
            cookie_db,
            layout,
            files: files.into_iter().zip(results).collect(),
            dirs: dirs.into_iter().map(|d| d.rel).collect(),
            walk,
        };
        let extra = compare_with
            .as_deref()
            .map(|out| session.layout.extra_outputs(out, session.known()))
            .unwrap_or_default();
        let (mut outcome, inventory) = session.aggregate(extra);
        if let Some(staging) = staging {
            session.publish(&staging, &mut outcome, &inventory);
        }
        Ok((session, outcome))
    }

    /// Rebuilds the files at `paths` (absolute, as a watcher reports them) alone, writing them into
    /// the output in place; `None` when the change needs a full rebuild (a folder came or went).
    ///
    /// A page that turns into bad input is not written: the output keeps its last good version.
    pub fn update(&mut self, paths: &[PathBuf]) -> Option<Outcome> {
        let site = self.layout.site.canonicalize().ok()?;
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
            let index = self.files.iter().position(|(e, _)| e.rel == rel);
            if path.exists() && (path.is_symlink() || !self.layout.inside(path)) {
                // Links are rare and may lead anywhere: let the full walk decide about them.
                return None;
            }
            if !path.exists() {
                if let Some(i) = index {
                    self.files.remove(i);
                    let _ = fs::remove_file(self.layout.out.join(&rel));
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
                tables: &self.tables,
                report_stale_markers: false,
                append: self.options.preview.as_ref().map(|p| p.append.as_str()),
            };
            let entry = Entry {
                path: path.clone(),
                rel,
                is_dir: false,
            };
            let result = self
                .layout
                .file(&ctx, &entry, Some(&self.layout.out), None, true);
            wrote |= !result
                .findings
                .iter()
                .any(|d| d.rule.class() == Class::BadInput);
            match index {
                Some(i) => self.files[i] = (entry, result),
                None => {
                    self.files.push((entry, result));
                    self.files.sort_by(|a, b| a.0.rel.cmp(&b.0.rel));
                }
            }
        }
        let (mut outcome, _) = self.aggregate(Vec::new());
        outcome.wrote = wrote;
        Some(outcome)
    }

    /// Every path the site has, files and folders.
    fn known(&self) -> impl Iterator<Item = &str> {
        self.files
            .iter()
            .map(|(e, _)| e.rel.as_str())
            .chain(self.dirs.iter().map(String::as_str))
    }

    /// The site-wide picture from every file's result: findings, counts, cookies found, inventory.
    fn aggregate(&self, extra: Vec<Diagnostic>) -> (Outcome, Vec<SiteInventory>) {
        let (catalogue, layout, options) = (&self.catalogue, &self.layout, &self.options);
        let mut diagnostics = self.walk.clone();
        let mut summary = Summary {
            sites: catalogue.sites.len(),
            cookies: catalogue.cookies.len(),
            ..Summary::default()
        };
        let sites = catalogue.sites.len();
        let mut covered = vec![BTreeSet::new(); sites];
        let mut policy_pages = vec![0usize; sites];
        let mut found: Vec<SiteSightings> = vec![SiteSightings::new(); sites];
        let mut inventory = vec![SiteInventory::default(); sites];
        let mut policy_list = Vec::new();
        let mut loads: Vec<BTreeSet<&str>> = vec![BTreeSet::new(); sites];
        let mut script_files: HashMap<&str, &Vec<(Location, Sighting)>> = HashMap::new();
        let mut header_cookies = Vec::new();
        for (entry, r) in &self.files {
            summary.files += 1;
            summary.pages += usize::from(r.page);
            summary.tables += r.cookie_tables;
            if let Some(site) = r.site {
                covered[site].extend(r.covered.iter().copied());
                policy_pages[site] += usize::from(r.cookie_tables > 0);
                if r.cookie_tables > 0 {
                    policy_list.push(entry.rel.clone());
                }
                if !r.sightings.is_empty() {
                    let display = format!("{}/{}", layout.site_display, entry.rel);
                    inventory[site].places.push((display, r.sightings.clone()));
                }
                found[site].add(r.sightings.iter().cloned());
                loads[site].extend(r.scripts.iter().map(|l| l.path.as_str()));
            }
            if let Some((writes, _)) = &r.script_writes {
                script_files.insert(entry.rel.as_str(), writes);
            }
            header_cookies.extend(r.header_cookies.iter().map(|h| (entry.rel.as_str(), h)));
            diagnostics.extend(r.findings.iter().cloned());
        }
        // Scripts and headers files set cookies for the sites that load or serve them.
        for site in 0..sites {
            for rel in &loads[site] {
                if let Some(writes) = script_files.get(rel).filter(|w| !w.is_empty()) {
                    found[site].add(writes.iter().cloned());
                    inventory[site]
                        .places
                        .push((format!("{}/{rel}", layout.site_display), (*writes).clone()));
                }
            }
            let dir = &catalogue.sites[site].dir;
            let served: Vec<(Location, Sighting)> = header_cookies
                .iter()
                .filter(|(file, (path, _, _))| headers_apply(file, path, dir))
                .map(|(_, (_, location, sighting))| (location.clone(), sighting.clone()))
                .collect();
            if let Some((location, _)) = served.first() {
                inventory[site]
                    .places
                    .push((location.file.clone(), served.clone()));
            }
            found[site].add(served);
        }
        // A script or headers file shared by several sites is one finding naming them all.
        let mut groups: Vec<audit::Found> = Vec::new();
        let mut group_of: HashMap<(Location, String), usize> = HashMap::new();
        for (site, found) in found.iter().enumerate() {
            for (location, sighting, places) in &found.first {
                let key = (
                    location.clone(),
                    sighting
                        .name
                        .clone()
                        .unwrap_or_else(|| sighting.evidence.clone()),
                );
                let g = *group_of.entry(key).or_insert_with(|| {
                    groups.push(audit::Found {
                        location: location.clone(),
                        sighting: sighting.clone(),
                        places: 0,
                        sites: Vec::new(),
                    });
                    groups.len() - 1
                });
                // A file shared by sites is one place however many sites load it.
                groups[g].places = groups[g].places.max(*places);
                groups[g].sites.push(site);
            }
        }
        diagnostics.extend(audit::sightings(
            catalogue,
            &groups,
            options.strict,
            self.cookie_db.as_ref(),
        ));
        diagnostics.extend(audit::catalogue_rules(catalogue));
        // A bad marker leaves a table out; saying the table is missing as well would be noise.
        if ExitCode::of(&diagnostics) != ExitCode::BadInput {
            diagnostics.extend(coverage(
                catalogue,
                &covered,
                &policy_pages,
                &layout.site_display,
            ));
            let names: Vec<&BTreeSet<String>> = found.iter().map(|f| &f.names).collect();
            diagnostics.extend(audit::unseen(catalogue, &names, options.strict));
        }
        diagnostics.extend(extra);
        diagnostics.retain(|d| !options.allow.contains(&d.rule));
        let mut outcome = Outcome::failed(diagnostics, summary);
        outcome.policy_pages = policy_list;
        outcome.found = catalogue
            .sites
            .iter()
            .zip(&found)
            .map(|(site, found)| {
                (
                    site.id.clone(),
                    audit::listed(catalogue, &found.first, options.strict),
                )
            })
            .collect();
        (outcome, inventory)
    }

    /// Swaps the staged output in when the outcome allows it, and writes the inventory beside it.
    fn publish(&self, staging: &Path, outcome: &mut Outcome, inventory: &[SiteInventory]) {
        let (options, layout) = (&self.options, &self.layout);
        // The preview shows drift on the page itself, so it writes pages that drift; bad input keeps the last good output.
        let writable = outcome.exit == ExitCode::Clean
            || (options.preview.is_some() && outcome.exit == ExitCode::Drift);
        if !writable {
            let _ = fs::remove_dir_all(staging);
            return;
        }
        match swap(staging, &layout.out) {
            Ok(cleanup) => {
                outcome.wrote = true;
                if let Some((old, e)) = cleanup {
                    let d = io_error(
                        &old,
                        "wrote the output but cannot remove the previous one at",
                        &e,
                    );
                    outcome.diagnostics.push(Diagnostic {
                        severity: crate::diagnostic::Severity::Warning,
                        ..d
                    });
                }
                let path = options
                    .inventory
                    .clone()
                    .unwrap_or_else(|| layout.inventory_path());
                let text =
                    serde_json::to_string_pretty(&inventory::document(&self.catalogue, inventory))
                        .expect("plain JSON")
                        + "\n";
                if let Err(e) = write_atomically(&path, &text) {
                    outcome.diagnostics.push(io_error(
                        &path,
                        "wrote the output but cannot write the inventory",
                        &e,
                    ));
                    outcome.exit = ExitCode::BadInput;
                }
            }
            Err(e) => {
                let _ = fs::remove_dir_all(staging);
                outcome.diagnostics.push(io_error(
                    &layout.out,
                    "cannot replace the output folder",
                    &e,
                ));
                outcome.exit = ExitCode::BadInput;
            }
        }
    }
}

/// A file or folder of the site.
struct Entry {
    /// Path on disk.
    path: PathBuf,
    /// `/`-separated path relative to the site folder.
    rel: String,
    is_dir: bool,
}

/// The folders of a run and how paths are shown.
struct Layout {
    site: PathBuf,
    out: PathBuf,
    site_display: String,
    out_display: String,
    /// The output folder, canonical, never read as site content.
    canonical_out: PathBuf,
    /// Prefix of staging folders (`<parent>/.<name>.staging-`), never read as site content.
    staging_prefix: String,
    /// The site folder, canonical.
    canonical_site: PathBuf,
    /// Whether links that lead out of the site are left out (the preview serves nothing outside it).
    contained: bool,
}

impl Layout {
    fn new(options: &Options) -> Result<Layout, Diagnostic> {
        let site = &options.site;
        if !site.is_dir() {
            return Err(Diagnostic::error(
                Rule::Io,
                None,
                format!("site folder {} does not exist", site.display()),
            )
            .with_help("pass the folder of built pages with --site"));
        }
        let canonical_site = site
            .canonicalize()
            .map_err(|e| io_error(site, "cannot resolve the site folder", &e))?;
        let out = &options.out;
        let canonical_out = absolute(out);
        if out.exists() && !out.is_dir() {
            return Err(Diagnostic::error(
                Rule::Io,
                None,
                format!("the output {} is a file, not a folder", out.display()),
            )
            .with_help("remove it or choose another --out"));
        }
        if canonical_site.starts_with(&canonical_out) {
            return Err(Diagnostic::error(
                Rule::Io,
                None,
                format!("the output folder {} holds the site folder {}; building would replace the site", out.display(), site.display()),
            )
            .with_help("choose an output folder outside the site, such as dist/"));
        }
        let parent = canonical_out
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let name = canonical_out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok(Layout {
            site: site.clone(),
            out: out.clone(),
            site_display: slash(site),
            out_display: slash(out),
            canonical_site: canonical_site.clone(),
            contained: options.preview.is_some(),
            staging_prefix: format!("{}-", parent.join(format!(".{name}.staging")).display()),
            canonical_out,
        })
    }

    /// Whether `path`, links resolved, lies inside the site folder.
    fn inside(&self, path: &Path) -> bool {
        path.canonicalize()
            .is_ok_and(|p| p.starts_with(&self.canonical_site))
    }

    /// `dist` -> `dist-inventory.json`, beside it.
    fn inventory_path(&self) -> PathBuf {
        let name = self
            .canonical_out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.out.with_file_name(format!("{name}-inventory.json"))
    }

    fn walk(&self) -> (Vec<Entry>, Vec<Diagnostic>) {
        let mut entries = Vec::new();
        let mut errors = Vec::new();
        let walker = WalkDir::new(&self.site)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter();
        let skip = |e: &walkdir::DirEntry| {
            e.file_type().is_dir()
                && e.path().canonicalize().is_ok_and(|p| {
                    p == self.canonical_out || p.to_string_lossy().starts_with(&self.staging_prefix)
                })
        };
        for item in walker.filter_entry(|e| !skip(e)) {
            match item {
                Ok(e) if e.depth() == 0 => {}
                Ok(e) if self.contained && e.path_is_symlink() && !self.inside(e.path()) => {
                    let message = format!(
                        "{} links outside the site folder; the preview leaves it out",
                        e.path().display()
                    );
                    errors.push(
                        Diagnostic::warning(Rule::Io, None, message)
                            .with_help("copy the file into the site instead of linking it"),
                    );
                }
                Ok(e) => {
                    let rel = e
                        .path()
                        .strip_prefix(&self.site)
                        .map(slash)
                        .unwrap_or_default();
                    entries.push(Entry {
                        path: e.path().to_path_buf(),
                        rel,
                        is_dir: e.file_type().is_dir(),
                    });
                }
                Err(e) => {
                    let path = e
                        .path()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default();
                    errors.push(
                        Diagnostic::error(Rule::Io, None, format!("cannot read {path}: {e}"))
                            .with_help("fix the file's permissions or remove it"),
                    );
                }
            }
        }
        (entries, errors)
    }

    fn prepare_staging(&self, entries: &[Entry]) -> Result<PathBuf, Diagnostic> {
        let staging = PathBuf::from(format!("{}{}", self.staging_prefix, std::process::id()));
        if staging.exists() {
            fs::remove_dir_all(&staging)
                .map_err(|e| io_error(&staging, "cannot clear an old staging folder", &e))?;
        }
        fs::create_dir_all(&staging)
            .map_err(|e| io_error(&staging, "cannot create the staging folder", &e))?;
        for entry in entries.iter().filter(|e| e.is_dir) {
            let dir = staging.join(&entry.rel);
            if let Err(e) = fs::create_dir_all(&dir) {
                let _ = fs::remove_dir_all(&staging);
                return Err(io_error(&dir, "cannot create folder", &e));
            }
        }
        Ok(staging)
    }

    /// Processes one file, writing what it becomes into `target` (unless `keep_last_good` and the file is bad input).
    fn file(
        &self,
        ctx: &Context,
        entry: &Entry,
        target: Option<&Path>,
        compare_with: Option<&Path>,
        keep_last_good: bool,
    ) -> FileResult {
        let display = format!("{}/{}", self.site_display, entry.rel);
        let kind = Kind::of(&entry.path);
        let is_page = kind == Kind::Page;
        if kind == Kind::Other && compare_with.is_none() {
            // Non-HTML files are never opened: the kernel copies them.
            let mut result = FileResult::default();
            if let Some(target) = target
                && let Err(e) = fs::copy(&entry.path, target.join(&entry.rel))
            {
                result
                    .findings
                    .push(io_error(&entry.path, "cannot copy", &e));
            }
            return result;
        }
        let input = match fs::read(&entry.path) {
            Ok(bytes) => bytes,
            Err(e) => {
                return FileResult {
                    findings: vec![io_error(&entry.path, "cannot read", &e)],
                    ..FileResult::default()
                };
            }
        };
        let mut result = FileResult {
            page: is_page,
            ..FileResult::default()
        };
        let output = if is_page {
            let page = page::process(ctx, &entry.rel, &display, &input, 64 * 1024);
            result.findings = page.findings;
            result.site = page.site;
            result.cookie_tables = page.cookie_tables;
            result.covered = page.covered;
            result.sightings = page.sightings;
            result.scripts = page.scripts;
            page.output
        } else {
            let text = String::from_utf8_lossy(&input);
            let index = LineIndex::new(text.as_bytes());
            let at = |offset: usize| {
                Location::new(display.clone(), index.line_col(text.as_bytes(), offset))
            };
            match kind {
                Kind::Script => {
                    let scan = scan::script(&ctx.catalogue.services, &text, 0, false);
                    let found = scan
                        .sightings
                        .into_iter()
                        .map(|s| (at(s.offset), s))
                        .collect();
                    result.script_writes = Some((found, scan.gates));
                }
                Kind::Headers => {
                    for header in scan::headers::set_cookies(&text) {
                        let evidence =
                            format!("Set-Cookie: {} (for {})", header.value, header.path);
                        if let Some(sighting) =
                            scan::set_cookie(&header.value, header.offset, evidence)
                        {
                            result
                                .header_cookies
                                .push((header.path, at(header.offset), sighting));
                        }
                    }
                }
                Kind::Page | Kind::Other => {}
            }
            None
        };
        let bytes = output.as_deref().unwrap_or(&input);
        let bad = keep_last_good
            && result
                .findings
                .iter()
                .any(|d| d.rule.class() == Class::BadInput);
        if let Some(target) = target.filter(|_| !bad)
            && let Err(e) = fs::write(target.join(&entry.rel), bytes)
        {
            result
                .findings
                .push(io_error(&target.join(&entry.rel), "cannot write", &e));
        }
        if let Some(out) = compare_with {
            result.findings.extend(self.compare(out, entry, bytes));
        }
        result
    }

    /// In check mode: does the output folder hold what a build would write?
    fn compare(&self, out: &Path, entry: &Entry, wanted: &[u8]) -> Option<Diagnostic> {
        let path = out.join(&entry.rel);
        let display = format!("{}/{}", self.out_display, entry.rel);
        let help =
            "run `cargo xtask build` (or `cookie-ledger build`) to bring the output up to date";
        match fs::read(&path) {
            Ok(actual) if actual == wanted => None,
            Ok(actual) => {
                let (wanted_text, actual_text) = (
                    String::from_utf8_lossy(wanted),
                    String::from_utf8_lossy(&actual),
                );
                let diff = TextDiff::from_lines(wanted_text.as_ref(), actual_text.as_ref());
                let first = diff
                    .ops()
                    .iter()
                    .find(|op| op.tag() != similar::DiffTag::Equal)
                    .map_or(0, |op| op.new_range().start);
                let mut unified = diff.unified_diff();
                let text = unified
                    .context_radius(2)
                    .header("what the build writes", &display)
                    .to_string();
                let location = Location::new(display.clone(), (first + 1, 1));
                Some(
                    Diagnostic::error(
                        Rule::StaleOutput,
                        Some(location),
                        "the output differs from what a build writes now",
                    )
                    .with_help(help)
                    .with_diff(text),
                )
            }
            Err(_) => Some(
                Diagnostic::error(
                    Rule::StaleOutput,
                    None,
                    format!("{display} is missing from the output"),
                )
                .with_help(help),
            ),
        }
    }

    /// In check mode: files in the output folder that the site no longer has.
    fn extra_outputs<'a>(
        &self,
        out: &Path,
        known: impl Iterator<Item = &'a str>,
    ) -> Vec<Diagnostic> {
        let known: HashSet<&str> = known.collect();
        WalkDir::new(out)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.depth() > 0)
            .filter_map(|e| {
                let rel = e.path().strip_prefix(out).map(slash).ok()?;
                (!known.contains(rel.as_str())).then(|| {
                    Diagnostic::error(
                        Rule::StaleOutput,
                        None,
                        format!("{}/{rel} is in the output but not in the site", self.out_display),
                    )
                    .with_help("run `cargo xtask build` (or `cookie-ledger build`) to bring the output up to date")
                })
            })
            .collect()
    }
}

/// Sites without a policy page, and cookies no policy page of their site lists.
fn coverage(
    catalogue: &Catalogue,
    covered: &[BTreeSet<usize>],
    policy_pages: &[usize],
    site_display: &str,
) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for (s, site) in catalogue.sites.iter().enumerate() {
        let folder = if site.dir.is_empty() {
            site_display.to_owned()
        } else {
            format!("{site_display}/{}", site.dir)
        };
        if policy_pages[s] == 0 {
            let d = Diagnostic::error(
                Rule::NoPolicyPage,
                Some(site.location.clone()),
                format!(
                    "site `{}` has no page with a cookie table under {folder}/",
                    site.id
                ),
            );
            findings.push(d.with_help(format!("add a policy page to {folder}/ with a marker such as <div data-cookie-table=\"necessary\"></div>")));
            continue;
        }
        for (c, cookie) in catalogue.cookies.iter().enumerate() {
            if cookie.sites.contains(&s) && !covered[s].contains(&c) {
                let category = &catalogue.categories[cookie.category].id;
                let d = Diagnostic::error(
                    Rule::UncoveredCookie,
                    Some(cookie.location.clone()),
                    format!(
                        "cookie `{}` appears on none of site `{}`'s policy pages",
                        cookie.names.join(", "),
                        site.id
                    ),
                );
                findings.push(d.with_help(format!("add <div data-cookie-table=\"{category}\"></div> to a policy page under {folder}/")));
            }
        }
    }
    findings
}

/// Whether a `_headers` file at `file` (a path in the site folder) with a rule for `path` serves pages of the site in `dir`.
///
/// The file applies to the folder it sits in, which a host serves as `/`.
fn headers_apply(file: &str, path: &str, dir: &str) -> bool {
    let root = file.rsplit_once('/').map_or("", |(folder, _)| folder);
    if root.is_empty() {
        return scan::headers::covers(path, dir);
    }
    if dir == root || dir.starts_with(&format!("{root}/")) {
        let below = dir
            .strip_prefix(root)
            .unwrap_or_default()
            .trim_start_matches('/');
        return scan::headers::covers(path, below);
    }
    // A headers file inside a site's folder serves that site.
    root.starts_with(&format!("{dir}/")) && !dir.is_empty()
}

/// Writes `text` to `path` through a temporary sibling, so a reader never sees half of it.
fn write_atomically(path: &Path, text: &str) -> io::Result<()> {
    let temporary = PathBuf::from(format!("{}.tmp-{}", path.display(), std::process::id()));
    fs::write(&temporary, text)?;
    fs::rename(&temporary, path)
}

/// Replaces `out` with `staging`; `out` is never half-written.
///
/// Once the new output is in place, failing to delete the old one is only worth a warning:
/// it comes back as the old folder's path and the error.
fn swap(staging: &Path, out: &Path) -> io::Result<Option<(PathBuf, io::Error)>> {
    if !out.exists() {
        return fs::rename(staging, out).map(|()| None);
    }
    let old = PathBuf::from(format!("{}.old", staging.display()));
    fs::rename(out, &old)?;
    if let Err(e) = fs::rename(staging, out) {
        let _ = fs::rename(&old, out);
        return Err(e);
    }
    Ok(fs::remove_dir_all(&old).err().map(|e| (old, e)))
}

fn slash(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    text.trim_end_matches('/').to_owned()
}

fn absolute(path: &Path) -> PathBuf {
    // The output may not exist yet: resolve its parent and keep its name.
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => {
            let parent = if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            };
            parent
                .canonicalize()
                .map(|p| p.join(name))
                .unwrap_or_else(|_| path.to_path_buf())
        }
        _ => path.canonicalize().unwrap_or_else(|_| path.to_path_buf()),
    }
}

fn io_error(path: &Path, what: &str, e: &io::Error) -> Diagnostic {
    Diagnostic::error(Rule::Io, None, format!("{what} {}: {e}", path.display()))
        .with_help("check the path and its permissions")
}
