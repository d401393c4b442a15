//! Every report format on one run with findings of each kind: exact output, and SARIF valid against the 2.1.0 schema.

use crate::support::{Project, golden, root};

/// The demo with a drifting hand-written table, an undeclared cookie, a dynamic write and an unseen cookie.
fn project() -> Project {
    let p = Project::portals();
    p.edit(
        "site/datastro/cookies.html",
        "</main>",
        "<table><tr><th>Cookie name</th><th>Purpose</th></tr><tr><td>sessionid</td><td>Spying, \"quoted\", 100%</td></tr></table>\n<script>document.cookie = \"promo=1\"; document.cookie = key + \"=\" + v;</script>\n</main>",
    );
    p.edit(
        "catalogue.toml",
        "set_by = \"script\"",
        "set_by = \"script\"\nsites = [\"datastro\", \"odwb\", \"smartbump\", \"data-gouv-nc\"]",
    );
    p.edit(
        "site/assets/consent.js",
        "document.cookie = \"cookies_preferences=\"",
        "document.cookie = \"cookie_prefs=\"",
    );
    p
}

fn run(format: &str) -> String {
    let run = project().run(&["check", "--format", format]);
    assert_eq!(run.code, 1, "{format}: {}", run.stdout);
    run.report()
}

#[test]
fn human() {
    golden("fixtures/formats/human.txt", &run("human"));
}

#[test]
fn json() {
    let out = run("json");
    let mut value: serde_json::Value = serde_json::from_str(&out).unwrap();
    value["elapsed_ms"] = 0.into();
    golden(
        "fixtures/formats/report.json",
        &(serde_json::to_string_pretty(&value).unwrap() + "\n"),
    );
}

#[test]
fn github() {
    let out = run("github");
    for line in out.lines().filter(|l| l.starts_with("::")) {
        assert!(
            line.starts_with("::error file=") || line.starts_with("::warning file="),
            "{line}"
        );
    }
    golden("fixtures/formats/github.txt", &out);
}

#[test]
fn sarif_is_valid_against_the_2_1_0_schema() {
    let out = run("sarif");
    let schema = schema();
    let log: serde_json::Value = serde_json::from_str(&out).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(log["runs"][0]["results"].as_array().unwrap().len() >= 4);
    golden("fixtures/formats/report.sarif", &out);
}

#[test]
fn an_invalid_sarif_log_fails_the_validation() {
    // The validation above must be able to fail.
    let schema = schema();
    let bad = serde_json::json!({ "version": "2.1.0", "runs": [{ "tool": { "driver": {} }, "results": [{ "level": "fatal" }] }] });
    assert!(!jsonschema::validator_for(&schema).unwrap().is_valid(&bad));
}

/// The vendored schema, with its one pattern that Rust's regex engine reads differently made explicit.
fn schema() -> serde_json::Value {
    let text = std::fs::read_to_string(root().join("tests/fixtures/sarif/sarif-schema-2.1.0.json"))
        .unwrap();
    // `language` has a stray `]`, a literal in the ECMAScript regexes JSON Schema uses; escaping
    // it keeps the meaning and lets the validator compile the pattern.
    let stray = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
    assert!(text.contains(stray), "the vendored schema changed");
    serde_json::from_str(&text.replace(stray, r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#))
        .unwrap()
}
