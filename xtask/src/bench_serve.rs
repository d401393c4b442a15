//! `cargo xtask bench-serve`: how long from saving a page to the open page being told to reload,
//! on the demo and on a generated 10,000-page site.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use cookie_ledger::serve::{self, Log, ServeOptions};

const ROUNDS: usize = 5;

/// Runs the benchmark; returns the exit code.
pub fn run(args: Vec<String>) -> i32 {
    let pages = match args.as_slice() {
        [] => 10_000,
        [flag, n] if flag == "--pages" => n.parse().unwrap_or(10_000),
        _ => {
            eprintln!("usage: cargo xtask bench-serve [--pages N]");
            return 2;
        }
    };
    let root = crate::project_root();
    let work =
        std::env::temp_dir().join(format!("cookie-ledger-bench-serve-{}", std::process::id()));
    let result = (|| -> Result<(), String> {
        let demo = work.join("demo");
        copy(&root.join("site"), &demo.join("site")).map_err(|e| e.to_string())?;
        measure(
            "demo site (15 pages)",
            &root.join("catalogue.toml"),
            &demo,
            "site/datastro/cookies.html",
        )?;
        let big = work.join("big");
        crate::bench_site::uniform(&root, &big.join("site"), pages, 10)
            .map(|made| made.bytes)
            .map_err(|e| e.to_string())?;
        measure(
            &format!("generated site ({pages} pages)"),
            &root.join("catalogue.toml"),
            &big,
            "site/datastro/cookies.html",
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

fn measure(label: &str, catalogue: &Path, project: &Path, page: &str) -> Result<(), String> {
    let stop = Arc::new(AtomicBool::new(false));
    let (log, lines) = mpsc::channel();
    let options = ServeOptions {
        catalogue: catalogue.to_path_buf(),
        site: project.join("site"),
        out: Some(project.join("preview")),
        cache: None,
        live_audit: false,
        host: "127.0.0.1".parse().expect("an address"),
        port: 0,
        stop: Some(Arc::clone(&stop)),
        header_timeout: serve::HEADER_TIMEOUT,
    };
    let server = std::thread::spawn(move || serve::run(options, log));
    let mut address = None;
    for line in lines.iter() {
        if let Log::Out(text) = &line {
            if let Some(at) = text.find("http://127.0.0.1:") {
                address = text[at + 7..].split('/').next().map(str::to_owned);
            }
            if text.starts_with("watching") {
                break;
            }
        }
    }
    let address = address.ok_or("the server did not start")?;
    let mut stream = TcpStream::connect(&address).map_err(|e| e.to_string())?;
    write!(
        stream,
        "GET /__cookie-ledger/events HTTP/1.1\r\nHost: {address}\r\n\r\n"
    )
    .map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .map_err(|e| e.to_string())?;
    let mut events = BufReader::new(stream);
    let mut line = String::new();
    while events.read_line(&mut line).map_err(|e| e.to_string())? > 0 && line != "\r\n" {
        line.clear();
    }
    let path = project.join(page);
    let original = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
    let mut times = Vec::new();
    for round in 0..ROUNDS {
        let edited = original.replacen("</main>", &format!("<p>edit {round}</p></main>"), 1);
        let started = Instant::now();
        std::fs::write(&path, edited).map_err(|e| e.to_string())?;
        loop {
            line.clear();
            if events
                .read_line(&mut line)
                .map_err(|e| format!("no reload event: {e}"))?
                == 0
            {
                return Err("the event stream ended".into());
            }
            if line.starts_with("event: reload") {
                break;
            }
        }
        times.push(started.elapsed());
        // Let the rebuild's log drain so rounds do not overlap.
        while lines.try_recv().is_ok() {}
    }
    stop.store(true, Ordering::SeqCst);
    drop(events);
    for _ in lines.iter() {}
    let _ = server.join();
    times.sort();
    println!(
        "{label}: save-to-reload median {:.0} ms (min {:.0}, max {:.0}, {ROUNDS} edits of one page, debounce 60 ms included)",
        times[ROUNDS / 2].as_secs_f64() * 1000.0,
        times[0].as_secs_f64() * 1000.0,
        times[ROUNDS - 1].as_secs_f64() * 1000.0
    );
    Ok(())
}

fn copy(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}
