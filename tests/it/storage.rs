//! Web storage declared like cookies: `kind` in the catalogue, a type column in the tables of
//! every language, the static scan's storage writes, and `export`.

use crate::support::{LAYOUT, Project};

const CATALOGUE: &str = r#"
[[site]]
id = "a"
url = "https://a.example"
dir = "a"
languages = ["en", "fr"]

[category.necessary]
title = { en = "Necessary", fr = "Nécessaires" }
description = { en = "Needed for the site to work.", fr = "Indispensables au site." }
consent = false

[[cookie]]
names = ["sid"]
provider = "Example"
function = { en = "Sign-in", fr = "Connexion" }
purpose = { en = "Keeps you signed in", fr = "Vous garde connecté" }
duration = "session"
category = "necessary"
party = "first"
set_by = "server"

[[cookie]]
names = ["palette"]
kind = "local-storage"
provider = "Example"
function = { en = "Colour scheme", fr = "Couleurs" }
purpose = { en = "Remembers the colours you chose", fr = "Retient les couleurs choisies" }
duration = "persistent"
category = "necessary"
party = "first"
set_by = "script"

[[cookie]]
names = ["step"]
kind = "session-storage"
provider = "Example"
function = { en = "Order form", fr = "Formulaire de commande" }
purpose = { en = "Keeps your place in the form", fr = "Garde votre étape du formulaire" }
duration = "session"
category = "necessary"
party = "first"
set_by = "script"
"#;

const HOME: &str = "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Home</title></head>\n<body>\n<script>\n  localStorage.setItem(\"palette\", \"dark\");\n  sessionStorage.step = \"2\";\n</script>\n</body>\n</html>\n";

fn project() -> Project {
    let p = Project::empty();
    p.write("cookie-ledger.toml", LAYOUT);
    p.write("catalogue.toml", CATALOGUE);
    p.write("site/a/index.html", HOME);
    for (file, lang) in [("cookies.html", "en"), ("cookies.fr.html", "fr")] {
        p.write(
            &format!("site/a/{file}"),
            format!("<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head><meta charset=\"utf-8\"><title>Cookies</title></head>\n<body>\n<div data-cookie-table=\"necessary\"></div>\n</body>\n</html>\n"),
        );
    }
    p
}

#[test]
fn declared_storage_is_clean_and_every_table_says_its_type_in_its_language() {
    let p = project();
    let run = p.run(&["build", "--out", "dist"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(!run.stdout.contains("warning["), "{}", run.stdout);
    let en = p.read("dist/a/cookies.html");
    for text in [
        "<th scope=\"col\">Type</th>",
        "<td>Cookie</td>",
        "<td>Local storage</td>",
        "<td>Session storage</td>",
        "<td>Until deleted</td>",
    ] {
        assert!(en.contains(text), "{text}: {en}");
    }
    let fr = p.read("dist/a/cookies.fr.html");
    for text in [
        "<td>Stockage local</td>",
        "<td>Stockage de session</td>",
        "<td>Jusqu'à suppression</td>",
    ] {
        assert!(fr.contains(text), "{text}: {fr}");
    }
    // Its own output is what the catalogue says: checking it finds nothing.
    let run = p.run(&["check", "--site", "dist"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
}

#[test]
fn undeclared_storage_is_an_error_at_its_write_and_the_kind_must_match() {
    let p = project();
    // `step` declared as a cookie does not declare the sessionStorage key.
    p.edit("catalogue.toml", "kind = \"session-storage\"\n", "");
    let run = p.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let report = run.report();
    assert!(
        report.contains("site/a/index.html:7:3: error[undeclared-storage]: a script (sessionStorage) sets sessionStorage key `step`, which the catalogue does not declare for site `a`"),
        "{report}"
    );
    assert!(
        report.contains("kind = \"session-storage\""),
        "the entry to paste says the kind: {report}"
    );
    assert!(!report.contains("`palette`"), "{report}");
}

#[test]
fn a_site_template_without_the_type_column_misses_it() {
    let p = project();
    p.write(
        "table.html",
        "<table><thead><tr><th>{{ headers.provider }}</th><th>{{ headers.function }}</th><th>{{ headers.names }}</th><th>{{ headers.purpose }}</th><th>{{ headers.duration }}</th></tr></thead><tbody>{% for row in rows %}<tr><td>{{ row.provider }}</td><td>{{ row.function }}</td><td>{{ row.names | join(\", \") }}</td><td>{{ row.purpose }}</td><td>{{ row.duration }}</td></tr>{% endfor %}</tbody></table>",
    );
    p.edit(
        "catalogue.toml",
        "languages = [\"en\", \"fr\"]\n",
        "languages = [\"en\", \"fr\"]\ntemplate = \"table.html\"\n",
    );
    let run = p.run(&["build", "--out", "dist"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("error[missing-column]: table 1 lacks the column(s): Type"),
        "{}",
        run.stdout
    );
    assert!(!p.path("dist").exists(), "a failed build writes nothing");
}

#[test]
fn export_carries_the_kind_and_clears_only_cookies() {
    let p = project();
    let run = p.run(&["export", "--out", "out"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let json: serde_json::Value = serde_json::from_str(&p.read("out/a/cookies.en.json")).unwrap();
    let palette = json["cookies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "palette")
        .unwrap();
    assert_eq!(palette["kind"], "local-storage");
    assert_eq!(palette["duration"]["persistent"], true);
    assert_eq!(palette["duration"]["iso8601"], serde_json::Value::Null);
    let module = p.read("out/a/cookieconsent.mjs");
    assert!(module.contains("kind: \"Local storage\""), "{module}");
    assert!(module.contains("kind: \"Stockage local\""), "{module}");
}

#[test]
fn a_cookie_and_a_storage_item_may_share_a_name() {
    let p = project();
    let catalogue = p.read("catalogue.toml");
    p.write(
        "catalogue.toml",
        catalogue.replacen("names = [\"sid\"]", "names = [\"palette\"]", 1),
    );
    p.edit(
        "site/a/index.html",
        "<script>\n",
        "<script>\n  document.cookie = \"palette=1\";\n",
    );
    let run = p.run(&["build", "--out", "dist"]);
    // The type cell tells the two rows apart.
    assert!(!run.stdout.contains("duplicate-row"), "{}", run.stdout);
    assert!(!run.stdout.contains("missing-row"), "{}", run.stdout);
    assert_eq!(run.code, 0, "{}", run.stdout);
}

#[test]
fn a_key_a_table_cannot_show_is_declared_by_the_pattern_the_report_suggests() {
    let p = project();
    p.edit(
        "site/a/index.html",
        "<script>\n",
        "<script>\n  localStorage.setItem(\"draft, v2\", \"{}\");\n",
    );
    let run = p.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "error[undeclared-storage]: a script (localStorage) sets localStorage key `draft, v2`"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("names = [\"draft*v2\"]"),
        "{}",
        run.stdout
    );
    let catalogue = p.read("catalogue.toml");
    p.write(
        "catalogue.toml",
        catalogue.replacen(
            "names = [\"palette\"]",
            "names = [\"palette\", \"draft*v2\"]",
            1,
        ),
    );
    let run = p.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
}

/// A site of cookies only, with a hand-written table of the given columns and rows.
fn hand_table(header: &str, rows: &str, storage: bool) -> Project {
    let p = Project::empty();
    p.write("cookie-ledger.toml", LAYOUT);
    let mut catalogue = CATALOGUE.to_owned();
    if !storage {
        let cut = catalogue.find("[[cookie]]\nnames = [\"palette\"]").unwrap();
        catalogue.truncate(cut);
    }
    p.write("catalogue.toml", catalogue);
    p.write(
        "site/a/cookies.html",
        format!("<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Cookies</title></head>\n<body>\n<table>\n<tr>{header}</tr>\n{rows}\n</table>\n</body>\n</html>\n"),
    );
    p
}

#[test]
fn a_type_column_means_nothing_to_a_site_that_declares_no_storage() {
    let p = hand_table(
        "<th>Provider</th><th>Service and location</th><th>Cookie name</th><th>Type</th><th>Purpose</th><th>Duration</th>",
        "<tr><td>Example</td><td>Sign-in</td><td>sid</td><td>First-party</td><td>Keeps you signed in</td><td>Session</td></tr>",
        false,
    );
    // The hand-written table is in English alone; language parity is not this test's matter.
    let run = p.run(&["check", "--allow", "language-parity"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
}

#[test]
fn a_hand_written_table_that_lists_storage_needs_its_type_column() {
    let header = "<th>Provider</th><th>Service and location</th><th>Cookie name</th><th>Purpose</th><th>Duration</th>";
    let rows = "<tr><td>Example</td><td>Sign-in</td><td>sid</td><td>Keeps you signed in</td><td>Session</td></tr>\n\
                <tr><td>Example</td><td>Colour scheme</td><td>palette</td><td>Remembers the colours you chose</td><td>Until deleted</td></tr>";
    let p = hand_table(header, rows, true);
    let run = p.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "error[missing-column]: table 1 lists web storage (`palette`) but has no type column"
        ),
        "{}",
        run.stdout
    );
}
