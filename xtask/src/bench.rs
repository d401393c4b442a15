//! `cargo xtask bench`: builds a generated site of many pages and compares with copying the same
//! files, then times the hostile shapes of `shapes.rs`.
//!
//! Machines are noisy, so the figure that matters is the ratio to a copy of the same tree
//! measured in the same process, not the seconds.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cookie_ledger::build::{self, Mode, Options};
use cookie_ledger::diagnostic::{ExitCode, Policy};

const DEFAULT_PAGES: usize = 10_000;
const ROUNDS: usize = 3;

/// Runs the benchmark; `--pages N` sets the site size. Returns the exit code.
pub fn run(args: Vec<String>) -> i32 {
    let pages = match args.as_slice() {
        [] => DEFAULT_PAGES,
        [flag, n] if flag == "--pages" => match n.parse() {
            Ok(n) => n,
            Err(_) => return usage(),
        },
        _ => return usage(),
    };
    let root = crate::project_root();
    let work = std::env::temp_dir().join(format!("cookie-ledger-bench-{}", std::process::id()));
    let result = measure(&root, &work, pages).and_then(|()| crate::shapes::measure(&root, &work));
    let _ = fs::remove_dir_all(&work);
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}

fn usage() -> i32 {
    eprintln!("usage: cargo xtask bench [--pages N]");
    2
}

fn measure(root: &Path, work: &Path, pages: usize) -> Result<(), String> {
    let site = work.join("site");
    let bytes =
        generate(root, &site, pages).map_err(|e| format!("cannot generate the site: {e}"))?;
    println!(
        "site: {pages} pages, {:.1} MiB, one in ten with a marker, {} threads",
        bytes as f64 / (1024.0 * 1024.0),
        rayon_threads()
    );
    let catalogue = root.join("catalogue.toml");
    let mut read = Vec::new();
    let mut copy = Vec::new();
    let mut built = Vec::new();
    let mut checked = Vec::new();
    for round in 0..ROUNDS {
        let started = Instant::now();
        read_tree(&site).map_err(|e| format!("read failed: {e}"))?;
        read.push(started.elapsed());

        let out = work.join(format!("copy-{round}"));
        let started = Instant::now();
        copy_tree(&site, &out).map_err(|e| format!("copy failed: {e}"))?;
        copy.push(started.elapsed());

        for (mode, times) in [(Mode::Build, &mut built), (Mode::Check, &mut checked)] {
            let options = Options {
                catalogue: catalogue.clone(),
                site: site.clone(),
                out: Some(work.join(format!("dist-{round}"))),
                mode,
                policy: Policy::default(),
                inventory: None,
                cookie_db: None,
                preview: None,
                build_command: "cargo xtask build".to_owned(),
                updated: None,
                browser: None,
            };
            let started = Instant::now();
            let outcome = build::run(&options);
            times.push(started.elapsed());
            if outcome.exit != ExitCode::Clean {
                return Err(format!(
                    "the generated site is not clean: {:?}",
                    outcome.diagnostics.first()
                ));
            }
        }
    }
    let (read, copy, built, checked) = (median(read), median(copy), median(built), median(checked));
    println!(
        "read  (baseline for check: fs::read of every file)       {:>8.1} ms",
        ms(read)
    );
    println!(
        "copy  (baseline for build: fs::copy of every file)       {:>8.1} ms",
        ms(copy)
    );
    println!(
        "build (render, inject, read back, scan, verify, write)   {:>8.1} ms  {:.2}x copy",
        ms(built),
        ratio(built, copy)
    );
    println!(
        "check (the same pass, writing nothing)                   {:>8.1} ms  {:.2}x read",
        ms(checked),
        ratio(checked, read)
    );
    Ok(())
}

/// Writes `pages` pages across the demo's portals, one in ten a policy page; returns the
/// bytes written.
pub fn generate(root: &Path, site: &Path, pages: usize) -> std::io::Result<u64> {
    generate_with(root, site, pages, 10)
}

/// [`generate`], with one page in `policy_every` a policy page (never for 0).
pub fn generate_with(
    root: &Path,
    site: &Path,
    pages: usize,
    policy_every: usize,
) -> std::io::Result<u64> {
    let portals = [
        "datastro",
        "data-gouv-nc",
        "smartbump",
        "eulerhermes",
        "odwb",
    ];
    let policy = fs::read_to_string(root.join("site/datastro/cookies.html"))?;
    let plain = fs::read_to_string(root.join("site/datastro/index.html"))?;
    // Pages of a realistic size: the demo page padded with prose to about 12 KiB.
    let filler =
        "<p>Open data portals publish datasets, maps and charts that anyone may reuse.</p>\n"
            .repeat(130);
    let mut total = 0;
    for (i, portal) in portals.iter().cycle().take(pages).enumerate() {
        let dir = site.join(portal).join(format!("section-{}", i / 500));
        fs::create_dir_all(&dir)?;
        let source = if policy_every > 0 && i % policy_every == 0 {
            &policy
        } else {
            &plain
        };
        let page = source.replacen("</main>", &format!("{filler}</main>"), 1);
        total += page.len() as u64;
        fs::write(dir.join(format!("page-{i}.html")), page)?;
    }
    for portal in portals {
        fs::create_dir_all(site.join(portal))?;
        fs::copy(
            root.join("site").join(portal).join("cookies.html"),
            site.join(portal).join("cookies.html"),
        )?;
    }
    copy_tree(&root.join("site/assets"), &site.join("assets"))?;
    Ok(total)
}

fn read_tree(dir: &Path) -> std::io::Result<u64> {
    let mut total = 0;
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        total += if entry.file_type()?.is_dir() {
            read_tree(&entry.path())?
        } else {
            fs::read(entry.path())?.len() as u64
        };
    }
    Ok(total)
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    let mut stack: Vec<(PathBuf, PathBuf)> = vec![(from.to_path_buf(), to.to_path_buf())];
    while let Some((src, dst)) = stack.pop() {
        fs::create_dir_all(&dst)?;
        for entry in fs::read_dir(&src)? {
            let entry = entry?;
            let target = dst.join(entry.file_name());
            if entry.file_type()?.is_dir() {
                stack.push((entry.path(), target));
            } else {
                fs::copy(entry.path(), target)?;
            }
        }
    }
    Ok(())
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(f64::EPSILON)
}

fn rayon_threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}
