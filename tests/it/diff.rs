//! `cookie-ledger diff`: two catalogues compared as visitors read them, from files and from
//! git revisions, for a terminal, for JSON and for release notes.

use crate::support::Project;

fn git(p: &Project, args: &[&str]) {
    p.git(args);
}

/// The demo's csrftoken lasts up to 13 months instead of 12.
const LONGER: (&str, &str) = (
    "duration = \"up to 12 months\"",
    "duration = \"up to 13 months\"",
);

#[test]
fn a_changed_duration_between_two_revisions_of_the_demo_is_shown_per_site_and_language() {
    let p = Project::portals();
    git(&p, &["init", "-q"]);
    git(&p, &["add", "catalogue.toml"]);
    git(&p, &["commit", "-q", "-m", "v1"]);
    git(&p, &["tag", "v1"]);
    p.edit("catalogue.toml", LONGER.0, LONGER.1);
    let run = p.run(&["diff", "--since", "v1"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    // The site template was never committed: the working tree's is used, and that is said.
    assert!(
        run.stderr
            .contains("note: templates/eulerhermes-table.html is not in git at v1"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains(
            "site odwb (fr):\n  ~ csrftoken\n      duration: \"Jusqu'à 12 mois\" -> \"Jusqu'à 13 mois\"\n"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "site datastro (en):\n  ~ csrftoken\n      duration: \"Up to 12 months\" -> \"Up to 13 months\"\n"
        ),
        "{}",
        run.stdout
    );
    // Every site that shows csrftoken, in each of its languages, and nothing else.
    assert_eq!(
        run.stdout.matches("~ csrftoken").count(),
        7,
        "{}",
        run.stdout
    );
    assert_eq!(run.stdout.matches("  ~ ").count(), 7, "{}", run.stdout);
    let markdown = p.run(&["diff", "--since", "v1", "--format", "markdown"]);
    assert!(
        markdown.stdout.contains(
            "### odwb (en)\n\n- Changed: `csrftoken`: duration from “Up to 12 months” to “Up to 13 months”\n"
        ),
        "{}",
        markdown.stdout
    );
    let json = p.run(&["diff", "--since", "v1", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let first = &report["changes"][0];
    assert_eq!(first["changed"][0]["names"][0], "csrftoken");
    assert_eq!(first["changed"][0]["fields"][0][0], "duration");
    // Nothing changed since the working tree's own revision.
    git(&p, &["commit", "-qam", "v2"]);
    let same = p.run(&["diff", "--since", "HEAD"]);
    assert_eq!(same.stdout, "no change to any table\n");
}

#[test]
fn rows_added_removed_and_a_new_language_are_told_apart() {
    let p = Project::portals();
    let old = p.read("catalogue.toml");
    p.write("old.toml", &old);
    let new = old
        .replacen("names = [\"csrftoken\"]", "names = [\"xsrf-token\"]", 1)
        .replacen(
            "dir = \"datastro\"\nlanguages = [\"en\"]",
            "dir = \"datastro\"\nlanguages = [\"en\", \"fr\"]",
            1,
        );
    assert_ne!(new, old);
    p.write("catalogue.toml", &new);
    let run = p.run(&["diff", "old.toml"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "site datastro (en):\n  + xsrf-token (necessary)\n  - csrftoken (necessary)\n"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("site datastro (fr): new\n  + sessionid (necessary)\n"),
        "{}",
        run.stdout
    );
    // What a visitor reads around the rows changes too: a caption, consent, a header.
    let new = old.replacen("consent = true", "consent = false", 1)
        + "\n[language.en]\nheaders.purpose = [\"Why we set it\", \"Purposes\"]\n";
    p.write("catalogue.toml", &new);
    let run = p.run(&["diff", "old.toml"]);
    assert!(
        run.stdout
            .contains("  ~ table statistics: consent: \"true\" -> \"false\"\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("  ~ header purpose: \"Purposes\" -> \"Why we set it\"\n"),
        "{}",
        run.stdout
    );
    p.write(
        "catalogue.toml",
        old.replacen("names = [\"csrftoken\"]", "names = [\"xsrf-token\"]", 1)
            .replacen(
                "dir = \"datastro\"\nlanguages = [\"en\"]",
                "dir = \"datastro\"\nlanguages = [\"en\", \"fr\"]",
                1,
            ),
    );
    // And back: the language is gone.
    let run = p.run(&["diff", "catalogue.toml", "old.toml"]);
    assert!(
        run.stdout
            .contains("site datastro (fr): gone\n  - sessionid (necessary)\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn an_unknown_revision_or_no_old_catalogue_is_bad_input() {
    let p = Project::portals();
    git(&p, &["init", "-q"]);
    let run = p.run(&["diff", "--since", "no-such-tag"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("git cannot give catalogue.toml at no-such-tag"),
        "{}",
        run.stderr
    );
    let run = p.run(&["diff"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("give the old catalogue"),
        "{}",
        run.stderr
    );
    let run = p.run(&["diff", "--since", "--upload-pack=x"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    // An unset variable in CI (`--since "$TAG"`) is no revision, never the index.
    let run = p.run(&["diff", "--since", ""]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    // A catalogue that does not load is said in the format asked for.
    let run = p.run(&["diff", "nosuch.toml", "--format", "json"]);
    assert_eq!(run.code, 2);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["diagnostics"][0]["rule"], "io", "{report}");
}

#[test]
fn a_template_renamed_since_the_revision_is_read_as_it_was_then() {
    let p = Project::portals();
    git(&p, &["init", "-q"]);
    git(&p, &["add", "catalogue.toml", "templates"]);
    git(&p, &["commit", "-q", "-m", "v1"]);
    std::fs::rename(
        p.path("templates/eulerhermes-table.html"),
        p.path("templates/names-first.html"),
    )
    .unwrap();
    p.edit(
        "catalogue.toml",
        "template = \"templates/eulerhermes-table.html\"",
        "template = \"templates/names-first.html\"",
    );
    p.edit("catalogue.toml", LONGER.0, LONGER.1);
    let run = p.run(&["diff", "--since", "HEAD"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("site eulerhermes (en):\n  ~ csrftoken"),
        "{}",
        run.stdout
    );
    // A template neither git nor the working tree has is said, not guessed.
    git(&p, &["rm", "-q", "templates/eulerhermes-table.html"]);
    git(&p, &["commit", "-qam", "v2 without the template"]);
    let run = p.run(&["diff", "--since", "HEAD~1"]);
    assert_eq!(
        run.code, 0,
        "at HEAD~1 git has it\n{}{}",
        run.stdout, run.stderr
    );
    p.edit(
        "catalogue.toml",
        "template = \"templates/names-first.html\"",
        "template = \"templates/eulerhermes-table.html\"",
    );
    git(&p, &["commit", "-qam", "v3 names a template nobody has"]);
    let run = p.run(&["diff", "--since", "HEAD"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("git cannot give the template templates/eulerhermes-table.html at HEAD"),
        "{}",
        run.stderr
    );
}
