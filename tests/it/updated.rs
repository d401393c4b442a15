//! The date of the catalogue's last change: given with `--updated` or read from git, handed
//! to templates, and held against the dates policy pages state (`stale-date`).

use std::process::Command;

use crate::support::{Project, copy_dir, root};

/// The rule fixtures' clean base, with a site template that says when the policy changed.
fn project() -> Project {
    let p = Project::empty();
    copy_dir(&root().join("tests/fixtures/rules/base"), &p.path(""));
    p.write(
        "templates/dated.html",
        "<table data-category=\"{{ category.id }}\">\
         <caption>{{ category.title }}{% if updated %} (<time datetime=\"{{ updated }}\">{{ updated }}</time>){% endif %}</caption>\
         <tr><th>{{ headers.provider }}</th><th>{{ headers.function }}</th><th>{{ headers.names }}</th><th>{{ headers.purpose }}</th><th>{{ headers.duration }}</th></tr>\
         {% for row in rows %}<tr><td>{{ row.provider }}</td><td>{{ row.function }}</td><td>{{ row.names | join(\", \") }}</td><td>{{ row.purpose }}</td><td>{{ row.duration }}</td></tr>{% endfor %}\
         </table>",
    );
    p.edit(
        "catalogue.toml",
        "languages = [\"en\"]\n",
        "languages = [\"en\"]\ntemplate = \"templates/dated.html\"\n",
    );
    p
}

fn git(p: &Project, args: &[&str], date: &str) {
    let status = Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.org"])
        .args(args)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_AUTHOR_DATE", date)
        .current_dir(p.path(""))
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

#[test]
fn templates_receive_the_date_the_pipeline_gives() {
    let p = project();
    let run = p.run(&[
        "build",
        "--site",
        "site",
        "--out",
        "dist",
        "--updated",
        "2026-11-20",
    ]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        p.read("dist/a/cookies.html")
            .contains("(<time datetime=\"2026-11-20\">2026-11-20</time>)"),
        "{}",
        p.read("dist/a/cookies.html")
    );
    // The variable wins over nothing, the flag over the variable.
    let run = p.run_in(
        "",
        &["check", "--site", "site", "--out", "dist"],
        &[("COOKIE_LEDGER_UPDATED", "2026-11-20")],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    let run = p.run_in(
        "",
        &[
            "check",
            "--site",
            "site",
            "--out",
            "dist",
            "--updated",
            "2026-11-21",
        ],
        &[("COOKIE_LEDGER_UPDATED", "2026-11-20")],
    );
    assert_eq!(run.code, 1, "the output holds another date\n{}", run.stdout);
    // Without a date (no flag, no git), templates test it and render none.
    let run = p.run(&["check", "--site", "site"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
}

#[test]
fn git_gives_the_last_commit_of_the_catalogue_or_today_when_it_has_changed_since() {
    let p = project();
    git(&p, &["init", "-q"], "2026-03-04T12:00:00Z");
    git(&p, &["add", "."], "2026-03-04T12:00:00Z");
    git(&p, &["commit", "-qm", "policy"], "2026-03-04T12:00:00Z");
    let run = p.run(&["build", "--site", "site", "--out", "dist"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        p.read("dist/a/cookies.html")
            .contains("datetime=\"2026-03-04\"")
    );
    // A change to another file is not a change of the catalogue.
    p.write("site/a/other.html", "<p>news</p>");
    git(&p, &["add", "."], "2026-05-06T12:00:00Z");
    git(&p, &["commit", "-qm", "news"], "2026-05-06T12:00:00Z");
    let run = p.run(&["build", "--site", "site", "--out", "dist2"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        p.read("dist2/a/cookies.html")
            .contains("datetime=\"2026-03-04\"")
    );
    // An edit not committed yet is today's change.
    p.edit(
        "catalogue.toml",
        "Keeps you signed in",
        "Keeps you signed in on every page",
    );
    let run = p.run(&["build", "--site", "site", "--out", "dist3"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let today = cookie_ledger::catalogue::changed::today();
    assert!(
        p.read("dist3/a/cookies.html")
            .contains(&format!("datetime=\"{today}\""))
    );
}

#[test]
fn a_policy_page_dated_before_the_catalogue_changed_is_reported_at_its_date() {
    let p = Project::empty();
    copy_dir(&root().join("tests/fixtures/rules/base"), &p.path(""));
    let page = |date: &str, hidden: &str| {
        format!(
            "<!DOCTYPE html><html lang=\"en\"><body>\n<p{hidden}>Last updated: <time datetime=\"{date}\">then</time></p>\n<div data-cookie-table=\"necessary\"></div><div data-cookie-table=\"statistics\"></div></body></html>"
        )
    };
    let check = |p: &Project| {
        p.run(&[
            "check",
            "--site",
            "site",
            "--updated",
            "2026-06-01",
            "--format",
            "json",
        ])
    };
    let stale = |run: &crate::support::Run| {
        let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["rule"] == "stale-date")
            .map(|d| format!("{}:{}", d["file"].as_str().unwrap(), d["line"]))
            .collect::<Vec<_>>()
    };
    p.write("site/a/cookies.html", page("2025-01-15", ""));
    assert_eq!(stale(&check(&p)), ["site/a/cookies.html:2"]);
    // The newest date a page states is its claim; the same day is not older.
    for date in ["2026-06-01", "2026-06-01T09:00:00Z", "2027-01-01"] {
        p.write("site/a/cookies.html", page(date, ""));
        assert!(stale(&check(&p)).is_empty(), "{date}");
    }
    // A date nobody sees, or a page without a table, states nothing to visitors.
    p.write("site/a/cookies.html", page("2025-01-15", " hidden"));
    assert!(stale(&check(&p)).is_empty());
    p.write("site/a/cookies.html", page("2025-01-15", ""));
    p.write(
        "site/a/index.html",
        "<!DOCTYPE html><p><time datetime=\"2020-01-01\">old news</time></p>",
    );
    assert_eq!(stale(&check(&p)), ["site/a/cookies.html:2"]);
    // A warning: the check still passes, and an [[allow]] waives it for the page.
    assert_eq!(check(&p).code, 0);
    p.edit(
        "catalogue.toml",
        "[[cookie]]\nnames = [\"sid\"]",
        "[[allow]]\nrule = \"stale-date\"\nfiles = [\"a/cookies.html\"]\nreason = \"the date is the terms' date\"\n\n[[cookie]]\nnames = [\"sid\"]",
    );
    assert!(stale(&check(&p)).is_empty());
}

#[test]
fn a_date_that_is_not_one_is_refused() {
    let p = project();
    let run = p.run(&["check", "--site", "site", "--updated", "20/11/2026"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("is not a date written YYYY-MM-DD"),
        "{}",
        run.stderr
    );
    let run = p.run_in(
        "",
        &["check", "--site", "site"],
        &[("COOKIE_LEDGER_UPDATED", "soon")],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("COOKIE_LEDGER_UPDATED: `soon` is not a date"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_empty_time_states_nothing_and_a_month_or_a_year_means_its_last_day() {
    let p = Project::empty();
    copy_dir(&root().join("tests/fixtures/rules/base"), &p.path(""));
    let page = |times: &str| {
        format!(
            "<!DOCTYPE html><html lang=\"en\"><body>\n<p>{times}</p>\n<div data-cookie-table=\"necessary\"></div><div data-cookie-table=\"statistics\"></div></body></html>"
        )
    };
    let stale = |p: &Project| {
        p.run(&["check", "--site", "site", "--updated", "2026-06-01"])
            .stdout
            .contains("warning[stale-date]")
    };
    // An empty <time> newer than the visible one does not hide it.
    p.write(
        "site/a/cookies.html",
        page("<time datetime=\"2025-01-15\">15 January 2025</time><time datetime=\"2026-07-01\"></time>"),
    );
    assert!(stale(&p));
    p.write(
        "site/a/cookies.html",
        page("<time datetime=\"2026-05\">May 2026</time>"),
    );
    assert!(stale(&p), "May 2026 ends before 1 June");
    p.write(
        "site/a/cookies.html",
        page("<time datetime=\"2026-06\">June 2026</time>"),
    );
    assert!(!stale(&p), "June 2026 may be 1 June or later");
    p.write(
        "site/a/cookies.html",
        page("<time datetime=\"2025\">2025</time>"),
    );
    assert!(stale(&p));
    // A day that does not exist is no date.
    let run = p.run(&["check", "--site", "site", "--updated", "2026-02-30"]);
    assert_eq!(run.code, 2);
}
