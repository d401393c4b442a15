//! One file of the site: read it (regular files only, bounded), put it through the page pass or
//! the script and headers scans, write what it becomes, and in check mode compare it with the
//! output folder. A panic anywhere in it becomes an internal-error finding for that file.

use std::collections::HashSet;
use std::fs;
use std::path::Path;

use similar::TextDiff;
use walkdir::WalkDir;

use super::layout::{Entry, Layout, io_error, slash};
use crate::diagnostic::{Class, Diagnostic, Location, Rule};
use crate::fsio::{self, ReadError};
use crate::guard;
use crate::page::{self, Context, ScriptLoad};
use crate::position::LineIndex;
use crate::scan::{self, Controls, Sighting};

/// What one file contributed.
#[derive(Default)]
pub(super) struct FileResult {
    /// Its findings.
    pub findings: Vec<Diagnostic>,
    /// The site it belongs to, for pages.
    pub site: Option<usize>,
    /// Whether it is an HTML page.
    pub page: bool,
    /// Visible cookie tables on it.
    pub cookie_tables: usize,
    /// Catalogue cookies its tables list.
    pub covered: Vec<usize>,
    /// Cookies a page sets.
    pub sightings: Vec<(Location, Sighting)>,
    /// Scripts of the site a page loads.
    pub scripts: Vec<ScriptLoad>,
    /// What a page's inline code holds back or changes about services.
    pub controls: Controls,
    /// What a script file sets and controls, when the file is a script.
    pub script: Option<(Vec<(Location, Sighting)>, Controls)>,
    /// `Set-Cookie` headers of a `_headers` file: the path pattern, where, what.
    pub header_cookies: Vec<(String, Location, Sighting)>,
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
            "html" | "htm" | "xhtml" => Kind::Page,
            "js" | "mjs" | "cjs" => Kind::Script,
            _ if path.file_name().is_some_and(|n| n == "_headers") => Kind::Headers,
            _ => Kind::Other,
        }
    }
}

/// What becomes of a file's bytes once read (and, for a page, rewritten).
#[derive(Clone, Copy)]
pub(super) enum Bytes<'a> {
    /// Checked and dropped: `check` without an output folder.
    Checked,
    /// Written into a folder: a build's staging folder, or the preview's folder, where a file
    /// that turns into bad input keeps its last good version (`keep_last_good`).
    Written {
        into: &'a Path,
        keep_last_good: bool,
    },
    /// Compared with what an output folder holds: `check --out`. `build_command` brings the
    /// folder up to date, for help texts.
    Compared {
        with: &'a Path,
        build_command: &'a str,
    },
}

/// Processes one file; a panic comes back as an internal error about it.
pub(super) fn process(layout: &Layout, ctx: &Context, entry: &Entry, bytes: Bytes) -> FileResult {
    let display = layout.display(&entry.rel);
    guard::catch(&display, None, || file(layout, ctx, entry, bytes)).unwrap_or_else(|d| {
        FileResult {
            findings: vec![d],
            ..FileResult::default()
        }
    })
}

fn file(layout: &Layout, ctx: &Context, entry: &Entry, fate: Bytes) -> FileResult {
    let display = layout.display(&entry.rel);
    let kind = Kind::of(&entry.path);
    if kind == Kind::Other && !matches!(fate, Bytes::Compared { .. }) {
        // Other files are never parsed: the kernel copies them.
        let mut result = FileResult::default();
        if let Bytes::Written { into: target, .. } = fate
            && let Err(e) = fsio::copy(&entry.path, &target.join(&entry.rel))
        {
            result
                .findings
                .push(read_error(&entry.path, "cannot copy", e));
        }
        return result;
    }
    let input = match fsio::read(&entry.path, fsio::MAX_TEXT) {
        Ok(bytes) => bytes,
        Err(e) => {
            return FileResult {
                findings: vec![read_error(&entry.path, "cannot read", e)],
                ..FileResult::default()
            };
        }
    };
    let mut result = FileResult {
        page: kind == Kind::Page,
        ..FileResult::default()
    };
    let output = match kind {
        Kind::Page => {
            let page = page::process(ctx, &entry.rel, &display, &input, 64 * 1024);
            result.findings = page.findings;
            result.site = page.site;
            result.cookie_tables = page.cookie_tables;
            result.covered = page.covered;
            result.sightings = page.sightings;
            result.scripts = page.scripts;
            result.controls = page.controls;
            page.output
        }
        Kind::Script | Kind::Headers => {
            // Scripts are read as UTF-8; stray bytes of another encoding become replacement characters.
            let text = String::from_utf8_lossy(&input);
            let index = LineIndex::new();
            let at = |offset: usize| {
                Location::new(display.clone(), index.line_col(text.as_bytes(), offset))
            };
            if kind == Kind::Script {
                let scan = scan::script(ctx.services, &text, 0, Default::default());
                let found = scan
                    .sightings
                    .into_iter()
                    .map(|s| (at(s.offset), s))
                    .collect();
                result.script = Some((found, scan.controls));
            } else {
                for header in scan::headers::set_cookies(&text) {
                    let evidence = format!("Set-Cookie: {} (for {})", header.value, header.path);
                    if let Some(sighting) = scan::set_cookie(&header.value, header.offset, evidence)
                    {
                        result
                            .header_cookies
                            .push((header.path, at(header.offset), sighting));
                    }
                }
            }
            None
        }
        Kind::Other => None,
    };
    let bytes = output.as_deref().unwrap_or(&input);
    let bad = result
        .findings
        .iter()
        .any(|d| d.rule.class() == Class::BadInput);
    match fate {
        Bytes::Checked => {}
        Bytes::Written {
            into,
            keep_last_good,
        } => {
            let target = into.join(&entry.rel);
            if !(bad && keep_last_good)
                && let Err(e) = fs::write(&target, bytes)
            {
                result.findings.push(io_error(&target, "cannot write", &e));
            }
        }
        Bytes::Compared {
            with,
            build_command,
        } => {
            result
                .findings
                .extend(compare(layout, with, entry, bytes, build_command));
        }
    }
    result
}

/// In check mode: does the output folder hold what a build would write?
fn compare(
    layout: &Layout,
    out: &Path,
    entry: &Entry,
    wanted: &[u8],
    build_command: &str,
) -> Option<Diagnostic> {
    let path = out.join(&entry.rel);
    let display = format!("{}/{}", layout.out_display, entry.rel);
    let help = format!("run `{build_command}` to bring the output up to date");
    match fsio::read(&path, fsio::MAX_TEXT) {
        Ok(actual) if actual == wanted => None,
        Ok(actual) => {
            let (wanted_text, actual_text) = (
                String::from_utf8_lossy(wanted),
                String::from_utf8_lossy(&actual),
            );
            // A diff of two large, different files could take long: a deadline keeps it bounded.
            let diff = TextDiff::configure()
                .timeout(std::time::Duration::from_millis(500))
                .diff_lines(wanted_text.as_ref(), actual_text.as_ref());
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
                Diagnostic::new(
                    Rule::StaleOutput,
                    Some(location),
                    "the output differs from what a build writes now",
                )
                .with_help(help)
                .with_diff(text),
            )
        }
        Err(_) => Some(
            Diagnostic::new(
                Rule::StaleOutput,
                None,
                format!("{display} is missing from the output"),
            )
            .with_help(help),
        ),
    }
}

/// In check mode: files in the output folder that the site no longer has.
pub(super) fn extra_outputs<'a>(
    layout: &Layout,
    out: &Path,
    known: impl Iterator<Item = &'a str>,
    build_command: &str,
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
                Diagnostic::new(
                    Rule::ExtraOutput,
                    None,
                    format!(
                        "{}/{rel} is in the output but not in the site",
                        layout.out_display
                    ),
                )
                .with_help(format!(
                    "run `{build_command}` to bring the output up to date"
                ))
            })
        })
        .collect()
}

fn read_error(path: &Path, what: &str, e: ReadError) -> Diagnostic {
    match e {
        ReadError::Io(e) => io_error(path, what, &e),
        other => Diagnostic::new(
            Rule::UnsupportedFile,
            None,
            format!("{what} {}: {other}", path.display()),
        )
        .with_help("a site holds regular files of a size a browser would load; move this one out of the site folder"),
    }
}
