//! Formats an outcome for people (file:line:col, coloured diffs) or machines (JSON); writes only to the writer it is given.

use std::io::{self, Write};

use anstyle::AnsiColor;
use std::time::Duration;

use serde::Serialize;

use crate::build::{Outcome, Summary};
use crate::diagnostic::{Diagnostic, ExitCode, Severity};

mod sarif;

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// `file:line:col: error[rule]: message`, diffs, a summary line.
    Human,
    /// One JSON document, shape documented in README.md.
    Json,
    /// GitHub Actions workflow commands (`::error file=...,line=...::message`), annotating the diff of a pull request.
    Github,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
    /// `check` only: this shard's per-file results (with `--shard I/N`), for `cookie-ledger merge`.
    Shard,
}

/// How a human report looks.
#[derive(Clone, Copy, Debug, Default)]
pub struct Style {
    /// ANSI colours on.
    pub color: bool,
    /// Every place of a finding, not the first few and a count.
    pub verbose: bool,
    /// The findings alone: no list of cookies found, no notes, no summary line.
    pub quiet: bool,
}

const BOLD: anstyle::Style = anstyle::Style::new().bold();
const ERROR: anstyle::Style = fg(AnsiColor::Red).bold();
const WARNING: anstyle::Style = fg(AnsiColor::Yellow).bold();
const NOTE: anstyle::Style = fg(AnsiColor::Cyan).bold();

/// A style of one foreground colour.
const fn fg(colour: AnsiColor) -> anstyle::Style {
    anstyle::Style::new().fg_color(Some(anstyle::Color::Ansi(colour)))
}

/// How many places of each kind the human report shows before "and N more".
const FEW: usize = 3;

/// Text from a page, a file name or the catalogue, safe to print on a terminal or in a CI log:
/// control characters (line breaks, escape sequences) and bidirectional formatting characters
/// are shown as escapes, so no input can forge a line, an annotation or a colour.
pub fn terminal_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_control()
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}') =>
            {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

/// The places of a finding in groups: where else it is set, which pages load the script, where a service loads.
fn place_groups(d: &Diagnostic) -> Vec<(&'static str, Vec<String>)> {
    let mut groups: Vec<(&'static str, Vec<String>)> = Vec::new();
    for place in &d.places {
        let own = Some(&place.location) == d.location.as_ref();
        if own && (place.role == "sets" || place.role == "loads it") {
            continue;
        }
        let label = match place.role.as_str() {
            "sets" => "also set at",
            "loads it" => "also loaded at",
            "stored" => "a real browser saw it written at",
            _ => "loaded by",
        };
        let text = terminal_text(&place.location.to_string());
        match groups.iter_mut().find(|(l, _)| *l == label) {
            Some((_, list)) => list.push(text),
            None => groups.push((label, vec![text])),
        }
    }
    let rank = |label: &str| {
        [
            "also set at",
            "also loaded at",
            "loaded by",
            "a real browser saw it written at",
        ]
        .iter()
        .position(|l| *l == label)
    };
    groups.sort_by_key(|(label, _)| rank(label));
    groups
}

/// The version of the JSON shape; bumped on any incompatible change.
pub const JSON_VERSION: u32 = 1;

/// Writes `outcome` of `command` ("build" or "check") in `format`.
pub fn write(
    out: &mut dyn Write,
    format: Format,
    style: Style,
    command: &str,
    outcome: &Outcome,
    elapsed: Duration,
) -> io::Result<()> {
    match format {
        Format::Human => human(out, style, command, outcome, elapsed),
        Format::Json => json(out, command, outcome, elapsed),
        Format::Github => github(out, command, outcome, elapsed),
        Format::Sarif => sarif::write(out, outcome),
        // A shard holds per-file results, not an outcome: `check` writes it itself.
        Format::Shard => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "only `check` writes --format shard, the per-file results `merge` reduces",
        )),
    }
}

fn human(
    out: &mut dyn Write,
    style: Style,
    command: &str,
    outcome: &Outcome,
    elapsed: Duration,
) -> io::Result<()> {
    let paint = |code: anstyle::Style, text: &str| {
        if style.color {
            format!("{code}{text}{code:#}")
        } else {
            text.to_owned()
        }
    };
    for d in &outcome.diagnostics {
        let (word, colour) = match d.severity {
            Severity::Error => (d.severity.word(), ERROR),
            Severity::Warning => (d.severity.word(), WARNING),
            Severity::Note => (d.severity.word(), NOTE),
        };
        let place = d
            .location
            .as_ref()
            .map(|l| format!("{l}: "))
            .unwrap_or_default();
        let head = paint(colour, &format!("{word}[{}]", d.rule));
        writeln!(
            out,
            "{}{head}: {}",
            paint(BOLD, &terminal_text(&place)),
            terminal_text(&d.message)
        )?;
        if let Some(evidence) = &d.evidence {
            writeln!(out, "    = evidence: {}", terminal_text(evidence))?;
        }
        for (label, list) in place_groups(d) {
            if style.verbose {
                let indent = " ".repeat(label.len() + 8);
                writeln!(out, "    = {label}: {}", list.join(&format!("\n{indent}")))?;
            } else {
                let shown = list
                    .iter()
                    .take(FEW)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ");
                let more = match list.len().saturating_sub(FEW) {
                    0 => String::new(),
                    n => format!(" and {n} more (--verbose lists them)"),
                };
                writeln!(out, "    = {label}: {shown}{more}")?;
            }
        }
        if let Some(diff) = &d.diff {
            for line in diff.lines() {
                let line = &terminal_text(line);
                let colour = match line.as_bytes().first() {
                    _ if line.starts_with("---") || line.starts_with("+++") => Some(BOLD),
                    Some(b'-') => Some(fg(AnsiColor::Red)),
                    Some(b'+') => Some(fg(AnsiColor::Green)),
                    Some(b'@') => Some(fg(AnsiColor::Cyan)),
                    _ => None,
                };
                let line = match colour {
                    Some(colour) => paint(colour, line),
                    None => line.to_owned(),
                };
                writeln!(out, "    {line}")?;
            }
        }
        if let Some(help) = &d.help {
            writeln!(out, "    = help: {}", terminal_text(help))?;
        }
        if let Some(suggestion) = &d.suggestion {
            writeln!(out, "    = suggestion:")?;
            for line in suggestion.lines() {
                writeln!(out, "      {}", terminal_text(line))?;
            }
        }
        writeln!(out)?;
    }
    if style.quiet {
        return Ok(());
    }
    if outcome.found.iter().any(|s| !s.cookies.is_empty()) {
        writeln!(out, "cookies found:")?;
        for site in outcome.found.iter().filter(|s| !s.cookies.is_empty()) {
            let list: Vec<String> = site
                .cookies
                .iter()
                .map(|c| format!("{} ({})", c.name, c.set_by))
                .collect();
            writeln!(out, "  {}: {}", site.site, terminal_text(&list.join(", ")))?;
        }
    }
    for note in &outcome.notes {
        writeln!(out, "note: {}", terminal_text(note))?;
    }
    let (errors, warnings, notes) = count(&outcome.diagnostics);
    let status = match outcome.exit {
        ExitCode::Clean if outcome.wrote => "ok, output written",
        ExitCode::Clean => "ok",
        ExitCode::Drift => "drift found",
        ExitCode::BadInput => "bad input",
    };
    let Summary {
        sites,
        pages,
        files,
        tables,
        cookies,
        visited,
        cached,
    } = outcome.summary;
    let visited = match visited {
        0 => String::new(),
        n => format!(", {n} visited in each pass"),
    };
    let visited = match cached {
        0 => visited,
        n => format!("{visited}, {n} files from the cache"),
    };
    let notes = match notes {
        0 => String::new(),
        1 => ", 1 note".to_owned(),
        n => format!(", {n} notes"),
    };
    let line = format!(
        "{command}: {status}: {errors} error{}, {warnings} warning{}{notes} ({sites} sites, {pages} pages, {files} files, {tables} cookie tables, {cookies} cookies{visited}) in {:.2}s",
        plural(errors),
        plural(warnings),
        elapsed.as_secs_f64()
    );
    let colour = if errors > 0 {
        ERROR
    } else {
        fg(AnsiColor::Green).bold()
    };
    writeln!(out, "{}", paint(colour, &line))
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    command: &'a str,
    exit_code: i32,
    summary: &'a Summary,
    errors: usize,
    warnings: usize,
    #[serde(skip_serializing_if = "is_zero")]
    notices: usize,
    elapsed_ms: u128,
    diagnostics: &'a [Diagnostic],
    found: &'a [crate::build::SiteCookies],
    notes: &'a [String],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    stored: &'a [crate::build::StoredItem],
}

fn json(
    out: &mut dyn Write,
    command: &str,
    outcome: &Outcome,
    elapsed: Duration,
) -> io::Result<()> {
    let (errors, warnings, notices) = count(&outcome.diagnostics);
    let report = JsonReport {
        version: JSON_VERSION,
        command,
        exit_code: outcome.exit as i32,
        summary: &outcome.summary,
        errors,
        warnings,
        notices,
        elapsed_ms: elapsed.as_millis(),
        diagnostics: &outcome.diagnostics,
        found: &outcome.found,
        notes: &outcome.notes,
        stored: &outcome.stored,
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}

fn github(
    out: &mut dyn Write,
    command: &str,
    outcome: &Outcome,
    elapsed: Duration,
) -> io::Result<()> {
    for d in &outcome.diagnostics {
        // GitHub calls a note a notice.
        let level = match d.severity {
            Severity::Note => "notice",
            other => other.word(),
        };
        let mut properties = vec![format!(
            "title={}",
            escape_property(&format!("cookie-ledger {}", d.rule))
        )];
        if let Some(l) = &d.location {
            properties.insert(
                0,
                format!(
                    "file={},line={},col={}",
                    escape_property(&terminal_text(&l.file)),
                    l.line,
                    l.column
                ),
            );
        }
        let mut text = terminal_text(&d.message);
        for extra in [&d.evidence, &d.help].into_iter().flatten() {
            text.push('\n');
            text.push_str(&terminal_text(extra));
        }
        if !d.places.is_empty() {
            text.push_str("\nplaces:");
            for place in &d.places {
                text.push_str(&format!(
                    "\n  {} ({})",
                    terminal_text(&place.location.to_string()),
                    terminal_text(&place.role)
                ));
            }
        }
        for block in [&d.diff, &d.suggestion].into_iter().flatten() {
            text.push_str("\n\n");
            let lines: Vec<String> = block.lines().map(terminal_text).collect();
            text.push_str(&lines.join("\n"));
        }
        writeln!(
            out,
            "::{level} {}::{}",
            properties.join(","),
            escape_data(&text)
        )?;
    }
    let (errors, warnings, notes) = count(&outcome.diagnostics);
    let notes = match notes {
        0 => String::new(),
        1 => ", 1 notice".to_owned(),
        n => format!(", {n} notices"),
    };
    let Summary {
        sites,
        pages,
        tables,
        cookies,
        ..
    } = outcome.summary;
    writeln!(
        out,
        "{command}: {errors} errors, {warnings} warnings{notes} ({sites} sites, {pages} pages, {tables} cookie tables, {cookies} cookies) in {:.2}s",
        elapsed.as_secs_f64()
    )
}

// Workflow commands end a message at a newline and properties at `,` or `:`; GitHub's runner
// reads these percent-escapes back.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Errors, warnings and notes.
fn count(diagnostics: &[Diagnostic]) -> (usize, usize, usize) {
    let of = |severity| {
        diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    };
    (
        of(Severity::Error),
        of(Severity::Warning),
        of(Severity::Note),
    )
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
