//! Findings a user can act on: every place, lifetimes checked against declared durations,
//! dynamic names that a declaration settles, pages outside every site, tables that are not
//! cookie tables, and help that never asks to delete a declaration on evidence the scan lacks.

use crate::support::Project;

const CATALOGUE: &str = r#"
[[site]]
id = "a"
url = "https://a.example"
dir = "a"
languages = ["en"]

[category.necessary]
title.en = "Necessary"
description.en = "Needed."
consent = false

[[cookie]]
names = ["theme"]
provider = "A"
function.en = "Display"
purpose.en = "Remembers the colour scheme"
duration = "1 year"
category = "necessary"
party = "first"
set_by = "script"
"#;

const POLICY: &str = "<!DOCTYPE html>\n<html lang=\"en\">\n<body>\n<div data-cookie-table=\"necessary\"></div>\n</body>\n</html>\n";

fn site(app: &str, pages: usize) -> Project {
    let p = Project::empty();
    p.write("catalogue.toml", CATALOGUE);
    p.write("site/a/cookies.html", POLICY);
    p.write("site/a/app.js", app);
    for i in 0..pages {
        p.write(
            &format!("site/a/p{i}.html"),
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<script src=\"app.js\"></script>\n</head>\n<body><script>document.cookie = \"seen=1\";</script></body>\n</html>\n",
        );
    }
    p
}

#[test]
fn every_place_is_listed_the_few_first_by_default_and_all_on_request() {
    let p = site(
        "document.cookie = 'theme=1; max-age=31536000'; document.cookie = 'extra=1';",
        6,
    );
    let run = p.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.contains("sets cookie `seen`, which the catalogue does not declare for site `a`, here and in 5 other places"), "{}", run.stdout);
    assert!(
        run.stdout.contains("    = also set at: site/a/p1.html:6:15, site/a/p2.html:6:15, site/a/p3.html:6:15 and 2 more (--verbose lists them)"),
        "{}",
        run.stdout
    );
    // A script's cookie names the pages that load the script.
    assert!(
        run.stdout.contains(
            "    = loaded by: site/a/p0.html:4:1, site/a/p1.html:4:1, site/a/p2.html:4:1 and 3 more"
        ),
        "{}",
        run.stdout
    );
    let verbose = p.run(&["check", "--verbose"]);
    assert!(
        verbose.stdout.contains("site/a/p5.html:6:15"),
        "{}",
        verbose.stdout
    );
    assert!(!verbose.stdout.contains("--verbose lists them"));
    let json: serde_json::Value =
        serde_json::from_str(&p.run(&["check", "--format", "json"]).stdout).unwrap();
    let extra = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains("`extra`"))
        .unwrap();
    let places = extra["places"].as_array().unwrap();
    assert_eq!(
        places.len(),
        7,
        "the script, and the six pages that load it"
    );
    assert_eq!(places[0]["role"], "sets");
    assert_eq!(places[1]["role"], "loads site/a/app.js");
    let sarif: serde_json::Value =
        serde_json::from_str(&p.run(&["check", "--format", "sarif"]).stdout).unwrap();
    assert!(
        sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["relatedLocations"]
                .as_array()
                .is_some_and(|l| l.len() == 7))
    );
    let github = p.run(&["check", "--format", "github"]);
    assert!(
        github
            .stdout
            .contains("%0A  site/a/p5.html:4:1 (loads site/a/app.js)"),
        "{}",
        github.stdout
    );
}

#[test]
fn declared_durations_are_checked_against_the_lifetimes_writes_state() {
    for (write, declared, mismatch) in [
        ("theme=1; max-age=31536000", "1 year", false),
        ("theme=1; max-age=31536000", "12 months", false),
        ("theme=1; max-age=31536000", "6 months", true),
        ("theme=1; max-age=86400", "1 year", true),
        ("theme=1; max-age=86400", "up to 1 year", false),
        ("theme=1", "1 year", true),
        ("theme=1", "session", false),
        ("theme=1; max-age=60", "session", true),
    ] {
        let p = site(&format!("document.cookie = '{write}';"), 0);
        p.edit(
            "catalogue.toml",
            "duration = \"1 year\"",
            &format!("duration = \"{declared}\""),
        );
        let run = p.run(&["check"]);
        assert_eq!(
            run.stdout.contains("error[duration-mismatch]"),
            mismatch,
            "{write} declared {declared}:\n{}",
            run.stdout
        );
    }
    // js-cookie states days; the suggested entry carries what was found.
    let p = site("Cookies.set('font', 'l', { expires: 30 });", 0);
    let run = p.run(&["check"]);
    assert!(
        run.stdout.contains("      duration = \"30 days\""),
        "{}",
        run.stdout
    );
    // A waiver for one cookie.
    let p = site("document.cookie = 'theme=1; max-age=60';", 0);
    p.edit(
        "catalogue.toml",
        "set_by = \"script\"",
        "set_by = \"script\"\nallow.duration-mismatch = \"the server renews it every year\"",
    );
    assert!(!p.run(&["check"]).stdout.contains("duration-mismatch"));
}

#[test]
fn a_service_lifetime_set_by_the_page_is_not_the_vendors() {
    let p = Project::empty();
    p.write(
        "catalogue.toml",
        CATALOGUE
            .replace("names = [\"theme\"]", "names = [\"_ga\", \"_ga_*\"]")
            .replace("consent = false", "consent = true")
            .replace("duration = \"1 year\"", "duration = \"13 months\"")
            .replace("set_by = \"script\"", "set_by = \"tag\""),
    );
    p.write("site/a/cookies.html", POLICY);
    let page = |config: &str| {
        format!(
            "<html lang=\"en\"><head><script type=\"text/plain\" data-category=\"necessary\" src=\"https://www.googletagmanager.com/gtag/js?id=G-1\"></script><script type=\"text/plain\" data-category=\"necessary\">gtag('config', 'G-1'{config});</script></head></html>"
        )
    };
    p.write("site/a/index.html", page(""));
    let run = p.run(&["check"]);
    assert!(run.stdout.contains("is declared to last 13 months on site `a`, but Google Analytics 4 (gtag.js) sets it for 2 years"), "{}", run.stdout);
    p.write("site/a/index.html", page(", { cookie_expires: 33696000 }"));
    let run = p.run(&["check"]);
    assert!(!run.stdout.contains("duration-mismatch"), "{}", run.stdout);
}

#[test]
fn a_dynamic_name_is_settled_by_a_pattern_set_in_or_a_waiver() {
    let app = "function save(k, v) { document.cookie = 'pref_' + k + '=' + v; }\nfunction other(n) { document.cookie = n + '=1'; }\n";
    let p = site(
        &format!("document.cookie = 'theme=1; max-age=31536000';\n{app}"),
        1,
    );
    p.edit(
        "site/a/p0.html",
        "<script>document.cookie = \"seen=1\";</script>",
        "",
    );
    let run = p.run(&["check"]);
    assert_eq!(
        run.stdout.matches("warning[dynamic-cookie-name]").count(),
        2,
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("it takes the form `pref_*`"),
        "{}",
        run.stdout
    );
    // A pattern that covers the literal part settles the first; set_in settles the second.
    p.write(
        "catalogue.toml",
        p.read("catalogue.toml")
            + "\n[[cookie]]\nnames = [\"pref_*\"]\nprovider = \"A\"\nfunction.en = \"Preferences\"\npurpose.en = \"Remembers choices\"\nduration = \"session\"\ncategory = \"necessary\"\nparty = \"first\"\nset_by = \"script\"\n",
    );
    let run = p.run(&["check"]);
    assert_eq!(
        run.stdout.matches("warning[dynamic-cookie-name]").count(),
        1,
        "{}",
        run.stdout
    );
    p.write(
        "catalogue.toml",
        p.read("catalogue.toml")
            + "\n[[cookie]]\nnames = [\"legacy_*\"]\nprovider = \"A\"\nfunction.en = \"Legacy\"\npurpose.en = \"Old preferences\"\nduration = \"session\"\ncategory = \"necessary\"\nparty = \"first\"\nset_by = \"script\"\nset_in = [\"a/*.js\"]\n",
    );
    let run = p.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        !run.stdout.contains("warning["),
        "settled writes count as set:\n{}",
        run.stdout
    );
    // Or a waiver for the file.
    let p = site(
        &format!("document.cookie = 'theme=1; max-age=31536000';\n{app}"),
        1,
    );
    p.edit(
        "site/a/p0.html",
        "<script>document.cookie = \"seen=1\";</script>",
        "",
    );
    p.write(
        "catalogue.toml",
        p.read("catalogue.toml")
            + "\n[[allow]]\nrule = \"dynamic-cookie-name\"\nfiles = [\"a/app.js\"]\nreason = \"only deletes\"\n",
    );
    assert!(!p.run(&["check"]).stdout.contains("dynamic-cookie-name"));
}

#[test]
fn a_page_outside_every_site_is_reported_and_what_it_sets_is_never_dropped() {
    let p = Project::portals();
    p.edit(
        "site/portals.html",
        "</body>",
        "<script async src=\"https://www.googletagmanager.com/gtag/js?id=G-1\"></script>\n</body>",
    );
    let run = p.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("site/portals.html:27:1: error[page-outside-sites]: Google Analytics 4 (gtag.js) sets cookie `_ga` on a page that belongs to no site of the catalogue"),
        "{}",
        run.stdout
    );
    // An unlisted page outside the sites is a warning that names it.
    let p = Project::portals();
    p.write(
        "site/about.html",
        "<html lang=\"en\"><body>About</body></html>",
    );
    let run = p.run(&["check"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.contains(
            "warning[unlisted-pages]: 1 page(s) belong to no site of the catalogue: site/about.html"
        ),
        "{}",
        run.stdout
    );
    // A script no page loads sets its cookies for the site whose folder holds it.
    let p = Project::portals();
    p.write("site/odwb/lazy.js", "document.cookie = 'lazy=1';");
    let run = p.run(&["check"]);
    assert!(run.stdout.contains("site/odwb/lazy.js:1:1: error[undeclared-cookie]: a script (document.cookie) sets cookie `lazy`, which the catalogue does not declare for site `odwb`"), "{}", run.stdout);
}

#[test]
fn data_tables_are_not_cookie_tables_and_pages_can_say_so() {
    let table = "<table><thead><tr><th>Option</th><th>Meaning</th></tr></thead><tbody><tr><td>Name</td><td>name</td></tr><tr><td>Version</td><td>version</td></tr></tbody></table>";
    let cookie_table = "<table><tr><th>Cookie name</th><th>Purpose</th></tr><tr><td>tracker</td><td>Tracks</td></tr></table>";
    let p = site("document.cookie = 'theme=1; max-age=31536000';", 0);
    p.write(
        "site/a/docs.html",
        format!("<html lang=\"en\"><body>{table}</body></html>"),
    );
    assert_eq!(
        p.run(&["check"]).code,
        0,
        "a data table with a Name row is not a cookie table"
    );
    // A real cookie table that lists an undeclared cookie is drift, unless the page or the table opts out.
    p.write(
        "site/a/docs.html",
        format!("<html lang=\"en\"><body>{cookie_table}</body></html>"),
    );
    assert!(p.run(&["check"]).stdout.contains("error[extra-row]"));
    p.write(
        "site/a/docs.html",
        format!(
            "<html lang=\"en\"><body>{}</body></html>",
            cookie_table.replace("<table>", "<table data-cookie-ledger=\"ignore\">")
        ),
    );
    assert_eq!(p.run(&["check"]).code, 0);
    p.write(
        "site/a/docs.html",
        format!("<html lang=\"en\"><body><section data-cookie-ledger=\"ignore\">{cookie_table}</section></body></html>"),
    );
    assert_eq!(p.run(&["check"]).code, 0);
    // An opt-out covers what a browser puts inside its element, not what follows it: a `<p>`
    // without its end tag ends before a table, and an end tag closes what its element holds.
    for wrapped in [
        format!("<p data-cookie-ledger=\"ignore\">Cookies we used to set:{cookie_table}"),
        format!("<p data-cookie-ledger=\"ignore\">Note <em>old</em><div>{cookie_table}</div>"),
        format!("<section><div data-cookie-ledger=\"ignore\"><p>x</section>{cookie_table}"),
        format!("<ul><li data-cookie-ledger=\"ignore\">Old<li>{cookie_table}</ul>"),
        format!("<dl><dt>Old<dd data-cookie-ledger=\"ignore\">x<dt>Now<dd>{cookie_table}</dl>"),
        format!("<table><tr><td data-cookie-ledger=\"ignore\">old<td>{cookie_table}</table>"),
    ] {
        p.write(
            "site/a/docs.html",
            format!("<!DOCTYPE html><html lang=\"en\"><body>{wrapped}</body></html>"),
        );
        let run = p.run(&["check"]);
        assert!(
            run.stdout.contains("error[extra-row]"),
            "{wrapped}\n{}",
            run.stdout
        );
    }
    // An item of a list nested in the opted-out item is still inside it.
    p.write(
        "site/a/docs.html",
        format!(
            "<!DOCTYPE html><html lang=\"en\"><body><ul><li data-cookie-ledger=\"ignore\">Old<ul><li>x<li>{cookie_table}</ul></ul></body></html>"
        ),
    );
    assert_eq!(p.run(&["check"]).code, 0);
    p.write(
        "site/a/docs.html",
        format!("<html lang=\"en\"><body>{cookie_table}</body></html>"),
    );
    p.write(
        "catalogue.toml",
        p.read("catalogue.toml") + "\n[pages]\nno_cookie_tables = [\"a/docs.html\"]\n",
    );
    assert_eq!(p.run(&["check"]).code, 0);
}

#[test]
fn help_never_asks_to_delete_a_declaration_on_evidence_the_scan_lacks() {
    let p = site("console.log('no cookie here');", 0);
    let run = p.run(&["check"]);
    let help = run
        .stdout
        .lines()
        .find(|l| l.contains("= help:") && l.contains("unseen"))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(help.contains("allow.unseen-cookie"), "{help}");
    assert!(!help.contains("remove the cookie"), "{help}");
}
