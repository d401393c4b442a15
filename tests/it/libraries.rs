//! Real minified library builds from npm (tests/fixtures/js): what each one sets is found, no
//! deletion hides a write before it, and a library's own writes are not taken for the site's.

use cookie_ledger::scan::services::Services;
use cookie_ledger::scan::{self, Lifetime, Sighting};

use crate::support::root;

fn scan_file(rel: &str) -> Vec<Sighting> {
    let path = root().join("tests/fixtures/js").join(rel);
    let code = std::fs::read_to_string(&path).unwrap();
    scan::script(&Services::new(Vec::new()), &code, 0, Default::default()).sightings
}

fn names(sightings: &[Sighting]) -> Vec<String> {
    let mut names: Vec<String> = sightings
        .iter()
        .map(|s| match (&s.name, &s.shape) {
            (Some(name), _) => name.clone(),
            (None, Some(shape)) => format!("built: {shape}"),
            (None, None) => "built".to_owned(),
        })
        .collect();
    names.sort();
    names
}

#[test]
fn vanilla_cookieconsent_sets_its_consent_record_in_both_builds() {
    for build in ["cookieconsent.umd.js", "cookieconsent.esm.js"] {
        let found = scan_file(&format!("vanilla-cookieconsent-3.1.0/{build}"));
        assert_eq!(names(&found), ["cc_cookie"], "{build}");
        assert_eq!(found[0].lifetime, Lifetime::Seconds(182.0 * 86_400.0));
        assert!(
            found[0].evidence.contains("document.cookie=_"),
            "{}",
            found[0].evidence
        );
    }
}

#[test]
fn cookie_libraries_writes_are_their_api_not_the_sites() {
    for file in [
        "js-cookie-3.0.8/js.cookie.min.js",
        "js-cookie-3.0.8/js.cookie.mjs",
        "jquery.cookie-1.4.1/jquery.cookie.js",
        "jquery-3.7.1/jquery.min.js",
    ] {
        assert_eq!(names(&scan_file(file)), Vec::<String>::new(), "{file}");
    }
}

#[test]
fn mathjax_writes_a_cookie_whose_name_it_builds() {
    let found = scan_file("mathjax-2.7.9/MathJax.js");
    assert_eq!(names(&found), ["built"]);
    assert!(
        found[0].evidence.contains("document.cookie=b+\"; path=/\""),
        "{}",
        found[0].evidence
    );
}

#[test]
fn gtag_loaders_are_google_analytics() {
    assert_eq!(
        names(&scan_file("ga-gtag-1.2.0/index.js")),
        ["_ga", "_ga_*"]
    );
    // vue-gtag's one write deletes cookies through a constant; the scan reports it as built at run time.
    assert_eq!(
        names(&scan_file("vue-gtag-3.7.1/vue-gtag.js")),
        ["_ga", "_ga_*", "built"]
    );
}

#[test]
fn the_site_gets_a_clean_report_once_it_declares_what_the_libraries_set() {
    // A page that loads vanilla-cookieconsent and js-cookie from its own folder, and writes with js-cookie.
    let p = crate::support::Project::empty();
    p.write(
        "catalogue.toml",
        "[[site]]\nid = \"s\"\nurl = \"https://s.example\"\ndir = \"\"\nlanguages = [\"en\"]\n\n[category.necessary]\ntitle.en = \"Necessary\"\ndescription.en = \"Needed.\"\nconsent = false\n\n[[cookie]]\nnames = [\"cc_cookie\"]\nprovider = \"s.example\"\nfunction.en = \"Cookie banner\"\npurpose.en = \"Remembers the visitor's cookie choices\"\nduration = \"6 months\"\ncategory = \"necessary\"\nparty = \"first\"\nset_by = \"script\"\n\n[[cookie]]\nnames = [\"theme\"]\nprovider = \"s.example\"\nfunction.en = \"Display\"\npurpose.en = \"Remembers the colour scheme\"\nduration = \"1 year\"\ncategory = \"necessary\"\nparty = \"first\"\nset_by = \"script\"\n",
    );
    for file in [
        "vanilla-cookieconsent-3.1.0/cookieconsent.umd.js",
        "js-cookie-3.0.8/js.cookie.min.js",
    ] {
        std::fs::create_dir_all(p.path("site/js")).unwrap();
        let name = file.rsplit('/').next().unwrap();
        std::fs::copy(
            root().join("tests/fixtures/js").join(file),
            p.path(&format!("site/js/{name}")),
        )
        .unwrap();
    }
    p.write(
        "site/index.html",
        "<!DOCTYPE html><html lang=\"en\"><head><script src=\"js/cookieconsent.umd.js\"></script><script src=\"js/js.cookie.min.js\"></script><script>Cookies.set('theme', 'dark', { expires: 365 })</script></head><body><div data-cookie-table=\"necessary\"></div></body></html>\n",
    );
    let run = p.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(!run.stdout.contains("warning["), "{}", run.stdout);
}

#[test]
fn mathjax_mjx_cookies_are_settled_by_declaring_them_where_they_are_written() {
    let p = crate::support::Project::empty();
    let catalogue = "[[site]]\nid = \"s\"\nurl = \"https://s.example\"\ndir = \"\"\nlanguages = [\"en\"]\n\n[category.preferences]\ntitle.en = \"Preferences\"\ndescription.en = \"Your settings.\"\nconsent = false\n";
    p.write("catalogue.toml", catalogue);
    std::fs::create_dir_all(p.path("site/_static/mathjax")).unwrap();
    std::fs::copy(
        root().join("tests/fixtures/js/mathjax-2.7.9/MathJax.js"),
        p.path("site/_static/mathjax/MathJax.js"),
    )
    .unwrap();
    p.write(
        "site/index.html",
        "<!DOCTYPE html><html lang=\"en\"><head><script src=\"_static/mathjax/MathJax.js\"></script></head><body><div data-cookie-table=\"preferences\"></div></body></html>\n",
    );
    let run = p.run(&["check"]);
    assert!(
        run.stdout.contains("site/_static/mathjax/MathJax.js:19:"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("warning[dynamic-cookie-name]"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("set_in = [\"_static/mathjax/MathJax.js\"]"),
        "the help says how: {}",
        run.stdout
    );
    p.write(
        "catalogue.toml",
        format!("{catalogue}\n[[cookie]]\nnames = [\"mjx.*\"]\nprovider = \"s.example\"\nfunction.en = \"Formula menu\"\npurpose.en = \"Remembers the reader's choices in MathJax's menu\"\nduration = \"1 year\"\ncategory = \"preferences\"\nparty = \"first\"\nset_by = \"script\"\nset_in = [\"**/MathJax.js\"]\n"),
    );
    let run = p.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(!run.stdout.contains("warning["), "{}", run.stdout);
}
