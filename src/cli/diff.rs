//! `cookie-ledger diff`: two catalogues, from files or a git revision, compared as visitors
//! read them.

use std::io::Write;
use std::path::PathBuf;

use super::args::{DiffArgs, DiffFormat};
use super::{print, refuse};
use crate::build::{Outcome, Summary};
use crate::catalogue::Catalogue;
use crate::config::{Config, Key};
use crate::history::Revision;
use crate::report::{self, Format, Style};

/// Runs the command; exit 0 with the changes (none is a result too), 2 on bad input.
pub(super) fn run(
    args: &DiffArgs,
    config: &Config,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let project = || config.path(Key::Catalogue, args.catalogue.clone());
    let (old, new) = match (&args.since, &args.old, &args.new) {
        (Some(_), Some(_), Some(_)) => {
            return refuse(
                err,
                "with --since, give at most one catalogue file: the new one (the old one is read from git)",
            );
        }
        (Some(rev), file, None) => {
            let new = match file.clone().map_or_else(project, Ok) {
                Ok(path) => path,
                Err(message) => return refuse(err, &message),
            };
            let old = match Revision::read(rev, &new) {
                Ok(old) => old,
                Err(message) => return refuse(err, &message),
            };
            for note in &old.notes {
                let _ = writeln!(err, "{}", report::terminal_text(note));
            }
            (Source::Git(old), new)
        }
        (None, Some(old), new) => {
            let new = match new.clone().map_or_else(project, Ok) {
                Ok(path) => path,
                Err(message) => return refuse(err, &message),
            };
            (Source::File(old.clone()), new)
        }
        (None, None, _) | (Some(_), None, Some(_)) => {
            return refuse(
                err,
                "give the old catalogue: a file (cookie-ledger diff OLD [NEW]) or a git revision (cookie-ledger diff --since v1.2)",
            );
        }
    };
    // A catalogue that does not load is reported in the asked format (JSON for a script).
    let format = match args.format {
        DiffFormat::Json => Format::Json,
        DiffFormat::Human | DiffFormat::Markdown => Format::Human,
    };
    let old = match old.load() {
        Ok(c) => c,
        Err(outcome) => return failed(out, format, &outcome),
    };
    let new = match Catalogue::load(&new) {
        Ok(c) => c,
        Err(diagnostics) => {
            return failed(
                out,
                format,
                &Outcome::failed(diagnostics, Summary::default()),
            );
        }
    };
    let changes = crate::diff::compare(&old, &new);
    let text = match args.format {
        DiffFormat::Human => crate::diff::human(&changes),
        DiffFormat::Markdown => crate::diff::markdown(&changes),
        DiffFormat::Json => {
            let mut json = serde_json::to_string_pretty(&serde_json::json!({ "changes": changes }))
                .expect("changes serialise");
            json.push('\n');
            json
        }
    };
    print(out, text.as_bytes())
}

/// Where the old catalogue comes from.
enum Source {
    File(PathBuf),
    /// As git has it at a revision.
    Git(Revision),
}

impl Source {
    fn load(self) -> Result<Catalogue, Outcome> {
        match self {
            Source::File(path) => Catalogue::load(&path),
            Source::Git(revision) => revision.load(),
        }
        .map_err(|diagnostics| Outcome::failed(diagnostics, Summary::default()))
    }
}

/// Reports a catalogue that could not be read, as `check` would.
fn failed(out: &mut dyn Write, format: Format, outcome: &Outcome) -> i32 {
    let _ = report::write(
        out,
        format,
        Style::default(),
        "diff",
        outcome,
        Default::default(),
    );
    outcome.exit as i32
}
