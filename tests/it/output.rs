//! The command line: help, usage errors, report formats, colours, and how the output folder is replaced.

use crate::support::Project;

#[test]
fn help_and_usage() {
    let p = Project::empty();
    let run = p.run(&["--help"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.contains("build")
            && run.stdout.contains("check")
            && run.stdout.contains(
                "Exit codes: 0 clean, 1 drift found, 2 bad input, usage or an internal error."
            )
    );
    let run = p.run(&["build", "--help"]);
    assert_eq!(run.code, 0);
    for flag in [
        "--catalogue <FILE>",
        "--site <DIR>",
        "--out <DIR>",
        "--format <FORMAT>",
        "--color <COLOR>",
    ] {
        assert!(run.stdout.contains(flag), "{flag}\n{}", run.stdout);
    }
    let run = p.run(&["build", "--bogus"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("unexpected argument '--bogus'"));
    assert_eq!(p.run(&[]).code, 2);
    let run = p.run(&["rules"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.lines().any(|l| l.starts_with("row-drift ")));
    // Aligned: every description starts in the same column.
    let columns: std::collections::BTreeSet<usize> = run
        .stdout
        .lines()
        .map(|l| {
            l.find("  drift  ")
                .or_else(|| l.find("  bad input  "))
                .or_else(|| l.find("  class  "))
                .unwrap()
        })
        .collect();
    assert_eq!(columns.len(), 1, "{}", run.stdout);
    // Check takes what check uses, and build speaks of the binary, not of cargo xtask.
    let check = p.run(&["check", "--help"]);
    assert!(!check.stdout.contains("--inventory"), "{}", check.stdout);
    assert!(check.stdout.contains("--out <DIR>"));
    assert!(!p.run(&["build", "--help"]).stdout.contains("xtask"));
}

#[test]
fn a_missing_site_folder_is_bad_input() {
    let p = Project::portals();
    let run = p.run(&["check", "--site", "nowhere"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stdout
            .starts_with("error[io]: site folder nowhere does not exist\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn json_report_has_the_documented_shape() {
    let p = Project::portals();
    p.edit("site/odwb/cookies.html", "</main>", "<table><tr><th>Cookie name</th><th>Purpose</th></tr><tr><td>sessionid</td><td>Spying</td></tr></table></main>");
    let run = p.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    let report: serde_json::Value =
        serde_json::from_str(&run.stdout).expect("stdout is one JSON document");
    assert_eq!(report["version"], 1);
    assert_eq!(report["command"], "check");
    assert_eq!(report["exit_code"], 1);
    assert_eq!(report["errors"], 1);
    assert_eq!(report["warnings"], 0);
    assert_eq!(report["summary"]["sites"], 5);
    assert_eq!(report["summary"]["pages"], 15);
    assert_eq!(report["summary"]["files"], 17);
    assert_eq!(report["summary"]["tables"], 10);
    assert_eq!(report["summary"]["cookies"], 6);
    assert!(report["elapsed_ms"].is_u64());
    let d = &report["diagnostics"][0];
    assert_eq!(d["severity"], "error");
    assert_eq!(d["rule"], "row-drift");
    assert_eq!(d["file"], "site/odwb/cookies.html");
    assert!(d["line"].as_u64().unwrap() > 1 && d["column"].as_u64().unwrap() >= 1);
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .starts_with("row `sessionid` of table 3")
    );
    assert!(d["help"].is_string());
    assert!(
        d["diff"].as_str().unwrap().contains(
            "\n-Purpose: To remember the user from one page to another\n+Purpose: Spying\n"
        )
    );
}

#[test]
fn colours_only_when_asked_or_on_a_terminal() {
    let p = Project::portals();
    p.edit("site/odwb/cookies.html", "</main>", "<table><tr><th>Cookie name</th><th>Purpose</th></tr><tr><td>sessionid</td><td>Spying</td></tr></table></main>");
    let plain = p.run(&["check"]);
    assert!(!plain.stdout.contains('\x1b'), "not a terminal: no colour");
    let coloured = p.run(&["check", "--color", "always"]);
    assert!(
        coloured.stdout.contains("\x1b[31m-Purpose: To remember"),
        "{}",
        coloured.stdout
    );
    assert!(coloured.stdout.contains("\x1b[32m+Purpose: Spying"));
    // CLICOLOR_FORCE colours a pipe when --color is auto; NO_COLOR wins over a terminal only.
    let forced = std::process::Command::new(env!("CARGO_BIN_EXE_cookie-ledger"))
        .arg("check")
        .current_dir(p.path(""))
        .env_remove("NO_COLOR")
        .env_remove("CI")
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&forced.stdout).contains("\x1b[32m+Purpose: Spying"));
    let never = p.run(&["check", "--color", "never"]);
    assert!(!never.stdout.contains('\x1b'));
}

#[test]
fn a_clean_build_replaces_the_output_whole() {
    let p = Project::portals();
    assert_eq!(p.run(&["build", "--out", "dist"]).code, 0);
    p.write("dist/stale.html", "from an older build");
    assert_eq!(p.run(&["build", "--out", "dist"]).code, 0);
    assert!(
        !p.path("dist/stale.html").exists(),
        "dist/ is replaced, not merged"
    );
    let leftovers: Vec<_> = std::fs::read_dir(p.path("."))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging") || n.contains(".old"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn drift_keeps_the_previous_output() {
    let p = Project::portals();
    assert_eq!(p.run(&["build", "--out", "dist"]).code, 0);
    let before = p.tree("dist");
    p.edit(
        "site/odwb/cookies.html",
        "</main>",
        "<!-- <div data-cookie-table=\"necessary\"></div> --></main>",
    );
    let run = p.run(&["build", "--out", "dist"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("error[hidden-marker]"));
    assert_eq!(before, p.tree("dist"));
}

#[test]
fn ci_gets_a_hint_on_stderr() {
    let p = Project::portals();
    p.edit("site/odwb/cookies.html", "</main>", "<table><tr><th>Cookie name</th><th>Purpose</th></tr><tr><td>sessionid</td><td>Spying</td></tr></table></main>");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_cookie-ledger"))
        .args(["check", "--format", "json"])
        .current_dir(p.path("."))
        .env("CI", "true")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    serde_json::from_slice::<serde_json::Value>(&output.stdout)
        .expect("stdout stays machine-readable");
    assert!(String::from_utf8_lossy(&output.stderr).starts_with("hint: "));
}

#[test]
fn an_output_that_is_a_file_is_refused_and_kept() {
    let p = Project::portals();
    p.write("distfile", "hello");
    let run = p.run(&["build", "--out", "distfile"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stdout
            .starts_with("error[unsafe-output]: the output distfile is a file, not a folder\n"),
        "{}",
        run.stdout
    );
    assert_eq!(p.read("distfile"), "hello");
}

#[test]
fn a_reader_that_stops_early_changes_nothing_but_the_report() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let p = Project::portals();
    // A report far larger than a pipe holds, so the tool is still writing when the reader leaves.
    for i in 0..400 {
        p.write(
            &format!("site/datastro/p{i}.html"),
            format!("<html lang=\"en\"><body><script>document.cookie = \"c{i}=1\";</script></body></html>"),
        );
    }
    for (args, code) in [(&["check"][..], 1), (&["rules"][..], 0)] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cookie-ledger"))
            .args(args)
            .current_dir(p.path(""))
            .env("NO_COLOR", "1")
            .env_remove("CI")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary runs");
        // As `| head -1` does: one line, then the pipe is closed.
        let mut first = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut first)
            .expect("a first line");
        let output = child.wait_with_output().expect("the binary ends");
        assert_eq!(output.status.code(), Some(code), "{args:?}");
        assert_eq!(String::from_utf8_lossy(&output.stderr), "", "{args:?}");
    }
}

/// Built with `--no-default-features`, the binary has no preview and says so.
#[cfg(not(feature = "serve"))]
#[test]
fn without_the_serve_feature_the_preview_is_a_clear_error() {
    let p = Project::portals();
    let run = p.run(&["serve"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("built without the preview (cargo feature `serve`)"),
        "{}",
        run.stderr
    );
    assert_eq!(p.run(&["check"]).code, 0);
}

#[test]
fn quiet_prints_the_findings_alone_and_v_is_verbose() {
    let p = Project::portals();
    let clean = p.run(&["check", "-q"]);
    assert_eq!(clean.code, 0);
    assert_eq!(clean.stdout, "", "a clean quiet run prints nothing");
    p.edit(
        "site/odwb/cookies.html",
        "</main>",
        "<script>document.cookie = \"promo=1\";</script></main>",
    );
    let loud = p.run(&["check"]);
    let quiet = p.run(&["check", "--quiet"]);
    assert_eq!(quiet.code, 1);
    assert!(
        quiet.stdout.contains("error[undeclared-cookie]"),
        "{}",
        quiet.stdout
    );
    assert!(
        !quiet.stdout.contains("cookies found:") && !quiet.stdout.contains("check: drift found")
    );
    assert!(
        loud.stdout.starts_with(&quiet.stdout),
        "quiet is the head of the full report"
    );
    assert_eq!(
        p.run(&["check", "-v"]).report(),
        p.run(&["check", "--verbose"]).report()
    );
    assert_eq!(p.run(&["check", "-q", "-v"]).code, 2);
}

#[test]
fn completion_scripts_for_every_shell() {
    let p = Project::empty();
    for (shell, mark) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef cookie-ledger"),
        ("fish", "complete -c cookie-ledger"),
        ("elvish", "cookie-ledger"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let run = p.run(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}");
        assert!(
            run.stdout.contains(mark),
            "{shell}: {}",
            &run.stdout[..200.min(run.stdout.len())]
        );
        assert!(run.stdout.contains("catalogue"), "{shell}");
    }
    assert_eq!(p.run(&["completions", "tcsh"]).code, 2);
}

#[test]
fn cookie_ledger_toml_is_found_from_any_folder_below_it() {
    let p = Project::portals();
    std::fs::rename(p.path("site"), p.path("public")).unwrap();
    p.write(
        "cookie-ledger.toml",
        "site = \"public\"\nout = \"public-checked\"\n",
    );
    // From a folder below: the file's paths are relative to its own folder.
    std::fs::create_dir_all(p.path("notes/drafts")).unwrap();
    let run = |dir: &str, args: &[&str], vars: &[(&str, &str)]| {
        let run = p.run_in(dir, args, vars);
        (run.code, run.stdout, run.stderr)
    };
    let (code, stdout, _) = run("notes/drafts", &["build"], &[]);
    assert_eq!(code, 0, "{stdout}");
    assert!(p.path("public-checked/odwb/cookies.html").is_file());
    let (code, stdout, _) = run("notes/drafts", &["check"], &[]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("note: compared with the output folder ../../public-checked"),
        "{stdout}"
    );
    // A variable wins over the file, a flag over both.
    let (code, _, stderr) = run("notes", &["check"], &[("COOKIE_LEDGER_SITE", "nowhere")]);
    assert_eq!(code, 2, "{stderr}");
    let (code, stdout, _) = run(
        "notes",
        &["check", "--site", "../public"],
        &[("COOKIE_LEDGER_SITE", "nowhere")],
    );
    assert_eq!(code, 0, "{stdout}");
    // A file that says something unknown is bad input, with its place.
    p.write("cookie-ledger.toml", "site = \"public\"\nsites = \"x\"\n");
    let (code, _, stderr) = run("notes", &["check"], &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: ../cookie-ledger.toml:2:1: unknown field `sites`"),
        "{stderr}"
    );
}

#[test]
fn no_folder_name_is_assumed_and_a_missing_one_says_how_to_name_it() {
    let p = Project::portals();
    std::fs::remove_file(p.path("cookie-ledger.toml")).unwrap();
    std::fs::create_dir_all(p.path("site/odwb/fr")).unwrap();
    // The nearest catalogue.toml above is the project's catalogue; the site must be named.
    let run = p.run_in("site/odwb", &["check"], &[]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert_eq!(
        run.stderr,
        "error: no site folder given: pass --site DIR, set COOKIE_LEDGER_SITE, or write `site = \"...\"` in cookie-ledger.toml\n"
    );
    let run = p.run_in("site/odwb/fr", &["check", "--site", "../.."], &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    // A build must be told where to write; nothing is written meanwhile.
    let run = p.run(&["build", "--site", "site"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: no output folder given: pass --out DIR, set COOKIE_LEDGER_OUT, or write `out = \"...\"` in cookie-ledger.toml\n"
    );
    assert!(!p.path("dist").exists());
    let run = p.run_in(
        "",
        &["build", "--site", "site"],
        &[("COOKIE_LEDGER_OUT", "public")],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(p.path("public/odwb/cookies.html").is_file());
    // Nor is an export folder.
    let run = p.run(&["export"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("error: no folder to export into given: pass --out DIR")
    );
    assert!(!p.path("declarations").exists());
}
