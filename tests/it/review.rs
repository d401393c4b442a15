//! A hostile review's findings, each kept as a case: ways a page or a script once set a cookie,
//! or loaded a service before consent, without the tool saying so.

use crate::support::Project;

const PAGE: &str =
    "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>t</title></head><body>";

/// The demo with `page` as site/datastro/t.html (and `script` as site/datastro/t.js when given).
fn demo_with(page: &str, script: Option<&str>) -> Project {
    let p = Project::portals();
    p.write(
        "site/datastro/t.html",
        format!("{PAGE}{page}</body></html>\n"),
    );
    if let Some(script) = script {
        p.write("site/datastro/t.js", script);
    }
    p
}

#[test]
fn every_way_a_cookie_was_once_missed_is_found() {
    let with_script = "<script src=\"t.js\"></script>";
    for (page, script, cookie) in [
        // A keyword as a property name before a division.
        (
            with_script,
            Some(
                "var share = counts.new / counts.total; document.cookie = \"ratio=\" + share + \"; max-age=86400\";",
            ),
            "ratio",
        ),
        // An identifier written with an escape.
        (
            "<script>document.\\u0063ookie = \"esc=1; max-age=31536000\";</script>",
            None,
            "esc",
        ),
        // `<!--` is no comment in a module.
        (
            "<script type=\"module\">if (0 <!--b) ; document.cookie = \"mod=1; max-age=31536000\";</script>",
            None,
            "mod",
        ),
        // Code in attributes.
        (
            "<body onload=\"document.cookie='onload=1; max-age=31536000'\">",
            None,
            "onload",
        ),
        (
            "<a href=\"javascript:document.cookie='jsurl=1; max-age=31536000'\">x</a>",
            None,
            "jsurl",
        ),
        // Attribute names have no case, and a scheme may follow spaces or be percent-encoded.
        (
            "<button ONCLICK=\"document.cookie='upper=1; max-age=31536000'\">x</button>",
            None,
            "upper",
        ),
        (
            "<form ACTION=\"  JavaScript:document.cookie='act=1;%20max-age=31536000'\"></form>",
            None,
            "act",
        ),
        (
            "<svg><a xlink:href=\"javascript:document.cookie='xlink=1; max-age=31536000'\"><text>x</text></a></svg>",
            None,
            "xlink",
        ),
        (
            "<p hidden onmouseover=\"document.cookie='hid=1; max-age=31536000'\">x</p>",
            None,
            "hid",
        ),
        // SVG reads a script's entities before it runs.
        (
            "<svg><script>document.cookie = &quot;svg=1; max-age=31536000&quot;;</script></svg>",
            None,
            "svg",
        ),
        // js-cookie through withAttributes.
        (
            with_script,
            Some(
                "Cookies.withAttributes({ path: \"/\" }).set(\"chained\", \"1\", { expires: 365 });",
            ),
            "chained",
        ),
        // A Max-Age that is not a number is ignored, not a deletion.
        (
            "<script>document.cookie = \"notzero=1; max-age=0s\";</script>",
            None,
            "notzero",
        ),
        // Escapes in a template literal are read.
        (
            "<script>document.cookie = `escaped=1; max-age=0\\x39\\x39`;</script>",
            None,
            "escaped",
        ),
        // Hosts have no case; a query that quotes another URL names no service.
        (
            "<script async src=\"https://www.GoogleTagManager.com/gtag/js?id=G-ABC123\"></script>",
            None,
            "_ga",
        ),
        (
            "<iframe src=\"https://www.youtube.com/embed/abc?origin=https://www.youtube-nocookie.com/embed\"></iframe>",
            None,
            "YSC",
        ),
        (
            "<div id=\"p\"></div><script src=\"https://www.youtube.com/iframe_api\"></script>",
            None,
            "YSC",
        ),
        (
            "<embed src=\"https://www.youtube.com/embed/abc\">",
            None,
            "YSC",
        ),
        (
            "<object data=\"https://player.vimeo.com/video/1\"></object>",
            None,
            "vuid",
        ),
        (
            "<img srcset=\"https://www.facebook.com/tr?id=1&ev=PageView 1x\">",
            None,
            "_fbp",
        ),
    ] {
        let p = demo_with(page, script);
        let run = p.run(&["check"]);
        assert_eq!(run.code, 1, "{page} {script:?}\n{}", run.stdout);
        assert!(
            run.stdout.contains(&format!("cookie `{cookie}`")),
            "{page} {script:?}\n{}",
            run.stdout
        );
    }
}

#[test]
fn a_headers_rule_is_read_in_every_form_hosts_accept_and_never_dropped() {
    for path in [
        "/*/cookies.html",
        "/:site/*",
        "/datastro",
        "https://www.datastro.eu/*",
        "/max/*",
    ] {
        let p = Project::portals();
        p.write(
            "site/_headers",
            format!("{path}\n  Set-Cookie: track=1; Max-Age=31536000\n"),
        );
        let run = p.run(&["check"]);
        assert_eq!(run.code, 1, "{path}\n{}", run.stdout);
        assert!(
            run.stdout.contains("cookie `track`"),
            "{path}\n{}",
            run.stdout
        );
    }
    let p = Project::portals();
    p.write("site/_headers", "/*\n  Set-Cookie: track=1; Max-Age=0s\n");
    assert!(p.run(&["check"]).stdout.contains("cookie `track`"));
}

#[test]
fn every_write_of_a_cookie_is_checked_for_its_lifetime() {
    let p = demo_with(
        "<script>document.cookie=\"cookies_preferences=1; max-age=15724800\";\ndocument.cookie=\"cookies_preferences=2; max-age=63072000\";</script>",
        None,
    );
    let run = p.run(&["check"]);
    assert!(
        run.stdout.contains(
            "error[duration-mismatch]: cookie `cookies_preferences` is declared to last 6 months"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("t.html:2:1"),
        "the second write is the one: {}",
        run.stdout
    );
}

/// The demo with GA declared for datastro, and `page` as its t.html.
fn ga(page: &str, script: Option<&str>) -> Project {
    let p = demo_with(page, script);
    p.write(
        "catalogue.toml",
        p.read("catalogue.toml")
            + "\n[[cookie]]\nnames = [\"_ga\", \"_ga_*\"]\nprovider = \"Google\"\nfunction.en = \"Audience\"\npurpose.en = \"Counts visits\"\nduration = \"2 years\"\ncategory = \"statistics\"\nparty = \"first\"\nset_by = \"tag\"\nsites = [\"datastro\"]\n",
    );
    p.edit(
        "site/datastro/cookies.html",
        "data-cookie-table=\"necessary\"></div>",
        "data-cookie-table=\"necessary\"></div>\n<div data-cookie-table=\"statistics\"></div>",
    );
    p
}

#[test]
fn text_that_holds_nothing_back_is_not_a_consent_gate() {
    let loader = "<script>var s=document.createElement('script');s.src='https://www.googletagmanager.com/gtag/js?id=G-1';document.head.appendChild(s);</script>";
    for page in [
        // Reading MkDocs Material's stored consent is not calling its guarded loader.
        format!("<script>console.log(__md_get(\"__consent\"))</script>{loader}"),
        // Consent mode quoted in a string is not consent mode.
        format!(
            "<script>var help='gtag(\"consent\",\"default\",{{\"analytics_storage\":\"denied\"}})';</script>{loader}"
        ),
    ] {
        let p = ga(&page, None);
        let run = p.run(&["check"]);
        assert!(
            run.stdout.contains("error[loaded-before-consent]"),
            "{page}\n{}",
            run.stdout
        );
    }
    // A site script held back on one page but loaded by an inline loader on another is not held back.
    let p = ga(
        "<script type=\"text/plain\" data-category=\"statistics\" src=\"t.js\"></script>",
        Some(
            "var s=document.createElement('script');s.src='https://www.googletagmanager.com/gtag/js?id=G-1';document.head.appendChild(s);",
        ),
    );
    assert!(!p.run(&["check"]).stdout.contains("loaded-before-consent"));
    p.write(
        "site/datastro/u.html",
        format!("{PAGE}<script>var s=document.createElement('script');s.src='t.js';document.head.appendChild(s);</script></body></html>"),
    );
    let run = p.run(&["check"]);
    assert!(
        run.stdout.contains("error[loaded-before-consent]"),
        "{}",
        run.stdout
    );
    // A tag held back by a type with a stray space is held back.
    let p = ga(
        "<script async type=\"text/plain \" data-category=\"statistics\" src=\"https://www.googletagmanager.com/gtag/js?id=G-1\"></script><script>gtag('config', 'G-1');</script>",
        None,
    );
    let run = p.run(&["check"]);
    assert!(
        !run.stdout.contains("loaded-before-consent"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_bare_carriage_return_ends_a_line() {
    let p = Project::portals();
    p.write(
        "site/datastro/t.html",
        "<html>\r<body>\r<p>x</p>\r<script>\r  document.cookie=\"track=1; max-age=99999\";\r</script></body></html>",
    );
    let run = p.run(&["check"]);
    assert!(
        run.stdout
            .contains("site/datastro/t.html:5:3: error[undeclared-cookie]"),
        "{}",
        run.stdout
    );
}

#[test]
fn an_output_given_as_a_link_is_refused() {
    let p = Project::portals();
    assert_eq!(p.run(&["build", "--out", "dist"]).code, 0);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(p.path("dist"), p.path("L")).unwrap();
        let run = p.run(&["build", "--out", "L"]);
        assert_eq!(run.code, 2, "{}", run.stdout);
        assert!(run.stdout.contains("is a link"), "{}", run.stdout);
        assert!(p.path("L").is_symlink());
    }
}
