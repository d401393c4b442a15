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

#[test]
fn a_catalogue_adds_a_language_written_right_to_left_and_replaces_built_in_words() {
    let p = dutch_and_german();
    let catalogue = p.read("catalogue.toml").replace(
        "languages = [\"nl\", \"de\"]",
        "languages = [\"nl\", \"de\", \"ar\"]",
    );
    let catalogue = catalogue
        .replace(
            "nl = \"Noodzakelijk\",",
            "nl = \"Noodzakelijk\", ar = \"ضرورية\",",
        )
        .replace(
            "nl = \"Statistieken\",",
            "nl = \"Statistieken\", ar = \"إحصاءات\",",
        )
        .replace(
            "nl = \"Nodig om de site te laten werken.\",",
            "nl = \"Nodig om de site te laten werken.\", ar = \"لازمة لعمل الموقع.\",",
        )
        .replace(
            "nl = \"Bezoeken tellen.\",",
            "nl = \"Bezoeken tellen.\", ar = \"عدّ الزيارات.\",",
        )
        .replace(
            "nl = \"Aanmelden\",",
            "nl = \"Aanmelden\", ar = \"تسجيل الدخول\",",
        )
        .replace(
            "nl = \"Houdt u aangemeld\",",
            "nl = \"Houdt u aangemeld\", ar = \"يبقيك مسجلاً\",",
        )
        .replace("nl = \"Weergave\",", "nl = \"Weergave\", ar = \"العرض\",")
        .replace(
            "nl = \"Onthoudt het gekozen kleurthema\",",
            "nl = \"Onthoudt het gekozen kleurthema\", ar = \"يتذكر سمة الألوان التي اخترتها\",",
        );
    let arabic = r#"
[language.ar]
name = "العربية"
dir = "rtl"
session = "الجلسة"
persistent = "حتى الحذف"
up_to = "حتى {duration}"
cookie = ["ملف تعريف الارتباط", "ملفات تعريف الارتباط"]
headers.provider = ["اسم مزود الخدمة"]
headers.function = ["الوظيفة والموقع", "الوظيفة"]
headers.names = ["اسم ملف تعريف الارتباط"]
headers.purpose = ["الأغراض"]
headers.duration = ["المدة"]
headers.kind = ["النوع"]
kinds = { cookie = "ملف تعريف ارتباط", local-storage = "التخزين المحلي", session-storage = "تخزين الجلسة", indexeddb = "IndexedDB", cache-storage = "ذاكرة التخزين المؤقت" }
units.minute = { one = "{n} دقيقة", other = "{n} دقائق" }
units.hour = { one = "{n} ساعة", other = "{n} ساعات" }
units.day = { one = "{n} يوم", other = "{n} أيام" }
units.week = { one = "{n} أسبوع", other = "{n} أسابيع" }
units.month = { one = "{n} شهر", other = "{n} شهرًا" }
units.year = { one = "{n} سنة", other = "{n} سنوات" }

[language.de]
session = "Browsersitzung"
"#;
    p.write("catalogue.toml", format!("{catalogue}{arabic}"));
    p.write(
        "site/a/ar/cookies.html",
        "<!DOCTYPE html>\n<html lang=\"ar\" dir=\"rtl\">\n<head><meta charset=\"utf-8\"><title>Cookies</title></head>\n<body>\n<div data-cookie-table=\"necessary\"></div>\n</body>\n</html>\n",
    );
    let run = p.run(&["build", "--out", "dist"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let page = p.read("dist/a/ar/cookies.html");
    assert!(page.contains("lang=\"ar\" dir=\"rtl\""), "{page}");
    assert!(page.contains("اسم مزود الخدمة"), "{page}");
    assert!(page.contains("الجلسة"), "{page}");
    assert!(page.contains("حتى 22 شهرًا"), "{page}");
    let german = p.read("dist/a/de/cookies.html");
    assert!(german.contains("Browsersitzung"), "{german}");
    assert!(
        german.contains("Name des Dienstanbieters"),
        "the rest stays built in"
    );
    assert!(!german.contains("dir="), "{german}");
    let check = p.run(&["check", "--site", "dist"]);
    assert_eq!(check.code, 0, "{}", check.stdout);
}

#[test]
fn a_new_language_that_leaves_words_out_is_bad_input_at_its_table() {
    let p = dutch_and_german();
    let catalogue = p.read("catalogue.toml");
    p.write(
        "catalogue.toml",
        format!("{catalogue}\n[language.ar]\nname = \"العربية\"\nsession = \"الجلسة\"\n"),
    );
    let run = p.run(&["check"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stdout.contains("error[catalogue-invalid]: `[language.ar]`: `persistent` is missing: a language without built-in words gives them all"),
        "{}",
        run.stdout
    );
    let line = catalogue.lines().count() + 2;
    assert!(
        run.stdout.contains(&format!("catalogue.toml:{line}:")),
        "{}",
        run.stdout
    );
    // A built-in language's table gives only what it changes, and a wrong form is said.
    p.write(
        "catalogue.toml",
        format!("{catalogue}\n[language.pl]\nunits.month = {{ one = \"{{n}} miesiąc\", other = \"{{n}} miesięcy\" }}\n"),
    );
    let run = p.run(&["check"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stdout.contains("`units.month` gives the forms `one`, `other`; whole numbers in this language take `one`, `few`, `many`"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_declared_language_with_no_table_at_all_breaks_parity_and_says_which_tables() {
    let p = dutch_and_german();
    std::fs::remove_file(p.path("site/a/de/cookies.html")).unwrap();
    let run = p.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("error[language-parity]: site `a` declares the language `de`, but no page in `de` shows a cookie table (`necessary` is shown in its other languages)"),
        "{}",
        run.stdout
    );
    // Each language showing the same tables is parity, whatever the tables list.
    let p = dutch_and_german();
    let run = p.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
}

#[test]
fn a_language_table_given_twice_in_other_cases_or_with_a_bad_tag_is_bad_input() {
    let p = dutch_and_german();
    let catalogue = p.read("catalogue.toml");
    p.write(
        "catalogue.toml",
        format!("{catalogue}\n[language.de]\nsession = \"A\"\n\n[language.DE]\nsession = \"B\"\n"),
    );
    let run = p.run(&["check"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stdout.contains("is declared twice (tags ignore case)"),
        "{}",
        run.stdout
    );
    p.write(
        "catalogue.toml",
        format!("{catalogue}\n[language.\"../x\"]\nsession = \"A\"\n"),
    );
    let run = p.run(&["check"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stdout.contains("`../x` is not a language tag"),
        "{}",
        run.stdout
    );
}

#[test]
fn words_that_would_make_tables_unreadable_or_unsafe_are_bad_input() {
    let p = dutch_and_german();
    let catalogue = p.read("catalogue.toml");
    let bad = [
        // A wording another column already uses, here English's names column: tables using
        // it could no longer be read, and a clean check would vouch for nothing.
        (
            "[language.fr]\nheaders.provider = [\"Nom du fournisseur de service\", \"Cookie name\"]\n",
            "already names the names column",
        ),
        (
            "[language.fr]\nheaders.purpose = [\"Nom du cookie\"]\n",
            "\"Nom du cookie\" already names the purpose column",
        ),
        (
            "[language.de]\nsession = \"Sitzung\\u202e\"\n",
            "direction-changing character",
        ),
        (
            "[language.de]\nunits.month = { one = \"Monat\", other = \"Monate\" }\n",
            "must hold `{n}`",
        ),
    ];
    for (table, expected) in bad {
        p.write("catalogue.toml", format!("{catalogue}\n{table}"));
        let run = p.run(&["check"]);
        assert_eq!(run.code, 2, "{table}: {}", run.stdout);
        assert!(run.stdout.contains(expected), "{table}: {}", run.stdout);
    }
}

#[test]
fn a_site_that_speaks_belgian_dutch_and_french_takes_the_texts_of_dutch_and_french() {
    let p = dutch_and_german();
    let catalogue = p.read("catalogue.toml").replace(
        "languages = [\"nl\", \"de\"]",
        "languages = [\"nl-BE\", \"de-BE\"]",
    );
    p.write("catalogue.toml", catalogue);
    p.write(
        "site/a/cookies.html",
        p.read("site/a/cookies.html")
            .replace("lang=\"nl\"", "lang=\"nl-BE\""),
    );
    p.write(
        "site/a/de/cookies.html",
        p.read("site/a/de/cookies.html")
            .replace("lang=\"de\"", "lang=\"de-BE\""),
    );
    let run = p.run(&["build", "--out", "dist"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let dutch = p.read("dist/a/cookies.html");
    assert!(dutch.contains("lang=\"nl-BE\""), "{dutch}");
    assert!(
        dutch.contains("Houdt u aangemeld") && dutch.contains("Maximaal 22 maanden"),
        "{dutch}"
    );
    let german = p.read("dist/a/de/cookies.html");
    assert!(
        german.contains("Hält Sie angemeldet") && german.contains("Bis zu 22 Monate"),
        "{german}"
    );
}

/// The base fixture in Latin, a language the tool has no words for, with a site template.
fn latin(header_duration: &str) -> Project {
    let p = Project::fixture("rules/base");
    let catalogue = p
        .read("catalogue.toml")
        .replace(
            "languages = [\"en\"]",
            "languages = [\"la\"]\ntemplate = \"latin.html\"",
        )
        .replace("{ en = ", "{ la = ");
    p.write("catalogue.toml", catalogue);
    p.write(
        "latin.html",
        format!(
            "<table data-category=\"{{{{ category.id }}}}\"><caption>{{{{ category.title }}}}</caption>\n\
             <tr><th>Praebitor</th><th>Munus et locus</th><th>Nomen crustuli</th><th>Propositum</th><th>{header_duration}</th></tr>\n\
             {{% for row in rows %}}<tr><td>{{{{ row.provider }}}}</td><td>{{{{ row.function }}}}</td><td>{{{{ row.names | join(\", \") }}}}</td><td>{{{{ row.purpose }}}}</td><td>{{{{ row.duration }}}}</td></tr>{{% endfor %}}\n\
             </table>"
        ),
    );
    p.edit("site/a/cookies.html", "lang=\"en\"", "lang=\"la\"");
    p
}

#[test]
fn a_site_templates_own_headers_stand_in_for_a_language_without_words() {
    let p = latin("Duratio");
    let run = p.run(&["build", "--out", "dist"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let page = p.read("dist/a/cookies.html");
    assert!(page.contains("<th>Nomen crustuli</th>"), "{page}");
    // The template's headers are how check recognises the table it rendered.
    let run = p.run(&["check", "--out", "dist"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    // A hand-written table under the same headers is recognised, and its drift said.
    p.write(
        "site/a/more.html",
        "<!DOCTYPE html><html lang=\"la\"><body><table><tr><th>Praebitor</th><th>Munus et locus</th><th>Nomen crustuli</th><th>Propositum</th><th>Duratio</th></tr>\
         <tr><td>Example</td><td>Sign-in</td><td>sid</td><td>Something else</td><td>Session</td></tr></table></body></html>",
    );
    let run = p.run(&["check"]);
    assert!(
        run.stdout.contains("error[row-drift]: row `sid`"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_template_that_leaves_a_header_to_the_tool_is_not_enough_for_a_language_without_words() {
    let p = latin("{{ headers.duration }}");
    let run = p.run(&["build", "--out", "dist"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("language `la` has no built-in table wording, and the template of site `a`"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("(not: duration)"), "{}", run.stdout);
    assert!(!p.path("dist").exists());
}
