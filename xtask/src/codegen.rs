//! `cargo xtask codegen`: the documents written from the code: one page per rule in
//! docs/rules/ and README.md's rule table (from `Rule::ALL` and `src/rules/*.md`), and the man
//! pages in docs/man/ (from the command line's clap definition), and `catalogue.schema.json`
//! (from the types the catalogue is read into). With `--check` it writes
//! nothing and fails when a document differs; a test runs it so.

use std::fs;
use std::path::{Path, PathBuf};

use cookie_ledger::diagnostic::Rule;

const BEGIN: &str = "<!-- rules:begin (cargo xtask codegen writes this table) -->";
const END: &str = "<!-- rules:end -->";

pub fn run(args: Vec<String>) -> i32 {
    let check = match args.as_slice() {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => {
            eprintln!("usage: cargo xtask codegen [--check]");
            return 2;
        }
    };
    match update(&crate::project_root(), check) {
        Ok(changed) if changed.is_empty() => 0,
        Ok(changed) if check => {
            eprintln!(
                "error: out of date: {}; run `cargo xtask codegen`",
                changed.join(", ")
            );
            1
        }
        Ok(changed) => {
            println!("wrote {}", changed.join(", "));
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}

/// Writes every generated document that differs (or, with `check`, only lists them); returns
/// their paths, relative to `root`.
fn update(root: &Path, check: bool) -> Result<Vec<String>, String> {
    let docs = root.join("docs/rules");
    let mut wanted: Vec<(PathBuf, String)> = Rule::ALL
        .iter()
        .map(|&rule| {
            Ok((
                docs.join(format!("{}.md", rule.id())),
                rule_page(root, rule)?,
            ))
        })
        .collect::<Result<_, String>>()?;
    let readme = root.join("README.md");
    wanted.push((readme.clone(), with_table(&read(&readme)?)?));
    let schema = serde_json::to_string_pretty(&cookie_ledger::catalogue::json_schema())
        .map_err(|e| e.to_string())?;
    wanted.push((root.join("catalogue.schema.json"), schema + "\n"));
    let man = root.join("docs/man");
    for (name, page) in man_pages()? {
        wanted.push((man.join(format!("{name}.1")), page));
    }
    let mut changed = Vec::new();
    let shown = |path: &Path| {
        path.strip_prefix(root)
            .unwrap_or(path)
            .display()
            .to_string()
    };
    for (path, text) in &wanted {
        if fs::read_to_string(path).ok().as_deref() != Some(text.as_str()) {
            changed.push(shown(path));
            if !check {
                fs::create_dir_all(path.parent().expect("a file in a folder"))
                    .and_then(|()| fs::write(path, text))
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            }
        }
    }
    // A page for a rule or a command that no longer exists would document nothing.
    let pages = [&docs, &man]
        .into_iter()
        .filter(|dir| dir.is_dir())
        .map(|dir| fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display())))
        .collect::<Result<Vec<_>, String>>()?;
    for entry in pages.into_iter().flatten() {
        let path = entry.map_err(|e| e.to_string())?.path();
        if !wanted.iter().any(|(p, _)| *p == path) {
            changed.push(shown(&path));
            if !check {
                fs::remove_file(&path)
                    .map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
            }
        }
    }
    Ok(changed)
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// A man page for `cookie-ledger` and one for each of its commands, by name.
fn man_pages() -> Result<Vec<(String, String)>, String> {
    use clap::CommandFactory;
    let top = cookie_ledger::cli::Cli::command();
    let mut commands = vec![top.clone()];
    commands.extend(
        top.get_subcommands()
            .filter(|c| c.get_name() != "help")
            .map(|c| c.clone().name(format!("cookie-ledger-{}", c.get_name()))),
    );
    commands
        .into_iter()
        .map(|command| {
            let name = command.get_name().to_owned();
            let mut page = Vec::new();
            clap_mangen::Man::new(command)
                .render(&mut page)
                .map_err(|e| format!("cannot render the man page of {name}: {e}"))?;
            let page = String::from_utf8(page).map_err(|e| e.to_string())?;
            Ok((name, page))
        })
        .collect()
}

/// The rule's page, with what the tool prints on its fixture when it has one.
fn rule_page(root: &Path, rule: Rule) -> Result<String, String> {
    let mut page = rule.page();
    let fixture = root.join("tests/fixtures/rules").join(rule.id());
    if !fixture.is_dir() {
        return Ok(page);
    }
    let args = match fs::read_to_string(fixture.join("args")) {
        Ok(text) => text.lines().collect::<Vec<_>>().join(" "),
        Err(_) => "check".to_owned(),
    };
    let expected = read(&fixture.join("expected.txt"))?;
    let report = expected.split_once('\n').map_or("", |(_, rest)| rest);
    page.push_str(&format!(
        "\n## Report\n\nWhat `cookie-ledger {args}` prints on its test fixture, \
         `tests/fixtures/rules/{id}/` (files laid over `tests/fixtures/rules/base/`):\n\n\
         ```text\n{report}```\n",
        id = rule.id()
    ));
    Ok(page)
}

/// `readme` with the rule table between its markers rewritten.
fn with_table(readme: &str) -> Result<String, String> {
    let (Some(begin), Some(end)) = (readme.find(BEGIN), readme.find(END)) else {
        return Err(format!("README.md lacks the markers {BEGIN} and {END}"));
    };
    let mut table = String::from(
        "\n| rule | class | severity | waivable per | what it checks |\n| --- | --- | --- | --- | --- |\n",
    );
    for rule in Rule::ALL {
        table.push_str(&format!(
            "| [`{id}`](docs/rules/{id}.md) | {} | {} | {} | {} |\n",
            rule.class().word(),
            rule.level().word(),
            rule.waiver_words(),
            rule.explanation().replace('|', "\\|"),
            id = rule.id()
        ));
    }
    Ok(format!(
        "{}{BEGIN}{table}{}",
        &readme[..begin],
        &readme[end..]
    ))
}

#[cfg(test)]
mod tests {
    use std::fs;

    #[test]
    fn the_schema_accepts_the_demo_catalogue_and_refuses_a_misspelt_key() {
        let root = crate::project_root();
        let schema: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(root.join("catalogue.schema.json")).unwrap())
                .unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let text = fs::read_to_string(root.join("catalogue.toml")).unwrap();
        assert!(
            text.starts_with("#:schema ./catalogue.schema.json\n"),
            "editors find the schema through the first line"
        );
        let as_json = |text: &str| -> serde_json::Value { toml::from_str(text).unwrap() };
        let errors: Vec<String> = validator
            .iter_errors(&as_json(&text))
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
        for (from, to) in [("provider =", "provder ="), ("consent =", "consents =")] {
            let misspelt = text.replacen(from, to, 1);
            assert!(!validator.is_valid(&as_json(&misspelt)), "`{to}` passes");
        }
    }

    #[test]
    fn generated_documents_are_up_to_date() {
        let changed = super::update(&crate::project_root(), true).unwrap();
        assert!(
            changed.is_empty(),
            "out of date: {changed:?}; run `cargo xtask codegen`"
        );
    }
}
