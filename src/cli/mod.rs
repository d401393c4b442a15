//! The command line shared by the `cookie-ledger` binary and `cargo xtask`: parses arguments, runs, reports.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::Path;
use std::time::Instant;

use clap::Parser;

use crate::build::{self, Mode, Options};
use crate::config::{Config, Key};
use crate::diagnostic::{ExitCode, Policy};
use crate::report::{self, Format, Style};

mod args;
mod commands;
mod dashboard;
mod diff;
mod import;
mod shard;

pub use args::Cli;
use args::{AuditArgs, Color, Command, ExportArgs, ServeArgs};

use commands::{audit, explain, export, rules, serve};
use dashboard::report;

/// Whether the human report on standard output should be coloured when `--color` is auto:
/// on a terminal, unless NO_COLOR, CLICOLOR=0 or TERM=dumb says otherwise, or when
/// CLICOLOR_FORCE asks for it (as anstream decides).
pub fn colours_suit(stdout: &std::io::Stdout) -> bool {
    anstream::AutoStream::choice(stdout) != anstream::ColorChoice::Never
}

/// Runs the command line `args` (program name first); returns the process exit code.
///
/// `terminal` says whether colours suit `out` when `--color` is auto ([`colours_suit`]). Help texts tell the user to run
/// `cookie-ledger build` with the run's own paths.
pub fn run<I, T>(args: I, out: &mut dyn Write, err: &mut dyn Write, terminal: bool) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    run_with(args, out, err, terminal, None)
}

/// [`run`], with an audit run in `auditor`'s browser instead of one launched for the command,
/// and reported as outside CI (no hint for a CI log): how a test binary shares one browser
/// between its tests.
#[cfg(feature = "audit")]
pub fn run_in_browser<I, T>(
    args: I,
    out: &mut dyn Write,
    err: &mut dyn Write,
    auditor: &crate::visit::Auditor,
) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let place = Place {
        terminal: false,
        ci: false,
        build_command: None,
    };
    dispatch(args, out, err, &place, Some(auditor))
}

/// [`run`], with the command help texts give for rebuilding (`cargo xtask build` for the demo).
pub fn run_with<I, T>(
    args: I,
    out: &mut dyn Write,
    err: &mut dyn Write,
    terminal: bool,
    build_command: Option<&str>,
) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let place = Place {
        terminal,
        ci: std::env::var_os("CI").is_some(),
        build_command,
    };
    dispatch(args, out, err, &place, None)
}

/// Where a command line runs: what its reports may assume of their reader.
struct Place<'a> {
    /// Colours suit `out` when `--color` is auto.
    terminal: bool,
    /// The run is a CI step: drift gets a hint on running it locally.
    ci: bool,
    /// The command help texts give for rebuilding.
    build_command: Option<&'a str>,
}

fn dispatch<I, T>(
    args: I,
    out: &mut dyn Write,
    err: &mut dyn Write,
    place: &Place<'_>,
    browser: commands::Shared<'_>,
) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let stream: &mut dyn Write = if e.use_stderr() { err } else { out };
            let _ = write!(stream, "{}", e.render());
            return if e.use_stderr() {
                ExitCode::BadInput as i32
            } else {
                0
            };
        }
    };
    let config = match std::env::current_dir()
        .map_err(|e| format!("cannot read the working folder: {e}"))
        .and_then(|cwd| Config::discover(&cwd))
    {
        Ok(config) => config,
        Err(message) => return refuse(err, &message),
    };
    let (mode, mut inputs, out_dir, inventory, shard, cache) = match cli.command {
        Command::Build(args) => {
            let out_dir = match config.path(Key::Out, args.out) {
                Ok(path) => path,
                Err(message) => return refuse(err, &message),
            };
            if args.inputs.report.format == Format::Shard {
                return refuse(
                    err,
                    "--format shard is check's: `cookie-ledger check --shard I/N --format shard` checks a share of the files for `cookie-ledger merge`; a build writes one output folder, in one run",
                );
            }
            (
                Mode::Build,
                args.inputs,
                Some(out_dir),
                args.inventory,
                None,
                args.cache.folder(),
            )
        }
        Command::Check(args) => {
            let out_dir = match args.out {
                Some(out) => Some(out),
                None => project_output(&config, args.inputs.site.as_deref()),
            };
            let cache = args.cache.folder();
            (Mode::Check, args.inputs, out_dir, None, args.shard, cache)
        }
        Command::Merge(args) => return shard::merge(&args, out, err, place),
        Command::Report(args) => return report(args, &config, out, err),
        Command::Export(args) => return export(&args, &config, out, err),
        Command::Diff(args) => return diff::run(&args, &config, out, err),
        Command::Import(args) => return import::run(&args, out, err),
        Command::Init(args) => return import::init(&args, out, err),
        Command::Serve(args) => return serve(args, &config, out, err),
        Command::Audit(args) => return audit(args, &config, out, err, place, browser),
        Command::Rules => return rules(out),
        Command::Rule { id } => return explain(id, out),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            // Into memory first: the generator panics on a write error, such as a closed pipe.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "cookie-ledger", &mut script);
            return print(out, &script);
        }
    };
    let (catalogue, site) = match (
        config.path(Key::Catalogue, inputs.catalogue.take()),
        config.path(Key::Site, inputs.site.take()),
    ) {
        (Ok(catalogue), Ok(site)) => (catalogue, site),
        (Err(message), _) | (_, Err(message)) => return refuse(err, &message),
    };
    let policy = Policy {
        strict: inputs.strict,
        allow: inputs.allow,
        warn: inputs.warn,
        deny: inputs.deny,
    };
    if let Some(message) = contradiction(&policy) {
        return refuse(err, &message);
    }
    let command = if mode == Mode::Build {
        "build"
    } else {
        "check"
    };
    let build_command = place.build_command.map_or_else(
        || {
            let mut words = vec!["cookie-ledger".to_owned(), "build".to_owned()];
            for (flag, path) in [
                ("--catalogue", Some(&catalogue)),
                ("--site", Some(&site)),
                ("--out", out_dir.as_ref()),
            ] {
                if let Some(path) = path {
                    words.push(flag.to_owned());
                    words.push(shell_word(path));
                }
            }
            words.join(" ")
        },
        str::to_owned,
    );
    let updated = match inputs.updated.clone().map(Ok).or_else(|| {
        std::env::var("COOKIE_LEDGER_UPDATED")
            .ok()
            .filter(|v| !v.is_empty())
            .map(|v| {
                crate::catalogue::changed::date(&v)
                    .map_err(|e| format!("COOKIE_LEDGER_UPDATED: {e}"))
            })
    }) {
        Some(Ok(date)) => Some(date),
        Some(Err(message)) => return refuse(err, &message),
        None => None,
    };
    let started = Instant::now();
    let options = Options {
        catalogue,
        site,
        out: out_dir,
        mode,
        policy,
        inventory,
        cookie_db: inputs.cookie_db,
        preview: None,
        build_command,
        updated,
        browser: None,
        cache,
    };
    if shard.is_some() || inputs.report.format == Format::Shard {
        return shard::write(&options, shard, inputs.report.format, out, err);
    }
    let outcome = build::run(&options);
    let color = match inputs.report.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => place.terminal,
    };
    let style = Style {
        color,
        verbose: inputs.report.verbose,
        quiet: inputs.report.quiet,
    };
    deliver(
        out,
        err,
        inputs.report.format,
        style,
        command,
        &outcome,
        started.elapsed(),
        place.ci,
    )
}

/// Writes the report of a run and gives its exit code; a reader that stopped reading
/// (`check | head`) is not an error, the exit code still says what was found. In `ci`, drift
/// also gets a hint on seeing the same report locally.
#[allow(clippy::too_many_arguments)]
fn deliver(
    out: &mut dyn Write,
    err: &mut dyn Write,
    format: Format,
    style: Style,
    command: &str,
    outcome: &build::Outcome,
    elapsed: std::time::Duration,
    ci: bool,
) -> i32 {
    let written =
        report::write(out, format, style, command, outcome, elapsed).and_then(|()| out.flush());
    if let Err(e) = written
        && e.kind() != io::ErrorKind::BrokenPipe
    {
        let _ = writeln!(err, "error: cannot write the report: {e}");
        return ExitCode::BadInput as i32;
    }
    if outcome.exit == ExitCode::Drift && ci {
        let _ = writeln!(
            err,
            "hint: run `cookie-ledger {command}` locally to see the same report, fix the pages or the catalogue, and commit"
        );
    }
    outcome.exit as i32
}

/// The first rule two of `--allow`, `--warn` and `--deny` both name, said as an error.
pub(super) fn contradiction(policy: &Policy) -> Option<String> {
    let flags = [
        ("--allow", &policy.allow),
        ("--warn", &policy.warn),
        ("--deny", &policy.deny),
    ];
    flags.iter().enumerate().find_map(|(i, (first, rules))| {
        flags[i + 1..].iter().find_map(|(second, others)| {
            let rule = rules.iter().find(|r| others.contains(r))?;
            Some(format!(
                "{first} {rule} and {second} {rule} contradict each other; keep one"
            ))
        })
    })
}

/// A path as one shell word: quoted when it holds anything but plain characters.
pub(super) fn shell_word(path: &Path) -> String {
    let text = path.display().to_string();
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:@%=,".contains(c));
    if plain {
        text
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// Writes `text` to `out`; a reader that stopped reading (`| head`) is no error.
fn print(out: &mut dyn Write, text: &[u8]) -> i32 {
    match out.write_all(text).and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => ExitCode::BadInput as i32,
        _ => 0,
    }
}

/// Says why the run cannot start, on standard error, and gives its exit code: bad input.
/// The output folder a check compares with when `--out` is not given: the project's, but only
/// for the project's own site: a check of another folder (`--site` elsewhere, as `import`
/// suggests) is not held against an output that folder never produced.
fn project_output(config: &Config, site: Option<&Path>) -> Option<std::path::PathBuf> {
    let out = config.given(Key::Out, None)?;
    let Some(site) = site else {
        return Some(out);
    };
    let same = |a: &Path, b: &Path| match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    };
    config
        .given(Key::Site, None)
        .filter(|configured| same(configured, site))
        .map(|_| out)
}

fn refuse(err: &mut dyn Write, message: &str) -> i32 {
    let _ = writeln!(err, "error: {}", report::terminal_text(message));
    ExitCode::BadInput as i32
}
