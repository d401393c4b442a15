//! The hostile shapes of `cargo xtask bench`: inputs that once took quadratic time. Each is
//! checked at a quarter of its size and at full size in the same run: a linear pass takes about
//! four times as long for four times the input, a quadratic one sixteen.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use cookie_ledger::build::{self, Mode, Options};
use cookie_ledger::diagnostic::Policy;

/// One shape: a name, its full size, and how to write a site of that size into a folder.
struct Shape {
    name: &'static str,
    size: usize,
    write: fn(&Path, usize) -> std::io::Result<()>,
}

const SHAPES: &[Shape] = &[
    Shape {
        name: "one-line page with a cookie table of N rows",
        size: 40_000,
        write: |site, n| {
            let rows: String = (0..n)
                .map(|i| format!("<tr><td>A</td><td>B</td><td>c{i}</td><td>D</td><td>E</td></tr>"))
                .collect();
            page(
                site,
                &format!(
                    "<table><tr><th>Provider</th><th>Function</th><th>Cookie name</th><th>Purpose</th><th>Duration</th></tr>{rows}</table>"
                ),
            )
        },
    },
    Shape {
        name: "N cookie writes on one line of a script",
        size: 40_000,
        write: |site, n| {
            let writes: Vec<String> = (0..n)
                .map(|i| format!("document.cookie=\"c{i}=1\""))
                .collect();
            fs::write(site.join("datastro/writes.js"), writes.join(";"))?;
            page(site, "<script src=\"writes.js\"></script>")
        },
    },
    Shape {
        name: "N nested tables",
        size: 100_000,
        write: |site, n| {
            page(
                site,
                &format!(
                    "{}x{}",
                    "<table><tr><td>".repeat(n),
                    "</td></tr></table>".repeat(n)
                ),
            )
        },
    },
];

/// The demo's datastro folder with one more page holding `body`.
fn page(site: &Path, body: &str) -> std::io::Result<()> {
    fs::write(
        site.join("datastro/shape.html"),
        format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"></head><body>{body}</body></html>"
        ),
    )
}

/// Times every shape at a quarter and at full size; prints seconds and the growth ratio.
pub fn measure(root: &Path, work: &Path) -> Result<(), String> {
    println!(
        "\nshapes that once took quadratic time (check; growth for 4x the input, 4x is linear):"
    );
    for shape in SHAPES {
        let mut times = Vec::new();
        for size in [shape.size / 4, shape.size] {
            let site = work.join(format!("shape-{size}"));
            let _ = fs::remove_dir_all(&site);
            copy_demo(&root.join("site"), &site).map_err(|e| e.to_string())?;
            (shape.write)(&site, size).map_err(|e| e.to_string())?;
            times.push(time_check(root, &site));
            let _ = fs::remove_dir_all(&site);
        }
        println!(
            "  {:<46} N={:<7} {:>8.1} ms  (N/4: {:>7.1} ms, growth {:.1}x)",
            shape.name,
            shape.size,
            ms(times[1]),
            ms(times[0]),
            times[1].as_secs_f64() / times[0].as_secs_f64().max(f64::EPSILON)
        );
    }
    Ok(())
}

fn time_check(root: &Path, site: &Path) -> Duration {
    let options = Options {
        catalogue: root.join("catalogue.toml"),
        site: site.to_path_buf(),
        out: None,
        mode: Mode::Check,
        policy: Policy::default(),
        inventory: None,
        cookie_db: None,
        preview: None,
        build_command: "cargo xtask build".to_owned(),
        updated: None,
        browser: None,
        cache: None,
    };
    // The best of three: the least disturbed by the rest of the machine.
    (0..3)
        .map(|_| {
            let started = Instant::now();
            let _ = build::run(&options);
            started.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn copy_demo(from: &Path, to: &Path) -> std::io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_demo(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
