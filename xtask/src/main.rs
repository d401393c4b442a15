//! Project tasks for cookie-ledger, run as `cargo xtask <command>`; plain Rust, no shell scripts.

mod audit;
mod bench;
mod bench_audit;
mod bench_serve;
mod bench_site;
mod build;
mod check;
mod codegen;
mod export;
mod serve;
mod shapes;

use std::path::{Path, PathBuf};

const HELP: &str = "\
cargo xtask <command> [options]

commands:
  build    render the demo catalogue's tables into site/, verify, write dist/
  check    run every check on the demo and write nothing (for CI)
  audit    build the demo, then visit dist/ in headless Chromium, offline, in three consent
           passes, and check what the browser stores [--chrome PATH]
  serve    preview the demo on http://127.0.0.1:4747/, rebuilding as you edit [--port N]
  export   write the demo catalogue's declarations (JSON, cookieconsent) to declarations/
  codegen  write docs/rules/ and README.md's rule table from the rule registry [--check]
  bench-audit  the real-browser audit on the demo and a generated 10,000-page site [--pages N]
  bench-serve  time from saving a page to the open page's reload, on the demo and 10,000 pages
  bench    check and build of a generated 10,000-page site of varied shapes against reading
           and copying it with the same cores [--pages N], or of a real site [--real DIR
           --catalogue FILE]; peak memory at 1k, 10k and 100k pages [--sizes N,N,...]; a
           sharded check as N processes; inputs that once took quadratic time

options are passed on to `cookie-ledger build|check`, such as --format json;
run `cargo xtask build --help` for them.";

fn main() {
    let mut args = std::env::args().skip(1);
    let code = match args.next().as_deref() {
        Some("build") => build::run(args.collect()),
        Some("check") => check::run(args.collect()),
        Some("audit") => audit::run(args.collect()),
        Some("codegen") => codegen::run(args.collect()),
        Some("bench") => bench::run(args.collect()),
        Some("bench-serve") => bench_serve::run(args.collect()),
        Some("bench-audit") => bench_audit::run(args.collect()),
        // The bench's own measuring processes (peak memory, shards), not for people.
        Some("bench-child") => bench::child_main(args.collect()),
        Some("export") => export::run(args.collect()),
        Some("serve") => serve::run(args.collect()),
        None | Some("help" | "--help" | "-h") => {
            println!("{HELP}");
            0
        }
        Some(other) => {
            eprintln!("error: unknown command `{other}`\n\n{HELP}");
            2
        }
    };
    std::process::exit(code);
}

/// The workspace root: everything the demo needs is relative to it.
fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// Runs `cookie-ledger <command>` on the demo from the project root, so reports show short paths.
fn run_tool(command: &str, extra: Vec<String>) -> i32 {
    let paths: &[&str] = match command {
        "export" => &["--catalogue", "catalogue.toml", "--out", "declarations"],
        "serve" => &["--catalogue", "catalogue.toml", "--site", "site"],
        "audit" => &[
            "--catalogue",
            "catalogue.toml",
            "--site",
            "dist",
            "--network",
            "offline",
        ],
        // The demo's check compares with dist/ when a build left one there.
        _ => &[
            "--catalogue",
            "catalogue.toml",
            "--site",
            "site",
            "--out",
            "dist",
        ],
    };
    if let Err(e) = std::env::set_current_dir(project_root()) {
        eprintln!("error: cannot enter the project root: {e}");
        return 2;
    }
    let mut args: Vec<String> = ["cookie-ledger", command]
        .into_iter()
        .chain(paths.iter().copied())
        .map(String::from)
        .collect();
    args.extend(extra);
    let stdout = std::io::stdout();
    let terminal = cookie_ledger::cli::colours_suit(&stdout);
    cookie_ledger::cli::run_with(
        args,
        &mut stdout.lock(),
        &mut std::io::stderr(),
        terminal,
        Some("cargo xtask build"),
    )
}
