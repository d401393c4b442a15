//! `[pages]` globs and `[[allow]]` tables.

use toml::Spanned;

use super::super::FileAllow;
use super::super::raw::RawAllow;
use crate::diagnostic::Rule;

use super::Checker;

/// Path globs: one per entry, none empty.
pub(super) fn globs(checker: &mut Checker, raw: &[Spanned<String>], key: &str) -> Vec<String> {
    raw.iter()
        .filter_map(|g| {
            checker.characters(g, key);
            if g.get_ref().trim().is_empty() {
                checker.error(
                    g.span(),
                    format!("{key} holds an empty path"),
                    "write a path relative to the site folder, such as \"portals.html\" or \"docs/**\"",
                );
                return None;
            }
            Some(g.get_ref().trim().to_owned())
        })
        .collect()
}

/// `[[allow]]` tables: a rule that can be waived per file, files, and a reason.
pub(super) fn file_allows(checker: &mut Checker, raw: &[Spanned<RawAllow>]) -> Vec<FileAllow> {
    let mut allows = Vec::new();
    for entry in raw {
        let a = entry.get_ref();
        let rule = Rule::ALL
            .iter()
            .find(|r| r.id() == a.rule.get_ref().as_str() && r.waivable_per_file());
        let Some(rule) = rule else {
            let ids: Vec<&str> = Rule::ALL
                .iter()
                .filter(|r| r.waivable_per_file())
                .map(|r| r.id())
                .collect();
            checker.error(
                a.rule.span(),
                format!(
                    "`{}` is not a rule that can be waived for files",
                    a.rule.get_ref()
                ),
                &format!("use one of: {}", ids.join(", ")),
            );
            continue;
        };
        if a.reason.get_ref().trim().is_empty() {
            checker.error(
                a.reason.span(),
                format!("waiving `{}` needs a reason", rule.id()),
                "say why the rule does not apply to these files",
            );
        }
        checker.prose(&a.reason, "the reason of `[[allow]]`");
        if a.files.get_ref().is_empty() {
            checker.error(
                a.files.span(),
                "`files` is empty".into(),
                "list the files, as paths relative to the site folder",
            );
        }
        allows.push(FileAllow {
            rule: *rule,
            files: globs(checker, a.files.get_ref(), "`files` of `[[allow]]`"),
            reason: a.reason.get_ref().trim().to_owned(),
        });
    }
    allows
}
