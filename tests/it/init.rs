//! `cookie-ledger init`: a starting catalogue from what a site's pages set, which build
//! refuses until a person has written every TODO.

use crate::support::{Project, copy_dir, root};

/// The real Hugo site (GA4, YouTube, Vimeo, Disqus) as `site/`, with no catalogue.
fn hugo() -> Project {
    let p = Project::empty();
    copy_dir(
        &root().join("tests/fixtures/real/hugo/site"),
        &p.path("site"),
    );
    p
}

#[test]
fn init_on_a_site_with_google_analytics_writes_every_cookie_with_what_is_known() {
    let p = hugo();
    let run = p.run(&["init", "--site", "site", "--out", "catalogue.toml"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("init: wrote catalogue.toml: 10 cookie entries"),
        "{}",
        run.stdout
    );
    // What the scan could not settle is said: services that load before consent, the address.
    assert!(
        run.stdout.contains("[loaded-before-consent]"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("no page gives the site's address"),
        "{}",
        run.stdout
    );
    let text = p.read("catalogue.toml");
    let catalogue: toml::Value = toml::from_str(&text).unwrap();
    let ga = catalogue["cookie"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["names"][0].as_str() == Some("_ga"))
        .expect("_ga is declared");
    for (key, value) in [
        ("provider", "Google"),
        ("duration", "2 years"),
        ("category", "statistics"),
        ("party", "first"),
        ("set_by", "tag"),
        ("purpose", "TODO: why it is set"),
    ] {
        let got = ga[key].as_str().or_else(|| ga[key]["en-US"].as_str());
        assert_eq!(got, Some(value), "{key}");
    }
    assert!(
        text.contains("# found: site/cookies/index.html:7:1, site/cookies/index.html:14:2"),
        "{text}"
    );
    assert_eq!(
        catalogue["category"]["statistics"]["consent"].as_bool(),
        Some(true)
    );
    assert!(
        catalogue["category"].get("preferences").is_none(),
        "only the categories used"
    );
}

#[test]
fn the_build_refuses_the_started_catalogue_until_every_todo_is_written() {
    let p = hugo();
    assert_eq!(
        p.run(&["init", "--site", "site", "--out", "catalogue.toml"])
            .code,
        0
    );
    let run = p.run(&["build", "--site", "site", "--out", "dist"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stdout.contains("is a placeholder"), "{}", run.stdout);
    assert!(
        !p.path("dist").exists(),
        "nothing is built from placeholders"
    );
    // Each kind of TODO points at its own line.
    for said in [
        "`function` of cookie `_ga` in `en-US` is a placeholder",
        "`duration` is a placeholder",
        "the url of site `site` is a placeholder",
        "`category.statistics.title` in `en-US` is a placeholder",
    ] {
        assert!(run.stdout.contains(said), "{said}\n{}", run.stdout);
    }

    // Written by a person, the catalogue loads: what is left is the site's own drift.
    let text = p
        .read("catalogue.toml")
        .replace("TODO: what it serves, and where", "Comments and videos")
        .replace("TODO: why it is set", "Counts visits")
        .replace("TODO: how long it lives", "1 year")
        .replace("https://TODO", "https://docs.example.org");
    let text = with_titles(&text);
    p.write("catalogue.toml", text);
    let run = p.run(&["check", "--site", "site"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(!run.stdout.contains("placeholder"), "{}", run.stdout);
    assert!(
        !run.stdout.contains("undeclared-cookie"),
        "every cookie found is declared\n{}",
        run.stdout
    );
}

/// Every `TODO: the title of ...` line given a title.
fn with_titles(text: &str) -> String {
    text.lines()
        .map(|line| {
            if line.contains("= \"TODO: the title of the") {
                let key = line.split('=').next().unwrap().trim();
                format!("{key} = \"Cookies\"")
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn init_on_a_site_that_sets_nothing_says_so() {
    let p = Project::empty();
    p.write(
        "site/index.html",
        "<!DOCTYPE html><html lang=\"fr\"><p>Bonjour</p></html>",
    );
    let run = p.run(&["init", "--site", "site", "--out", "-"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("found nothing the pages set"),
        "{}",
        run.stderr
    );
    let catalogue: toml::Value = toml::from_str(&run.stdout).unwrap();
    assert_eq!(catalogue["site"][0]["languages"][0].as_str(), Some("fr"));
    assert!(catalogue.get("cookie").is_none());
}

#[test]
fn init_keeps_an_existing_file_and_refuses_a_missing_folder() {
    let p = hugo();
    p.write("catalogue.toml", "# mine\n");
    let run = p.run(&["init", "--site", "site", "--out", "catalogue.toml"]);
    assert_eq!(run.code, 2);
    assert_eq!(p.read("catalogue.toml"), "# mine\n");
    let run = p.run(&["init", "--site", "nowhere", "--out", "new.toml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stdout.contains("site folder `nowhere` cannot be read"),
        "{}",
        run.stdout
    );
    assert!(!p.path("new.toml").exists());
}

#[test]
fn a_cookie_written_for_a_minute_and_for_a_year_is_started_at_a_year() {
    let p = Project::empty();
    p.write(
        "site/index.html",
        "<!DOCTYPE html><html lang=\"en\"><body><script>\n\
         document.cookie = \"pref=1; max-age=60; path=/\";\n\
         document.cookie = \"pref=2; max-age=31536000; path=/\";\n\
         </script></body></html>",
    );
    let run = p.run(&["init", "--site", "site", "--out", "-"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let catalogue: toml::Value = toml::from_str(&run.stdout).unwrap();
    let pref = &catalogue["cookie"][0];
    assert_eq!(pref["names"][0].as_str(), Some("pref"));
    assert_eq!(pref["duration"].as_str(), Some("1 year"), "{}", run.stdout);
}
