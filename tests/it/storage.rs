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
