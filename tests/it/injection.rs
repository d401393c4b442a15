//! Nothing from the catalogue or a page can inject: not into the pages (escaping, refused
//! template contexts), not into reports (terminal control characters, CI annotations), not into
//! the exported module.

use crate::support::Project;

const HOSTILE: &str = r#"x" onmouseover="alert(1)" y='</td><script>alert(2)</script>"#;

#[test]
fn hostile_catalogue_text_is_escaped_in_every_table() {
    let p = Project::portals();
    let toml_text = HOSTILE.replace('\\', "\\\\").replace('"', "\\\"");
    p.edit(
        "catalogue.toml",
        "purpose.en = \"To retrieve data via API calls\"",
        &format!("purpose.en = \"{toml_text}\""),
    );
    // A site template that shows the purpose in a double-quoted attribute too.
    p.edit(
        "templates/eulerhermes-table.html",
        "<td>{{ row.purpose }}</td>",
        "<td title=\"{{ row.purpose }}\">{{ row.purpose }}</td>",
    );
    let run = p.run(&["build", "--out", "dist"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    for page in [
        "dist/datastro/cookies.html",
        "dist/eulerhermes/cookies.html",
    ] {
        let html = p.read(page);
        assert!(!html.contains("<script>alert(2)"), "{page}");
        assert!(!html.contains("\" onmouseover="), "{page}");
        assert!(
            html.contains("x&quot; onmouseover=&quot;alert(1)&quot;"),
            "{page}"
        );
        assert!(html.contains("&lt;/td&gt;&lt;script&gt;"), "{page}");
    }
    // And the page reads back as the catalogue says: check is clean on the output.
    assert_eq!(p.run(&["check", "--site", "dist"]).code, 0);
}

#[test]
fn control_characters_from_pages_never_reach_a_report_raw() {
    let p = Project::portals();
    // A script comment that tries to forge a GitHub annotation, and a file name with a line break.
    p.write(
        "site/assets/cr.js",
        "document.cookie = \"a=1\"; // \r::warning file=x.html,line=1::forged\n",
    );
    p.write(
        "site/datastro/evil\n::error file=y::forged.js",
        "document.cookie = \"b=1\";\n",
    );
    p.edit(
        "site/datastro/index.html",
        "</head>",
        "<script src=\"../assets/cr.js\"></script><script src=\"evil%0A::error%20file=y::forged.js\"></script>\n<script>document.cookie = \"c\x1b[31m=1\";</script></head>",
    );
    for format in ["human", "github"] {
        let run = p.run(&["check", "--format", format]);
        assert_eq!(run.code, 1, "{}", run.stdout);
        assert!(!run.stdout.contains('\r'), "{format}: a carriage return");
        assert!(!run.stdout.contains('\x1b'), "{format}: an escape sequence");
        let forged = run
            .stdout
            .lines()
            .filter(|l| l.starts_with("::warning file=x") || l.starts_with("::error file=y"))
            .count();
        assert_eq!(forged, 0, "{format}:\n{}", run.stdout);
        if format == "github" {
            // One line per annotation, then the summary.
            let annotations = run.stdout.lines().filter(|l| l.starts_with("::")).count();
            assert_eq!(
                annotations + 1,
                run.stdout.lines().count(),
                "{}",
                run.stdout
            );
        }
    }
    let json = p.run(&["check", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert!(
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["file"]
                .as_str()
                .is_some_and(|f| f.contains("evil\n::error"))),
        "JSON keeps the real name, escaped by JSON itself"
    );
}

#[test]
fn the_exported_module_cannot_be_broken_by_the_catalogue_path() {
    let p = Project::portals();
    std::fs::rename(p.path("catalogue.toml"), p.path("cat\nalert(1);.toml")).unwrap();
    let run = p.run(&[
        "export",
        "--catalogue",
        "cat\nalert(1);.toml",
        "--out",
        "out",
    ]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let module = p.read("out/odwb/cookieconsent.mjs");
    let first: Vec<&str> = module.lines().take(3).collect();
    assert!(first.iter().all(|l| l.starts_with("//")), "{first:?}");
    assert!(!module.lines().any(|l| l.starts_with("alert(1)")));
}

#[test]
fn export_writes_all_or_nothing() {
    let p = Project::portals();
    std::fs::create_dir_all(p.path("out/odwb/cookies.fr.json")).unwrap();
    let run = p.run(&["export", "--out", "out"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("a folder of that name is in the way"),
        "{}",
        run.stderr
    );
    assert!(!p.path("out/datastro").exists(), "nothing else was written");
    let leftovers: Vec<_> = walkdir::WalkDir::new(p.path("out"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn the_exported_module_escapes_catalogue_text_for_the_html_the_banner_builds() {
    let p = Project::portals();
    p.edit(
        "catalogue.toml",
        "provider = \"ODWB (Matomo)\"\nfunction.en = \"Audience measurement (front office)\"\nfunction.fr = \"Mesure d'audience (front office)\"\npurpose.en = \"To tell",
        "provider = \"ODWB <img src=x onerror=alert(1)>\"\nfunction.en = \"Audience measurement (front office)\"\nfunction.fr = \"Mesure d'audience (front office)\"\npurpose.en = \"To tell",
    );
    assert_eq!(p.run(&["export", "--out", "out"]).code, 0);
    let module = p.read("out/odwb/cookieconsent.mjs");
    assert!(!module.contains("<img"), "{module}");
    assert!(
        module.contains("ODWB &lt;img src=x onerror=alert(1)&gt;"),
        "{module}"
    );
}

#[test]
fn export_never_replaces_a_file_it_did_not_write() {
    let p = Project::portals();
    p.write("out/odwb/cookieconsent.mjs", "// my own configuration\n");
    let run = p.run(&["export", "--out", "out"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cookie-ledger did not write it"),
        "{}",
        run.stderr
    );
    assert_eq!(
        p.read("out/odwb/cookieconsent.mjs"),
        "// my own configuration\n"
    );
    assert!(!p.path("out/datastro").exists());
    // Its own files it replaces, export after export.
    std::fs::remove_file(p.path("out/odwb/cookieconsent.mjs")).unwrap();
    assert_eq!(p.run(&["export", "--out", "out"]).code, 0);
    assert_eq!(p.run(&["export", "--out", "out"]).code, 0);
}
