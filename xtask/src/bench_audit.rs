//! `cargo xtask bench-audit`: the real-browser audit on the demo and on a generated site of
//! 10,000 pages (`--pages N`), against `check` of the same site in the same run: whole-audit
//! time, visits, pages each visit stands for, and pages per second.

use std::path::Path;
use std::time::Instant;

use cookie_ledger::build;
use cookie_ledger::visit;

/// Runs the benchmark; returns the exit code.
pub fn run(args: Vec<String>) -> i32 {
    let pages = match args.as_slice() {
        [] => 10_000,
        [flag, n] if flag == "--pages" => n.parse().unwrap_or(10_000),
        _ => {
            eprintln!("usage: cargo xtask bench-audit [--pages N]");
            return 2;
        }
    };
    let root = crate::project_root();
    let work =
        std::env::temp_dir().join(format!("cookie-ledger-bench-audit-{}", std::process::id()));
    let result = (|| -> Result<(), String> {
        measure(
            "demo site",
            &root.join("catalogue.toml"),
            &root.join("site"),
        )?;
        let site = work.join("site");
        // Real sites have a policy page or a few, not one page in ten.
        crate::bench_site::uniform(&root, &site, pages, 0)
            .map(|made| made.bytes)
            .map_err(|e| e.to_string())?;
        measure(
            &format!("generated site ({pages} pages)"),
            &root.join("catalogue.toml"),
            &site,
        )
    })();
    let _ = std::fs::remove_dir_all(&work);
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}

fn measure(label: &str, catalogue: &Path, site: &Path) -> Result<(), String> {
    let started = Instant::now();
    let checked = build::run(&build::Options::check(catalogue, site));
    let check = started.elapsed();
    let started = Instant::now();
    let audit = visit::run(&visit::Options::offline(catalogue, site));
    let whole = started.elapsed();
    if let Some(d) = audit.diagnostics.iter().find(|d| d.rule.id() == "io") {
        return Err(d.message.clone());
    }
    let pages = audit.summary.pages;
    let visited = audit.summary.visited;
    let visits = visited * visit::Pass::ALL.len();
    println!(
        "{label}: {pages} pages of sites, {} findings",
        audit.diagnostics.len()
    );
    println!(
        "  check: {:.2} s ({} pages)",
        check.as_secs_f64(),
        checked.summary.pages
    );
    println!(
        "  audit: {:.1} s whole, {visited} pages visited in 3 passes ({visits} visits, {:.2} s each), each visit standing for {:.0} pages on average",
        whole.as_secs_f64(),
        whole.as_secs_f64() / visits.max(1) as f64,
        pages as f64 / visited.max(1) as f64
    );
    println!(
        "  {:.1} pages per second (pages the audit vouches for / whole time); {:.2} visits per second; audit / check = {:.0}x",
        pages as f64 / whole.as_secs_f64(),
        visits as f64 / whole.as_secs_f64(),
        whole.as_secs_f64() / check.as_secs_f64().max(1e-9)
    );
    Ok(())
}
