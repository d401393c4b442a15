//! Consent timing, statically: a service whose cookies need consent, loaded as the page loads
//! with nothing holding it back, is `loaded-before-consent`; a consent manager's markup, the
//! service's own consent setting or a consent gate in the page's code holds it back.

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

[category.statistics]
title.en = "Statistics"
description.en = "Counting, only if you agree."
consent = true

[category.marketing]
title.en = "Marketing"
description.en = "Embedded content, only if you agree."
consent = true

[[cookie]]
names = ["_ga", "_ga_*"]
provider = "Google"
function.en = "Audience"
purpose.en = "Counts visits"
duration = "2 years"
category = "statistics"
party = "first"
set_by = "tag"

[[cookie]]
names = ["YSC", "VISITOR_INFO1_LIVE"]
provider = "Google (YouTube)"
function.en = "Videos"
purpose.en = "Counts views"
duration = "up to 6 months"
category = "marketing"
party = "third"
set_by = "tag"
"#;

const POLICY: &str = "<!DOCTYPE html>\n<html lang=\"en\">\n<body>\n<div data-cookie-table=\"statistics\"></div>\n<div data-cookie-table=\"marketing\"></div>\n</body>\n</html>\n";

/// A site whose home page has `head` in its `<head>`; returns the check's exit code and report.
fn check(head: &str) -> (i32, String) {
    let p = Project::empty();
    p.write("catalogue.toml", CATALOGUE);
    p.write("site/a/cookies.html", POLICY);
    p.write(
        "site/a/index.html",
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n{head}\n</head>\n<body></body>\n</html>\n"
        ),
    );
    let run = p.run(&["check", "--allow", "unseen-cookie"]);
    (run.code, run.stdout)
}

const GTAG: &str = "https://www.googletagmanager.com/gtag/js?id=G-ABC";

#[test]
fn a_plain_tag_or_an_unconditional_loader_loads_before_consent() {
    for head in [
        format!("<script async src=\"{GTAG}\"></script>"),
        format!("<script>var s=document.createElement(\"script\");s.src=\"{GTAG}\";document.head.appendChild(s);</script>"),
        "<script>!function(){function e(){dataLayer.push(arguments)}e(\"js\",new Date),e(\"config\",\"G-ABC\")}();</script>".to_owned(),
        "<iframe src=\"https://www.youtube.com/embed/x\"></iframe>".to_owned(),
        // A lazy loader's data-src loads on scroll, consent or not.
        "<iframe data-src=\"https://www.youtube.com/embed/x\" class=\"lazyload\"></iframe>".to_owned(),
    ] {
        let (code, report) = check(&head);
        assert_eq!(code, 1, "{head}\n{report}");
        assert_eq!(
            report.matches("error[loaded-before-consent]").count(),
            1,
            "{head}\n{report}"
        );
        assert_eq!(report.matches("error[").count(), 1, "{head}\n{report}");
    }
}

#[test]
fn consent_managers_and_consent_settings_hold_services_back() {
    for head in [
        // vanilla-cookieconsent, Cookiebot, OneTrust, Klaro.
        format!("<script type=\"text/plain\" data-category=\"statistics\" src=\"{GTAG}\"></script>"),
        format!("<script type=\"text/plain\" data-cookieconsent=\"statistics\" src=\"{GTAG}\"></script>"),
        format!("<script type=\"text/plain\" class=\"optanon-category-C0002\" src=\"{GTAG}\"></script>"),
        format!("<script type=\"text/plain\" data-type=\"text/javascript\" data-name=\"ga\" data-src=\"{GTAG}\"></script>"),
        "<iframe data-src=\"https://www.youtube.com/embed/x\" data-name=\"youtube\"></iframe>".to_owned(),
        "<iframe data-cookieblock-src=\"https://www.youtube.com/embed/x\" data-cookieconsent=\"marketing\"></iframe>".to_owned(),
        // Google's consent mode, denied by default, in a script before the tag.
        format!("<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments);}}gtag('consent', 'default', {{'analytics_storage': 'denied'}});</script><script async src=\"{GTAG}\"></script>"),
        // An inline snippet parked until consent.
        "<script type=\"text/plain\" data-category=\"statistics\">gtag('config', 'G-ABC');</script>".to_owned(),
    ] {
        let (code, report) = check(&head);
        assert_eq!(code, 0, "{head}\n{report}");
    }
}

#[test]
fn the_demo_matomo_waits_for_consent_and_loses_its_wait_when_removed() {
    let p = Project::portals();
    assert_eq!(p.run(&["check"]).code, 0);
    p.edit(
        "site/odwb/index.html",
        "    _paq.push(['requireConsent']);\n",
        "",
    );
    let run = p.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("site/odwb/index.html:11:5: error[loaded-before-consent]: Matomo loads as the page loads on site `odwb`"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("_paq.push(['requireConsent']) in the snippet"),
        "the help names the setting"
    );
}

#[test]
fn a_waiver_names_why_for_one_file() {
    let p = Project::empty();
    p.write(
        "catalogue.toml",
        format!("{CATALOGUE}\n[[allow]]\nrule = \"loaded-before-consent\"\nfiles = [\"a/index.html\"]\nreason = \"our server-side consent proxy only serves gtag.js after consent\"\n"),
    );
    p.write("site/a/cookies.html", POLICY);
    p.write(
        "site/a/index.html",
        format!("<html lang=\"en\"><head><script async src=\"{GTAG}\"></script></head></html>"),
    );
    let run = p.run(&["check", "--allow", "unseen-cookie"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
}
