//! The command line shared by the `cookie-ledger` binary and `cargo xtask`: parses arguments, runs, reports.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::build::{self, Mode, Options};
use crate::config::{Config, Key};
use crate::diagnostic::{ExitCode, Policy, Rule};
use crate::report::{self, Format, Style};

mod commands;

use commands::{audit, explain, export, rules, serve};

/// Keep a site's cookie policy tables true to one catalogue.
#[derive(Parser, Debug)]
#[command(name = "cookie-ledger", version, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

const EXIT_CODES: &str =
    "Exit codes: 0 clean, 1 drift found, 2 bad input, usage or an internal error.";

#[derive(Subcommand, Debug)]
enum Command {
    /// Render the tables into the pages' markers, verify the result, and replace the output folder if it is clean.
    Build(BuildArgs),
    /// Run every check of build and write nothing; with --out, also compare with that output folder.
    Check(CheckArgs),
    /// Write the catalogue's declaration for other consumers: JSON per site and language, and a vanilla-cookieconsent module per site.
    Export(ExportArgs),
    /// Visit the built site in a real headless Chromium, before consent, after refusing and after accepting, and check what it stores against the catalogue.
    Audit(AuditArgs),
    /// Preview the site: build it to a folder of its own, serve it on loopback, rebuild on every change; open pages reload and show findings.
    Serve(ServeArgs),
    /// List the rules with their ids, class, default severity, waivers and what each checks.
    Rules,
    /// Print a completion script for a shell, such as `cookie-ledger completions bash > /etc/bash_completion.d/cookie-ledger`.
    Completions {
        /// The shell: bash, elvish, fish, powershell or zsh.
        shell: clap_complete::Shell,
    },
    /// Explain one rule: what it checks, why it matters, an example and the fix.
    Rule {
        /// The rule's id, such as unseen-cookie.
        #[arg(value_parser = parse_rule)]
        id: Rule,
    },
}

#[derive(Args, Debug)]
struct ServeArgs {
    /// The catalogue file [default: COOKIE_LEDGER_CATALOGUE, else `catalogue` in cookie-ledger.toml, else catalogue.toml in the nearest folder at or above this one that holds it or cookie-ledger.toml].
    #[arg(long, value_name = "FILE")]
    catalogue: Option<PathBuf>,
    /// The folder of pages to preview [default: COOKIE_LEDGER_SITE, else `site` in cookie-ledger.toml].
    #[arg(long, value_name = "DIR")]
    site: Option<PathBuf>,
    /// The port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 4747)]
    port: u16,
    /// The address to listen on; anything but loopback exposes the preview to the network and accepts any Host header.
    #[arg(long, default_value = "127.0.0.1")]
    host: std::net::IpAddr,
    /// Where to build the preview (default: a folder in the system's temporary folder).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct AuditArgs {
    /// The catalogue file [default: COOKIE_LEDGER_CATALOGUE, else `catalogue` in cookie-ledger.toml, else catalogue.toml in the nearest folder at or above this one that holds it or cookie-ledger.toml].
    #[arg(long, value_name = "FILE")]
    catalogue: Option<PathBuf>,
    /// The built site to visit [default: COOKIE_LEDGER_OUT, else `out` in cookie-ledger.toml].
    #[arg(long, value_name = "DIR")]
    site: Option<PathBuf>,
    /// The Chromium or Chrome executable [default: COOKIE_LEDGER_CHROME, else chromium, chromium-browser, google-chrome or chrome on PATH].
    #[arg(long, value_name = "PATH")]
    chrome: Option<PathBuf>,
    /// Whether requests to other hosts go out (live) or are refused and listed (offline).
    #[arg(long, value_enum, default_value_t = NetworkArg::Live)]
    network: NetworkArg,
    /// Answer requests to other hosts from files: DIR/<host>/<path>, whatever the query string.
    #[arg(long, value_name = "DIR")]
    fixtures: Option<PathBuf>,
    /// A CSS selector of the banner's accept-all button (repeatable; the first found is pressed)
    /// [default: `accept` in the catalogue's [consent], else the demo's banner, then
    /// vanilla-cookieconsent's].
    #[arg(long, value_name = "SELECTOR")]
    accept: Vec<String>,
    /// A CSS selector of the banner's refuse button (repeatable) [default: `refuse` in the
    /// catalogue's [consent], else as for --accept].
    #[arg(long, value_name = "SELECTOR")]
    refuse: Vec<String>,
    /// Which pages to visit: one of each group that loads the same scripts, frames and
    /// images, and every policy page (groups), or every page (all).
    #[arg(long, value_enum, default_value_t = PagesArg::Groups)]
    pages: PagesArg,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// When to colour the human report (NO_COLOR is honoured in auto).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Fail, not warn, on the static check's warnings that hide a possible gap (as `check --strict`).
    #[arg(long)]
    strict: bool,
    /// Do not report this rule in this run (a drift rule id; repeatable).
    #[arg(long, value_name = "RULE", value_parser = parse_lowered_rule)]
    allow: Vec<Rule>,
    /// Report this rule as a warning in this run (a drift rule id; repeatable).
    #[arg(long, value_name = "RULE", value_parser = parse_lowered_rule)]
    warn: Vec<Rule>,
    /// Report this rule as an error in this run, which fails it (repeatable), such as --deny not-stored.
    #[arg(long, value_name = "RULE", value_parser = parse_rule)]
    deny: Vec<Rule>,
    /// Write the inventory: what each site's files set, what each pass stored, and in which
    /// passes the browser saw each cookie the files set.
    #[arg(long, value_name = "FILE")]
    inventory: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum PagesArg {
    Groups,
    All,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum NetworkArg {
    Live,
    Offline,
}

#[derive(Args, Debug)]
struct ExportArgs {
    /// The catalogue file [default: COOKIE_LEDGER_CATALOGUE, else `catalogue` in cookie-ledger.toml, else catalogue.toml in the nearest folder at or above this one that holds it or cookie-ledger.toml].
    #[arg(long, value_name = "FILE")]
    catalogue: Option<PathBuf>,
    /// The folder to write into, created if missing; files of the same name are replaced, others kept
    /// [default: COOKIE_LEDGER_DECLARATIONS, else `declarations` in cookie-ledger.toml].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

/// What build and check both read, and how they report.
#[derive(Args, Debug)]
struct Inputs {
    /// The catalogue file [default: COOKIE_LEDGER_CATALOGUE, else `catalogue` in cookie-ledger.toml, else catalogue.toml in the nearest folder at or above this one that holds it or cookie-ledger.toml].
    #[arg(long, value_name = "FILE")]
    catalogue: Option<PathBuf>,
    /// The folder of pages to read, such as a Hugo, Jekyll, Zola, Sphinx or MkDocs output folder
    /// [default: COOKIE_LEDGER_SITE, else `site` in cookie-ledger.toml].
    #[arg(long, value_name = "DIR")]
    site: Option<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// When to colour the human report (NO_COLOR is honoured in auto).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// List every place a finding holds for (the human report shows the first few and a count).
    #[arg(short, long)]
    verbose: bool,
    /// Print the findings alone: no list of cookies found, no notes, no summary line.
    #[arg(short, long, conflicts_with = "verbose")]
    quiet: bool,
    /// Fail, not warn, when a cookie declared as set by a script or tag is set by no page;
    /// report service cookies set only in some cases too.
    #[arg(long)]
    strict: bool,
    /// A copy of the Open Cookie Database (its CSV export), to describe cookies the catalogue does not declare.
    #[arg(long, value_name = "FILE")]
    cookie_db: Option<PathBuf>,
    /// Do not report this rule in this run (a drift rule id; repeatable), such as --allow unseen-cookie.
    #[arg(long, value_name = "RULE", value_parser = parse_lowered_rule)]
    allow: Vec<Rule>,
    /// Report this rule as a warning in this run, which does not fail it (a drift rule id; repeatable).
    #[arg(long, value_name = "RULE", value_parser = parse_lowered_rule)]
    warn: Vec<Rule>,
    /// Report this rule as an error in this run, which fails it (repeatable), such as --deny dynamic-cookie-name.
    #[arg(long, value_name = "RULE", value_parser = parse_rule)]
    deny: Vec<Rule>,
}

#[derive(Args, Debug)]
struct BuildArgs {
    #[command(flatten)]
    inputs: Inputs,
    /// The output folder, replaced whole by a clean build; never the site, nor a folder holding the catalogue
    /// [default: COOKIE_LEDGER_OUT, else `out` in cookie-ledger.toml].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Where a clean build writes the inventory of the cookies pages set (default: <out>-inventory.json, beside the output).
    #[arg(long, value_name = "FILE")]
    inventory: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct CheckArgs {
    #[command(flatten)]
    inputs: Inputs,
    /// An output folder to compare with what a build would write; not compared unless given here,
    /// by COOKIE_LEDGER_OUT or by `out` in cookie-ledger.toml.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

fn parse_rule(id: &str) -> Result<Rule, String> {
    Rule::from_id(id)
        .ok_or_else(|| format!("`{id}` is not a rule; `cookie-ledger rules` lists them"))
}

fn parse_lowered_rule(id: &str) -> Result<Rule, String> {
    match parse_rule(id)? {
        rule if rule.waivable_per_run() => Ok(rule),
        _ => Err(format!(
            "`{id}` reports bad input, which is always an error"
        )),
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

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
    let (mode, mut inputs, out_dir, inventory) = match cli.command {
        Command::Build(args) => {
            let out_dir = match config.path(Key::Out, args.out) {
                Ok(path) => path,
                Err(message) => return refuse(err, &message),
            };
            (Mode::Build, args.inputs, Some(out_dir), args.inventory)
        }
        Command::Check(args) => {
            let out_dir = config.given(Key::Out, args.out);
            (Mode::Check, args.inputs, out_dir, None)
        }
        Command::Export(args) => return export(&args, &config, out, err),
        Command::Serve(args) => return serve(args, &config, out, err),
        Command::Audit(args) => return audit(args, &config, out, err, terminal),
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
    let build_command = build_command.map_or_else(
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
    let started = Instant::now();
    let outcome = build::run(&Options {
        catalogue,
        site,
        out: out_dir,
        mode,
        policy,
        inventory,
        cookie_db: inputs.cookie_db,
        preview: None,
        build_command,
    });
    let color = match inputs.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => terminal,
    };
    let style = Style {
        color,
        verbose: inputs.verbose,
        quiet: inputs.quiet,
    };
    deliver(
        out,
        err,
        inputs.format,
        style,
        command,
        &outcome,
        started.elapsed(),
    )
}

/// Writes the report of a run and gives its exit code; a reader that stopped reading
/// (`check | head`) is not an error, the exit code still says what was found.
fn deliver(
    out: &mut dyn Write,
    err: &mut dyn Write,
    format: Format,
    style: Style,
    command: &str,
    outcome: &build::Outcome,
    elapsed: std::time::Duration,
) -> i32 {
    let written =
        report::write(out, format, style, command, outcome, elapsed).and_then(|()| out.flush());
    if let Err(e) = written
        && e.kind() != io::ErrorKind::BrokenPipe
    {
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
fn shell_word(path: &Path) -> String {
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
fn refuse(err: &mut dyn Write, message: &str) -> i32 {
    let _ = writeln!(err, "error: {}", report::terminal_text(message));
    ExitCode::BadInput as i32
}
