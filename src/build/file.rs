//! One file of the site: read it (regular files only, bounded), put it through the page pass or
//! the script and headers scans, write what it becomes, and in check mode compare it with the
//! output folder. A panic anywhere in it becomes an internal-error finding for that file.

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};
use similar::TextDiff;
use walkdir::WalkDir;

use super::cache::Cache;
use super::layout::{Entry, Layout, io_error, slash};
use super::previous::Previous;
use crate::diagnostic::{Class, Diagnostic, Location, Rule};
use crate::fsio::{self, ReadError};
use crate::guard;
use crate::page::{self, Context, PageFacts};
use crate::position::LineIndex;
use crate::scan::{self, Controls, Placed, Sighting};

/// What one file of the site contributed to a run: its findings, and what the site-wide
/// reduction needs from it, typed by kind of file.
///
/// It is a plain serialisable value: results made elsewhere (another CI machine, a browser)
/// reduce the same way as these.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileResult {
    /// Its `/`-separated path in the site folder.
    pub path: String,
    /// Its findings.
    pub findings: Vec<Diagnostic>,
    /// What the reduction needs from it.
    pub facts: Facts,
}

/// What a file tells the site-wide reduction, by kind of file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Facts {
    /// A file passed through as it is, or one that could not be read: nothing to add.
    #[default]
    Other,
    /// An HTML page.
    Page(PageFacts),
    /// A JavaScript file: what it sets, and what its code holds back.
    Script {
        /// Cookies it sets, where and how.
        sightings: Vec<Placed>,
        /// What its code says about the services it loads.
        controls: Controls,
    },
    /// A `_headers` file: the cookies its `Set-Cookie` lines set.
    Headers {
        /// Each `Set-Cookie`, with the path pattern it is for.
        cookies: Vec<HeaderCookie>,
    },
}

/// One `Set-Cookie` of a `_headers` file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HeaderCookie {
    /// The path pattern the header is sent for (`/*`, `/odwb/*`).
    pub pattern: String,
    /// Where the line is.
    pub location: Location,
    /// The cookie it sets.
    pub sighting: Sighting,
}

impl FileResult {
    /// A result of `findings` alone, for a file that could not be read.
    fn failed(path: &str, findings: Vec<Diagnostic>) -> FileResult {
        FileResult {
            path: path.to_owned(),
            findings,
            facts: Facts::Other,
        }
    }

    /// Whether any of its findings is bad input.
    pub fn is_bad_input(&self) -> bool {
        self.findings
            .iter()
            .any(|d| d.rule.class() == Class::BadInput)
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
    /// that turns into bad input keeps its last good version (`keep_last_good`). A file whose
    /// bytes are those the `previous` output holds is linked from there, not written again.
    Written {
        into: &'a Path,
        keep_last_good: bool,
        previous: Option<&'a Previous>,
    },
    /// Compared with what an output folder holds: `check --out`. `build_command` brings the
    /// folder up to date, for help texts.
    Compared {
        with: &'a Path,
        build_command: &'a str,
    },
}

/// Processes one file; a panic comes back as an internal error about it. With `cache`, a
/// file whose bytes have not changed gives its kept result, when it is only checked or a build
/// passes it through as it is.
pub(super) fn process(
    layout: &Layout,
    ctx: &Context,
    entry: &Entry,
    bytes: Bytes,
    cache: Option<&Cache>,
) -> FileResult {
    let display = layout.display(&entry.rel);
    guard::catch(&display, None, || file(layout, ctx, entry, bytes, cache))
        .unwrap_or_else(|d| FileResult::failed(&entry.rel, vec![d]))
}

fn file(
    layout: &Layout,
    ctx: &Context,
    entry: &Entry,
    fate: Bytes,
    cache: Option<&Cache>,
) -> FileResult {
    let display = layout.display(&entry.rel);
    let kind = Kind::of(&entry.path);
    if kind == Kind::Other && !matches!(fate, Bytes::Compared { .. }) {
        // Other files are never parsed: the kernel copies them.
        let mut findings = Vec::new();
        if let Bytes::Written { into, previous, .. } = fate
            && let Err(e) =
                Previous::copy(previous, &entry.rel, &entry.path, &into.join(&entry.rel))
        {
            findings.push(read_error(&entry.path, "cannot copy", e));
        }
        return FileResult::failed(&entry.rel, findings);
    }
    let input = match fsio::read(&entry.path, fsio::MAX_TEXT) {
        Ok(bytes) => bytes,
        Err(e) => {
            return FileResult::failed(&entry.rel, vec![read_error(&entry.path, "cannot read", e)]);
        }
    };
    // What a build writes for a file it passes through: its bytes, and a page's appended script.
    let append = ctx
        .append
        .filter(|_| kind == Kind::Page)
        .unwrap_or_default();
    let (hash, kept) = match (cache, fate) {
        (Some(cache), Bytes::Checked) => {
            return cache.result(&entry.rel, &input, || {
                analyse(ctx, entry, &display, kind, &input).0
            });
        }
        (Some(cache), Bytes::Written { .. }) => {
            let (hash, kept) = cache.passed(&entry.rel, &input);
            (Some(hash), kept)
        }
        _ => (None, None),
    };
    let (mut result, output) = match kept {
        Some(result) => (
            result,
            (!append.is_empty()).then(|| [input.as_slice(), append.as_bytes()].concat()),
        ),
        None => analyse(ctx, entry, &display, kind, &input),
    };
    let bytes = output.as_deref().unwrap_or(&input);
    match fate {
        Bytes::Checked => {}
        Bytes::Written {
            into,
            keep_last_good,
            previous,
        } => {
            let target = into.join(&entry.rel);
            if !(keep_last_good && result.is_bad_input())
                && let Err(e) = Previous::write(previous, &entry.rel, &target, bytes)
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
    // Kept once written: a failed write is this run's trouble, not the file's result.
    if let (Some(cache), Some(hash)) = (cache, hash) {
        let passes = output.as_ref().is_none_or(|out| {
            out.len() == input.len() + append.len()
                && out.starts_with(&input)
                && out.ends_with(append.as_bytes())
        });
        cache.keep(&entry.rel, hash, &result, passes);
    }
    result
}

/// What a file read as `input` gives: its result, and for a page that changes, its new bytes.
fn analyse(
    ctx: &Context,
    entry: &Entry,
    display: &str,
    kind: Kind,
    input: &[u8],
) -> (FileResult, Option<Vec<u8>>) {
    match kind {
        Kind::Page => {
            let page = page::process(ctx, &entry.rel, display, input, 64 * 1024);
            let result = FileResult {
                path: entry.rel.clone(),
                findings: page.findings,
                facts: Facts::Page(page.facts),
            };
            (result, page.output)
        }
        Kind::Script | Kind::Headers => {
            // Scripts are read as UTF-8; stray bytes of another encoding become replacement characters.
            let text = String::from_utf8_lossy(input);
            let index = LineIndex::new();
            let at =
                |offset: usize| Location::new(display, index.line_col(text.as_bytes(), offset));
            let facts = if kind == Kind::Script {
                let scan = scan::script(ctx.services, &text, 0, Default::default());
                Facts::Script {
                    sightings: scan
                        .sightings
                        .into_iter()
                        .map(|sighting| Placed {
                            location: at(sighting.offset),
                            sighting,
                        })
                        .collect(),
                    controls: scan.controls,
                }
            } else {
                let cookies = scan::headers::set_cookies(&text)
                    .into_iter()
                    .filter_map(|header| {
                        let evidence =
                            format!("Set-Cookie: {} (for {})", header.value, header.path);
                        let sighting = scan::set_cookie(&header.value, header.offset, evidence)?;
                        Some(HeaderCookie {
                            location: at(header.offset),
                            pattern: header.path,
                            sighting,
                        })
                    })
                    .collect();
                Facts::Headers { cookies }
            };
            let result = FileResult {
                path: entry.rel.clone(),
                findings: Vec::new(),
                facts,
            };
            (result, None)
        }
        Kind::Other => (FileResult::failed(&entry.rel, Vec::new()), None),
    }
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
