//! Tables in the languages of the EU: built-in wording, plural forms, and hand-written tables
//! recognised by their headers.

use crate::support::Project;

/// The base fixture with one site in Dutch and German, each with its policy page.
fn dutch_and_german() -> Project {
    let p = Project::fixture("rules/base");
    let catalogue = p
        .read("catalogue.toml")
        .replace("languages = [\"en\"]", "languages = [\"nl\", \"de\"]")
        .replace(
            "title = { en = \"Necessary\" }\ndescription = { en = \"Needed for the site to work.\" }",
            "title = { nl = \"Noodzakelijk\", de = \"Notwendig\" }\ndescription = { nl = \"Nodig om de site te laten werken.\", de = \"Für den Betrieb der Website nötig.\" }",
        )
        .replace(
            "title = { en = \"Statistics\" }\ndescription = { en = \"Counting visits.\" }",
            "title = { nl = \"Statistieken\", de = \"Statistik\" }\ndescription = { nl = \"Bezoeken tellen.\", de = \"Besuche zählen.\" }",
        )
        .replace(
            "function = { en = \"Sign-in\" }\npurpose = { en = \"Keeps you signed in\" }\nduration = \"session\"",
            "function = { nl = \"Aanmelden\", de = \"Anmeldung\" }\npurpose = { nl = \"Houdt u aangemeld\", de = \"Hält Sie angemeldet\" }\nduration = \"session\"",
        )
        .replace(
            "function = { en = \"Display\" }\npurpose = { en = \"Remembers the colour theme you chose\" }\nduration = \"1 year\"",
            "function = { nl = \"Weergave\", de = \"Darstellung\" }\npurpose = { nl = \"Onthoudt het gekozen kleurthema\", de = \"Merkt sich das gewählte Farbschema\" }\nduration = \"up to 22 months\"",
        );
    p.write("catalogue.toml", catalogue);
    let page = |lang: &str| {
        format!(
            "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head><meta charset=\"utf-8\"><title>Cookies</title></head>\n<body>\n<div data-cookie-table=\"necessary\"></div>\n</body>\n</html>\n"
        )
    };
    p.write("site/a/cookies.html", page("nl"));
    p.write("site/a/de/cookies.html", page("de"));
    p
}

#[test]
fn a_site_in_dutch_and_german_gets_tables_in_each_with_their_plural_forms() {
    let p = dutch_and_german();
    let run = p.run(&["build", "--out", "dist"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let dutch = p.read("dist/a/cookies.html");
    for text in [
        "Naam van de dienstverlener",
        "Functie en locatie",
        "Naam van de cookie(s)",
        "Doeleinden",
        "Duur",
        "Sessie",
        "Maximaal 22 maanden",
        "Noodzakelijk",
    ] {
        assert!(dutch.contains(text), "{text} in\n{dutch}");
    }
    let german = p.read("dist/a/de/cookies.html");
    for text in [
        "Name des Dienstanbieters",
        "Funktion und Ort",
        "Cookie-Name(n)",
        "Zwecke",
        "Dauer",
        "Sitzung",
        "Bis zu 22 Monate",
        "Notwendig",
    ] {
        assert!(german.contains(text), "{text} in\n{german}");
    }
    // What the build wrote reads back clean, in both languages.
    let check = p.run(&["check", "--site", "dist"]);
    assert_eq!(check.code, 0, "{}", check.stdout);
}

#[test]
fn a_hand_written_table_in_german_is_recognised_and_its_drift_reported() {
    let p = dutch_and_german();
    p.write(
        "site/a/de/cookies.html",
        "<!DOCTYPE html>\n<html lang=\"de\">\n<head><meta charset=\"utf-8\"><title>Cookies</title></head>\n<body>\n<table>\n<tr><th>Name des Dienstanbieters</th><th>Funktion und Ort</th><th>Cookie-Name(n)</th><th>Zwecke</th><th>Dauer</th></tr>\n<tr><td>Example</td><td>Anmeldung</td><td>sid</td><td>Hält Sie angemeldet</td><td>Sitzung</td></tr>\n<tr><td>Example</td><td>Darstellung</td><td>theme</td><td>Merkt sich das gewählte Farbschema</td><td>Bis zu 2 Monate</td></tr>\n</table>\n</body>\n</html>\n",
    );
    let run = p.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("Bis zu 22 Monate"),
        "the drift is shown in German: {}",
        run.stdout
    );
    assert!(!run.stdout.contains("missing-column"), "{}", run.stdout);
}
