//! Bad catalogues exit 2 with catalogue.toml:LINE:COL, what is wrong and how to fix it; nothing is written.

use crate::support::{Project, golden};

/// Each case: a name and an edit of the demo catalogue (or template) that breaks it.
type Case = (&'static str, fn(&Project));

const CASES: &[Case] = &[
    ("unknown top-level key", |p| {
        let text = p.read("catalogue.toml");
        p.write("catalogue.toml", format!("bogus_key = 1\n{text}"));
    }),
    ("unknown key in a cookie", |p| {
        p.edit(
            "catalogue.toml",
            "duration = \"2 weeks\"",
            "duration = \"2 weeks\"\ncolour = \"blue\"",
        )
    }),
    ("toml syntax error", |p| {
        p.edit(
            "catalogue.toml",
            "provider = \"Opendatasoft\"\nfunction.en = \"Authentication",
            "provider = \"Opendatasoft\nfunction.en = \"Authentication",
        )
    }),
    ("bad party", |p| {
        p.edit(
            "catalogue.toml",
            "set_by = \"script\"",
            "set_by = \"browser\"",
        )
    }),
    ("duplicate cookie", |p| {
        p.edit(
            "catalogue.toml",
            "names = [\"cookies_preferences\"]",
            "names = [\"cookies_preferences\", \"csrftoken\"]",
        )
    }),
    ("unknown category", |p| {
        p.edit(
            "catalogue.toml",
            "duration = \"6 months\"\ncategory = \"necessary\"",
            "duration = \"6 months\"\ncategory = \"necesary\"",
        )
    }),
    ("unknown site", |p| {
        p.edit(
            "catalogue.toml",
            "duration = \"6 months\"\n",
            "duration = \"6 months\"\nsites = [\"odwb\", \"datastro.eu\"]\n",
        )
    }),
    ("bad duration", |p| {
        p.edit(
            "catalogue.toml",
            "duration = \"2 weeks\"",
            "duration = \"2 fortnights\"",
        )
    }),
    ("web storage said to be set by the server", |p| {
        p.edit(
            "catalogue.toml",
            "duration = \"2 weeks\"\ncategory = \"necessary\"\nparty = \"first\"\nset_by = \"server\"",
            "duration = \"2 weeks\"\ncategory = \"necessary\"\nkind = \"local-storage\"\nparty = \"first\"\nset_by = \"server\"",
        )
    }),
    ("a cookie that lasts until deleted", |p| {
        p.edit(
            "catalogue.toml",
            "duration = \"2 weeks\"",
            "duration = \"persistent\"",
        )
    }),
    ("session storage that outlives its tab", |p| {
        p.edit(
            "catalogue.toml",
            "duration = \"12 months\"\ncategory = \"necessary\"\nparty = \"first\"\nset_by = \"server\"",
            "duration = \"12 months\"\ncategory = \"necessary\"\nkind = \"session-storage\"\nparty = \"first\"\nset_by = \"script\"",
        )
    }),
    ("local storage said to end with the session", |p| {
        p.edit(
            "catalogue.toml",
            "duration = \"12 months\"\ncategory = \"necessary\"\nparty = \"first\"\nset_by = \"server\"",
            "duration = \"session\"\ncategory = \"necessary\"\nkind = \"local-storage\"\nparty = \"first\"\nset_by = \"script\"",
        )
    }),
    ("an unknown kind of storage", |p| {
        p.edit(
            "catalogue.toml",
            "duration = \"2 weeks\"",
            "duration = \"2 weeks\"\nkind = \"local_storage\"",
        )
    }),
    ("missing French text", |p| {
        p.edit(
            "catalogue.toml",
            "purpose.fr = \"Se souvenir de la langue du visiteur\"\n",
            "",
        )
    }),
    ("text in an undeclared language", |p| {
        p.edit(
            "catalogue.toml",
            "purpose.fr = \"Se souvenir de la langue du visiteur\"",
            "purpose.fr = \"Se souvenir de la langue du visiteur\"\npurpose.de = \"Sprache\"",
        )
    }),
    ("override of an unknown site", |p| {
        p.edit(
            "catalogue.toml",
            "set_by = \"script\"",
            "set_by = \"script\"\n[cookie.override.odbw]\nduration = \"session\"",
        )
    }),
    ("language without wording", |p| {
        p.edit(
            "catalogue.toml",
            "languages = [\"en\", \"fr\"]\n\n[[site]]\nid = \"smartbump\"",
            "languages = [\"en\", \"fr\", \"ja\"]\n\n[[site]]\nid = \"smartbump\"",
        )
    }),
    ("template syntax error", |p| {
        p.edit(
            "templates/eulerhermes-table.html",
            "{%- endfor %}",
            "{%- endfro %}",
        )
    }),
    ("template value in a single-quoted attribute", |p| {
        p.edit(
            "templates/eulerhermes-table.html",
            "<td>{{ row.purpose }}</td>",
            "<td title='{{ row.purpose }}'>x</td>",
        )
    }),
    ("template value in an unquoted attribute, spaced", |p| {
        p.edit(
            "templates/eulerhermes-table.html",
            "<td>{{ row.purpose }}</td>",
            "<td title = {{ row.purpose }}>x</td>",
        )
    }),
    ("template value in a single-quoted attribute, spaced", |p| {
        p.edit(
            "templates/eulerhermes-table.html",
            "<td>{{ row.purpose }}</td>",
            "<td title = '{{ row.purpose }}'>x</td>",
        )
    }),
    ("template marks a value safe", |p| {
        p.edit(
            "templates/eulerhermes-table.html",
            "{{ row.purpose }}",
            "{{ row.purpose|safe }}",
        )
    }),
    ("template that never ends", |p| {
        p.edit(
            "templates/eulerhermes-table.html",
            "{{ row.purpose }}",
            "{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}",
        )
    }),
    ("template reads an undefined field", |p| {
        p.edit(
            "templates/eulerhermes-table.html",
            "{{ row.purpose }}",
            "{{ row.purpos }}",
        )
    }),
    ("missing template file", |p| {
        p.edit(
            "catalogue.toml",
            "templates/eulerhermes-table.html",
            "templates/missing.html",
        )
    }),
    ("template outside the catalogue's folder", |p| {
        p.edit(
            "catalogue.toml",
            "templates/eulerhermes-table.html",
            "/etc/passwd",
        )
    }),
    ("template reached through ..", |p| {
        p.edit(
            "catalogue.toml",
            "templates/eulerhermes-table.html",
            "templates/../../outside.html",
        );
        let outside = p.path("..").join("outside.html");
        let _ = std::fs::write(outside, "<table></table>");
    }),
    ("a placeholder left in a purpose", |p| {
        p.edit(
            "catalogue.toml",
            "purpose.en = \"To retrieve data via API calls\"",
            "purpose.en = \"TODO: why it is set\"",
        )
    }),
    ("a placeholder in a category title", |p| {
        p.edit(
            "catalogue.toml",
            "title.en = \"Statistics cookies\"",
            "title.en = \"Statistics cookies (FIXME)\"",
        )
    }),
    ("a bidirectional override in a purpose", |p| {
        p.edit(
            "catalogue.toml",
            "purpose.en = \"To retrieve data via API calls\"",
            "purpose.en = \"To retrieve data \\u202Evia API calls\"",
        )
    }),
    ("a NUL in a provider", |p| {
        p.edit(
            "catalogue.toml",
            "provider = \"ODWB (Matomo)\"\nfunction.en = \"Audience measurement (front office)\"\nfunction.fr = \"Mesure d'audience (front office)\"\npurpose.en = \"To tell",
            "provider = \"ODWB\\u0000(Matomo)\"\nfunction.en = \"Audience measurement (front office)\"\nfunction.fr = \"Mesure d'audience (front office)\"\npurpose.en = \"To tell",
        )
    }),
    ("a name listed twice in one entry", |p| {
        p.edit(
            "catalogue.toml",
            "names = [\"csrftoken\"]",
            "names = [\"csrftoken\", \"csrftoken\"]",
        )
    }),
    ("a pattern overlapping a name", |p| {
        p.edit(
            "catalogue.toml",
            "names = [\"_pk_ses.*\"]",
            "names = [\"_pk_id.1\"]",
        )
    }),
    ("a site id that leaves the export folder", |p| {
        p.edit("catalogue.toml", "id = \"smartbump\"", "id = \"..\"")
    }),
    ("a rule that cannot be waived for files", |p| {
        let text = p.read("catalogue.toml");
        p.write(
            "catalogue.toml",
            format!("{text}\n[[allow]]\nrule = \"undeclared-cookie\"\nfiles = [\"**\"]\nreason = \"everything\"\n"),
        );
    }),
    ("a service that matches every page", |p| {
        let text = p.read("catalogue.toml");
        p.write(
            "catalogue.toml",
            format!("{text}\n[[service]]\nid = \"chat\"\nname = \"Chat\"\nprovider = \"Chat Inc\"\ncategory = \"statistics\"\nmatch.script_src = [[\"\"]]\ncookie = []\n"),
        );
    }),
    ("a service in a category the catalogue lacks", |p| {
        let text = p.read("catalogue.toml");
        p.write(
            "catalogue.toml",
            format!("{text}\n[[service]]\nid = \"chat\"\nname = \"Chat\"\nprovider = \"Chat Inc\"\ncategory = \"nope\"\nmatch.inline = [\"chat(\"]\ncookie = []\n"),
        );
    }),
    ("a purpose of invisible characters only", |p| {
        p.edit(
            "catalogue.toml",
            "purpose.en = \"To retrieve data via API calls\"",
            "purpose.en = \"\\u200B\"",
        )
    }),
    ("a template that builds markup in a macro", |p| {
        p.edit(
            "templates/eulerhermes-table.html",
            "{{ row.purpose }}",
            "{% macro open() %}<a href=\"{% endmacro %}{{ open() }}{{ row.purpose }}",
        )
    }),
    ("a catalogue that is not UTF-8", |p| {
        let mut bytes = p.read("catalogue.toml").into_bytes();
        let at = bytes.windows(5).position(|w| w == b"Sites").unwrap();
        bytes[at] = 0xE9;
        p.write("catalogue.toml", bytes);
    }),
];

#[test]
fn every_bad_catalogue_exits_2_with_its_place() {
    let mut all = String::new();
    for (name, breaks) in CASES {
        let p = Project::portals();
        breaks(&p);
        for command in ["check", "build"] {
            let run = p.run(&[command]);
            assert_eq!(
                run.code, 2,
                "{name}: {command} exits {}\n{}",
                run.code, run.stdout
            );
            assert!(!p.path("dist").exists(), "{name}: {command} wrote dist/");
            if command == "check" {
                let report = run.report();
                let first = report.lines().next().unwrap_or_default();
                assert!(
                    first.starts_with("catalogue.toml:")
                        || first.starts_with("templates/eulerhermes-table.html:"),
                    "{name}: no file:line:col in {first}"
                );
                all.push_str(&format!("== {name}\n{report}"));
            }
        }
    }
    golden("fixtures/catalogue-errors.txt", &all);
}

#[test]
fn a_missing_catalogue_is_bad_input() {
    let p = Project::portals();
    let run = p.run(&["check", "--catalogue", "nope.toml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stdout.starts_with("error[io]: cannot read nope.toml:"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_bad_catalogue_never_touches_a_previous_output() {
    let p = Project::portals();
    assert_eq!(p.run(&["build", "--out", "dist"]).code, 0);
    let before = p.tree("dist");
    p.edit(
        "catalogue.toml",
        "duration = \"2 weeks\"",
        "duration = \"fortnightly\"",
    );
    assert_eq!(p.run(&["build", "--out", "dist"]).code, 2);
    assert_eq!(before, p.tree("dist"));
}

#[test]
fn a_name_that_matches_every_cookie_is_refused() {
    let p = crate::support::Project::fixture("rules/base");
    p.edit("catalogue.toml", "names = [\"sid\"]", "names = [\"**\"]");
    let run = p.run(&["check"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stdout.contains("`**` matches every name"),
        "{}",
        run.stdout
    );
}
