//! `cargo xtask bench`: check and build of a generated site shaped like real generator output
//! (or of a real site, `--real DIR`), each against baselines that do the least the tool must
//! (read every file, copy every file) with the same cores, in the same run; peak memory at
//! several sizes, each in a process of its own; a sharded check simulated shard by shard on
//! this machine; then the hostile shapes of `shapes.rs`.
//!
//! Machines are noisy, so the figures that matter are the ratios to baselines measured in the
//! same process, minutes apart at most, not the seconds.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use cookie_ledger::build::{self, Mode, Options};
use cookie_ledger::diagnostic::ExitCode;

const ROUNDS: usize = 3;

/// What a bench run measures.
struct Plan {
    pages: usize,
    /// A real site to measure instead of the generated one, with its catalogue.
    real: Option<(PathBuf, PathBuf)>,
    /// Site sizes for the memory curve and the sharded run (the largest).
    sizes: Vec<usize>,
}

/// Runs the benchmark. Returns the exit code.
pub fn run(args: Vec<String>) -> i32 {
    let plan = match parse(&args) {
        Ok(plan) => plan,
        Err(message) => {
            eprintln!(
                "error: {message}\nusage: cargo xtask bench [--pages N] [--sizes N,N,...] [--real DIR --catalogue FILE]"
            );
            return 2;
        }
    };
    let root = crate::project_root();
    let work = std::env::temp_dir().join(format!("cookie-ledger-bench-{}", std::process::id()));
    let result = measure(&root, &work, &plan);
    let _ = fs::remove_dir_all(&work);
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}

fn parse(args: &[String]) -> Result<Plan, String> {
    let mut plan = Plan {
        pages: 10_000,
        real: None,
        sizes: vec![1_000, 10_000, 100_000],
    };
    let mut real = None;
    let mut catalogue = None;
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--pages" => plan.pages = value.parse().map_err(|_| format!("bad --pages {value}"))?,
            "--sizes" => {
                plan.sizes = value
                    .split(',')
                    .map(|n| n.trim().parse().map_err(|_| format!("bad --sizes {value}")))
                    .collect::<Result<_, _>>()?;
            }
            "--real" => real = Some(PathBuf::from(value)),
            "--catalogue" => catalogue = Some(PathBuf::from(value)),
            other => return Err(format!("unknown option {other}")),
        }
    }
    plan.real = match (real, catalogue) {
        (Some(site), Some(catalogue)) => Some((site, catalogue)),
        (None, None) => None,
        _ => return Err("--real and --catalogue go together".to_owned()),
    };
    Ok(plan)
}

fn measure(root: &Path, work: &Path, plan: &Plan) -> Result<(), String> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let catalogue = root.join("catalogue.toml");
    let (site, catalogue) = match &plan.real {
        Some((site, catalogue)) => {
            let (bytes, files) = tree_size(site);
            println!(
                "site: {} ({files} files, {:.1} MiB), {threads} threads",
                site.display(),
                mib(bytes)
            );
            (site.clone(), catalogue.clone())
        }
        None => {
            let site = work.join("site");
            let made = crate::bench_site::varied(root, &site, plan.pages)
                .map_err(|e| format!("cannot generate the site: {e}"))?;
            println!(
                "site: {} generated pages of varied shapes ({} files, {:.1} MiB), {threads} threads",
                plan.pages,
                made.files,
                mib(made.bytes)
            );
            (site, catalogue)
        }
    };
    side_by_side(work, &site, &catalogue)?;
    if plan.real.is_none() {
        memory_and_shards(root, work, &catalogue, &plan.sizes)?;
        crate::shapes::measure(root, work)?;
    }
    Ok(())
}

/// Check and build against reading and copying the same files, round by round.
fn side_by_side(work: &Path, site: &Path, catalogue: &Path) -> Result<(), String> {
    let files = list(site);
    let mut times: [Vec<Duration>; 9] = Default::default();
    // The cache a warm check and a cached rebuild read, filled by a first run of each.
    let cache = work.join("cache");
    build::run(&Options {
        cache: Some(cache.clone()),
        ..Options::check(catalogue, site)
    });
    let cached = Options {
        out: Some(work.join("dist-cached")),
        mode: Mode::Build,
        build_command: "cargo xtask build".to_owned(),
        cache: Some(cache.clone()),
        ..Options::check(catalogue, site)
    };
    build::run(&cached);
    let mut drift = None;
    for round in 0..ROUNDS {
        let started = Instant::now();
        files
            .par_iter()
            .try_for_each(|f| fs::read(f).map(drop))
            .map_err(|e| format!("read failed: {e}"))?;
        times[0].push(started.elapsed());

        let out = work.join(format!("copy-{round}"));
        let started = Instant::now();
        parallel_copy(site, &files, &out).map_err(|e| format!("copy failed: {e}"))?;
        times[1].push(started.elapsed());

        let out = work.join(format!("cp-{round}"));
        let started = Instant::now();
        let status = Command::new("cp").arg("-r").arg(site).arg(&out).status();
        if !status.is_ok_and(|s| s.success()) {
            return Err("cp -r failed".to_owned());
        }
        times[2].push(started.elapsed());

        let check = Options {
            out: None,
            ..Options::check(catalogue, site)
        };
        let started = Instant::now();
        let outcome = build::run(&check);
        times[3].push(started.elapsed());
        if outcome.exit != ExitCode::Clean {
            drift = Some(outcome.diagnostics.len());
        }

        let warm = Options {
            cache: Some(cache.clone()),
            ..Options::check(catalogue, site)
        };
        let started = Instant::now();
        let outcome = build::run(&warm);
        times[6].push(started.elapsed());
        if !outcome.redone.is_empty() {
            return Err(format!("a warm check redid {} files", outcome.redone.len()));
        }

        let build = Options {
            out: Some(work.join(format!("dist-{round}"))),
            mode: Mode::Build,
            build_command: "cargo xtask build".to_owned(),
            ..Options::check(catalogue, site)
        };
        let started = Instant::now();
        let outcome = build::run(&build);
        times[4].push(started.elapsed());
        // Again over its own output: every file is linked from it, none written.
        let started = Instant::now();
        build::run(&build);
        times[7].push(started.elapsed());
        let started = Instant::now();
        let outcome_cached = build::run(&cached);
        times[8].push(started.elapsed());
        if outcome_cached.summary.cached == 0 {
            return Err("a cached rebuild took nothing from the cache".to_owned());
        }
        // Building its own output again: every page is already what a build writes.
        let again = Options {
            site: work.join(format!("dist-{round}")),
            out: Some(work.join(format!("again-{round}"))),
            ..build.clone()
        };
        if outcome.exit == ExitCode::Clean {
            let started = Instant::now();
            build::run(&again);
            times[5].push(started.elapsed());
        }
        for dir in ["copy", "cp", "dist", "again"] {
            let _ = fs::remove_dir_all(work.join(format!("{dir}-{round}")));
        }
    }
    let [read, copy, cp, check, built, again, warm, rebuilt, cached] = times.map(median);
    println!(
        "read   (baseline: every file read, all cores)             {:>9.1} ms",
        ms(read)
    );
    println!(
        "copy   (baseline: every file copied, all cores)           {:>9.1} ms",
        ms(copy)
    );
    println!(
        "cp -r  (baseline: the shell's copy, one core)             {:>9.1} ms",
        ms(cp)
    );
    println!(
        "check  (cold: read, inject, read back, scan, verify)       {:>9.1} ms  {:.2}x read",
        ms(check),
        ratio(check, read)
    );
    println!(
        "check  (warm: nothing changed, results from --cache)       {:>9.1} ms  {:.2}x read",
        ms(warm),
        ratio(warm, read)
    );
    match drift {
        Some(n) => println!(
            "build  not timed: the site is not clean ({n} findings), so a build writes nothing"
        ),
        None => {
            println!(
                "build  (the same pass, writing the output)                 {:>9.1} ms  {:.2}x cp -r, {:.2}x copy",
                ms(built),
                ratio(built, cp),
                ratio(built, copy)
            );
            println!(
                "build of its own output (nothing to change)               {:>9.1} ms  {:.2}x cp -r",
                ms(again),
                ratio(again, cp)
            );
            println!(
                "rebuild (nothing changed: every file linked, none written) {:>9.1} ms  {:.2}x cp -r",
                ms(rebuilt),
                ratio(rebuilt, cp)
            );
            println!(
                "rebuild (nothing changed, results from --cache)           {:>9.1} ms  {:.2}x cp -r",
                ms(cached),
                ratio(cached, cp)
            );
        }
    }
    Ok(())
}

/// Peak memory of `check` at each size, each in a process of its own; then, on the largest,
/// a check divided into N shards, each run alone as one machine of a CI matrix runs it, and
/// their merge.
fn memory_and_shards(
    root: &Path,
    work: &Path,
    catalogue: &Path,
    sizes: &[usize],
) -> Result<(), String> {
    println!("\npeak memory of check (a process per size; VmHWM):");
    let mut largest = None;
    for &pages in sizes {
        let site = work.join(format!("size-{pages}"));
        let made = crate::bench_site::varied(root, &site, pages)
            .map_err(|e| format!("cannot generate the site: {e}"))?;
        let child = child(&["check", &path(catalogue), &path(&site)])?;
        println!(
            "  {pages:>7} pages  {:>8.1} MiB of pages  {:>7.1} MiB peak  {:>9.1} ms",
            mib(made.bytes),
            child.peak_kib as f64 / 1024.0,
            child.ms
        );
        if let Some((_, old)) = largest.replace((pages, site.clone())) {
            let _ = fs::remove_dir_all(old);
        }
    }
    let Some((pages, site)) = largest else {
        return Ok(());
    };
    println!(
        "\nsharded check of {pages} pages (each shard alone, as one machine of a CI matrix runs it):"
    );
    let single = child(&["check", &path(catalogue), &path(&site)])?;
    println!("  1 machine, no shards          {:>9.1} ms", single.ms);
    for count in [2, 4] {
        let mut slowest = 0.0f64;
        let mut files = Vec::new();
        for i in 1..=count {
            let file = work.join(format!("shard-{i}-of-{count}.json"));
            let shard = child(&[
                "shard",
                &format!("{i}/{count}"),
                &path(catalogue),
                &path(&site),
                &path(&file),
            ])?;
            slowest = slowest.max(shard.ms);
            files.push(file);
        }
        let started = Instant::now();
        let merged = build::merge(&files, None);
        let merge = ms(started.elapsed());
        if merged.exit == ExitCode::BadInput {
            return Err(format!(
                "the merge failed: {:?}",
                merged.diagnostics.first()
            ));
        }
        println!(
            "  {count} machines: slowest shard {slowest:>9.1} ms, then merge {merge:>7.1} ms: {:.2}x one machine",
            (slowest + merge) / single.ms.max(f64::EPSILON)
        );
        for file in files {
            let _ = fs::remove_file(file);
        }
    }
    let _ = fs::remove_dir_all(site);
    Ok(())
}

/// What a measuring child process reports.
struct Child {
    peak_kib: u64,
    ms: f64,
}

/// Runs `cargo xtask bench-child ARGS` (this same executable) and reads its report.
fn child(args: &[&str]) -> Result<Child, String> {
    finish(spawn(args)?)
}

fn spawn(args: &[&str]) -> Result<std::process::Child, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    Command::new(exe)
        .arg("bench-child")
        .args(args)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start a measuring process: {e}"))
}

fn finish(child: std::process::Child) -> Result<Child, String> {
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!("a measuring process failed: {text}"));
    }
    let field = |key: &str| {
        text.split_whitespace()
            .find_map(|w| w.strip_prefix(key))
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    Ok(Child {
        peak_kib: field("peak_kib=") as u64,
        ms: field("ms="),
    })
}

/// `cargo xtask bench-child check CATALOGUE SITE`, `... shard I/N CATALOGUE SITE FILE` or
/// `... generate PAGES DIR`: one measured run in a process of its own; prints its time and
/// peak memory.
pub fn child_main(args: Vec<String>) -> i32 {
    let started = Instant::now();
    let ok = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["check", catalogue, site] => {
            let outcome = build::run(&Options::check(Path::new(catalogue), Path::new(site)));
            outcome.exit != ExitCode::BadInput
        }
        ["shard", shard, catalogue, site, file] => {
            let Ok(shard) = build::Shard::parse(shard) else {
                return 2;
            };
            match build::shard(
                &Options::check(Path::new(catalogue), Path::new(site)),
                shard,
            ) {
                Ok(document) => serde_json::to_vec(&document)
                    .ok()
                    .is_some_and(|bytes| fs::write(file, bytes).is_ok()),
                Err(_) => false,
            }
        }
        // The generated site alone, for profiling the tool on it.
        ["generate", pages, site] => pages.parse().is_ok_and(|pages| {
            crate::bench_site::varied(&crate::project_root(), Path::new(site), pages).is_ok()
        }),
        _ => false,
    };
    let elapsed = started.elapsed();
    println!("ms={:.1} peak_kib={}", ms(elapsed), peak_kib());
    if ok { 0 } else { 2 }
}

/// This process's peak resident memory, from /proc (0 where there is none).
fn peak_kib() -> u64 {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find_map(|l| {
                l.strip_prefix("VmHWM:")
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            })
        })
        .unwrap_or(0)
}

/// Every regular file under `dir`.
fn list(dir: &Path) -> Vec<PathBuf> {
    walkdir(dir).into_iter().filter(|p| p.is_file()).collect()
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(path.clone());
            }
            found.push(path);
        }
    }
    found
}

fn tree_size(dir: &Path) -> (u64, usize) {
    let files = list(dir);
    let bytes = files
        .iter()
        .map(|f| fs::metadata(f).map_or(0, |m| m.len()))
        .sum();
    (bytes, files.len())
}

/// Copies `files` (all under `site`) into `out`, in parallel.
fn parallel_copy(site: &Path, files: &[PathBuf], out: &Path) -> std::io::Result<()> {
    files.par_iter().try_for_each(|f| {
        let target = out.join(f.strip_prefix(site).unwrap_or(f));
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::copy(f, target).map(drop)
    })
}

fn path(p: &Path) -> String {
    p.display().to_string()
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(f64::EPSILON)
}
