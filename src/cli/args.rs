//! The command line's grammar: every command, flag and value, with their help texts.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::diagnostic::Rule;
use crate::report::Format;

/// Keep a site's cookie policy tables true to one catalogue.
#[derive(Parser, Debug)]
#[command(name = "cookie-ledger", version, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    pub(super) command: Command,
}

pub(super) const EXIT_CODES: &str =
    "Exit codes: 0 clean, 1 drift found, 2 bad input, usage or an internal error.";

#[derive(Subcommand, Debug)]
pub(super) enum Command {
    /// Render the tables into the pages' markers, verify the result, and replace the output folder if it is clean.
    Build(BuildArgs),
    /// Run every check of build and write nothing; with --out, also compare with that output folder.
    Check(CheckArgs),
    /// Write the declaration at a glance: per site and language every cookie and storage item with the pages that set it and what the last audit stored, every finding and the catalogue's changes, as one self-contained HTML page (or JSON).
    Report(DashboardArgs),
    /// Write the catalogue's declaration for other consumers: JSON per site and language, and a vanilla-cookieconsent module per site.
    Export(ExportArgs),
    /// Compare two catalogues as visitors read them: per site and language, the table rows added, removed, and changed field by field.
    Diff(DiffArgs),
    /// Write a catalogue from the cookie tables sites already publish: one entry per cookie, the value most sites give shared, a site that says otherwise given an override, every value's source in a comment.
    Import(ImportArgs),
    /// Start a catalogue for a site with no cookie tables: every cookie its pages set, as the static scan sees it, with what is known of each service filled in and TODO for what a person must write (build refuses it until then).
    Init(InitArgs),
    /// Reduce the documents of a sharded check (`check --shard I/N --format shard`, one per CI job) into the report a single check of the whole site gives.
    Merge(MergeArgs),
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
pub(super) struct ServeArgs {
    /// The catalogue file [default: COOKIE_LEDGER_CATALOGUE, else `catalogue` in cookie-ledger.toml, else catalogue.toml in the nearest folder at or above this one that holds it or cookie-ledger.toml].
    #[arg(long, value_name = "FILE")]
    pub(super) catalogue: Option<PathBuf>,
    /// The folder of pages to preview [default: COOKIE_LEDGER_SITE, else `site` in cookie-ledger.toml].
    #[arg(long, value_name = "DIR")]
    pub(super) site: Option<PathBuf>,
    /// The port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 4747)]
    pub(super) port: u16,
    /// The address to listen on; anything but loopback exposes the preview to the network and accepts any Host header.
    #[arg(long, default_value = "127.0.0.1")]
    pub(super) host: std::net::IpAddr,
    /// Where to build the preview (default: a folder in the system's temporary folder).
    #[arg(long, value_name = "DIR")]
    pub(super) out: Option<PathBuf>,
    /// Do not audit the page being viewed in a real browser (the live audit runs whenever a Chromium is found).
    #[arg(long)]
    pub(super) no_audit: bool,
    #[command(flatten)]
    pub(super) cache: CacheArgs,
}

#[derive(Args, Debug)]
pub(super) struct AuditArgs {
    /// The catalogue file [default: COOKIE_LEDGER_CATALOGUE, else `catalogue` in cookie-ledger.toml, else catalogue.toml in the nearest folder at or above this one that holds it or cookie-ledger.toml].
    #[arg(long, value_name = "FILE")]
    pub(super) catalogue: Option<PathBuf>,
    /// The built site to visit [default: COOKIE_LEDGER_OUT, else `out` in cookie-ledger.toml].
    #[arg(long, value_name = "DIR")]
    pub(super) site: Option<PathBuf>,
    /// The Chromium or Chrome executable [default: COOKIE_LEDGER_CHROME, else chromium, chromium-browser, google-chrome or chrome on PATH].
    #[arg(long, value_name = "PATH")]
    pub(super) chrome: Option<PathBuf>,
    /// Whether requests to other hosts go out (live) or are refused and listed (offline).
    #[arg(long, value_enum, default_value_t = NetworkArg::Live)]
    pub(super) network: NetworkArg,
    /// Answer requests to other hosts from files: DIR/<host>/<path>, whatever the query string.
    #[arg(long, value_name = "DIR")]
    pub(super) fixtures: Option<PathBuf>,
    /// A CSS selector of the banner's accept-all button (repeatable; the first found is pressed)
    /// [default: `accept` in the catalogue's [consent], else the demo's banner, then
    /// vanilla-cookieconsent's].
    #[arg(long, value_name = "SELECTOR")]
    pub(super) accept: Vec<String>,
    /// A CSS selector of the banner's refuse button (repeatable) [default: `refuse` in the
    /// catalogue's [consent], else as for --accept].
    #[arg(long, value_name = "SELECTOR")]
    pub(super) refuse: Vec<String>,
    /// Which pages to visit: one of each group that loads the same scripts, frames and
    /// images, and every policy page (groups), or every page (all).
    #[arg(long, value_enum, default_value_t = PagesArg::Groups)]
    pub(super) pages: PagesArg,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub(super) format: Format,
    /// When to colour the human report (NO_COLOR is honoured in auto).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub(super) color: Color,
    /// Fail, not warn, on the static check's warnings that hide a possible gap (as `check --strict`).
    #[arg(long)]
    pub(super) strict: bool,
    /// Do not report this rule in this run (a drift rule id; repeatable).
    #[arg(long, value_name = "RULE", value_parser = parse_lowered_rule)]
    pub(super) allow: Vec<Rule>,
    /// Report this rule as a warning in this run (a drift rule id; repeatable).
    #[arg(long, value_name = "RULE", value_parser = parse_lowered_rule)]
    pub(super) warn: Vec<Rule>,
    /// Report this rule as an error in this run, which fails it (repeatable), such as --deny not-stored.
    #[arg(long, value_name = "RULE", value_parser = parse_rule)]
    pub(super) deny: Vec<Rule>,
    /// Write the inventory: what each site's files set, what each pass stored, and in which
    /// passes the browser saw each cookie the files set.
    #[arg(long, value_name = "FILE")]
    pub(super) inventory: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(super) enum PagesArg {
    Groups,
    All,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(super) enum NetworkArg {
    Live,
    Offline,
}

#[derive(Args, Debug)]
pub(super) struct ExportArgs {
    /// The catalogue file [default: COOKIE_LEDGER_CATALOGUE, else `catalogue` in cookie-ledger.toml, else catalogue.toml in the nearest folder at or above this one that holds it or cookie-ledger.toml].
    #[arg(long, value_name = "FILE")]
    pub(super) catalogue: Option<PathBuf>,
    /// The folder to write into, created if missing; files of the same name are replaced, others kept
    /// [default: COOKIE_LEDGER_DECLARATIONS, else `declarations` in cookie-ledger.toml].
    #[arg(long, value_name = "DIR")]
    pub(super) out: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub(super) struct DiffArgs {
    /// The old catalogue file (required unless --since gives it; with --since, a file here is the new one).
    #[arg(value_name = "OLD")]
    pub(super) old: Option<PathBuf>,
    /// The new catalogue file [default: --catalogue, else the project's catalogue, as for build].
    #[arg(value_name = "NEW")]
    pub(super) new: Option<PathBuf>,
    /// The new catalogue when NEW is not given [default: COOKIE_LEDGER_CATALOGUE, else `catalogue` in cookie-ledger.toml, else catalogue.toml in the nearest folder at or above this one].
    #[arg(long, value_name = "FILE")]
    pub(super) catalogue: Option<PathBuf>,
    /// Read the old catalogue from a git revision (`git show REV:FILE`, such as v1.2 or HEAD~3) of the new one's file.
    #[arg(long, value_name = "REV")]
    pub(super) since: Option<String>,
    /// human (for a terminal), json, or markdown (for release notes).
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub(super) format: DiffFormat,
}

#[derive(Args, Debug)]
pub(super) struct ImportArgs {
    /// A folder holding one site's pages (repeat for each site; ties go to the site named first).
    #[arg(long = "site", value_name = "DIR", required = true)]
    pub(super) sites: Vec<PathBuf>,
    /// The catalogue file to write (`-` prints it); an existing file is kept unless --force.
    #[arg(long, value_name = "FILE")]
    pub(super) out: PathBuf,
    /// Replace --out if it exists.
    #[arg(long)]
    pub(super) force: bool,
}

#[derive(Args, Debug)]
pub(super) struct InitArgs {
    #[command(flatten)]
    pub(super) output: ImportArgs,
    /// Also visit the sites in a real headless Chromium (as `audit` does, three consent passes) and add what it stores that the static scan cannot see.
    #[arg(long)]
    pub(super) audit: bool,
    /// With --audit: the Chromium or Chrome executable [default: COOKIE_LEDGER_CHROME, else chromium, chromium-browser, google-chrome or chrome on PATH].
    #[arg(long, value_name = "PATH", requires = "audit")]
    pub(super) chrome: Option<PathBuf>,
    /// With --audit: live lets third-party requests go out; offline refuses and lists them.
    #[arg(long, value_enum, default_value_t = NetworkArg::Live, requires = "audit")]
    pub(super) network: NetworkArg,
    /// With --audit: answer requests to other hosts from files, `DIR/<host>/<path>`.
    #[arg(long, value_name = "DIR", requires = "audit")]
    pub(super) fixtures: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub(super) struct DashboardArgs {
    /// The catalogue file [default: COOKIE_LEDGER_CATALOGUE, else `catalogue` in cookie-ledger.toml, else catalogue.toml in the nearest folder at or above this one that holds it or cookie-ledger.toml].
    #[arg(long, value_name = "FILE")]
    pub(super) catalogue: Option<PathBuf>,
    /// The folder of pages [default: COOKIE_LEDGER_SITE, else `site` in cookie-ledger.toml].
    #[arg(long, value_name = "DIR")]
    pub(super) site: Option<PathBuf>,
    /// html (one self-contained page, no script) or json (what the page shows, as data).
    #[arg(long, value_enum, default_value_t = DashboardFormat::Html)]
    pub(super) format: DashboardFormat,
    /// The file to write (never inside the site); without it, the page is printed.
    #[arg(long, value_name = "FILE")]
    pub(super) out: Option<PathBuf>,
    /// An audit's inventory (`cookie-ledger audit --inventory FILE`): what each pass stored, shown beside each item.
    #[arg(long, value_name = "FILE")]
    pub(super) audit_inventory: Option<PathBuf>,
    /// How many of the catalogue's git commits to show, newest first, each with what it changed (0: none).
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub(super) history: usize,
}

/// How `report` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(super) enum DashboardFormat {
    Html,
    Json,
}

/// How `diff` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(super) enum DiffFormat {
    Human,
    Json,
    Markdown,
}

/// What build and check both read, and how they report.
#[derive(Args, Debug)]
pub(super) struct Inputs {
    /// The catalogue file [default: COOKIE_LEDGER_CATALOGUE, else `catalogue` in cookie-ledger.toml, else catalogue.toml in the nearest folder at or above this one that holds it or cookie-ledger.toml].
    #[arg(long, value_name = "FILE")]
    pub(super) catalogue: Option<PathBuf>,
    /// The folder of pages to read, such as a Hugo, Jekyll, Zola, Sphinx or MkDocs output folder
    /// [default: COOKIE_LEDGER_SITE, else `site` in cookie-ledger.toml].
    #[arg(long, value_name = "DIR")]
    pub(super) site: Option<PathBuf>,
    #[command(flatten)]
    pub(super) report: ReportArgs,
    /// Fail, not warn, when a cookie declared as set by a script or tag is set by no page;
    /// report service cookies set only in some cases too.
    #[arg(long)]
    pub(super) strict: bool,
    /// A copy of the Open Cookie Database (its CSV export), to describe cookies the catalogue does not declare.
    #[arg(long, value_name = "FILE")]
    pub(super) cookie_db: Option<PathBuf>,
    /// Do not report this rule in this run (a drift rule id; repeatable), such as --allow unseen-cookie.
    #[arg(long, value_name = "RULE", value_parser = parse_lowered_rule)]
    pub(super) allow: Vec<Rule>,
    /// Report this rule as a warning in this run, which does not fail it (a drift rule id; repeatable).
    #[arg(long, value_name = "RULE", value_parser = parse_lowered_rule)]
    pub(super) warn: Vec<Rule>,
    /// Report this rule as an error in this run, which fails it (repeatable), such as --deny dynamic-cookie-name.
    #[arg(long, value_name = "RULE", value_parser = parse_rule)]
    pub(super) deny: Vec<Rule>,
    /// The date the catalogue last changed, YYYY-MM-DD, as templates receive it (`updated`) and policy pages' dates are held against
    /// [default: COOKIE_LEDGER_UPDATED, else from git: the last commit of the catalogue, or today when it has changes not committed].
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub(super) updated: Option<String>,
}

pub(super) fn parse_date(text: &str) -> Result<String, String> {
    crate::catalogue::changed::date(text)
}

#[derive(Args, Debug)]
pub(super) struct BuildArgs {
    #[command(flatten)]
    pub(super) inputs: Inputs,
    /// The output folder, replaced whole by a clean build; never the site, nor a folder holding the catalogue
    /// [default: COOKIE_LEDGER_OUT, else `out` in cookie-ledger.toml].
    #[arg(long, value_name = "DIR")]
    pub(super) out: Option<PathBuf>,
    /// Where a clean build writes the inventory of the cookies pages set (default: <out>-inventory.json, beside the output).
    #[arg(long, value_name = "FILE")]
    pub(super) inventory: Option<PathBuf>,
    #[command(flatten)]
    pub(super) cache: CacheArgs,
}

#[derive(Args, Debug)]
pub(super) struct CheckArgs {
    #[command(flatten)]
    pub(super) inputs: Inputs,
    /// An output folder to compare with what a build would write; not compared unless given here,
    /// by COOKIE_LEDGER_OUT or by `out` in cookie-ledger.toml.
    #[arg(long, value_name = "DIR")]
    pub(super) out: Option<PathBuf>,
    /// Check only share I of N of the files (balanced by bytes, the same on every machine) and
    /// write their results for `cookie-ledger merge` (with --format shard), such as --shard 2/4.
    #[arg(long, value_name = "I/N", value_parser = crate::build::Shard::parse)]
    pub(super) shard: Option<crate::build::Shard>,
    #[command(flatten)]
    pub(super) cache: CacheArgs,
}

/// Where results are kept between runs.
#[derive(Args, Debug)]
pub(super) struct CacheArgs {
    /// Keep each file's result in this folder between runs, and take it from there while the
    /// file and everything else it depends on are unchanged [default: COOKIE_LEDGER_CACHE].
    #[arg(long, value_name = "DIR")]
    pub(super) cache: Option<PathBuf>,
}

impl CacheArgs {
    /// The folder given, else the one COOKIE_LEDGER_CACHE names.
    pub(super) fn folder(self) -> Option<PathBuf> {
        self.cache.or_else(|| {
            std::env::var_os("COOKIE_LEDGER_CACHE")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        })
    }
}

/// How a report is written.
#[derive(Args, Debug)]
pub(super) struct ReportArgs {
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub(super) format: Format,
    /// When to colour the human report (NO_COLOR is honoured in auto).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub(super) color: Color,
    /// List every place a finding holds for (the human report shows the first few and a count).
    #[arg(short, long)]
    pub(super) verbose: bool,
    /// Print the findings alone: no list of cookies found, no notes, no summary line.
    #[arg(short, long, conflicts_with = "verbose")]
    pub(super) quiet: bool,
}

#[derive(Args, Debug)]
pub(super) struct MergeArgs {
    /// The shard documents, every shard of one run once (shell patterns such as shard-*.json work).
    #[arg(required = true, value_name = "SHARD")]
    pub(super) shards: Vec<PathBuf>,
    /// The catalogue, when the merge runs in another folder than the shards did [default: the path the shards recorded].
    #[arg(long, value_name = "FILE")]
    pub(super) catalogue: Option<PathBuf>,
    #[command(flatten)]
    pub(super) report: ReportArgs,
}

pub(super) fn parse_rule(id: &str) -> Result<Rule, String> {
    Rule::from_id(id)
        .ok_or_else(|| format!("`{id}` is not a rule; `cookie-ledger rules` lists them"))
}

pub(super) fn parse_lowered_rule(id: &str) -> Result<Rule, String> {
    match parse_rule(id)? {
        rule if rule.waivable_per_run() => Ok(rule),
        _ => Err(format!(
            "`{id}` reports bad input, which is always an error"
        )),
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(super) enum Color {
    Auto,
    Always,
    Never,
}
