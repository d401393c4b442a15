//! `cookie-ledger import`: a catalogue from the tables sites publish, checked against the same
//! pages (the round trip), with exactly the sites' real disagreements as overrides.

use std::collections::BTreeMap;

use crate::support::{Project, copy_dir, golden, root};

const SEEDS: [&str; 5] = [
    "datastro",
    "data-gouv-nc",
    "smartbump",
    "eulerhermes",
    "odwb",
];

/// A project holding `fixture` (a folder of site folders under tests/fixtures) as `site/`.
fn project(fixture: &str) -> Project {
    let p = Project::empty();
    copy_dir(
        &root().join("tests/fixtures").join(fixture),
        &p.path("site"),
    );
    p
}

/// `import` of `sites` (folders under `site/`) into `imported.toml`, which must succeed.
fn import(p: &Project, sites: &[&str]) -> crate::support::Run {
    let mut args = vec!["import".to_owned()];
    for site in sites {
        args.push("--site".to_owned());
        args.push(format!("site/{site}"));
    }
    args.extend(["--out".to_owned(), "imported.toml".to_owned()]);
    let run = p.run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    run
}

fn check(p: &Project) -> crate::support::Run {
    p.run(&[
        "check",
        "--catalogue",
        "imported.toml",
        "--site",
        "site",
        "--format",
        "json",
    ])
}

fn rules_of(run: &crate::support::Run) -> Vec<String> {
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_seeds_import_into_a_catalogue_their_own_pages_check_clean_against() {
    let p = project("seeds/site");
    import(&p, &SEEDS);
    let run = check(&p);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    // The seeds state no duration: the catalogue leaves it out rather than invent one, and
    // says so once per cookie; nothing else is found.
    assert_eq!(rules_of(&run), ["unstated"; 4], "{}", run.stdout);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["summary"]["tables"], 6);
}

#[test]
fn the_seeds_overrides_are_exactly_their_real_disagreements() {
    let p = project("seeds/site");
    import(&p, &SEEDS);
    let text = p.read("imported.toml");
    let catalogue: toml::Value = toml::from_str(&text).unwrap();
    let mut shared = BTreeMap::new();
    let mut overrides = BTreeMap::new();
    for cookie in catalogue["cookie"].as_array().unwrap() {
        let name = cookie["names"][0].as_str().unwrap().to_owned();
        shared.insert(
            name.clone(),
            (
                cookie["function"]["en"].as_str().unwrap().to_owned(),
                cookie["purpose"]["en"].as_str().unwrap().to_owned(),
            ),
        );
        assert!(cookie.get("sites").is_none(), "every seed lists {name}");
        for (site, fields) in cookie
            .get("override")
            .and_then(|o| o.as_table())
            .into_iter()
            .flatten()
        {
            for (field, value) in fields.as_table().unwrap() {
                overrides.insert(
                    (name.clone(), site.clone(), field.clone()),
                    value["en"].as_str().unwrap().to_owned(),
                );
            }
        }
    }
    // Four portals say "front et back office": that is the shared wording, and ODWB's
    // "front and back office" its own; ODWB's English translation words every purpose, and
    // one function, its own way. Nothing else differs.
    assert_eq!(shared["csrftoken"].0, "API (CSRF) (front et back office)");
    assert_eq!(
        shared["sessionid"].0,
        "Authentication (front and back office)"
    );
    let expected: BTreeMap<(String, String, String), String> = [
        (
            "sessionid",
            "purpose",
            "Remembering the user from one page to another.",
        ),
        (
            "django_language",
            "purpose",
            "Remembering the visitor's language.",
        ),
        (
            "csrftoken",
            "function",
            "API (CSRF) (front and back office)",
        ),
        ("csrftoken", "purpose", "Retrieving data via API calls."),
        (
            "cookies_preferences",
            "function",
            "Choice regarding your cookie preferences",
        ),
        (
            "cookies_preferences",
            "purpose",
            "Remembering the visitor's choice regarding cookies.",
        ),
    ]
    .into_iter()
    .map(|(name, field, text)| {
        (
            (name.to_owned(), "odwb".to_owned(), field.to_owned()),
            text.to_owned(),
        )
    })
    .collect();
    assert_eq!(overrides, expected);
    // Each resolved disagreement is said where it was resolved, with its places.
    assert!(
        text.contains("# function.en: datastro, data-gouv-nc, smartbump, eulerhermes (site/datastro/cookies.html:18:5"),
        "{text}"
    );
    assert!(
        text.contains("outvoted: odwb says \"API (CSRF) (front and back office)\" (site/odwb/cookies.html:14:5)"),
        "{text}"
    );
    let sites: Vec<(&str, &str, &str)> = catalogue["site"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap(),
                s["url"].as_str().unwrap(),
                s["languages"][0].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        sites,
        [
            ("datastro", "https://www.datastro.eu", "en"),
            ("data-gouv-nc", "https://data.gouv.nc", "en"),
            ("smartbump", "https://smartbump.opendatasoft.com", "en"),
            ("eulerhermes", "https://opendata.eulerhermes.com", "en"),
            ("odwb", "https://www.odwb.be", "en"),
        ]
    );
}

#[test]
fn the_newer_template_imports_names_wildcards_durations_and_group_headings() {
    let p = project("import/newer-template");
    let run = import(&p, &["portal-a", "portal-b"]);
    assert!(!run.stdout.contains("note:"), "{}", run.stdout);
    let catalogue: toml::Value = toml::from_str(&p.read("imported.toml")).unwrap();
    let cookies: BTreeMap<String, &toml::Value> = catalogue["cookie"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let names: Vec<&str> = c["names"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n.as_str().unwrap())
                .collect();
            (names.join(" "), c)
        })
        .collect();
    let summary: Vec<(&str, &str, &str)> = cookies
        .iter()
        .map(|(names, c)| {
            (
                names.as_str(),
                c["duration"].as_str().unwrap(),
                c["category"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            // `;` and a line break separate names; a wildcard in words and a stand-in become patterns.
            ("_ga _ga_*", "2 years", "statistics"),
            ("_hs*", "13 months", "statistics"),
            ("csrftoken ods_csrftoken", "1 year", "necessary"),
            ("django_language ods_language", "session", "necessary"),
            ("sessionid", "2 weeks", "necessary"),
        ]
    );
    // English and French durations agree; the texts are per language; no purpose column, no purpose.
    let session = cookies["sessionid"];
    assert_eq!(
        session["function"]["fr"].as_str(),
        Some("Vous garde connecté d'une page à l'autre")
    );
    assert!(session.get("purpose").is_none());
    assert_eq!(
        catalogue["category"]["statistics"]["consent"].as_bool(),
        Some(true)
    );
    assert_eq!(
        catalogue["category"]["necessary"]["consent"].as_bool(),
        Some(false)
    );
    assert_eq!(
        catalogue["category"]["statistics"]["title"]["fr"].as_str(),
        Some("Cookies de mesure d'audience")
    );
    // Known facts fill what the table cannot say; the rest is assumed, on its line.
    assert_eq!(cookies["_ga _ga_*"]["set_by"].as_str(), Some("tag"));
    std::fs::remove_dir_all(p.path("site/portal-c")).unwrap();
    let run = check(&p);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let mut rules = rules_of(&run);
    rules.sort();
    rules.dedup();
    assert_eq!(rules, ["unseen-cookie", "unstated"], "{}", run.stdout);
}

#[test]
fn a_row_without_a_name_is_said_not_dropped_and_check_points_at_it() {
    let p = project("import/newer-template");
    let run = import(&p, &["portal-a", "portal-c"]);
    assert!(
        run.stdout.contains("note: site/portal-c/cookies.html:13:5: a row names no cookie (Opendatasoft | 1 year | Protects forms against forged requests)"),
        "{}",
        run.stdout
    );
    let run = check(&p);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let drift: Vec<(&str, &str)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| (d["rule"].as_str().unwrap(), d["file"].as_str().unwrap()))
        .collect();
    assert_eq!(drift, [("extra-row", "site/portal-c/cookies.html")]);
    // Portal C's own lifetime for sessionid is its override, not a drift.
    let catalogue: toml::Value = toml::from_str(&p.read("imported.toml")).unwrap();
    let session = &catalogue["cookie"][0];
    assert_eq!(session["duration"].as_str(), Some("2 weeks"));
    assert_eq!(
        session["override"]["portal-c"]["duration"].as_str(),
        Some("1 week")
    );
}

#[test]
fn one_site_is_its_own_root() {
    let p = project("seeds/site");
    import(&p, &["odwb"]);
    let catalogue: toml::Value = toml::from_str(&p.read("imported.toml")).unwrap();
    assert_eq!(catalogue["site"][0]["dir"].as_str(), Some("."));
    let run = p.run(&[
        "check",
        "--catalogue",
        "imported.toml",
        "--site",
        "site/odwb",
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

#[test]
fn import_never_replaces_a_file_and_writes_nothing_from_bad_input() {
    let p = project("seeds/site");
    p.write("imported.toml", "# mine\n");
    let run = p.run(&["import", "--site", "site/odwb", "--out", "imported.toml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("imported.toml exists"),
        "{}",
        run.stderr
    );
    assert_eq!(p.read("imported.toml"), "# mine\n");
    let run = p.run(&[
        "import",
        "--site",
        "site/odwb",
        "--out",
        "imported.toml",
        "--force",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(p.read("imported.toml").contains("[[site]]"));

    // A missing folder, a folder without tables: exit 2, nothing written.
    p.write("empty/index.html", "<!DOCTYPE html><p>No cookies here.</p>");
    for (site, said) in [
        ("nowhere", "site folder `nowhere` cannot be read"),
        (
            "empty",
            "holds a cookie table the tool recognises (1 pages read)",
        ),
    ] {
        let run = p.run(&["import", "--site", site, "--out", "new.toml"]);
        assert_eq!(run.code, 2, "{site}: {}", run.stdout);
        assert!(run.stdout.contains(said), "{site}: {}", run.stdout);
        assert!(!p.path("new.toml").exists(), "{site}");
    }
    // A page that cannot be read stops the import: a table on it would be missing.
    p.write("odd/cookies.html", b"\xff\xfe<\x00p\x00>\x00");
    let run = p.run(&["import", "--site", "odd", "--out", "new.toml"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stdout.contains("odd/cookies.html:1:1"),
        "{}",
        run.stdout
    );
    assert!(!p.path("new.toml").exists());
}

#[test]
fn import_prints_the_catalogue_with_a_dash() {
    let p = project("seeds/site");
    let run = p.run(&["import", "--site", "site/odwb", "--out", "-"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("# Imported by `cookie-ledger import`")
    );
    assert!(
        run.stderr.contains("import: wrote the catalogue"),
        "{}",
        run.stderr
    );
    golden("fixtures/import/odwb.toml", &run.stdout);
}

#[test]
fn checking_an_imported_folder_inside_a_project_is_not_held_against_the_projects_output() {
    // The demo project: its cookie-ledger.toml names site/ and dist/, and a build left dist/.
    let p = Project::demo();
    assert_eq!(p.run(&["build"]).code, 0);
    copy_dir(&root().join("tests/fixtures/seeds/site"), &p.path("seeds"));
    let mut args = vec!["import".to_owned()];
    for site in SEEDS {
        args.extend(["--site".to_owned(), format!("seeds/{site}")]);
    }
    args.extend(["--out".to_owned(), "imported.toml".to_owned()]);
    let run = p.run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(
        run.stdout
            .contains("check it with: cookie-ledger check --catalogue imported.toml --site seeds"),
        "{}",
        run.stdout
    );
    let run = p.run(&["check", "--catalogue", "imported.toml", "--site", "seeds"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(!run.stdout.contains("dist"), "{}", run.stdout);
    // The project's own site is still compared with its output.
    let run = p.run(&["check", "--site", "site"]);
    assert!(
        run.stdout.contains("compared with the output folder"),
        "{}",
        run.stdout
    );
}

#[test]
fn what_the_pages_say_in_other_letters_or_that_a_catalogue_cannot_hold_is_said_at_import() {
    let p = Project::empty();
    let table = |rows: &str| {
        format!(
            "<!DOCTYPE html><html lang=\"en\"><body><h3>Strictly necessary cookies</h3>\n<table><tr><th>Provider</th><th>Function and location</th><th>Cookie name</th><th>Purpose</th><th>Duration</th></tr>\n{rows}</table></body></html>"
        )
    };
    p.write(
        "site/a/cookies.html",
        table(
            "<tr><td>Us</td><td>Sign-in</td><td>sid</td><td>Keeps you signed in</td><td>2 Weeks</td></tr>\n\
             <tr><td>Us</td><td>Sign-in</td><td>&lt;session-id&gt;</td><td>Keeps you signed in</td><td>SESSION</td></tr>\n\
             <tr><td>Us</td><td>Forms</td><td>a=b</td><td>Guards forms</td><td>1 year</td></tr>",
        ),
    );
    p.write(
        "site/b/cookies.html",
        table("<tr><td>Us</td><td>Sign-in</td><td>sid</td><td>Keeps you signed in</td><td>2 Weeks</td></tr>")
            .replace("Strictly necessary cookies", "Advertising cookies"),
    );
    let run = p.run(&[
        "import", "--site", "site/a", "--site", "site/b", "--out", "c.toml",
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    // A name in brackets is a name, never a pattern that would cover every cookie.
    let text = p.read("c.toml");
    assert!(text.contains("names = [\"<session-id>\"]"), "{text}");
    assert!(!text.contains("names = [\"*\"]"), "{text}");
    // A name a catalogue cannot hold is said now, at its line.
    assert!(
        run.stdout
            .contains("note: check refuses the catalogue until this is fixed: line"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("`a=b` is not a cookie name"),
        "{}",
        run.stdout
    );
    // One cookie under two categories: the catalogue gives it one, and the note says so.
    assert!(
        run.stdout
            .contains("cookie `sid` is listed under several categories: `necessary`"),
        "{}",
        run.stdout
    );
    // Once the bad name is written as a pattern, the pages check clean: "2 Weeks" and
    // "SESSION" state the lifetimes the catalogue renders as "2 weeks" and "Session".
    p.edit("c.toml", "names = [\"a=b\"]", "names = [\"a*b\"]");
    let text = p
        .read("c.toml")
        .replace("https://TODO", "https://a.example");
    p.write("c.toml", text);
    p.edit("site/a/cookies.html", "<td>a=b</td>", "<td>a*b</td>");
    let run = p.run(&["check", "--catalogue", "c.toml", "--site", "site"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
}

#[test]
fn import_never_writes_among_the_pages_it_reads_nor_over_what_is_not_a_file() {
    let p = project("seeds/site");
    let before = p.read("site/odwb/cookies.html");
    let run = p.run(&[
        "import",
        "--site",
        "site/odwb",
        "--out",
        "site/odwb/cookies.html",
        "--force",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("is inside the site folder"),
        "{}",
        run.stderr
    );
    assert_eq!(p.read("site/odwb/cookies.html"), before);
    std::fs::create_dir(p.path("folder.toml")).unwrap();
    let run = p.run(&[
        "import",
        "--site",
        "site/odwb",
        "--out",
        "folder.toml",
        "--force",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("is a folder, not a file"),
        "{}",
        run.stderr
    );
    // A link among the pages stops the import: a table behind it would be missing.
    std::os::unix::fs::symlink(
        p.path("site/odwb/cookies.html"),
        p.path("site/datastro/more.html"),
    )
    .unwrap();
    let run = p.run(&["import", "--site", "site/datastro", "--out", "new.toml"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stdout.contains("site/datastro/more.html:1:1"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("a symbolic link in a site folder"),
        "{}",
        run.stdout
    );
    assert!(!p.path("new.toml").exists());
}
