//! Generated sites for the benches: `uniform` (the demo's page padded to about 12 KiB, the same
//! shape every time) and `varied`, shaped like real generator output: pages from under 1 KiB to
//! about 60 KiB, shared minified bundles, inline scripts, one-line minified pages, data tables,
//! same-site embeds, and policy pages, all clean against the demo's catalogue.

use std::fs;
use std::path::Path;

/// The demo's portals, each a folder of the site.
pub const PORTALS: [&str; 5] = [
    "datastro",
    "data-gouv-nc",
    "smartbump",
    "eulerhermes",
    "odwb",
];

/// How big a generated site is.
pub struct Generated {
    /// Bytes of every file written.
    pub bytes: u64,
    /// Files written, pages and assets.
    pub files: usize,
}

/// Writes `pages` pages across the demo's portals, one in `policy_every` a policy page (never
/// for 0), each the demo's page padded to about 12 KiB.
pub fn uniform(
    root: &Path,
    site: &Path,
    pages: usize,
    policy_every: usize,
) -> std::io::Result<Generated> {
    let policy = fs::read_to_string(root.join("site/datastro/cookies.html"))?;
    let plain = fs::read_to_string(root.join("site/datastro/index.html"))?;
    let filler =
        "<p>Open data portals publish datasets, maps and charts that anyone may reuse.</p>\n"
            .repeat(130);
    let mut made = Generated { bytes: 0, files: 0 };
    for (i, portal) in PORTALS.iter().cycle().take(pages).enumerate() {
        let dir = site.join(portal).join(format!("section-{}", i / 500));
        fs::create_dir_all(&dir)?;
        let source = if policy_every > 0 && i % policy_every == 0 {
            &policy
        } else {
            &plain
        };
        let page = source.replacen("</main>", &format!("{filler}</main>"), 1);
        made.add(&dir.join(format!("page-{i}.html")), page.as_bytes())?;
    }
    policy_pages_and_assets(root, site, &mut made)?;
    Ok(made)
}

/// Writes `pages` pages of varied shapes across the demo's portals (see the module's doc).
pub fn varied(root: &Path, site: &Path, pages: usize) -> std::io::Result<Generated> {
    let policy = fs::read_to_string(root.join("site/datastro/cookies.html"))?;
    let plain = fs::read_to_string(root.join("site/datastro/index.html"))?;
    let mut made = Generated { bytes: 0, files: 0 };
    let assets = site.join("assets");
    fs::create_dir_all(&assets)?;
    for b in 0..4 {
        made.add(
            &assets.join(format!("bundle-{b}.js")),
            bundle(b, 2_000).as_bytes(),
        )?;
    }
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for (i, portal) in PORTALS.iter().cycle().take(pages).enumerate() {
        let dir = site.join(portal).join(format!("section-{}", i / 400));
        fs::create_dir_all(&dir)?;
        let roll = next(&mut seed);
        // Most pages are short; one in twenty is long (a reference page, a changelog).
        let paragraphs = if roll % 97 < 5 {
            60 + (roll % 240) as usize
        } else {
            2 + (roll % 58) as usize
        };
        let prose = prose(paragraphs, i);
        let page = match roll % 20 {
            // A policy page: the demo's, with a marker.
            0 | 1 => policy.clone(),
            // A page that loads a shared bundle, as every docs theme does.
            2..=5 => with_head(
                &plain,
                &format!(
                    "<script src=\"../../assets/bundle-{}.js\" defer></script>",
                    roll % 4
                ),
                &prose,
            ),
            // An inline script of a few KiB: a search index, a config, a widget.
            6..=8 => with_head(
                &plain,
                "",
                &format!("{prose}<script>{}</script>", bundle(roll as usize, 60)),
            ),
            // A page minified to one line, inline script and all.
            9 | 10 => with_head(
                &plain,
                "",
                &format!("{prose}<script>{}</script>", bundle(roll as usize, 30)),
            )
            .replace('\n', ""),
            // A data table with headers, which is no cookie table.
            11 | 12 => with_head(&plain, "", &format!("{prose}{}", data_table(i, 40))),
            // A same-site embed.
            13 => with_head(
                &plain,
                "",
                &format!(
                    "{prose}<iframe src=\"../index.html\" title=\"map of record {i}\"></iframe>"
                ),
            ),
            _ => with_head(&plain, "", &prose),
        };
        made.add(&dir.join(format!("page-{i}.html")), page.as_bytes())?;
    }
    policy_pages_and_assets(root, site, &mut made)?;
    Ok(made)
}

impl Generated {
    fn add(&mut self, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        fs::write(path, bytes)?;
        self.bytes += bytes.len() as u64;
        self.files += 1;
        Ok(())
    }
}

/// The demo's own pages (every portal's policy page in each of its languages) and assets.
fn policy_pages_and_assets(root: &Path, site: &Path, made: &mut Generated) -> std::io::Result<()> {
    let demo = root.join("site");
    let mut stack = vec![demo.clone()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir)? {
            let entry = entry?;
            let target = site.join(entry.path().strip_prefix(&demo).unwrap_or(&entry.path()));
            if entry.file_type()?.is_dir() {
                fs::create_dir_all(&target)?;
                stack.push(entry.path());
            } else {
                let bytes = fs::read(entry.path())?;
                made.add(&target, &bytes)?;
            }
        }
    }
    Ok(())
}

/// The demo page, one folder deeper, with `head` added to its head and `main` as its content.
fn with_head(plain: &str, head: &str, main: &str) -> String {
    let page = plain.replace("../assets/", "../../assets/");
    let page = page.replacen("</head>", &format!("{head}\n</head>"), 1);
    match (page.find("<main>"), page.find("</main>")) {
        (Some(start), Some(end)) => format!("{}<main>{main}{}", &page[..start], &page[end..]),
        _ => page,
    }
}

/// `n` paragraphs of prose with links and inline markup.
fn prose(n: usize, seed: usize) -> String {
    let mut text = String::new();
    for p in 0..n {
        text.push_str(&format!(
            "<p>Dataset <a href=\"../section-{}/page-{}.html\">record {p}</a> lists <em>{}</em> rows of open data, updated <time datetime=\"2026-01-{:02}\">monthly</time>; reuse it under the <strong>Licence Ouverte</strong>.</p>\n",
            (seed + p) % 7,
            (seed * 31 + p) % 1000,
            (seed * 17 + p * 13) % 100_000,
            p % 28 + 1
        ));
    }
    text
}

/// Minified JavaScript of about `units` × 200 bytes: functions, strings with quotes and
/// slashes, regex literals after `)`, template literals with nested `${}`, and reads (never
/// writes) of `document.cookie`.
fn bundle(seed: usize, units: usize) -> String {
    let mut js = String::from("!function(e,t){\"use strict\";");
    for u in 0..units {
        let n = seed.wrapping_mul(31).wrapping_add(u);
        js.push_str(&format!(
            "var a{u}=function(n){{return n&&/[\\w-]+\\/(x|y)/.test(n)?`v${{n}}-${{`${{{n}}}`}}`:\"a'b\\\"c/{n}\"}};if(a{u}(e))/'/.test(t);var c{u}=document.cookie.indexOf(\"x{n}\")>-1;e[\"k{u}\"]=[{n},{},\"{}\"];",
            n % 97,
            (n % 13).pow(2)
        ));
    }
    js.push_str("}(window,document);");
    js
}

/// A table of datasets, `rows` rows under a header row.
fn data_table(seed: usize, rows: usize) -> String {
    let mut table = String::from(
        "<table><caption>Datasets</caption><tr><th>Dataset</th><th>Records</th><th>Updated</th></tr>",
    );
    for r in 0..rows {
        table.push_str(&format!(
            "<tr><td>Dataset {}</td><td>{}</td><td>2026-{:02}-01</td></tr>",
            seed * rows + r,
            (seed * 7 + r * 131) % 90_000,
            r % 12 + 1
        ));
    }
    table.push_str("</table>");
    table
}

/// A xorshift step: the same site on every run.
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}
