//! Markers and hand-written tables on small sites: bad markers exit 2 with page:line:col, hidden or drifting tables exit 1.

use crate::support::Project;

const CATALOGUE: &str = r#"
[[site]]
id = "a"
url = "https://a.example"
dir = "a"
languages = ["en", "fr"]

[[site]]
id = "b"
url = "https://b.example"
dir = "b"
languages = ["en"]

[category.necessary]
title = { en = "Necessary", fr = "Nécessaires" }
description = { en = "Needed.", fr = "Requis." }
consent = false

[category.statistics]
title = { en = "Statistics", fr = "Statistiques" }
description = { en = "Counting.", fr = "Comptage." }
consent = true

[[cookie]]
names = ["sid"]
provider = "Acme"
function = { en = "Login", fr = "Connexion" }
purpose = { en = "Keeps you <signed in> & \"safe\"", fr = "Vous garde connecté" }
duration = "session"
category = "necessary"
party = "first"
set_by = "server"

[cookie.override.b]
duration = "30 minutes"
purpose = { en = "Keeps b's visitors signed in" }

[[cookie]]
names = ["_pk_id.*", "_pk_ses.*"]
provider = "Matomo"
function = { en = "Audience measurement", fr = "Mesure d'audience" }
purpose = { en = "Counts visits", fr = "Compte les visites" }
duration = "13 months"
category = "statistics"
party = "first"
set_by = "tag"
sites = ["a"]
allow.unseen-cookie = "the test pages carry no Matomo snippet"
"#;

fn page(lang: &str, body: &str) -> String {
    format!("<!DOCTYPE html>\n<html lang=\"{lang}\">\n<body>\n{body}\n</body>\n</html>\n")
}

const BOTH: &str =
    "<div data-cookie-table=\"necessary\"></div>\n<div data-cookie-table=\"statistics\"></div>";

/// A project with the catalogue above, site b's policy page, and the given pages.
fn project(pages: &[(&str, String)]) -> Project {
    let p = Project::empty();
    p.write("catalogue.toml", CATALOGUE);
    p.write(
        "site/b/cookies.html",
        page("en", "<div data-cookie-table=\"necessary\"></div>"),
    );
    for (path, text) in pages {
        p.write(path, text);
    }
    // Site a speaks English and French: a test about something else gets its French policy
    // page too, so language parity holds (tests of parity and of French pages give their own).
    let site_a = pages.iter().any(|(path, text)| {
        path.starts_with("site/a/")
            && (text.contains("data-cookie-table") || text.contains("<table"))
    });
    let french = pages
        .iter()
        .any(|(_, text)| text.contains("<html lang=\"fr"));
    if site_a && !french {
        p.write("site/a/fr/cookies.html", page("fr", BOTH));
    }
    p
}

fn first_line(run: &crate::support::Run) -> String {
    run.stdout.lines().next().unwrap_or_default().to_owned()
}

#[test]
fn a_clean_site_renders_escaped_text_overrides_and_patterns() {
    let p = project(&[
        ("site/a/cookies.html", page("en", BOTH)),
        ("site/a/fr.html", page("fr", BOTH)),
    ]);
    let run = p.run(&["build", "--out", "dist"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let a = p.read("dist/a/cookies.html");
    assert!(
        a.contains("<td>Keeps you &lt;signed in&gt; &amp; &quot;safe&quot;</td>"),
        "{a}"
    );
    assert!(a.contains("<td>Session</td>"));
    assert!(a.contains("<td><code>_pk_id.*</code>, <code>_pk_ses.*</code></td>"));
    assert!(a.contains("<td>13 months</td>"));
    let fr = p.read("dist/a/fr.html");
    assert!(
        fr.contains("<td>Vous garde connecté</td>") && fr.contains("<th scope=\"col\">Durée</th>")
    );
    let b = p.read("dist/b/cookies.html");
    assert!(
        b.contains("<td>Keeps b's visitors signed in</td>") && b.contains("<td>30 minutes</td>"),
        "{b}"
    );
    assert!(!b.contains("_pk_id"), "site b does not use Matomo");
    assert_eq!(p.run(&["check"]).code, 0);
}

#[test]
fn a_marker_may_ask_for_another_language() {
    let body = "<div data-cookie-table=\"necessary\" lang=\"fr\"></div>\n<div data-cookie-table=\"statistics\"></div>";
    let p = project(&[("site/a/cookies.html", page("en", body))]);
    // The English page shows its necessary table in French: no page shows it in English,
    // which language parity says; this test is about the marker's language alone.
    let run = p.run(&["build", "--out", "dist", "--allow", "language-parity"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let a = p.read("dist/a/cookies.html");
    assert!(a.contains("<caption>Nécessaires <span") && a.contains("<caption>Statistics <span"));
}

#[test]
fn an_unknown_category_is_bad_input_at_its_place() {
    let body = "<p>x</p>\n  <div data-cookie-table=\"necesary\"></div>";
    let p = project(&[("site/a/cookies.html", page("en", body))]);
    let run = p.run(&["build", "--out", "dist"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        first_line(&run),
        "site/a/cookies.html:5:3: error[bad-marker]: marker names unknown category `necesary`"
    );
    assert!(
        run.stdout
            .contains("= help: use one of: necessary, statistics")
    );
    assert!(!p.path("dist").exists());
}

#[test]
fn an_unknown_language_is_bad_input() {
    let p = project(&[(
        "site/a/cookies.html",
        page(
            "en",
            "<div data-cookie-table=\"necessary\" lang=\"de\"></div>",
        ),
    )]);
    let run = p.run(&["check"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        first_line(&run),
        "site/a/cookies.html:4:1: error[bad-marker]: the marker's lang `de` is not a language of site `a`"
    );
    let p = project(&[("site/a/cookies.html", page("nl", BOTH))]);
    let run = p.run(&["check"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        first_line(&run),
        "site/a/cookies.html:4:1: error[bad-marker]: the page's <html lang> `nl` is not a language of site `a`"
    );
}

#[test]
fn regional_page_languages_find_their_language() {
    let p = project(&[
        ("site/a/cookies.html", page("fr-BE", BOTH)),
        ("site/a/en/cookies.html", page("en", BOTH)),
    ]);
    let run = p.run(&["build", "--out", "dist"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        p.read("dist/a/cookies.html")
            .contains("<caption>Nécessaires <span")
    );
}

#[test]
fn markers_where_no_table_can_go_are_bad_input() {
    let p = project(&[(
        "site/a/cookies.html",
        page(
            "en",
            &format!("{BOTH}\n<img data-cookie-table=\"necessary\">"),
        ),
    )]);
    let run = p.run(&["check"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        first_line(&run),
        "site/a/cookies.html:6:1: error[bad-marker]: a marker on <img> cannot hold a table"
    );

    let p = project(&[
        ("site/a/cookies.html", page("en", BOTH)),
        ("site/other.html", page("en", BOTH)),
    ]);
    let run = p.run(&["check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stdout.lines().any(|l| l == "site/other.html:4:1: error[bad-marker]: this page belongs to no site of the catalogue, so its marker has no table"),
        "{}",
        run.stdout
    );
}

#[test]
fn markers_visitors_never_see_are_drift() {
    for (wrapper, place) in [
        ("<!-- {} -->", "a comment"),
        ("<noscript>{}</noscript>", "<noscript>"),
        ("<template>{}</template>", "<template>"),
        (
            "<section hidden>{}</section>",
            "an element with the hidden attribute",
        ),
        (
            "<div style=\"color: red; display : none !important\">{}</div>",
            "an element its inline style hides",
        ),
        (
            "<aside style=\"visibility:hidden\">{}</aside>",
            "an element its inline style hides",
        ),
    ] {
        let hidden = wrapper.replace("{}", "<div data-cookie-table=\"necessary\"></div>");
        let p = project(&[(
            "site/a/cookies.html",
            page("en", &format!("{BOTH}\n{hidden}")),
        )]);
        let run = p.run(&["check"]);
        assert_eq!(run.code, 1, "{place}: {}", run.stdout);
        let line = first_line(&run);
        assert!(
            line.starts_with("site/a/cookies.html:6:"),
            "{place}: {line}"
        );
        assert!(
            line.contains("error[hidden-marker]: marker sits inside ") && line.contains(place),
            "{line}"
        );
        assert_eq!(
            run.stdout.matches("error[").count(),
            1,
            "{place}: only the hidden marker\n{}",
            run.stdout
        );
    }
    // A hidden element ends where a browser ends it: a `<p>` before the next block, an inner
    // element at its parent's end tag.
    for before in [
        "<p hidden>Old notice",
        "<div hidden><p hidden>Old notice</div>",
        "<p style=\"display:none\">x <span hidden>y</p>",
        "<ul><li hidden>Old<li>",
        "<table><tr hidden><td>Old<tr><td>",
    ] {
        let p = project(&[(
            "site/a/cookies.html",
            page(
                "en",
                &format!("{BOTH}\n{before}<div data-cookie-table=\"necessary\"></div>"),
            ),
        )]);
        let run = p.run(&["check"]);
        assert_eq!(run.code, 0, "{before}\n{}", run.stdout);
    }
    // A marker that hides itself is hidden too.
    let p = project(&[(
        "site/a/cookies.html",
        page(
            "en",
            &format!("{BOTH}\n<div data-cookie-table=\"necessary\" hidden></div>"),
        ),
    )]);
    let run = p.run(&["check"]);
    assert!(
        first_line(&run).contains("error[hidden-marker]"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_site_without_a_policy_page_and_an_unlisted_cookie_are_drift() {
    let p = project(&[("site/a/index.html", page("en", "<p>home</p>"))]);
    let run = p.run(&["check"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        first_line(&run),
        "catalogue.toml:3:6: error[no-policy-page]: site `a` has no page with a cookie table under site/a/"
    );

    let necessary = "<div data-cookie-table=\"necessary\"></div>";
    let p = project(&[
        ("site/a/cookies.html", page("en", necessary)),
        ("site/a/fr/cookies.html", page("fr", necessary)),
    ]);
    let run = p.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(
        first_line(&run).ends_with("error[uncovered-cookie]: cookie `_pk_id.*, _pk_ses.*` appears on none of site `a`'s policy pages"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains(
        "= help: add <div data-cookie-table=\"statistics\"></div> to a policy page under site/a/"
    ));
}

#[test]
fn a_hand_written_table_is_checked_against_the_catalogue() {
    let table = "<table>\n<tr><th>Cookie</th><th>Provider</th><th>Purpose</th><th>Duration</th></tr>\n\
        <tr><td>sid</td><td>Acme</td><td>Keeps you &lt;signed in&gt; &amp; \"safe\"</td><td>Session</td></tr>\n\
        <tr><td>_pk_id.*, _pk_ses.*</td><td>Matomo</td><td>Counts visits</td><td>2 years</td></tr>\n\
        <tr><td>_ga</td><td>Google</td><td>Tracks</td><td>2 years</td></tr>\n</table>";
    let p = project(&[("site/a/cookies.html", page("en", table))]);
    let run = p.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let report = run.report();
    assert_eq!(report.matches("error[").count(), 2, "{report}");
    assert!(report.contains(
        "site/a/cookies.html:7:1: error[row-drift]: row `_pk_id.*, _pk_ses.*` of table 1 says something other than the catalogue (site `a`, language `en`)"
    ));
    assert!(
        report.contains("    -Duration: 13 months\n    +Duration: 2 years\n"),
        "{report}"
    );
    assert!(report.contains(
        "site/a/cookies.html:8:1: error[extra-row]: table 1, row 3 lists cookie `_ga`, which the catalogue does not declare for site `a`"
    ));
    // The page is left as it was: only markers are rewritten.
    let site_page = p.read("site/a/cookies.html");
    let p2 = project(&[(
        "site/a/cookies.html",
        site_page.replace(
            "2 years</td></tr>\n<tr><td>_ga</td><td>Google</td><td>Tracks</td><td>2 years",
            "13 months",
        ),
    )]);
    assert_eq!(p2.run(&["build", "--out", "dist"]).code, 0);
    assert_eq!(
        p2.read("dist/a/cookies.html"),
        p2.read("site/a/cookies.html")
    );
}

#[test]
fn a_template_that_drops_a_row_is_drift() {
    let p = project(&[("site/a/cookies.html", page("en", BOTH))]);
    p.write("row.html", "<table><tr><th>Cookie name</th><th>Provider</th><th>Function</th><th>Purpose</th><th>Duration</th></tr>{% for row in rows[1:] %}<tr><td>{{ row.names|join(', ') }}</td><td>{{ row.provider }}</td><td>{{ row.function }}</td><td>{{ row.purpose }}</td><td>{{ row.duration }}</td></tr>{% endfor %}</table>");
    p.edit(
        "catalogue.toml",
        "dir = \"b\"",
        "dir = \"b\"\ntemplate = \"row.html\"",
    );
    let run = p.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "site/b/cookies.html:4:1: error[missing-row]: table 1 lacks the row of cookie `sid`\n"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("    -Cookie name: sid\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_marker_without_its_own_end_tag_is_bad_input_and_loses_nothing() {
    for (body, expected) in [
        (
            format!("{BOTH}\n<p data-cookie-table=\"necessary\">\n<p>Legal text</p>"),
            "error[bad-marker]: the marker's <p> is closed by </body>, so its table would replace what comes between",
        ),
        (
            format!("{BOTH}\n<ul><li data-cookie-table=\"necessary\"><li>Second</ul>"),
            "error[bad-marker]: the marker's <li> is closed by </ul>, so its table would replace what comes between",
        ),
        (
            format!("{BOTH}\n<div data-cookie-table=\"necessary\"/>\n<p>Legal text</p>"),
            "error[bad-marker]: `/>` does not close a <div> in HTML, so its table would swallow what follows",
        ),
    ] {
        let p = project(&[("site/a/cookies.html", page("en", &body))]);
        let run = p.run(&["build", "--out", "dist"]);
        assert_eq!(run.code, 2, "{body}\n{}", run.stdout);
        assert_eq!(
            first_line(&run),
            format!(
                "site/a/cookies.html:6:{}: {expected}",
                if body.contains("<ul>") { 5 } else { 1 }
            )
        );
        assert!(!p.path("dist").exists());
    }
    // At the very end of a page with no end tag at all.
    let p = Project::empty();
    p.write("catalogue.toml", CATALOGUE);
    p.write(
        "site/b/cookies.html",
        "<div data-cookie-table=\"necessary\">",
    );
    let run = p.run(&["check"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        first_line(&run),
        "site/b/cookies.html:1:1: error[bad-marker]: the marker has no end tag, so its table would replace the rest of the page"
    );
}

#[test]
fn nested_void_and_foreign_markers_are_bad_input_without_side_effects() {
    let body = "<div data-cookie-table=\"necessary\"><div data-cookie-table=\"statistics\"></div></div>\n<table><tr><th>Cookie</th><th>Purpose</th></tr>\n<tr><td>sid</td><td>x</td></tr></table>".to_owned();
    let p = project(&[("site/a/cookies.html", page("en", &body))]);
    let run = p.run(&["check"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert_eq!(
        first_line(&run),
        "site/a/cookies.html:4:36: error[bad-marker]: a marker sits inside another marker"
    );
    assert!(
        run.stdout
            .contains("site/a/cookies.html:6:1: error[row-drift]"),
        "positions survive the bad marker: {}",
        run.stdout
    );

    let body = format!("<img data-cookie-table=\"necessary\">\n{BOTH}");
    let run = project(&[("site/a/cookies.html", page("en", &body))]).run(&["check"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stdout.matches("error[").count(),
        1,
        "the next marker is not 'inside' a void one: {}",
        run.stdout
    );

    let body = format!("<svg><g data-cookie-table=\"necessary\"></g></svg>\n{BOTH}");
    let run = project(&[("site/a/cookies.html", page("en", &body))]).run(&["check"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        first_line(&run),
        "site/a/cookies.html:4:6: error[bad-marker]: a marker on <g> inside <svg> or <math> cannot hold an HTML table"
    );
    for tag in ["iframe", "video", "body"] {
        let body = format!("{BOTH}\n<{tag} data-cookie-table=\"necessary\"></{tag}>");
        let run = project(&[("site/a/cookies.html", page("en", &body))]).run(&["check"]);
        assert_eq!(run.code, 2, "{tag}: {}", run.stdout);
        assert!(
            run.stdout
                .contains(&format!("a marker on <{tag}> cannot hold a table")),
            "{tag}: {}",
            run.stdout
        );
    }
}

#[test]
fn a_template_that_renders_a_marker_is_refused() {
    let p = project(&[("site/a/cookies.html", page("en", BOTH))]);
    p.write("wrap.html", "<div data-cookie-table=\"{{ category.id }}\"><table><tr><th>Cookie name</th><th>Purpose</th></tr></table></div>");
    p.edit(
        "catalogue.toml",
        "dir = \"b\"",
        "dir = \"b\"\ntemplate = \"wrap.html\"",
    );
    let run = p.run(&["build", "--out", "dist"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert_eq!(
        first_line(&run),
        "wrap.html:1:1: error[template]: the template's table contains a marker (data-cookie-table), which the next build would fill again"
    );
}

#[test]
fn tables_that_are_not_cookie_tables_are_left_alone() {
    let people = "<table><tr><th>Name</th><th>Role</th></tr><tr><td>Alice Martin</td><td>Editor</td></tr></table>";
    let cookies = "<table><tr><th>Cookie</th><th>Purpose</th></tr><tr><td>sid</td><td>Keeps you &lt;signed in&gt; &amp; \"safe\"</td></tr></table>";
    let contact = "<table><tr><td>Email</td><td>a@example.org</td></tr><tr><td>Phone</td><td>0</td></tr></table>";
    let body = format!("{BOTH}\n{people}\n{cookies}\n<p>Contact</p>\n{contact}");
    let p = project(&[("site/a/cookies.html", page("en", &body))]);
    let run = p.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
}

#[test]
fn a_group_heading_above_the_header_row_is_understood() {
    let table = "<table>\n<tr><th colspan=\"2\">Necessary cookies</th></tr>\n<tr><th>Cookie name</th><th>Purpose</th></tr>\n<tr><td>sid</td><td>Spying</td></tr>\n</table>";
    let p = project(&[(
        "site/a/cookies.html",
        page("en", &format!("{BOTH}\n{table}")),
    )]);
    let run = p.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(
        first_line(&run)
            .starts_with("site/a/cookies.html:9:1: error[row-drift]: row `sid` of table 3"),
        "{}",
        run.stdout
    );
}

#[test]
fn patterns_match_the_names_a_page_lists() {
    let table = |names: &str| {
        format!(
            "<table><tr><th>Cookie names</th><th>Provider</th></tr><tr><td>{names}</td><td>Matomo</td></tr></table>"
        )
    };
    let p = project(&[(
        "site/a/cookies.html",
        page(
            "en",
            &format!("{BOTH}\n{}", table("_pk_id.1.a1b2, _pk_ses.1.a1b2")),
        ),
    )]);
    let run = p.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let p = project(&[(
        "site/a/cookies.html",
        page("en", &format!("{BOTH}\n{}", table("_pk_id.1.a1b2"))),
    )]);
    let run = p.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("    -Cookie names: _pk_id.*, _pk_ses.*\n    +Cookie names: _pk_id.1.a1b2\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn site_folders_are_matched_however_they_are_spelt() {
    let p = project(&[("site/a/cookies.html", page("en", BOTH))]);
    p.edit("catalogue.toml", "dir = \"a\"", "dir = \"./a/\"");
    assert_eq!(p.run(&["check"]).code, 0);
    p.edit("catalogue.toml", "dir = \"./a/\"", "dir = \"./b/.\"");
    let run = p.run(&["check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stdout
            .contains("error[catalogue-invalid]: site dir `b` is already another site's"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_site_template_sees_party_and_setter() {
    let p = project(&[("site/a/cookies.html", page("en", BOTH))]);
    p.write(
        "mine.html",
        "<table><tr><th>Cookie name</th><th>Purpose</th><th>Duration</th><th>Provider</th><th>Function</th><th>Set by</th></tr>{% for row in rows %}<tr><td>{{ row.names|join(', ') }}</td><td>{{ row.purpose }}</td><td>{{ row.duration }}</td><td>{{ row.provider }}</td><td>{{ row.function }}</td><td>{{ row.party }}-party, {{ row.set_by }}</td></tr>{% endfor %}</table>",
    );
    p.edit(
        "catalogue.toml",
        "dir = \"b\"",
        "dir = \"b\"\ntemplate = \"mine.html\"",
    );
    let run = p.run(&["build", "--out", "dist"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        p.read("dist/b/cookies.html")
            .contains("<td>first-party, server</td>")
    );
}

#[test]
fn a_marker_written_in_capitals_gets_its_table() {
    let p = crate::support::Project::portals();
    p.edit(
        "site/datastro/cookies.html",
        "<div class=\"cookie-table-wrapper\" data-cookie-table=\"necessary\"></div>",
        "<DIV class=\"cookie-table-wrapper\" DATA-Cookie-Table=\"necessary\"></DIV>",
    );
    let run = p.run(&["build", "--out", "dist"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let page = p.read("dist/datastro/cookies.html");
    let marker = page
        .find("DATA-Cookie-Table=\"necessary\">")
        .expect("the marker is kept");
    assert!(
        page[marker..].contains("<table class=\"cookie-table\" data-category=\"necessary\""),
        "{page}"
    );
}
