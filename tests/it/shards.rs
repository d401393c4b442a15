//! A check spread over CI jobs: `check --shard I/N --format shard` on each, `merge` of their
//! documents, which gives the report a single check gives, finding for finding; and every way
//! the shards of a merge can fail to make one whole run, refused with the shard named.

use crate::support::{Project, Run};

const SITES: [&str; 5] = [
    "datastro",
    "data-gouv-nc",
    "smartbump",
    "eulerhermes",
    "odwb",
];

/// The portals with 70 generated pages of varied shapes added: plain pages of growing length,
/// inline writes of undeclared cookies (each name written on many pages, so which place is
/// "first" depends on the order the reduction sees them), shared scripts, a tag manager, policy
/// pages, minified one-line pages with web storage, and pages of no site.
fn generated() -> Project {
    let p = Project::portals();
    for k in 0..3 {
        p.write(
            &format!("site/assets/gen-{k}.js"),
            format!("(function(){{document.cookie=\"shared_{k}=1; max-age=3600; path=/\";}})();\n"),
        );
    }
    for i in 0..70 {
        let site = SITES[i % SITES.len()];
        let body = match i % 7 {
            0 => format!("<p>{}</p>", "Open data for everyone. ".repeat(i * 20 + 1)),
            1 => format!(
                "<script>\n  document.cookie = \"gen_{}=1; max-age=86400; path=/\";\n</script>",
                i % 4
            ),
            2 => format!("<script src=\"/assets/gen-{}.js\"></script>", i % 3),
            3 => "<script async src=\"https://www.googletagmanager.com/gtag/js?id=G-GEN123\"></script>\n<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}gtag('js',new Date());gtag('config','G-GEN123');</script>".to_owned(),
            4 => "<h1>Cookies</h1>\n<div data-cookie-table=\"necessary\"></div>".to_owned(),
            5 => format!(
                "<div id=\"a{i}\"></div><script>localStorage.setItem(\"gen_store\",\"{i}\");var x={i};if(x)/'/.test('a')</script>"
            ),
            _ => format!("<iframe src=\"https://www.youtube.com/embed/gen{i}\"></iframe>"),
        };
        let page = format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Page {i}</title></head>\n<body>\n{body}\n</body>\n</html>\n"
        );
        let page = if i % 7 == 5 {
            page.replace('\n', "")
        } else {
            page
        };
        p.write(&format!("site/{site}/gen/page-{i:02}.html"), page);
    }
    // A lifetime of hundreds of digits, which once made a shard merge could not read back.
    p.write(
        "site/odwb/gen/forever.html",
        format!(
            "<!DOCTYPE html><html lang=\"en\"><body><script>document.cookie = \"cookies_preferences=1; max-age={}; path=/\";</script></body></html>\n",
            "9".repeat(400)
        ),
    );
    for i in 0..4 {
        p.write(
            &format!("site/extra/outside-{i}.html"),
            format!("<!DOCTYPE html><html><body><script>document.cookie=\"outside_{i}=1\";</script></body></html>\n"),
        );
    }
    p
}

/// Builds the site into `dist/`, waiving for this run the drift the generated pages have on
/// purpose, so there is an output to compare with.
fn build_dist(p: &Project) -> Run {
    let check = p.run(&["check", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&check.stdout).unwrap();
    let rules: std::collections::BTreeSet<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_owned())
        .collect();
    let mut args = vec!["build", "--out", "dist"];
    for rule in &rules {
        args.extend(["--allow", rule.as_str()]);
    }
    p.run(&args)
}

/// The JSON report without its timing, which differs between any two runs.
fn report(run: &Run) -> String {
    run.stdout
        .lines()
        .filter(|l| !l.trim_start().starts_with("\"elapsed_ms\""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Writes the `count` shards of a check of `p` as shard-I-of-N.json, and gives their names.
fn shards(p: &Project, count: usize, extra: &[&str]) -> Vec<String> {
    (1..=count)
        .map(|i| {
            let shard = format!("{i}/{count}");
            let mut args = vec!["check", "--shard", &shard, "--format", "shard"];
            args.extend_from_slice(extra);
            let run = p.run(&args);
            assert_eq!(run.code, 0, "shard {shard}: {}", run.stderr);
            assert!(run.stderr.is_empty(), "{}", run.stderr);
            let name = format!("shard-{i}-of-{count}.json");
            p.write(&name, &run.stdout);
            name
        })
        .collect()
}

fn merge(p: &Project, files: &[String], format: &str) -> Run {
    let mut args = vec!["merge", "--format", format];
    args.extend(files.iter().map(String::as_str));
    p.run(&args)
}

/// Merges of 1, 2, 3 and 7 shards give what one check gives, in every format.
fn merges_equal_one_run(p: &Project, extra: &[&str]) {
    let mut single_args = vec!["check", "--format", "json"];
    single_args.extend_from_slice(extra);
    let single = p.run(&single_args);
    assert!(single.code <= 1, "{}{}", single.stdout, single.stderr);
    for count in [1, 2, 3, 7] {
        let files = shards(p, count, extra);
        let merged = merge(p, &files, "json");
        assert_eq!(
            merged.code, single.code,
            "{count} shards: {}",
            merged.stderr
        );
        assert_eq!(report(&merged), report(&single), "{count} shards");
        for format in ["github", "sarif"] {
            let mut args = vec!["check", "--format", format];
            args.extend_from_slice(extra);
            let one = p.run(&args);
            let merged = merge(p, &files, format);
            let strip = |text: &str| -> String {
                text.lines()
                    .filter(|l| !l.contains("elapsed") && !l.contains(" in 0."))
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            assert_eq!(
                strip(&merged.stdout),
                strip(&one.stdout),
                "{count} shards, {format}"
            );
        }
    }
}

#[test]
fn merged_shards_of_the_portals_give_the_single_runs_report() {
    merges_equal_one_run(&Project::portals(), &[]);
}

#[test]
fn merged_shards_of_a_generated_site_give_the_single_runs_report_finding_for_finding() {
    let p = generated();
    let single = p.run(&["check", "--format", "json"]);
    assert_eq!(
        single.code, 1,
        "the generated site drifts: {}",
        single.stdout
    );
    let findings: serde_json::Value = serde_json::from_str(&single.stdout).unwrap();
    let rules: std::collections::BTreeSet<&str> = findings["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    for rule in [
        "undeclared-cookie",
        "page-outside-sites",
        "undeclared-storage",
    ] {
        assert!(rules.contains(rule), "{rule} is among {rules:?}");
    }
    merges_equal_one_run(&p, &[]);
    // With the flags that change what the reduction reports, carried by the shards.
    merges_equal_one_run(&p, &["--strict", "--allow", "page-outside-sites"]);
    // Compared with an output folder that has drifted: stale and extra files are found by
    // whichever shard holds them, and the folder's own extras once.
    let out = build_dist(&p);
    assert!(out.code <= 1, "{}", out.stdout);
    assert!(p.path("dist").is_dir(), "{}", out.stdout);
    p.write("dist/odwb/gen/page-04.html", "<p>stale</p>");
    p.write("dist/left-over.html", "<p>old</p>");
    merges_equal_one_run(&p, &["--out", "dist"]);
}

#[test]
fn a_share_is_balanced_by_bytes_and_every_file_falls_to_exactly_one_shard() {
    use cookie_ledger::build::Shard;
    let sizes: Vec<u64> = (0..200u64).map(|i| (i * 7919) % 5000 + 1).collect();
    for count in [1, 2, 3, 7] {
        let shares: Vec<Vec<bool>> = (1..=count)
            .map(|index| Shard { index, count }.share(&sizes))
            .collect();
        for f in 0..sizes.len() {
            assert_eq!(shares.iter().filter(|s| s[f]).count(), 1, "file {f}");
        }
        let loads: Vec<u64> = shares
            .iter()
            .map(|s| (0..sizes.len()).filter(|&f| s[f]).map(|f| sizes[f]).sum())
            .collect();
        let (least, most) = (loads.iter().min().unwrap(), loads.iter().max().unwrap());
        assert!(most - least <= *sizes.iter().max().unwrap(), "{loads:?}");
        // The same on every machine: the division depends on the sizes alone.
        assert_eq!(Shard { index: 1, count }.share(&sizes), shares[0]);
    }
}

#[test]
fn a_merge_refuses_shards_that_do_not_make_one_whole_run() {
    let p = generated();
    let files = shards(&p, 3, &[]);
    let refused = |run: &Run, what: &str| {
        assert_eq!(run.code, 2, "{what}: {}", run.stdout);
        assert!(
            run.stdout.contains("error[shard-invalid]"),
            "{what}: {}",
            run.stdout
        );
        run.stdout.clone()
    };
    // A shard missing, or given twice.
    let missing = merge(&p, &[files[0].clone(), files[2].clone()], "human");
    let text = refused(&missing, "missing");
    assert!(
        text.contains("shard 2/3 of this run is not given"),
        "{text}"
    );
    let twice = merge(
        &p,
        &[
            files[0].clone(),
            files[1].clone(),
            files[1].clone(),
            files[2].clone(),
        ],
        "human",
    );
    assert!(refused(&twice, "twice").contains("shard 2/3 is given twice"));
    // A shard of another division.
    let other = shards(&p, 2, &[]);
    let mixed = merge(
        &p,
        &[files[0].clone(), files[1].clone(), other[1].clone()],
        "human",
    );
    refused(&mixed, "mixed");
    // A shard of another command line.
    let strict = p.run(&["check", "--strict", "--shard", "3/3", "--format", "shard"]);
    p.write("strict-3.json", &strict.stdout);
    let flags = merge(
        &p,
        &[
            files[0].clone(),
            files[1].clone(),
            "strict-3.json".to_owned(),
        ],
        "human",
    );
    assert!(refused(&flags, "flags").contains("is not of the same run"));
    // Not JSON, cut short, empty, or of another version: named with line and column.
    p.write(
        "broken.json",
        "{\n  \"generator\": \"cookie-ledger\",\n  oops\n}\n",
    );
    let broken = merge(&p, &["broken.json".to_owned()], "human");
    assert!(refused(&broken, "broken").contains("broken.json:3:3: error[shard-invalid]"));
    let whole = p.read(&files[0]);
    p.write("cut.json", &whole[..whole.len() / 2]);
    refused(&merge(&p, &["cut.json".to_owned()], "human"), "cut");
    p.write("empty.json", "");
    let empty = merge(&p, &["empty.json".to_owned()], "human");
    assert!(refused(&empty, "empty").contains("this shard is empty"));
    p.write(
        "old.json",
        whole.replacen(
            &format!("\"version\":\"{}\"", env!("CARGO_PKG_VERSION")),
            "\"version\":\"0.0.1\"",
            1,
        ),
    );
    let old = merge(
        &p,
        &["old.json".to_owned(), files[1].clone(), files[2].clone()],
        "human",
    );
    assert!(refused(&old, "version").contains("written by cookie-ledger 0.0.1"));
    // A result taken out of a shard: the files no longer add up to the site's.
    let mut doc: serde_json::Value = serde_json::from_str(&whole).unwrap();
    doc["files"].as_array_mut().unwrap().pop();
    p.write("short.json", doc.to_string());
    let short = merge(
        &p,
        &["short.json".to_owned(), files[1].clone(), files[2].clone()],
        "human",
    );
    let text = refused(&short, "short");
    assert!(text.contains("results for the"), "{text}");
    // The catalogue changed since the shards were made.
    let catalogue = p.read("catalogue.toml");
    p.write(
        "catalogue.toml",
        format!("# edited after sharding\n{catalogue}"),
    );
    let changed = merge(&p, &files, "human");
    assert!(refused(&changed, "changed").contains("is not what the shards were made with"));
    p.write("catalogue.toml", catalogue);
    // A count no run has, an index beyond it.
    let mut doc: serde_json::Value = serde_json::from_str(&whole).unwrap();
    doc["shard"] = serde_json::json!({ "index": 1, "count": 1_000_000_000_000_000_000u64 });
    p.write("huge.json", doc.to_string());
    let huge = merge(&p, &["huge.json".to_owned()], "human");
    assert!(refused(&huge, "huge count").contains("is no shard"));
    // Indices that name nothing the catalogue has: refused, never an internal error.
    for (field, value) in [
        ("site", serde_json::json!(4242)),
        ("covered", serde_json::json!([99999])),
    ] {
        let mut doc: serde_json::Value = serde_json::from_str(&whole).unwrap();
        let page = doc["files"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|f| f["result"]["facts"]["kind"] == "page")
            .unwrap();
        page["result"]["facts"][field] = value;
        p.write("forged.json", doc.to_string());
        let forged = merge(
            &p,
            &["forged.json".to_owned(), files[1].clone(), files[2].clone()],
            "human",
        );
        let text = refused(&forged, field);
        assert!(
            text.contains("names a site, cookie, category or service"),
            "{text}"
        );
        assert!(!text.contains("internal-error"), "{text}");
    }
    // A missing file is an io error, with the path.
    let gone = merge(&p, &["nowhere.json".to_owned()], "human");
    assert_eq!(gone.code, 2);
    assert!(
        gone.stdout.contains("cannot read the shard nowhere.json"),
        "{}",
        gone.stdout
    );
}

#[test]
fn shards_of_different_builds_or_outputs_are_not_one_run() {
    let p = generated();
    let files = shards(&p, 2, &[]);
    // Another build of the site: a page that differs in size from the first build's.
    p.write("site/odwb/gen/page-04.html", "<p>rebuilt</p>");
    let rebuilt = p.run(&["check", "--shard", "2/2", "--format", "shard"]);
    p.write("rebuilt-2.json", &rebuilt.stdout);
    let run = merge(
        &p,
        &[files[0].clone(), "rebuilt-2.json".to_owned()],
        "human",
    );
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stdout.contains("the site's files"), "{}", run.stdout);
    // One shard compared with an output folder, another found none.
    let built = build_dist(&p);
    assert!(p.path("dist").is_dir(), "{}", built.stdout);
    let with = p.run(&[
        "check", "--out", "dist", "--shard", "1/2", "--format", "shard",
    ]);
    std::fs::rename(p.path("dist"), p.path("away")).unwrap();
    let without = p.run(&[
        "check", "--out", "dist", "--shard", "2/2", "--format", "shard",
    ]);
    p.write("with-1.json", &with.stdout);
    p.write("without-2.json", &without.stdout);
    let run = merge(
        &p,
        &["with-1.json".to_owned(), "without-2.json".to_owned()],
        "human",
    );
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stdout.contains("whether the output folder was there"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_merge_elsewhere_names_the_catalogue_or_says_where_to_run() {
    let p = Project::portals();
    let files = shards(&p, 2, &[]);
    p.write("elsewhere/.keep", "");
    let paths: Vec<String> = files.iter().map(|f| format!("../{f}")).collect();
    let mut args = vec!["merge"];
    args.extend(paths.iter().map(String::as_str));
    let lost = p.run_in("elsewhere", &args, &[]);
    assert_eq!(lost.code, 2, "{}", lost.stdout);
    assert!(
        lost.stdout
            .contains("run merge in the folder the shards ran in"),
        "{}",
        lost.stdout
    );
    args.extend(["--catalogue", "../catalogue.toml"]);
    let found = p.run_in("elsewhere", &args, &[]);
    assert_eq!(found.code, 0, "{}", found.stdout);
}

#[test]
fn shard_flags_are_checked_before_anything_runs() {
    let p = Project::portals();
    for (args, said) in [
        (
            vec!["check", "--shard", "0/3", "--format", "shard"],
            "from 1 to 3",
        ),
        (
            vec!["check", "--shard", "4/3", "--format", "shard"],
            "from 1 to 3",
        ),
        (
            vec!["check", "--shard", "two", "--format", "shard"],
            "write I/N",
        ),
        (
            vec!["check", "--shard", "1/0", "--format", "shard"],
            "from 1 to 1000",
        ),
        (vec!["check", "--shard", "1/2"], "add --format shard"),
        (
            vec!["build", "--out", "dist", "--format", "shard"],
            "check's",
        ),
        (vec!["merge", "--format", "shard", "x.json"], "whole site"),
    ] {
        let run = p.run(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stdout);
        assert!(run.stderr.contains(said), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
    }
    assert!(!p.path("dist").exists());
    // A shard whose check cannot start writes nothing to its shard file and says why.
    p.write("catalogue.toml", "[[site]\n");
    let run = p.run(&["check", "--shard", "1/2", "--format", "shard"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(run.stderr.contains("catalogue.toml:1:"), "{}", run.stderr);
}
