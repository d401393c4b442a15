//! Formats an outcome for people (file:line:col, coloured diffs) or machines (JSON); writes only to the writer it is given.

use std::io::{self, Write};
use std::time::Duration;

use serde::Serialize;

use crate::build::{Outcome, Summary};
use crate::diagnostic::{Diagnostic, ExitCode, Severity};

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// `file:line:col: error[rule]: message`, diffs, a summary line.
    Human,
    /// One JSON document, shape documented in README.md.
    Json,
}

/// How a human report looks.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    /// ANSI colours on.
    pub color: bool,
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
    }
}

fn human(
    out: &mut dyn Write,
    style: Style,
    command: &str,
    outcome: &Outcome,
    elapsed: Duration,
) -> io::Result<()> {
    let paint = |code: &str, text: &str| {
        if style.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    };
    for d in &outcome.diagnostics {
        let (word, colour) = match d.severity {
            Severity::Error => ("error", "1;31"),
            Severity::Warning => ("warning", "1;33"),
        };
        let place = d
            .location
            .as_ref()
            .map(|l| format!("{l}: "))
            .unwrap_or_default();
        let head = paint(colour, &format!("{word}[{}]", d.rule));
        writeln!(out, "{}{head}: {}", paint("1", &place), d.message)?;
        if let Some(evidence) = &d.evidence {
            writeln!(out, "    = evidence: {evidence}")?;
        }
        if let Some(diff) = &d.diff {
            for line in diff.lines() {
                let colour = match line.as_bytes().first() {
                    _ if line.starts_with("---") || line.starts_with("+++") => "1",
                    Some(b'-') => "31",
                    Some(b'+') => "32",
                    Some(b'@') => "36",
                    _ => "",
                };
                let line = if colour.is_empty() {
                    line.to_owned()
                } else {
                    paint(colour, line)
                };
                writeln!(out, "    {line}")?;
            }
        }
        if let Some(help) = &d.help {
            writeln!(out, "    = help: {help}")?;
        }
        if let Some(suggestion) = &d.suggestion {
            writeln!(out, "    = suggestion:")?;
            for line in suggestion.lines() {
                writeln!(out, "      {line}")?;
            }
        }
        writeln!(out)?;
    }
    let (errors, warnings) = count(&outcome.diagnostics);
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
    } = outcome.summary;
    let line = format!(
        "{command}: {status}: {errors} error{}, {warnings} warning{} ({sites} sites, {pages} pages, {files} files, {tables} cookie tables, {cookies} cookies) in {:.2}s",
        plural(errors),
        plural(warnings),
        elapsed.as_secs_f64()
    );
    let colour = if errors > 0 { "1;31" } else { "1;32" };
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
    elapsed_ms: u128,
    diagnostics: &'a [Diagnostic],
}

fn json(
    out: &mut dyn Write,
    command: &str,
    outcome: &Outcome,
    elapsed: Duration,
) -> io::Result<()> {
    let (errors, warnings) = count(&outcome.diagnostics);
    let report = JsonReport {
        version: JSON_VERSION,
        command,
        exit_code: outcome.exit as i32,
        summary: &outcome.summary,
        errors,
        warnings,
        elapsed_ms: elapsed.as_millis(),
        diagnostics: &outcome.diagnostics,
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}

fn count(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    (errors, diagnostics.len() - errors)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
