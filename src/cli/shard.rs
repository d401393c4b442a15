//! `check --shard I/N --format shard` and `merge SHARD...`: a check spread over CI jobs.

use std::io::Write;
use std::time::Instant;

use super::args::{Color, MergeArgs};
use super::{Place, deliver, refuse};
use crate::build::{self, Options, Shard};
use crate::diagnostic::ExitCode;
use crate::report::{Format, Style};

/// Checks `shard`'s files (all of them when `None`) and writes their results to `out`; a run
/// that cannot start is reported on `err`, so `out` (a shard file) gets nothing.
pub(super) fn write(
    options: &Options,
    shard: Option<Shard>,
    format: Format,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    if format != Format::Shard {
        return refuse(
            err,
            "--shard writes this share's per-file results for `cookie-ledger merge`: add --format shard (the report comes from the merge)",
        );
    }
    let started = Instant::now();
    let shard = shard.unwrap_or(Shard { index: 1, count: 1 });
    match build::shard(options, shard) {
        Ok(document) => {
            let written = serde_json::to_writer(&mut *out, &document)
                .map_err(std::io::Error::from)
                .and_then(|()| writeln!(out))
                .and_then(|()| out.flush());
            match written {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    let _ = writeln!(err, "error: cannot write the shard: {e}");
                    ExitCode::BadInput as i32
                }
                _ => 0,
            }
        }
        Err(outcome) => deliver(
            err,
            &mut std::io::sink(),
            Format::Human,
            Style::default(),
            "check",
            &outcome,
            started.elapsed(),
            false,
        ),
    }
}

/// Reduces the shard documents `args` names into one report, as the check they divide.
pub(super) fn merge(
    args: &MergeArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
    place: &Place<'_>,
) -> i32 {
    if args.report.format == Format::Shard {
        return refuse(
            err,
            "merge reports on the whole site: choose --format human, json, github or sarif",
        );
    }
    let started = Instant::now();
    let outcome = build::merge(&args.shards, args.catalogue.as_deref());
    let style = Style {
        color: match args.report.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => place.terminal,
        },
        verbose: args.report.verbose,
        quiet: args.report.quiet,
    };
    deliver(
        out,
        err,
        args.report.format,
        style,
        "check",
        &outcome,
        started.elapsed(),
        place.ci,
    )
}
