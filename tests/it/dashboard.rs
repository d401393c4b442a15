//! `cookie-ledger report`: the declaration at a glance as one self-contained page (and its
//! data as JSON): every declared item with the files that set it and what an audit stored,
//! every finding at its place, the catalogue's changes from git, every value escaped.

use serde_json::Value;

use crate::support::Project;

/// The portals, with a page that sets a cookie the catalogue does not declare.
fn drifting() -> Project {
    let p = Project::portals();
    p.write(
        "site/odwb/tracked.html",
        "<!DOCTYPE html><html lang=\"en\"><body>\n<script>document.cookie = \"tracker=1; max-age=600\";</script>\n</body></html>\n",
    );
    p
}

fn json(p: &Project, extra: &[&str]) -> Value {
    let mut args = vec!["report", "--format", "json"];
    args.extend_from_slice(extra);
    let run = p.run(&args);
    assert!(run.code < 2, "{}{}", run.stdout, run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

#[test]
fn the_page_shows_every_site_language_item_and_finding_and_needs_nothing_else() {
    let p = drifting();
    let run = p.run(&["report", "--out", "report.html"]);
    assert_eq!(
        run.code, 1,
        "drift is still drift: {}{}",
        run.stdout, run.stderr
    );
    // minijinja writes `/` as `&#x2f;` in text and attributes alike; a browser reads it as `/`.
    let page = p.read("report.html").replace("&#x2f;", "/");
    for site in [
        "datastro",
        "data-gouv-nc",
        "smartbump",
        "eulerhermes",
        "odwb",
    ] {
        assert!(page.contains(&format!("id=\"site-{site}\"")), "{site}");
    }
    for lang in ["site-odwb-en", "site-odwb-fr", "site-data-gouv-nc-fr"] {
        assert!(page.contains(&format!("id=\"{lang}\"")), "{lang}");
    }
    assert!(page.contains("lang=\"fr\""));
    for name in ["sessionid", "csrftoken", "cookies_preferences"] {
        assert!(page.contains(&format!("<code>{name}</code>")), "{name}");
    }
    // The French words of a French table, and where the consent script sets its cookie.
    assert!(page.contains("Se souvenir de l&#x27;utilisateur"));
    assert!(
        page.contains("site/assets/consent.js:"),
        "the setter of cookies_preferences"
    );
    // The finding, linked to its page, with its line and column.
    assert!(page.contains("undeclared-cookie"), "{page}");
    assert!(
        page.contains("<a href=\"site/odwb/tracked.html\">site/odwb/tracked.html:2:"),
        "{page}"
    );
    // Self-contained and static: no script, no stylesheet or image from anywhere.
    for forbidden in ["<script", "<link", "<img", "src=", "@import", "url("] {
        assert!(!page.contains(forbidden), "{forbidden}");
    }
    // Printed when no file is named.
    let printed = p.run(&["report"]);
    assert!(printed.stdout.starts_with("<!DOCTYPE html>"));
}

#[test]
fn every_value_from_the_catalogue_and_the_pages_is_escaped() {
    let p = Project::portals();
    p.edit(
        "catalogue.toml",
        "purpose.en = \"To remember the user from one page to another\"",
        "purpose.en = \"To remember <script>alert(1)</script> & \\\"you\\\"\"",
    );
    p.write(
        "site/odwb/tracked.html",
        "<!DOCTYPE html><html lang=\"en\"><body><script>document.cookie = \"x<b>y=1\";</script></body></html>\n",
    );
    let page = p.run(&["report"]).stdout;
    assert!(!page.contains("<script>alert(1)"), "{page}");
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt; &amp; &quot;you&quot;"),
        "{page}"
    );
    assert!(
        !page.contains("<b>y"),
        "a cookie name from a page is text: {page}"
    );
    assert!(!page.contains("<script"), "{page}");
}

#[test]
fn the_data_says_which_files_set_each_item_and_what_the_audit_stored() {
    let p = Project::portals();
    // An audit's inventory as `audit --inventory` writes it (only what the page reads).
    p.write(
        "audit.json",
        serde_json::json!({
            "generator": "cookie-ledger",
            "version": 1,
            "sites": [{
                "id": "odwb",
                "url": "https://www.odwb.be",
                "places": [],
                "stored": [
                    { "pass": "after-accepting", "page": "odwb/index.html", "kind": "cookie", "name": "cookies_preferences", "domain": "127.0.0.1", "party": "first", "declared": true },
                    { "pass": "before-consent", "page": "odwb/index.html", "kind": "cookie", "name": "cookies_preferences", "domain": "127.0.0.1", "party": "first", "declared": true },
                ],
            }],
        })
        .to_string(),
    );
    let data = json(&p, &["--audit-inventory", "audit.json"]);
    assert_eq!(data["summary"]["audited"], true);
    let odwb = data["sites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "odwb")
        .unwrap();
    let item = |lang: &str, name: &str| {
        odwb["languages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["lang"] == lang)
            .unwrap()["categories"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| c["items"].as_array().unwrap().clone())
            .find(|i| i["name"] == name)
            .unwrap_or_else(|| panic!("{name} in {lang}"))
    };
    let preferences = item("fr", "cookies_preferences");
    assert_eq!(
        preferences["stored_in"],
        serde_json::json!(["after-accepting", "before-consent"])
    );
    assert!(
        preferences["places"][0]["at"]
            .as_str()
            .unwrap()
            .starts_with("site/assets/consent.js:"),
        "{preferences}"
    );
    assert_eq!(item("en", "sessionid")["places"], serde_json::json!([]));
    assert_eq!(item("en", "sessionid")["stored_in"], serde_json::json!([]));

    // An inventory that is not one: exit 2, naming the file and the place.
    p.write("broken.json", "{ \"generator\": ");
    let run = p.run(&["report", "--audit-inventory", "broken.json"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("broken.json:1:"), "{}", run.stderr);
    p.write("other.json", "{ \"sites\": [] }");
    let run = p.run(&["report", "--audit-inventory", "other.json"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("not an inventory cookie-ledger wrote"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_report_never_lands_in_the_site() {
    let p = Project::portals();
    let run = p.run(&["report", "--out", "site/report.html"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("inside the site"), "{}", run.stderr);
    assert!(!p.path("site/report.html").exists());
}

#[test]
fn the_catalogues_changes_come_from_git_with_what_each_changed() {
    let p = Project::portals();
    let git = |args: &[&str]| p.git(args);
    git(&["init", "-q"]);
    git(&["add", "catalogue.toml", "templates"]);
    git(&["commit", "-q", "-m", "The first declaration"]);
    p.edit(
        "catalogue.toml",
        "duration = \"up to 12 months\"",
        "duration = \"up to 13 months\"",
    );
    git(&["commit", "-q", "-am", "csrftoken lasts a month longer"]);
    let data = json(&p, &[]);
    let timeline = data["timeline"].as_array().unwrap();
    assert_eq!(timeline.len(), 2, "{timeline:#?}");
    assert_eq!(timeline[0]["subject"], "csrftoken lasts a month longer");
    assert_eq!(timeline[1]["subject"], "The first declaration");
    let changed: Vec<&Value> = timeline[0]["sites"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["changed"].as_array().unwrap())
        .collect();
    assert!(
        changed
            .iter()
            .any(|c| c["names"] == "csrftoken" && c["fields"] == serde_json::json!(["duration"])),
        "{timeline:#?}"
    );
    let page = p.run(&["report"]).stdout;
    assert!(page.contains("csrftoken lasts a month longer"), "{page}");
    assert!(page.contains("changed csrftoken (duration)"), "{page}");
    // None asked for: none shown.
    assert_eq!(
        json(&p, &["--history", "0"])["timeline"],
        serde_json::json!([])
    );
}

#[test]
fn the_report_never_overwrites_an_input_nor_reaches_the_site_through_a_link() {
    let p = Project::portals();
    let catalogue = p.read("catalogue.toml");
    for out in [
        "catalogue.toml",
        "./catalogue.toml",
        "templates/eulerhermes-table.html",
    ] {
        let run = p.run(&["report", "--out", out]);
        assert_eq!(run.code, 2, "{out}: {}", run.stderr);
        assert!(
            run.stderr.contains("an input of the report"),
            "{}",
            run.stderr
        );
    }
    assert_eq!(p.read("catalogue.toml"), catalogue);
    std::os::unix::fs::symlink("site", p.path("link")).unwrap();
    for out in ["link/odwb/report.html", "other/../site/report.html"] {
        let run = p.run(&["report", "--out", out]);
        assert_eq!(run.code, 2, "{out}: {}", run.stderr);
        assert!(run.stderr.contains("inside the site"), "{}", run.stderr);
    }
    assert!(!p.path("site/odwb/report.html").exists());
    assert!(!p.path("site/report.html").exists());
}

#[test]
fn what_the_audit_stored_undeclared_is_drift_in_the_report_too() {
    let p = Project::portals();
    p.write(
        "audit.json",
        serde_json::json!({
            "generator": "cookie-ledger",
            "version": 1,
            "sites": [{ "id": "odwb", "url": "https://www.odwb.be", "places": [], "stored": [
                { "pass": "before-consent", "page": "odwb/index.html", "kind": "cookie", "name": "_ga", "declared": false },
            ]}],
        })
        .to_string(),
    );
    let run = p.run(&["report", "--audit-inventory", "audit.json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        !run.stdout.contains("None: the pages agree"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("the last audit saw odwb&#x2f;index.html store cookie `_ga` before consent"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_report_compares_with_the_projects_output_as_check_does() {
    let p = Project::portals();
    p.write(
        "cookie-ledger.toml",
        format!("{}out = \"dist\"\n", crate::support::LAYOUT),
    );
    assert_eq!(p.run(&["build"]).code, 0);
    assert_eq!(p.run(&["report"]).code, 0);
    p.edit(
        "dist/odwb/cookies.html",
        "<h1>Cookie policy</h1>",
        "<h1>Edited by hand</h1>",
    );
    assert_eq!(p.run(&["check"]).code, 1);
    let run = p.run(&["report"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("stale-output"), "{}", run.stdout);
}

#[test]
fn links_are_encoded_relative_to_the_page_written_and_no_control_character_is_printed() {
    let p = Project::portals();
    p.write(
        "site/odwb/a\"b#q?.html",
        "<!DOCTYPE html><html lang=\"en\"><body><script>document.cookie = \"x=1\";</script></body></html>\n",
    );
    let run = p.run(&["report", "--out", "reports/page.html"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let page = p.read("reports/page.html").replace("&#x2f;", "/");
    assert!(
        page.contains("href=\"../site/odwb/a%22b%23q%3F.html\""),
        "{page}"
    );
    // A commit subject that would drive a terminal is written out, not sent.
    p.git(&["init", "-q"]);
    p.git(&["add", "catalogue.toml", "templates"]);
    p.git(&[
        "commit",
        "-q",
        "-m",
        "innocent \u{1b}]0;PWNED\u{7}\u{1b}[2J",
    ]);
    let printed = p.run(&["report"]).stdout;
    assert!(!printed.contains('\u{1b}') && !printed.contains('\u{7}'));
    assert!(
        printed.contains("innocent \\u{1b}]0;PWNED\\u{7}"),
        "{printed}"
    );
}
