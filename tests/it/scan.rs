//! What the pages set: vendor snippets, script writes, Set-Cookie, and the findings they lead to.

use std::collections::BTreeSet;
use std::path::Path;

use cookie_ledger::catalogue::Catalogue;
use cookie_ledger::page::{self, Context};
use cookie_ledger::render::Tables;
use cookie_ledger::scan::services::Services;

use crate::support::{Project, golden, root};

const SITE: &str = r#"
[[site]]
id = "v"
url = "https://v.example"
dir = "v"
languages = ["en"]

[category.necessary]
title.en = "Necessary"
description.en = "Needed."
consent = false

[category.statistics]
title.en = "Statistics"
description.en = "Counting."
consent = true

[category.marketing]
title.en = "Marketing"
description.en = "Advertising."
consent = true
"#;

#[test]
fn each_vendor_snippet_yields_exactly_its_cookies() {
    let catalogue = Catalogue::parse(SITE, "catalogue.toml", Path::new(".")).unwrap();
    let tables = Tables::render(&catalogue).unwrap();
    let services = Services::new(catalogue.services.clone());
    let ctx = Context {
        catalogue: &catalogue,
        services: &services,
        tables: &tables,
        report_stale_markers: false,
        append: None,
        build_command: "cookie-ledger build",
    };
    let dir = root().join("tests/fixtures/vendors/pages");
    let mut checked = 0;
    for service in services.all() {
        let path = dir.join(format!("{}.html", service.id));
        let input =
            std::fs::read(&path).unwrap_or_else(|_| panic!("no snippet page for {}", service.id));
        let result = page::process(&ctx, "v/page.html", "page.html", &input, 64);
        let found: BTreeSet<String> = result
            .facts
            .sightings
            .iter()
            .filter_map(|p| p.sighting.name.clone())
            .collect();
        let expected: BTreeSet<String> = service.cookie.iter().map(|c| c.name.clone()).collect();
        assert_eq!(found, expected, "{}", service.id);
        checked += 1;
    }
    assert_eq!(checked, 22);
}

const CATALOGUE: &str = r#"
[[site]]
id = "a"
url = "https://a.example"
dir = "a"
languages = ["en", "fr"]

[category.necessary]
title = { en = "Necessary", fr = "Nécessaires" }
description = { en = "Needed.", fr = "Requis." }
consent = false

[category.statistics]
title = { en = "Statistics", fr = "Statistiques" }
description = { en = "Counting.", fr = "Comptage." }
consent = true

[[cookie]]
names = ["theme"]
provider = "A"
function = { en = "Display", fr = "Affichage" }
purpose = { en = "Remembers the colour scheme", fr = "Retient les couleurs" }
duration = "1 year"
category = "necessary"
party = "first"
set_by = "script"

[[cookie]]
names = ["_ga", "_ga_*"]
provider = "Google"
function = { en = "Audience", fr = "Audience" }
purpose = { en = "Counts visits", fr = "Compte les visites" }
duration = "2 years"
category = "statistics"
party = "first"
set_by = "tag"
"#;

/// The site's own script, setting its declared cookie for its declared year.
const THEME: &str = "document.cookie = 'theme=1; max-age=31536000';";

const POLICY: &str = "<!DOCTYPE html>\n<html lang=\"en\">\n<body>\n<div data-cookie-table=\"necessary\"></div>\n<div data-cookie-table=\"statistics\"></div>\n</body>\n</html>\n";

fn project(app_js: &str, page_body: &str) -> Project {
    let p = Project::empty();
    p.write("catalogue.toml", CATALOGUE);
    p.write("site/a/cookies.html", POLICY);
    // The site speaks French too: its policy page in French keeps language parity.
    p.write(
        "site/a/fr/cookies.html",
        POLICY.replace("lang=\"en\"", "lang=\"fr\""),
    );
    p.write("site/a/js/app.js", app_js);
    p.write(
        "site/a/index.html",
        format!("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<script src=\"/js/app.js\"></script>\n<script async type=\"text/plain\" data-category=\"statistics\" src=\"https://www.googletagmanager.com/gtag/js?id=G-1\"></script>\n</head>\n<body>\n{page_body}\n</body>\n</html>\n"),
    );
    p
}

#[test]
fn a_clean_site_declares_everything_it_sets() {
    let p = project(
        "document.cookie = 'theme=dark; max-age=31536000';\n",
        "<p>Hello</p>",
    );
    let run = p.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
}

#[test]
fn an_undeclared_cookie_fails_with_its_place_evidence_and_an_entry_to_paste() {
    let app = "// preferences\nfunction save(v) {\n  document.cookie = 'theme=' + v;\n  Cookies.set('font_size', v, { expires: 365 });\n}\n";
    let body = "<script>\n  var k = 'x';\n  document.cookie = k + '=1';\n</script>\n<iframe src=\"https://www.youtube.com/embed/abc\"></iframe>";
    let p = project(app, body);
    let run = p.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    golden("fixtures/vendors/undeclared.txt", &run.report());
}

#[test]
fn set_cookie_headers_are_found_in_meta_tags_and_the_headers_file() {
    let p = project(THEME, "<p>x</p>");
    p.edit(
        "site/a/index.html",
        "<head>\n",
        "<head>\n<meta http-equiv=\"Set-Cookie\" content=\"ab_test=b; Path=/\">\n",
    );
    p.write("site/_headers", "/*\n  X-Frame-Options: DENY\n/a/*\n  Set-Cookie: region=eu; Path=/; Secure\n/b/*\n  Set-Cookie: other=1\n");
    let run = p.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let found: Vec<(String, String, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_owned(),
                d["message"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("site/_headers".to_owned(), "a Set-Cookie header sets cookie `region`, which the catalogue does not declare for site `a`".to_owned(), 4),
            ("site/_headers".to_owned(), "a Set-Cookie header sets cookie `other` for paths that are no site's pages, so no policy declares it".to_owned(), 6),
            ("site/a/index.html".to_owned(), "a Set-Cookie header sets cookie `ab_test`, which the catalogue does not declare for site `a`".to_owned(), 4),
        ]
    );
}

#[test]
fn the_same_undeclared_cookie_on_many_pages_is_one_finding() {
    let p = project(THEME, "<script>document.cookie = \"seen=1\";</script>");
    for i in 0..5 {
        p.write(
            &format!("site/a/p{i}.html"),
            "<html><body><script>document.cookie = \"seen=1\";</script></body></html>",
        );
    }
    let run = p.run(&["check"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout.matches("error[undeclared-cookie]").count(),
        1,
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("sets cookie `seen`, which the catalogue does not declare for site `a`, here and in 5 other places"), "{}", run.stdout);
}

#[test]
fn declared_cookies_nothing_sets_warn_and_fail_when_strict() {
    let p = project("console.log('no cookies');", "<p>x</p>");
    let run = p.run(&["check"]);
    assert_eq!(run.code, 0, "a warning does not fail: {}", run.stdout);
    assert!(run.stdout.contains("warning[unseen-cookie]: cookie `theme` is declared as set by a script, but nothing the scan can see on site `a` sets it"), "{}", run.stdout);
    assert_eq!(p.run(&["check", "--strict"]).code, 1);
    assert_eq!(
        p.run(&["check", "--allow", "unseen-cookie"])
            .stdout
            .matches("warning[")
            .count(),
        0
    );
    p.edit(
        "catalogue.toml",
        "set_by = \"script\"",
        "set_by = \"script\"\nallow.unseen-cookie = \"set by the platform's back office\"",
    );
    assert_eq!(p.run(&["check", "--strict"]).code, 0);
}

#[test]
fn warn_and_deny_set_a_rule_severity_for_one_run() {
    let p = project("console.log('no cookies');", "<p>x</p>");
    let deny = p.run(&["check", "--deny", "unseen-cookie"]);
    assert_eq!(deny.code, 1, "{}", deny.stdout);
    assert!(
        deny.stdout.contains("error[unseen-cookie]"),
        "{}",
        deny.stdout
    );
    let warn = p.run(&["check", "--strict", "--warn", "unseen-cookie"]);
    assert_eq!(warn.code, 0, "{}", warn.stdout);
    assert!(
        warn.stdout.contains("warning[unseen-cookie]"),
        "{}",
        warn.stdout
    );
    // A drift error lowered to a warning no longer fails; bad input cannot be lowered.
    let p = project("document.cookie = 'other=1';", "<p>x</p>");
    assert_eq!(p.run(&["check"]).code, 1);
    let run = p.run(&["check", "--warn", "undeclared-cookie"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.contains("warning[undeclared-cookie]"),
        "{}",
        run.stdout
    );
    for args in [
        &["check", "--warn", "io"][..],
        &["check", "--allow", "template"],
        &["check", "--deny", "no-such-rule"],
        &["check", "--allow", "extra-row", "--deny", "extra-row"],
        &["check", "--warn", "extra-row", "--deny", "extra-row"],
    ] {
        let run = p.run(args);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(run.stderr.contains("error"), "{args:?}: {}", run.stderr);
    }
    let run = p.run(&["check", "--allow", "extra-row", "--deny", "extra-row"]);
    assert!(
        run.stderr
            .contains("--allow extra-row and --deny extra-row contradict each other"),
        "{}",
        run.stderr
    );
}

#[test]
fn what_is_known_of_services_and_regulators_checks_the_catalogue() {
    let p = project(THEME, "<p>x</p>");
    p.edit(
        "catalogue.toml",
        "category = \"statistics\"\nparty = \"first\"",
        "category = \"statistics\"\nparty = \"third\"",
    );
    p.edit("catalogue.toml", "consent = true", "consent = false");
    p.write(
        "catalogue.toml",
        p.read("catalogue.toml")
            + "\n[[cookie]]\nnames = [\"_fbp\"]\nprovider = \"Meta\"\nfunction = { en = \"Ads\", fr = \"Pub\" }\npurpose = { en = \"Ads\", fr = \"Pub\" }\nduration = \"3 months\"\ncategory = \"necessary\"\nparty = \"first\"\nset_by = \"tag\"\nallow.unseen-cookie = \"loaded by the tag manager\"\n",
    );
    let run = p.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let report = run.report();
    for expected in [
        "error[party-mismatch]: cookie `_ga, _ga_*` is declared third-party, but Google Analytics 4 (gtag.js) sets `_ga` as a first-party cookie",
        "error[consent-exempt-duration]: statistics cookie `_ga, _ga_*` is exempt from consent (category `statistics`) but lives 2 years, more than 13 months",
        "error[necessary-advertising]: cookie `_fbp` is declared necessary, but Meta pixel sets it for advertising",
    ] {
        assert!(report.contains(expected), "missing {expected}\n{report}");
    }
    assert_eq!(report.matches("error[").count(), 3, "{report}");
    // A reason waives a rule for one cookie.
    p.edit("catalogue.toml", "party = \"third\"", "party = \"third\"\nallow.party-mismatch = \"served from our own analytics domain\"\nallow.consent-exempt-duration = \"a test\"");
    assert_eq!(p.run(&["check"]).stdout.matches("error[").count(), 1);
    p.edit(
        "catalogue.toml",
        "allow.party-mismatch",
        "allow.no-such-rule",
    );
    let run = p.run(&["check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stdout.contains(
            "error[catalogue-invalid]: `no-such-rule` is not a rule a cookie can be allowed"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn a_catalogue_can_teach_the_tool_a_service() {
    let p = project(
        THEME,
        "<script src=\"https://cdn.example-chat.com/widget.js\"></script>",
    );
    p.write(
        "catalogue.toml",
        p.read("catalogue.toml")
            + "\n[[service]]\nid = \"example-chat\"\nname = \"Example Chat\"\nprovider = \"Example\"\ncategory = \"necessary\"\nmatch.script_src = [[\"cdn.example-chat.com\"]]\ncookie = [{ name = \"chat_session\", party = \"third\", duration = \"session\", always = true }]\n",
    );
    let run = p.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("error[undeclared-cookie]: Example Chat sets cookie `chat_session`"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_clean_build_writes_the_inventory_beside_the_output() {
    let p = Project::portals();
    let run = p.run(&["build", "--out", "dist"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        !p.path("dist/dist-inventory.json").exists(),
        "not inside the published site"
    );
    let inventory: serde_json::Value =
        serde_json::from_str(&p.read("dist-inventory.json")).unwrap();
    let odwb = inventory["sites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "odwb")
        .unwrap();
    let places: Vec<&str> = odwb["places"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        places,
        [
            "site/odwb/cookies.html",
            "site/odwb/fr/cookies.html",
            "site/odwb/fr/index.html",
            "site/odwb/index.html",
            "site/assets/consent.js"
        ]
    );
    let first = &odwb["places"][0]["cookies"][0];
    assert_eq!(first["name"], "_pk_id.*");
    assert_eq!(first["by"], "Matomo");
    assert_eq!(first["declared"], true);
    assert_eq!(first["line"], 11);
    let consent = &odwb["places"][4]["cookies"][0];
    assert_eq!(
        (
            consent["name"].as_str(),
            consent["source"].as_str(),
            consent["by"].as_str()
        ),
        (
            Some("cookies_preferences"),
            Some("script"),
            Some("document.cookie")
        )
    );
    // Elsewhere on request; nothing at all when the build fails.
    assert_eq!(
        p.run(&[
            "build",
            "--out",
            "dist",
            "--inventory",
            "reports/cookies.json"
        ])
        .code,
        2,
        "the folder must exist"
    );
    std::fs::create_dir(p.path("reports")).unwrap();
    assert_eq!(
        p.run(&[
            "build",
            "--out",
            "dist",
            "--inventory",
            "reports/cookies.json"
        ])
        .code,
        0
    );
    assert!(p.path("reports/cookies.json").exists());
    std::fs::remove_file(p.path("dist-inventory.json")).unwrap();
    p.edit(
        "site/odwb/cookies.html",
        "</main>",
        "<script>document.cookie = 'x=1';</script></main>",
    );
    assert_eq!(p.run(&["build", "--out", "dist"]).code, 1);
    assert!(!p.path("dist-inventory.json").exists());
}

#[test]
fn the_open_cookie_database_describes_undeclared_cookies_but_never_overrules_the_catalogue() {
    let p = project(
        THEME,
        "<script>document.cookie = 'cart_42=a'; document.cookie = 'sessionid=x; max-age=1209600';</script>",
    );
    std::fs::copy(
        root().join("tests/fixtures/cookie-db/open-cookie-database.csv"),
        p.path("ocd.csv"),
    )
    .unwrap();
    // sessionid is the catalogue's own (Django's): the database's Instagram entry must not matter.
    p.write(
        "catalogue.toml",
        p.read("catalogue.toml")
            + "\n[[cookie]]\nnames = [\"sessionid\"]\nprovider = \"A\"\nfunction = { en = \"Login\", fr = \"Connexion\" }\npurpose = { en = \"Session\", fr = \"Session\" }\nduration = \"2 weeks\"\ncategory = \"necessary\"\nparty = \"first\"\nset_by = \"server\"\n",
    );
    let run = p.run(&["check", "--cookie-db", "ocd.csv"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let report = run.report();
    assert_eq!(report.matches("error[").count(), 1, "{report}");
    assert!(report.contains("sets cookie `cart_42`, which the catalogue does not declare for site `a`; the Open Cookie Database knows it as Example Shop (Functional)"), "{report}");
    assert!(
        report.contains("      provider = \"Example Ltd\"\n"),
        "{report}"
    );
    assert!(report.contains("      purpose.en = \"Remembers the items in a shopping cart\"  # from the Open Cookie Database: check it\n"), "{report}");
    assert!(
        report.contains("      duration = \"session\"\n"),
        "{report}"
    );
    let run = p.run(&["check", "--cookie-db", "missing.csv"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stdout
            .starts_with("error[io]: cannot read cookie database missing.csv"),
        "{}",
        run.stdout
    );
}

#[test]
fn every_supported_way_of_writing_a_cookie_is_found_with_its_place() {
    let app = "\
document.cookie = \"a_plain=1; path=/\";\n\
document.cookie = `a_template=${v}`;\n\
document.cookie = 'a_concat=' + v + '; max-age=60';\n\
Cookies.set('a_jscookie', v);\n\
$.cookie('a_jquery', v, { expires: 7 });\n\
jQuery.cookie('a_jquery2', v);\n\
cookieStore.set('a_store', v);\n\
cookieStore.set({ name: 'a_store2', value: v });\n\
var x = document.cookie; $.cookie('read_only');\n";
    let p = project(app, "<p>x</p>");
    let run = p.run(&["check", "--format", "json", "--allow", "unseen-cookie"]);
    assert_eq!(run.code, 1);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let found: Vec<(String, u64, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let name = d["message"]
                .as_str()
                .unwrap()
                .split('`')
                .nth(1)
                .unwrap()
                .to_owned();
            (
                name,
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected: Vec<(String, u64, u64)> = [
        ("a_plain", 1, 1),
        ("a_template", 2, 1),
        ("a_concat", 3, 1),
        ("a_jscookie", 4, 1),
        ("a_jquery", 5, 1),
        ("a_jquery2", 6, 1),
        ("a_store", 7, 1),
        ("a_store2", 8, 1),
    ]
    .into_iter()
    .map(|(n, l, c)| (n.to_owned(), l, c))
    .collect();
    assert_eq!(found, expected);
    assert!(
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["file"] == "site/a/js/app.js")
    );
}

/// The names found on one page body of site `v`.
fn found_on(body: &str) -> BTreeSet<String> {
    let catalogue = Catalogue::parse(SITE, "catalogue.toml", Path::new(".")).unwrap();
    let tables = Tables::render(&catalogue).unwrap();
    let services = Services::new(catalogue.services.clone());
    let ctx = Context {
        catalogue: &catalogue,
        services: &services,
        tables: &tables,
        report_stale_markers: false,
        append: None,
        build_command: "cookie-ledger build",
    };
    let page = format!("<html><head>{body}</head><body></body></html>");
    let result = page::process(&ctx, "v/page.html", "page.html", page.as_bytes(), 64);
    result
        .facts
        .sightings
        .iter()
        .filter_map(|p| p.sighting.name.clone())
        .collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|n| n.to_string()).collect()
}

#[test]
fn tags_are_told_apart_as_their_vendors_ship_them() {
    // A consent manager's blocked script still sets cookies once allowed.
    assert_eq!(
        found_on(
            "<script type=\"text/plain\" data-category=\"analytics\">gtag('config', 'G-ABC123');</script>"
        ),
        set(&["_ga", "_ga_*"])
    );
    assert_eq!(
        found_on(
            "<script type=\"application/ld+json\">{\"x\": \"gtag('config', 'G-1')\"}</script>"
        ),
        set(&[])
    );
    assert_eq!(
        found_on(
            "<script async src=\"https://www.googletagmanager.com/gtag/js?id=AW-123\"></script>"
        ),
        set(&["_gcl_au"])
    );
    assert_eq!(
        found_on(
            "<script>(function(d){var js=d.createElement('script');js.src='https://connect.facebook.net/en_US/sdk.js';})(document);</script>"
        ),
        set(&[])
    );
    assert_eq!(
        found_on(
            "<script>var _paq = window._paq || []; _paq.push(['disableCookies']); _paq.push(['trackPageView']);</script>"
        ),
        set(&[])
    );
    assert_eq!(
        found_on("<script src=\"//js-eu1.hs-scripts.com/1.js\"></script>").len(),
        4
    );
    assert_eq!(
        found_on("<script src=\"https://tag.aticdn.piano.io/1/smarttag.js\"></script>"),
        set(&["atuserid", "atidvisitor"])
    );
    // A commented-out snippet runs nothing.
    assert_eq!(
        found_on(
            "<script>// gtag('config', 'G-ABC123');\n/* _paq.push(['trackPageView']) */</script>"
        ),
        set(&[])
    );
}

#[test]
fn declarations_meet_what_services_set_from_either_side() {
    let p = project(THEME, "<p>x</p>");
    p.edit(
        "catalogue.toml",
        "names = [\"_ga\", \"_ga_*\"]",
        "names = [\"_ga\", \"_ga_ABC123\"]",
    );
    assert_eq!(
        p.run(&["check"]).code,
        0,
        "an exact declaration of the measurement id's cookie is enough"
    );
    // A catalogue's own service replaces the built-in one of the same id, in every check.
    p.write(
        "catalogue.toml",
        p.read("catalogue.toml")
            .replace("category = \"statistics\"\nparty = \"first\"", "category = \"necessary\"\nparty = \"first\"")
            .replace("names = [\"_ga\", \"_ga_ABC123\"]", "names = [\"_ga_ABC123\"]")
            + "\n[[service]]\nid = \"google-analytics-4\"\nname = \"Our analytics\"\nprovider = \"Us\"\ncategory = \"necessary\"\nmatch.script_src = [[\"googletagmanager.com/gtag/js\"]]\ncookie = [{ name = \"_ga_*\", party = \"first\", duration = \"13 months\", always = true }]\n",
    );
    let run = p.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
}

#[test]
fn scripts_are_found_however_their_url_is_written() {
    let p = project(
        THEME,
        "<script src=\"my%20js/s.js?v=https://cdn\"></script>\n<script src=\"https://a.example/abs.js\"></script>",
    );
    p.write("site/a/my js/s.js", "document.cookie = 'spaced=1';");
    p.write("site/a/abs.js", "document.cookie = 'absolute=1';");
    let run = p.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("site/a/my js/s.js:1:1: error[undeclared-cookie]: a script (document.cookie) sets cookie `spaced`"), "{}", run.stdout);
    assert!(run.stdout.contains("site/a/abs.js:1:1: error[undeclared-cookie]: a script (document.cookie) sets cookie `absolute`"), "{}", run.stdout);
}

#[test]
fn suggestions_paste_as_valid_toml_and_every_write_is_a_place() {
    let p = project(
        THEME,
        "<script>document.cookie = 'q\"uote=1'; document.cookie = 'q\"uote=2';</script>",
    );
    p.write("ocd.csv", "ID,Platform,Category,Cookie / Data Key name,Domain,Description,Retention period,Data Controller,User Privacy & GDPR Rights Portals,Wildcard match\n1,Shop,Marketing,\"q\"\"uote\",,\"Says \"\"hi\"\"\u{200b}\",forever,\"Acme \"\"Inc\"\"\",,0\n");
    let run = p.run(&["check", "--format", "json", "--cookie-db", "ocd.csv"]);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let finding = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "undeclared-cookie")
        .unwrap();
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("here and in 1 other place"),
        "two writes on one page are two places, both listed"
    );
    assert_eq!(finding["places"].as_array().unwrap().len(), 2);
    let suggestion = finding["suggestion"].as_str().unwrap();
    let pasted: toml::Value =
        toml::from_str(suggestion).unwrap_or_else(|e| panic!("{e}\n{suggestion}"));
    // A quote cannot stand in a declared name: the entry declares the pattern that covers it.
    assert_eq!(pasted["cookie"][0]["names"][0].as_str(), Some("q*uote"));
    assert_eq!(
        pasted["cookie"][0]["provider"].as_str(),
        Some("Acme \"Inc\"")
    );
}

#[test]
fn a_headers_rule_for_the_home_page_is_not_a_rule_for_every_site() {
    let p = project(THEME, "<p>x</p>");
    p.write("site/_headers", "/\n  Set-Cookie: home_only=1\n");
    let run = p.run(&["check"]);
    assert!(!run.stdout.contains("undeclared-cookie"), "{}", run.stdout);
    // No site is served at `/`: the header is reported, not dropped.
    assert!(run.stdout.contains("error[page-outside-sites]: a Set-Cookie header sets cookie `home_only` for paths that are no site's pages"), "{}", run.stdout);
}
