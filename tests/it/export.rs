//! `export` writes, from the catalogue alone, the JSON declaration and the consent manager's cookie section.

use std::process::Command;

use crate::support::{Project, golden};

#[test]
fn export_writes_every_site_and_language_from_the_catalogue_alone() {
    let p = Project::portals();
    std::fs::remove_dir_all(p.path("site")).unwrap();
    let run = p.run(&["export", "--out", "out"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "export: wrote 12 files to out\n");
    let files: Vec<String> = p.tree("out").into_keys().collect();
    assert_eq!(
        files,
        [
            "data-gouv-nc/cookieconsent.mjs",
            "data-gouv-nc/cookies.en.json",
            "data-gouv-nc/cookies.fr.json",
            "datastro/cookieconsent.mjs",
            "datastro/cookies.en.json",
            "eulerhermes/cookieconsent.mjs",
            "eulerhermes/cookies.en.json",
            "odwb/cookieconsent.mjs",
            "odwb/cookies.en.json",
            "odwb/cookies.fr.json",
            "smartbump/cookieconsent.mjs",
            "smartbump/cookies.en.json",
        ]
    );
    golden(
        "fixtures/export/odwb.cookies.fr.json",
        &p.read("out/odwb/cookies.fr.json"),
    );
    golden(
        "fixtures/export/odwb.cookieconsent.mjs",
        &p.read("out/odwb/cookieconsent.mjs"),
    );
    let datastro: serde_json::Value =
        serde_json::from_str(&p.read("out/datastro/cookies.en.json")).unwrap();
    let names: Vec<&str> = datastro["cookies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "sessionid",
            "django_language",
            "csrftoken",
            "cookies_preferences"
        ],
        "no Matomo outside ODWB"
    );
}

#[test]
fn the_consent_module_runs_and_its_patterns_match_real_names() {
    let p = Project::portals();
    assert_eq!(p.run(&["export", "--out", "out"]).code, 0);
    let Ok(node) = Command::new("node").arg("--version").output() else {
        // Node is on the project's machines; without it the golden file above still pins the text.
        eprintln!("node not found: the module's syntax is not run here");
        return;
    };
    assert!(node.status.success());
    let script = "import('./out/odwb/cookieconsent.mjs').then(({ categories, translations }) => {\n\
        const auto = categories.statistics.autoClear.cookies.map(c => c.name);\n\
        if (!auto[0].test('_pk_id.1.a1b2') || auto[0].test('x_pk_id.1')) process.exit(3);\n\
        if (!categories.necessary.readOnly) process.exit(4);\n\
        console.log(Object.keys(translations).join(','), translations.fr.preferencesModal.sections[1].cookieTable.body.length);\n\
    })";
    let out = Command::new("node")
        .args(["--input-type=module", "-e", script])
        .current_dir(p.path("."))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "en,fr 2\n");
}

#[test]
fn a_bad_catalogue_exports_nothing() {
    let p = Project::portals();
    p.edit(
        "catalogue.toml",
        "duration = \"2 weeks\"",
        "duration = \"a while\"",
    );
    let run = p.run(&["export", "--out", "out"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stdout
            .starts_with("catalogue.toml:83:12: error[catalogue-invalid]: bad `duration`"),
        "{}",
        run.stdout
    );
    assert!(!p.path("out").exists());
}
