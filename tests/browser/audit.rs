//! `cookie-ledger audit` in a real headless Chromium (run by `main.rs`, which reports them
//! ignored when no browser is here, and failed in CI): what a tag manager loads at run time,
//! consent passes, setters with their line, and an offline run that lets nothing out.

use std::net::TcpListener;
use std::time::Duration;

use crate::support::Project;

/// Runs `audit` of the project's `site/` with the network refused, and `extra` arguments.
fn offline(p: &Project, extra: &[&str]) -> crate::support::Run {
    let mut args = vec!["audit", "--site", "site", "--network", "offline"];
    args.extend_from_slice(extra);
    p.run(&args)
}

/// The findings of a JSON report, as (rule, file, line) triples.
fn findings(report: &serde_json::Value) -> Vec<(String, String, u64)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_owned(),
                d["file"].as_str().unwrap_or_default().to_owned(),
                d["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

pub fn what_a_tag_manager_loads_at_run_time_is_seen_with_its_setter_and_line() {
    let p = Project::fixture("audit");
    let run = offline(&p, &["--fixtures", "fixtures", "--format", "json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let gtag = "https://www.googletagmanager.com/gtag/js?id=G-TEST";
    let page = "site/shop/index.html";
    let expected = [
        // The chat widget's cross-site frame, instrumented like the page.
        ("undeclared-cookie", "https://widget.example/frame.html", 3),
        // and its own localStorage, which the browser keeps apart from the shop's.
        ("undeclared-storage", "https://widget.example/frame.html", 4),
        // What the tag manager loaded at run time.
        ("stored-before-consent", gtag, 4),
        ("stored-after-refusal", gtag, 4),
        // The host's `Set-Cookie`, from the output's `_headers` file.
        ("undeclared-cookie", "site/_headers", 3),
        ("undeclared-cookie", page, 20),
        ("duration-mismatch", page, 21),
        // Web storage, at the line of the call that wrote it.
        ("undeclared-storage", page, 22),
        ("undeclared-storage", page, 23),
        ("undeclared-storage", page, 24),
        // A cookieStore write, caught like document.cookie.
        ("undeclared-cookie", page, 25),
    ];
    let expected: Vec<(String, String, u64)> = expected
        .iter()
        .map(|(r, f, l)| ((*r).to_owned(), (*f).to_owned(), *l))
        .collect();
    assert_eq!(findings(&report), expected);
    let message = |rule: &str, needle: &str| {
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["rule"] == rule && d["message"].as_str().unwrap().contains(needle))
    };
    // The static check and the browser saw the same write: one finding, with both places.
    assert!(message(
        "duration-mismatch",
        "cookie `seen` is declared to last 30 days on site `shop`, but a script (document.cookie) sets it for 1 day"
    ));
    let seen = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "duration-mismatch")
        .unwrap();
    assert!(
        seen["places"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["role"] == "stored" && p["line"] == 21),
        "{seen}"
    );
    for storage in [
        "localStorage key `basket-view`",
        "sessionStorage key `step`",
        "IndexedDB database `catalogue-cache`",
    ] {
        assert!(message("undeclared-storage", storage), "{storage}");
    }
    assert!(message(
        "undeclared-cookie",
        "cookie `wid` (widget.example, 1 day)"
    ));
    // Everything stored, per pass: on the shop page seven cookies and four storage items (one
    // the widget's), on the policy page the host's cookie; three passes.
    let stored = report["stored"].as_array().unwrap();
    assert_eq!(stored.len(), 36, "{}", stored.len());
    let srv = stored.iter().find(|s| s["name"] == "srv_id").unwrap();
    assert_eq!(
        srv["written"],
        "Set-Cookie: srv_id=42; Path=/; HttpOnly; Secure"
    );
    // The flags the browser keeps with each cookie; storage has none.
    assert_eq!(srv["http_only"], true, "{srv}");
    assert_eq!(srv["secure"], true, "{srv}");
    let chat = stored.iter().find(|s| s["name"] == "wid-chat").unwrap();
    assert_eq!(chat["domain"], "https://widget.example", "{chat}");
    let basket = stored.iter().find(|s| s["name"] == "basket-view").unwrap();
    assert_eq!(basket["kind"], "local-storage");
    assert_eq!(basket["written"], "localStorage.setItem(\"basket-view\")");
    assert!(basket.get("http_only").is_none(), "{basket}");
    let cart = stored
        .iter()
        .find(|s| s["pass"] == "after refusing" && s["name"] == "cart")
        .unwrap();
    assert_eq!(cart["kind"], "cookie");
    assert_eq!(cart["domain"], "shop.example");
    assert_eq!(cart["set_at"]["file"], "site/shop/index.html");
    assert_eq!(cart["set_at"]["line"], 19);
    assert_eq!(cart["written"], "cart=3; max-age=604800; path=/");
    let d = &report["diagnostics"][2];
    assert_eq!(d["evidence"], "_ga=GA1.1.123.456; max-age=63072000; path=/");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("site/shop/index.html before consent")
    );
    let notes: Vec<&str> = report["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("before consent site/shop/index.html: ")
                && n.contains(
                    "cookie `cart` (shop.example, 7 days) by site/shop/index.html:19:19"
                )),
        "{notes:?}"
    );
    assert!(
        notes.contains(&"refused (offline): https://pixel.tracker.example/p.gif"),
        "{notes:?}"
    );
}

pub fn offline_lets_no_request_leave_and_lists_each_one_it_refused() {
    // A server on loopback stands for the internet: offline, nothing may reach it.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let p = Project::fixture("rules/base");
    p.write(
        "site/a/index.html",
        format!(
            "<!DOCTYPE html><html lang=\"en\"><body><div class=\"consent-banner\"><button>Yes</button><button>No</button></div>\
             <img src=\"http://127.0.0.1:{port}/beacon.gif\"><script src=\"http://127.0.0.1:{port}/tag.js\"></script></body></html>"
        ),
    );
    std::fs::remove_file(p.path("site/a/cookies.html")).unwrap();
    let run = offline(&p, &["--allow", "no-policy-page"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(&format!(
            "note: refused (offline): http://127.0.0.1:{port}/beacon.gif, http://127.0.0.1:{port}/tag.js"
        )) || run.stdout.contains(&format!(
            "note: refused (offline): http://127.0.0.1:{port}/tag.js, http://127.0.0.1:{port}/beacon.gif"
        )),
        "{}",
        run.stdout
    );
    std::thread::sleep(Duration::from_millis(100));
    assert!(
        listener.accept().is_err(),
        "a request reached the network in an offline audit"
    );
}

pub fn a_browser_that_is_not_there_is_bad_input_with_the_way_to_name_one() {
    let p = Project::fixture("rules/base");
    let run = p.run(&["audit", "--site", "site", "--chrome", "no/such/chrome"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stdout.contains("error[io]: no browser at no/such/chrome: pass --chrome with the path of a Chromium or Chrome executable"),
        "{}",
        run.stdout
    );
}

pub fn the_catalogue_names_the_banner_buttons_and_an_empty_selector_is_bad_input() {
    let p = Project::fixture("rules/base");
    std::fs::remove_file(p.path("site/a/cookies.html")).unwrap();
    p.write(
        "site/a/index.html",
        "<!DOCTYPE html><html lang=\"en\"><body><div id=\"consent\"><button class=\"ok\">OK</button><button class=\"no\">No</button></div>\
         <script>for (const [c, v] of [[\"ok\", \"yes\"], [\"no\", \"no\"]]) document.querySelector(\".\" + c).onclick = () => { document.cookie = \"theme=\" + v + \"; max-age=31536000\"; };</script></body></html>",
    );
    // Without [consent], neither button is found: the audit says it could not do its job.
    let run = offline(&p, &["--allow", "no-policy-page"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stdout.contains("error[audit-incomplete]"),
        "{}",
        run.stdout
    );
    let catalogue = p.read("catalogue.toml");
    p.write(
        "catalogue.toml",
        format!(
            "{catalogue}\n[consent]\naccept = [\"#consent .ok\"]\nrefuse = [\"#consent .no\"]\n"
        ),
    );
    let run = offline(&p, &["--allow", "no-policy-page"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.contains("note: after refusing site/a/index.html: cookie `theme` (a.example, 365 days) by site/a/index.html:1:"),
        "{}",
        run.stdout
    );
    let lines = catalogue.lines().count();
    p.write(
        "catalogue.toml",
        format!("{catalogue}\n[consent]\naccept = [\" \"]\n"),
    );
    let run = offline(&p, &["--allow", "no-policy-page"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stdout.contains(&format!(
            "catalogue.toml:{}:11: error[catalogue-invalid]: `consent.accept` holds an empty selector",
            lines + 3
        )),
        "{}",
        run.stdout
    );
}

pub fn an_alert_on_the_page_does_not_hold_the_audit() {
    let p = Project::fixture("rules/base");
    std::fs::remove_file(p.path("site/a/cookies.html")).unwrap();
    p.write(
        "site/a/index.html",
        "<!DOCTYPE html><html lang=\"en\"><body><div class=\"consent-banner\"><button>Yes</button><button>No</button></div>\
         <script>alert(\"Welcome\"); document.cookie = \"theme=dark; max-age=31536000\";</script></body></html>",
    );
    let started = std::time::Instant::now();
    let run = offline(&p, &["--allow", "no-policy-page"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("note: before consent site/a/index.html: cookie `theme`"),
        "{}",
        run.stdout
    );
    // Three visits; a dialog left open would hold each until the load timeout (20 s).
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}

pub fn web_storage_that_needs_consent_is_held_to_it_like_a_cookie() {
    let p = Project::fixture("rules/base");
    std::fs::remove_file(p.path("site/a/cookies.html")).unwrap();
    p.write(
        "site/a/index.html",
        "<!DOCTYPE html><html lang=\"en\"><body><div class=\"consent-banner\"><button>Yes</button><button>No</button></div>\n\
         <script>document.cookie = \"theme=dark; max-age=31536000\";\n\
         localStorage.setItem(\"visits\", \"1\");\n\
         localStorage.setItem(\"palette\", \"dark\");</script></body></html>",
    );
    let catalogue = p.read("catalogue.toml");
    p.write(
        "catalogue.toml",
        format!(
            "{catalogue}\n[[cookie]]\nnames = [\"visits\"]\nkind = \"local-storage\"\nprovider = \"Example\"\nfunction = {{ en = \"Audience\" }}\npurpose = {{ en = \"Counts visits\" }}\nduration = \"persistent\"\ncategory = \"statistics\"\nparty = \"first\"\nset_by = \"script\"\n\
             \n[[cookie]]\nnames = [\"palette\"]\nkind = \"local-storage\"\nprovider = \"Example\"\nfunction = {{ en = \"Colours\" }}\npurpose = {{ en = \"Remembers the colours\" }}\nduration = \"persistent\"\ncategory = \"necessary\"\nparty = \"first\"\nset_by = \"script\"\n\
             allow.not-stored = \"checked by hand\"\n"
        ),
    );
    let run = offline(&p, &["--allow", "no-policy-page", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let page = "site/a/index.html";
    assert_eq!(
        findings(&report),
        [
            ("not-stored".to_owned(), "catalogue.toml".to_owned(), 18),
            ("stored-before-consent".to_owned(), page.to_owned(), 3),
            ("stored-after-refusal".to_owned(), page.to_owned(), 3),
        ]
    );
    let first = &report["diagnostics"][1];
    assert!(
        first["message"]
            .as_str()
            .unwrap()
            .starts_with("a real browser stores localStorage key `visits` (https://a.example) on site/a/index.html before consent, and its category `statistics` needs consent"),
        "{first}"
    );
    assert_eq!(first["evidence"], "localStorage.setItem(\"visits\")");

    // The same findings as CI annotations and as SARIF, the note included.
    let github = offline(&p, &["--allow", "no-policy-page", "--format", "github"]);
    assert_eq!(github.code, 1, "{}", github.stdout);
    assert!(
        github
            .stdout
            .contains("::error file=site/a/index.html,line=3,col="),
        "{}",
        github.stdout
    );
    assert!(
        github
            .stdout
            .contains("title=cookie-ledger stored-before-consent::"),
        "{}",
        github.stdout
    );
    assert!(
        github
            .stdout
            .contains("::notice file=catalogue.toml,line=18,"),
        "{}",
        github.stdout
    );
    let sarif = offline(&p, &["--allow", "no-policy-page", "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    let levels: Vec<(&str, &str)> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["ruleId"].as_str().unwrap(), r["level"].as_str().unwrap()))
        .collect();
    assert_eq!(
        levels,
        [
            ("not-stored", "note"),
            ("stored-before-consent", "error"),
            ("stored-after-refusal", "error"),
        ]
    );
}

/// A page with vanilla-cookieconsent 3.1's real build and a statistics snippet it holds back.
fn cookieconsent_site(gated: bool) -> Project {
    let p = Project::fixture("rules/base");
    std::fs::remove_file(p.path("site/a/cookies.html")).unwrap();
    std::fs::copy(
        crate::support::root()
            .join("tests/fixtures/js/vanilla-cookieconsent-3.1.0/cookieconsent.umd.js"),
        p.path("site/a/cookieconsent.umd.js"),
    )
    .unwrap();
    let kind = if gated {
        "type=\"text/plain\" data-category=\"statistics\""
    } else {
        ""
    };
    p.write(
        "site/a/index.html",
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Home</title></head>\n<body>\n<h1>Home</h1>\n\
             <script {kind}>document.cookie = \"_pk_id.1=abc; max-age=34128000; path=/\";</script>\n\
             <script src=\"cookieconsent.umd.js\"></script>\n\
             <script>\nCookieConsent.run({{\n  categories: {{ necessary: {{ enabled: true, readOnly: true }}, statistics: {{}} }},\n  language: {{ default: \"en\", translations: {{ en: {{\n    consentModal: {{ title: \"Cookies\", description: \"We count visits if you agree.\", acceptAllBtn: \"Accept all\", acceptNecessaryBtn: \"Reject all\" }},\n    preferencesModal: {{ title: \"Preferences\", sections: [] }}\n  }} }} }}\n}});\n</script>\n</body>\n</html>\n"
        ),
    );
    let catalogue = p.read("catalogue.toml");
    p.write(
        "catalogue.toml",
        format!(
            "{catalogue}\n[[cookie]]\nnames = [\"cc_cookie\"]\nprovider = \"Example\"\nfunction = {{ en = \"Consent banner\" }}\npurpose = {{ en = \"Remembers the visitor's choice\" }}\nduration = \"6 months\"\ncategory = \"necessary\"\nparty = \"first\"\nset_by = \"script\"\n\
             \n[[cookie]]\nnames = [\"_pk_id.*\"]\nprovider = \"Example\"\nfunction = {{ en = \"Audience\" }}\npurpose = {{ en = \"Counts visits\" }}\nduration = \"13 months\"\ncategory = \"statistics\"\nparty = \"first\"\nset_by = \"script\"\n"
        ),
    );
    p
}

pub fn vanilla_cookieconsent_is_pressed_by_the_built_in_selectors() {
    // Its real build, with nothing said of its buttons: the audit finds them itself.
    let p = cookieconsent_site(true);
    let run = offline(&p, &["--allow", "not-stored", "--allow", "no-policy-page"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let out = &run.stdout;
    assert!(!out.contains("error["), "{out}");
    // Refusing stores the choice only; accepting runs the statistics snippet it held back.
    assert!(
        out.contains("note: after refusing site/a/index.html: cookie `cc_cookie`"),
        "{out}"
    );
    assert!(
        !out.contains("after refusing site/a/index.html: cookie `_pk_id.1`"),
        "{out}"
    );
    // The consent manager runs the held-back snippet as a new script of its own making, so
    // the first frame with an address is the manager's.
    assert!(
        out.contains("note: after accepting site/a/index.html: cookie `_pk_id.1` (a.example, 395 days) by site/a/cookieconsent.umd.js:"),
        "{out}"
    );
    assert!(
        out.contains("note: before consent: nothing stored on 1 page visited"),
        "{out}"
    );

    // The same snippet without its consent attribute runs before anyone chose.
    let p = cookieconsent_site(false);
    let run = offline(&p, &["--allow", "not-stored", "--allow", "no-policy-page"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout
            .contains(": error[stored-before-consent]: a real browser stores cookie `_pk_id.1`")
            && run.stdout.starts_with("site/a/index.html:6:"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("error[stored-after-refusal]"),
        "{}",
        run.stdout
    );
}

pub fn the_inventory_records_what_the_files_set_and_which_pass_stored_it() {
    let p = Project::fixture("audit");
    let audit =
        |inventory: &str| offline(&p, &["--fixtures", "fixtures", "--inventory", inventory]);
    // Refused before any visit: a file that is no inventory, and the audited folder.
    p.write("notes.json", "{\"mine\": true}\n");
    let run = audit("notes.json");
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "error[unsafe-output]: notes.json exists and is not an inventory cookie-ledger wrote"
        ),
        "{}",
        run.stdout
    );
    assert_eq!(p.read("notes.json"), "{\"mine\": true}\n");
    let run = audit("site/inventory.json");
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(!p.path("site/inventory.json").exists());

    let run = audit("inventory.json");
    assert_eq!(run.code, 1, "{}", run.stdout);
    let inventory: serde_json::Value = serde_json::from_str(&p.read("inventory.json")).unwrap();
    let shop = &inventory["sites"][0];
    // What the page's own code sets, with the passes in which the browser stored it.
    let promo = shop["places"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["cookies"].as_array().unwrap())
        .find(|c| c["name"] == "promo")
        .unwrap();
    assert_eq!(
        promo["stored_in"],
        serde_json::json!(["before consent", "after refusing", "after accepting"])
    );
    // What only the browser saw: the tag the tag manager loaded, declared, in every pass.
    let ga: Vec<&serde_json::Value> = shop["stored"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["name"] == "_ga")
        .collect();
    assert_eq!(ga.len(), 3, "{ga:?}");
    assert_eq!(ga[0]["pass"], "before consent");
    assert_eq!(ga[0]["declared"], true);
    assert_eq!(
        ga[0]["set_at"]["file"],
        "https://www.googletagmanager.com/gtag/js?id=G-TEST"
    );
    // A second audit replaces its own inventory.
    let run = audit("inventory.json");
    assert_eq!(run.code, 1, "{}", run.stdout);
}

pub fn what_the_browser_stores_is_never_hidden_behind_a_static_finding() {
    let p = Project::fixture("rules/base");
    std::fs::remove_file(p.path("site/a/cookies.html")).unwrap();
    // One minified line: two writes the scan reads, two through aliases it cannot follow.
    p.write(
        "site/a/app.min.js",
        "!function(){localStorage.setItem(\"ui\",\"1\");var e=window.localStorage;e.setItem(\"tracker_id\",\"abc\");document.cookie=\"promo=1; path=/\";var d=document;d[\"cookie\"]=\"hidden_ck=1; path=/\"}();\n",
    );
    p.write(
        "site/a/index.html",
        "<!DOCTYPE html><html lang=\"en\"><head><script src=\"app.min.js\"></script></head><body><div class=\"consent-banner\"><button>Yes</button><button>No</button></div>\n\
         <script>var l=window.localStorage,s=window.sessionStorage;l.setItem(\"x\",\"1\");s.setItem(\"x\",\"1\");\n\
         localStorage.prop=\"1\";</script></body></html>",
    );
    let run = offline(
        &p,
        &[
            "--allow",
            "no-policy-page",
            "--allow",
            "not-stored",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let mut subjects: Vec<(String, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["subject"]["kind"].as_str().unwrap_or_default().to_owned(),
                d["subject"]["name"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    subjects.sort();
    // Each undeclared item once: what both saw merged, what only the browser saw kept, a
    // sessionStorage key apart from the localStorage key of the same name.
    let expected: Vec<(String, String)> = [
        ("cookie", "hidden_ck"),
        ("cookie", "promo"),
        ("local-storage", "prop"),
        ("local-storage", "tracker_id"),
        ("local-storage", "ui"),
        ("local-storage", "x"),
        ("session-storage", "x"),
    ]
    .iter()
    .map(|(k, n)| ((*k).to_owned(), (*n).to_owned()))
    .collect();
    assert_eq!(subjects, expected, "{}", run.stdout);
    // The property write the wrapper cannot catch is the static finding, at its line.
    let prop = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["subject"]["name"] == "prop")
        .unwrap();
    assert_eq!(prop["line"], 3, "{prop}");
}

pub fn mkdocs_material_keeps_its_consent_in_local_storage_and_waits_for_it() {
    // The real MkDocs Material build with Google Analytics and its consent form; a stand-in
    // for gtag.js answers Google's host.
    let real = crate::support::root().join("tests/fixtures/real/mkdocs-material");
    let p = Project::empty();
    crate::support::copy_dir(&real.join("site"), &p.path("site"));
    crate::support::copy_dir(
        &crate::support::root().join("tests/fixtures/audit/fixtures"),
        &p.path("fixtures"),
    );
    let declared = std::fs::read_to_string(real.join("declared.toml")).unwrap();
    let catalogue = std::fs::read_to_string(real.join("catalogue.toml")).unwrap() + &declared;
    p.write("catalogue.toml", &catalogue);
    p.write("cookie-ledger.toml", crate::support::LAYOUT);
    let run = offline(&p, &["--fixtures", "fixtures", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    // Its consent record, written through its `__md_set` helper, which the scan cannot follow.
    let rules: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["undeclared-storage"], "{}", run.stdout);
    assert_eq!(report["diagnostics"][0]["subject"]["name"], "/.__consent");
    // Analytics only once the visitor accepted, on the page the form reloads.
    let stored = report["stored"].as_array().unwrap();
    let passes_of = |name: &str| -> Vec<&str> {
        let mut passes: Vec<&str> = stored
            .iter()
            .filter(|s| s["name"] == name)
            .map(|s| s["pass"].as_str().unwrap())
            .collect();
        passes.dedup();
        passes
    };
    assert_eq!(passes_of("_ga"), ["after accepting"]);
    assert_eq!(
        passes_of("/.__consent"),
        ["after refusing", "after accepting"]
    );

    p.write(
        "catalogue.toml",
        format!(
            "{catalogue}\n[[cookie]]\nnames = [\"*.__consent\"]\nkind = \"local-storage\"\nprovider = \"Example Docs\"\nfunction.en = \"Cookie consent form\"\npurpose.en = \"Remembers the visitor's choice\"\nduration = \"persistent\"\ncategory = \"necessary\"\nparty = \"first\"\nset_by = \"script\"\n"
        ),
    );
    let run = offline(&p, &["--fixtures", "fixtures"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    // `check` alone cannot see the helper's write; the browser's evidence settles it.
    assert!(!run.stdout.contains("unseen-cookie"), "{}", run.stdout);
    let check = p.run(&["check"]);
    assert!(
        check
            .stdout
            .contains("warning[unseen-cookie]: localStorage key `*.__consent`"),
        "{}",
        check.stdout
    );
}

pub fn a_hidden_or_covered_button_is_never_taken_for_the_visitors_choice() {
    let p = Project::fixture("rules/base");
    std::fs::remove_file(p.path("site/a/cookies.html")).unwrap();
    let page = |banners: &str| {
        format!(
            "<!DOCTYPE html><html lang=\"en\"><body>{banners}\
             <script>for (const b of document.querySelectorAll(\".consent-banner button\")) b.onclick = () => {{ document.cookie = \"choice=\" + b.textContent + \"; max-age=3600\"; }};</script></body></html>"
        )
    };
    // A hidden banner only: no choice a visitor could make, so the audit says it could not.
    p.write(
        "site/a/index.html",
        page("<div class=\"consent-banner\" style=\"display:none\"><button>hidden-yes</button><button>hidden-no</button></div>"),
    );
    let run = offline(&p, &["--allow", "no-policy-page", "--allow", "not-stored"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("error[audit-incomplete]: no consent button to press"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("note: after refusing: nothing stored on 1 page visited"),
        "{}",
        run.stdout
    );
    // Hidden, then shown: the shown one is pressed.
    p.write(
        "site/a/index.html",
        page("<div class=\"consent-banner\" style=\"display:none\"><button>hidden-yes</button><button>hidden-no</button></div>\
              <div class=\"consent-banner\"><button>yes</button><button>no</button></div>"),
    );
    let run = offline(
        &p,
        &[
            "--allow",
            "no-policy-page",
            "--allow",
            "not-stored",
            "--format",
            "json",
        ],
    );
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let written: Vec<&str> = report["stored"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["name"] == "choice")
        .map(|s| s["written"].as_str().unwrap())
        .collect();
    assert_eq!(
        written,
        ["choice=no; max-age=3600", "choice=yes; max-age=3600"],
        "{}",
        run.stdout
    );
}

pub fn each_item_is_credited_to_the_write_that_stored_it() {
    let p = Project::fixture("rules/base");
    std::fs::remove_file(p.path("site/a/cookies.html")).unwrap();
    p.write(
        "site/a/index.html",
        "<!DOCTYPE html><html lang=\"en\"><body><div class=\"consent-banner\"><button>Yes</button><button>No</button></div>\n\
         <script>document.cookie = \"promo=; max-age=0; path=/\";\n\
         document.cookie = \"promo=1; path=/\";\n\
         document.cookie = \"dyn\" + Math.random().toString(36).slice(2) + \"=1; path=/\";</script></body></html>",
    );
    // `site/` names the folder `site` names: the same findings, the same places.
    let runs = [("site", 0), ("site/", 1)].map(|(site, _)| {
        p.run(&[
            "audit",
            "--site",
            site,
            "--network",
            "offline",
            "--allow",
            "no-policy-page",
            "--allow",
            "not-stored",
            "--format",
            "json",
        ])
    });
    let mut reports = runs.iter().map(|run| {
        assert_eq!(run.code, 1, "{}", run.stdout);
        serde_json::from_str::<serde_json::Value>(&run.stdout).unwrap()
    });
    let (plain, slashed) = (reports.next().unwrap(), reports.next().unwrap());
    assert_eq!(findings(&plain), findings(&slashed));
    let undeclared: Vec<&serde_json::Value> = plain["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "undeclared-cookie")
        .collect();
    // `promo` once, at the write that set it, not at the deletion before it.
    let promo: Vec<u64> = undeclared
        .iter()
        .filter(|d| d["subject"]["name"] == "promo")
        .map(|d| d["line"].as_u64().unwrap())
        .collect();
    assert_eq!(promo, [3], "{undeclared:?}");
    // A name made anew on each visit is one finding of its write, naming the others.
    let random: Vec<&&serde_json::Value> = undeclared
        .iter()
        .filter(|d| d["subject"]["name"].as_str().unwrap().starts_with("dyn"))
        .collect();
    assert_eq!(random.len(), 1, "{undeclared:?}");
    assert!(
        random[0]["message"]
            .as_str()
            .unwrap()
            .contains("the same write stored other names on other visits"),
        "{}",
        random[0]
    );
}

pub fn a_frame_of_a_subdomain_in_the_pages_process_has_its_storage_read() {
    let p = Project::fixture("rules/base");
    std::fs::remove_file(p.path("site/a/cookies.html")).unwrap();
    p.write(
        "site/a/index.html",
        "<!DOCTYPE html><html lang=\"en\"><body><div class=\"consent-banner\"><button>Yes</button><button>No</button></div>\
         <iframe src=\"https://w.a.example/frame.html\" title=\"Widget\"></iframe></body></html>",
    );
    p.write(
        "fixtures/w.a.example/frame.html",
        "<!DOCTYPE html><html><body><script>localStorage.setItem(\"subkey\", \"1\");</script></body></html>",
    );
    let run = offline(
        &p,
        &[
            "--fixtures",
            "fixtures",
            "--allow",
            "no-policy-page",
            "--allow",
            "not-stored",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("error[undeclared-storage]: a real browser stores localStorage key `subkey` (https://w.a.example)"),
        "{}",
        run.stdout
    );
}

pub fn a_cookie_a_header_sets_keeps_its_partition_as_a_real_server_gives_it() {
    let p = Project::fixture("rules/base");
    std::fs::remove_file(p.path("site/a/cookies.html")).unwrap();
    p.edit(
        "catalogue.toml",
        "dir = \"a\"\nlanguages = [\"en\"]\n",
        "dir = \"a\"\nlanguages = [\"en\"]\n\n[[site]]\nid = \"b\"\nurl = \"https://b.example\"\ndir = \"b\"\nlanguages = [\"en\"]\n",
    );
    p.write(
        "site/a/index.html",
        "<!DOCTYPE html><html lang=\"en\"><body>\
         <iframe src=\"https://b.example/embed.html\" title=\"Map\"></iframe></body></html>",
    );
    p.write(
        "site/b/embed.html",
        "<!DOCTYPE html><html lang=\"en\"><body><p>A map.</p></body></html>",
    );
    // The embed's host sets a partitioned (CHIPS) cookie; the other site's host an
    // unpartitioned one. A response the audit fulfilled through the DevTools protocol would
    // lose `Partitioned`: these come from its loopback server, over TLS.
    p.write(
        "site/b/_headers",
        "/embed.html\n  Set-Cookie: chips=1; Path=/; Secure; SameSite=None; Partitioned; Max-Age=86400\n",
    );
    p.write(
        "site/_headers",
        "/a/*\n  Set-Cookie: sid=7; Path=/; Secure; HttpOnly\n",
    );
    let run = offline(
        &p,
        &[
            "--allow",
            "no-policy-page",
            "--allow",
            "not-stored",
            "--allow",
            "undeclared-cookie",
            "--format",
            "json",
        ],
    );
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let stored = report["stored"].as_array().unwrap();
    let chips: Vec<&serde_json::Value> = stored.iter().filter(|s| s["name"] == "chips").collect();
    // In the frame on a.example, and on its own page: each kept for its top-level site.
    let mut keys: Vec<&str> = chips
        .iter()
        .map(|c| c["partition_key"].as_str().unwrap_or("none"))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(
        keys,
        ["https://a.example", "https://b.example"],
        "{chips:#?}"
    );
    for chip in &chips {
        assert_eq!(chip["domain"], "b.example", "{chip}");
        assert_eq!(chip["secure"], true, "{chip}");
        assert_eq!(
            chip["written"],
            "Set-Cookie: chips=1; Path=/; Secure; SameSite=None; Partitioned; Max-Age=86400",
            "{chip}"
        );
        assert_eq!(chip["set_at"]["file"], "site/b/_headers", "{chip}");
    }
    let sid = stored.iter().find(|s| s["name"] == "sid").unwrap();
    assert!(sid.get("partition_key").is_none(), "{sid}");
    assert_eq!(sid["http_only"], true, "{sid}");
}

/// `init --audit`: what a real browser stores and the static scan cannot see (a tag a
/// container loads, a frame of another site) is in the starting catalogue, once, with its
/// party, lifetime and setter.
pub fn init_with_the_audit_adds_what_only_a_browser_sees() {
    let p = Project::fixture("audit");
    std::fs::remove_file(p.path("catalogue.toml")).unwrap();
    let run = p.run(&[
        "init",
        "--site",
        "site",
        "--out",
        "new.toml",
        "--audit",
        "--network",
        "offline",
        "--fixtures",
        "fixtures",
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let text = p.read("new.toml");
    let catalogue: toml::Value = toml::from_str(&text).unwrap();
    let cookies = catalogue["cookie"].as_array().unwrap();
    let entry = |name: &str| {
        let found: Vec<&toml::Value> = cookies
            .iter()
            .filter(|c| c["names"][0].as_str() == Some(name))
            .collect();
        assert_eq!(found.len(), 1, "{name} once\n{text}");
        found[0]
    };
    let wid = entry("wid");
    assert_eq!(wid["party"].as_str(), Some("third"));
    assert_eq!(wid["duration"].as_str(), Some("1 day"));
    assert_eq!(wid["set_by"].as_str(), Some("tag"));
    assert!(
        text.contains("set at https://widget.example/frame.html:3:25"),
        "{text}"
    );
    assert_eq!(entry("wid-chat")["kind"].as_str(), Some("local-storage"));
    let ga = entry("_ga");
    assert_eq!(ga["provider"].as_str(), Some("Google"));
    assert_eq!(ga["duration"].as_str(), Some("2 years"));
    // What the static scan found is not added a second time.
    entry("promo");
    // And the build refuses it until a person has written every TODO.
    let run = p.run(&["check", "--catalogue", "new.toml", "--site", "site"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stdout.contains("is a placeholder"), "{}", run.stdout);
}

/// `init --audit` without a browser is bad input and writes nothing.
pub fn init_with_the_audit_and_no_browser_writes_nothing() {
    let p = Project::fixture("rules/base");
    let run = p.run(&[
        "init",
        "--site",
        "site",
        "--out",
        "new.toml",
        "--audit",
        "--chrome",
        "/nonexistent/chromium",
    ]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(!p.path("new.toml").exists());
}
