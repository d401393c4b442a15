//! The command line shared by the `cookie-ledger` binary and `cargo xtask`: parses arguments, runs, reports.

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::build::{self, Mode, Options};
use crate::diagnostic::{ExitCode, Rule};
use crate::report::{self, Format, Style};

/// Keep a site's cookie policy tables true to one catalogue.
#[derive(Parser, Debug)]
#[command(name = "cookie-ledger", version, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

const EXIT_CODES: &str = "Exit codes: 0 clean, 1 drift found, 2 bad input or usage.";

#[derive(Subcommand, Debug)]
enum Command {
    /// Render the tables into the pages' markers, verify the result, and write the output folder if it is clean.
    Build(Common),
    /// Run every check of build and write nothing; also compare with the output folder if it exists.
    Check(Common),
    /// Write the catalogue's declaration for other consumers: JSON per site and language, and a vanilla-cookieconsent module per site.
    Export(ExportArgs),
    /// Preview the site: build it to a folder of its own, serve it on loopback, rebuild on every change; open pages reload and show findings.
    Serve(ServeArgs),
    /// List the rules with their ids and what each checks.
    Rules,
}

#[derive(Args, Debug)]
struct ServeArgs {
    /// The catalogue file.
    #[arg(long, value_name = "FILE", default_value = "catalogue.toml")]
    catalogue: PathBuf,
    /// The folder of pages to preview.
    #[arg(long, value_name = "DIR", default_value = "site")]
    site: PathBuf,
    /// The port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 4747)]
    port: u16,
    /// The address to listen on; anything but loopback exposes the preview to the network.
    #[arg(long, default_value = "127.0.0.1")]
    host: std::net::IpAddr,
    /// Where to build the preview (default: a folder in the system's temporary folder).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct ExportArgs {
    /// The catalogue file.
    #[arg(long, value_name = "FILE", default_value = "catalogue.toml")]
    catalogue: PathBuf,
    /// The folder to write into (created if missing; files of the same name are replaced).
    #[arg(long, value_name = "DIR", default_value = "declarations")]
    out: PathBuf,
}

#[derive(Args, Debug)]
struct Common {
    /// The catalogue file.
    #[arg(long, value_name = "FILE", default_value = "catalogue.toml")]
    catalogue: PathBuf,
    /// The folder of pages to read (a Hugo, Jekyll or Zola output folder works too).
    #[arg(long, value_name = "DIR", default_value = "site")]
    site: PathBuf,
    /// The output folder, replaced whole by a clean build; `check` compares with it when it exists.
    #[arg(long, value_name = "DIR", default_value = "dist")]
    out: PathBuf,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// When to colour the human report (NO_COLOR is honoured in auto).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Fail, not warn, when a cookie declared as set by a script or tag is set by no page;
    /// report service cookies set only in some cases too.
    #[arg(long)]
    strict: bool,
    /// A copy of the Open Cookie Database (its CSV export), to describe cookies the catalogue does not declare.
    #[arg(long, value_name = "FILE")]
    cookie_db: Option<PathBuf>,
    /// Where `build` writes the inventory of the cookies pages set (default: <out>-inventory.json, beside the output).
    #[arg(long, value_name = "FILE")]
    inventory: Option<PathBuf>,
    /// Do not report this rule (a drift rule id; repeatable), such as --allow unseen-cookie.
    #[arg(long, value_name = "RULE", value_parser = parse_allowed_rule)]
    allow: Vec<Rule>,
}

fn parse_allowed_rule(id: &str) -> Result<Rule, String> {
    match Rule::ALL.iter().find(|r| r.id() == id) {
        Some(rule) if rule.class() == crate::diagnostic::Class::Drift => Ok(*rule),
        Some(_) => Err(format!("`{id}` reports bad input, which cannot be allowed")),
        None => Err(format!(
            "`{id}` is not a rule; `cookie-ledger rules` lists them"
        )),
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

/// Runs the command line `args` (program name first); returns the process exit code.
///
/// `terminal` says whether `out` is a terminal, for colours.
pub fn run<I, T>(args: I, out: &mut dyn Write, err: &mut dyn Write, terminal: bool) -> i32
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
    let (mode, common) = match cli.command {
        Command::Build(common) => (Mode::Build, common),
        Command::Check(common) => (Mode::Check, common),
        Command::Export(args) => return export(&args, out, err),
        Command::Serve(args) => return serve(args, out, err),
        Command::Rules => {
            for rule in Rule::ALL {
                let _ = writeln!(out, "{:<18} {}", rule.id(), rule.explanation());
            }
            return 0;
        }
    };
    let command = if mode == Mode::Build {
        "build"
    } else {
        "check"
    };
    let started = Instant::now();
    let outcome = build::run(&Options {
        catalogue: common.catalogue,
        site: common.site,
        out: common.out,
        mode,
        strict: common.strict,
        allow: common.allow,
        inventory: common.inventory,
        cookie_db: common.cookie_db,
        preview: None,
    });
    let color = match common.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    if let Err(e) = report::write(
        out,
        common.format,
        Style { color },
        command,
        &outcome,
        started.elapsed(),
    ) {
        let _ = writeln!(err, "error: cannot write the report: {e}");
        return ExitCode::BadInput as i32;
    }
    if outcome.exit == ExitCode::Drift && std::env::var_os("CI").is_some() {
        let _ = writeln!(
            err,
            "hint: run `cookie-ledger {command}` locally to see the same report, fix the pages or the catalogue, and commit"
        );
    }
    outcome.exit as i32
}

fn export(args: &ExportArgs, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let catalogue = match crate::catalogue::Catalogue::load(&args.catalogue) {
        Ok(c) => c,
        Err(diagnostics) => {
            let outcome = build::Outcome {
                exit: ExitCode::of(&diagnostics),
                diagnostics,
                summary: build::Summary::default(),
                wrote: false,
                found: Vec::new(),
                policy_pages: Vec::new(),
            };
            let _ = report::write(
                out,
                Format::Human,
                Style { color: false },
                "export",
                &outcome,
                Default::default(),
            );
            return outcome.exit as i32;
        }
    };
    let files = crate::export::files(&catalogue);
    for (rel, contents) in &files {
        let path = args.out.join(rel);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, contents));
        if let Err(e) = written {
            let _ = writeln!(err, "error: cannot write {}: {e}", path.display());
            return ExitCode::BadInput as i32;
        }
    }
    let _ = writeln!(
        out,
        "export: wrote {} files to {}",
        files.len(),
        args.out.display()
    );
    0
}

fn serve(args: ServeArgs, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let options = crate::serve::ServeOptions {
        catalogue: args.catalogue,
        site: args.site,
        out: args.out,
        host: args.host,
        port: args.port,
        stop: None,
    };
    let (log, lines) = std::sync::mpsc::channel();
    let server = std::thread::spawn(move || crate::serve::run(options, log));
    // The server's threads send their lines here: this thread alone writes, flushing each so pipes see it at once.
    for line in lines {
        let _ = match line {
            crate::serve::Log::Out(text) => writeln!(out, "{text}").and_then(|()| out.flush()),
            crate::serve::Log::Err(text) => writeln!(err, "{text}").and_then(|()| err.flush()),
        };
    }
    server.join().unwrap_or(ExitCode::BadInput as i32)
}
