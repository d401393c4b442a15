//! `cookie-ledger diff`: what changed between two catalogues, as visitors read it. A cookie
//! table is a legal statement, so the comparison is of the rows each site shows in each of
//! its languages (the words rendered, durations included), not of the TOML.

use serde::Serialize;

use crate::catalogue::{Catalogue, Row};
use crate::report::terminal_text;

/// The changes of one site in one language.
#[derive(Debug, Default, PartialEq, Serialize)]
pub struct SiteChanges {
    /// The site's id.
    pub site: String,
    /// The language.
    pub lang: String,
    /// What only the new catalogue has: a whole site or language, or rows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub whole: Option<Whole>,
    /// Rows only the new catalogue shows.
    pub added: Vec<RowText>,
    /// Rows only the old catalogue showed.
    pub removed: Vec<RowText>,
    /// Rows both show, with the fields that differ.
    pub changed: Vec<Changed>,
    /// Tables both show whose caption or consent differs: (category, field, old, new).
    pub tables: Vec<(String, &'static str, String, String)>,
    /// Column headers that differ: (column, old, new).
    pub headers: Vec<(&'static str, String, String)>,
}

/// A site or language that one side alone has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Whole {
    /// New in the new catalogue.
    Added,
    /// Gone from it.
    Removed,
}

/// One row as a visitor reads it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RowText {
    /// Its names.
    pub names: Vec<String>,
    /// Its category's id.
    pub category: String,
    /// Who provides the service.
    pub provider: String,
    /// Function and location.
    pub function: String,
    /// Where it is stored, in the row's language.
    pub kind: String,
    /// Why it is set.
    pub purpose: String,
    /// How long it lives, in the row's language.
    pub duration: String,
}

impl RowText {
    /// Each field a visitor reads, by name, in table order.
    fn fields(&self) -> [(&'static str, &str); 6] {
        [
            ("provider", &self.provider),
            ("function", &self.function),
            ("kind", &self.kind),
            ("purpose", &self.purpose),
            ("duration", &self.duration),
            ("category", &self.category),
        ]
    }
}

/// One row whose fields differ.
#[derive(Debug, PartialEq, Serialize)]
pub struct Changed {
    /// Its names (the new ones).
    pub names: Vec<String>,
    /// Each field that differs: its name, the old text and the new.
    pub fields: Vec<(&'static str, String, String)>,
}

impl SiteChanges {
    fn is_empty(&self) -> bool {
        self.whole.is_none()
            && self.added.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
            && self.tables.is_empty()
            && self.headers.is_empty()
    }
}

/// Every change from `old` to `new`, by site then language, in the new catalogue's order
/// (sites only the old one had last).
pub fn compare(old: &Catalogue, new: &Catalogue) -> Vec<SiteChanges> {
    let mut changes = Vec::new();
    for (id, site) in new.site_ids() {
        let before = old.site_ids().find(|(_, s)| s.id == site.id);
        for lang in &site.languages {
            let now = rows(new, id, lang);
            let mut entry = SiteChanges {
                site: site.id.clone(),
                lang: lang.clone(),
                ..SiteChanges::default()
            };
            match before.filter(|(_, s)| s.languages.contains(lang)) {
                Some((old_id, _)) => {
                    diff_rows(rows(old, old_id, lang), now, &mut entry);
                    diff_tables(old, new, lang, &mut entry);
                }
                None => {
                    entry.whole = Some(Whole::Added);
                    entry.added = now;
                }
            }
            if !entry.is_empty() {
                changes.push(entry);
            }
        }
    }
    for (id, site) in old.site_ids() {
        let after = new.site_ids().find(|(_, s)| s.id == site.id);
        for lang in &site.languages {
            if after.is_some_and(|(_, s)| s.languages.contains(lang)) {
                continue;
            }
            changes.push(SiteChanges {
                site: site.id.clone(),
                lang: lang.clone(),
                whole: Some(Whole::Removed),
                removed: rows(old, id, lang),
                ..SiteChanges::default()
            });
        }
    }
    changes
}

/// The rows a site shows in a language, as text.
fn rows(catalogue: &Catalogue, site: crate::catalogue::SiteId, lang: &str) -> Vec<RowText> {
    catalogue
        .rows(site, None, lang)
        .into_iter()
        .map(|row| text(catalogue, &row))
        .collect()
}

fn text(catalogue: &Catalogue, row: &Row) -> RowText {
    let cookie = &catalogue.cookies[row.cookie];
    let category = catalogue.categories[cookie.category].id.clone();
    RowText {
        names: row.names.clone(),
        category,
        provider: row.provider.clone(),
        function: row.function.clone(),
        kind: row.kind.clone(),
        purpose: row.purpose.clone(),
        duration: row.duration.clone(),
    }
}

/// Rows are the same row when they share a name and a kind: a renamed pattern that still
/// holds one of its names is a change, not a removal and an addition.
fn diff_rows(old: Vec<RowText>, new: Vec<RowText>, entry: &mut SiteChanges) {
    let mut old: Vec<Option<RowText>> = old.into_iter().map(Some).collect();
    for row in new {
        let same = old.iter().position(|o| {
            o.as_ref().is_some_and(|o| {
                o.kind == row.kind && o.names.iter().any(|n| row.names.contains(n))
            })
        });
        let Some(before) = same.and_then(|i| old[i].take()) else {
            entry.added.push(row);
            continue;
        };
        let mut fields: Vec<(&'static str, String, String)> = Vec::new();
        if before.names != row.names {
            fields.push(("names", before.names.join(", "), row.names.join(", ")));
        }
        for ((field, was), (_, now)) in before.fields().into_iter().zip(row.fields()) {
            if was != now {
                fields.push((field, was.to_owned(), now.to_owned()));
            }
        }
        if !fields.is_empty() {
            entry.changed.push(Changed {
                names: row.names,
                fields,
            });
        }
    }
    entry.removed.extend(old.into_iter().flatten());
}

/// Captions, consent and column headers, for the categories both catalogues have.
fn diff_tables(old: &Catalogue, new: &Catalogue, lang: &str, entry: &mut SiteChanges) {
    for category in &new.categories {
        let Some(before) = old.categories.iter().find(|c| c.id == category.id) else {
            continue;
        };
        let text = |t: &crate::catalogue::Texts| t.get(lang).cloned().unwrap_or_default();
        for (field, was, now) in [
            ("title", text(&before.title), text(&category.title)),
            (
                "description",
                text(&before.description),
                text(&category.description),
            ),
            (
                "consent",
                before.consent.to_string(),
                category.consent.to_string(),
            ),
        ] {
            if was != now {
                entry.tables.push((category.id.clone(), field, was, now));
            }
        }
    }
    if let (Some(was), Some(now)) = (old.words(lang), new.words(lang)) {
        for column in crate::labels::Column::ALL {
            if was.header(column) != now.header(column) {
                entry.headers.push((
                    column.key(),
                    was.header(column).to_owned(),
                    now.header(column).to_owned(),
                ));
            }
        }
    }
}

/// The changes for a terminal, control characters shown escaped.
pub fn human(changes: &[SiteChanges]) -> String {
    if changes.is_empty() {
        return "no change to any table\n".to_owned();
    }
    let t = |s: &str| terminal_text(s);
    let mut out = String::new();
    for c in changes {
        out.push_str(&format!("site {} ({})", t(&c.site), t(&c.lang)));
        match c.whole {
            Some(Whole::Added) => out.push_str(": new\n"),
            Some(Whole::Removed) => out.push_str(": gone\n"),
            None => out.push_str(":\n"),
        }
        for row in &c.added {
            out.push_str(&format!(
                "  + {} ({})\n",
                t(&row.names.join(", ")),
                t(&row.category)
            ));
        }
        for row in &c.removed {
            out.push_str(&format!(
                "  - {} ({})\n",
                t(&row.names.join(", ")),
                t(&row.category)
            ));
        }
        for (category, field, was, now) in &c.tables {
            out.push_str(&format!(
                "  ~ table {}: {field}: \"{}\" -> \"{}\"\n",
                t(category),
                t(was),
                t(now)
            ));
        }
        for (column, was, now) in &c.headers {
            out.push_str(&format!(
                "  ~ header {column}: \"{}\" -> \"{}\"\n",
                t(was),
                t(now)
            ));
        }
        for row in &c.changed {
            out.push_str(&format!("  ~ {}\n", t(&row.names.join(", "))));
            for (field, was, now) in &row.fields {
                out.push_str(&format!(
                    "      {field}: \"{}\" -> \"{}\"\n",
                    t(was),
                    t(now)
                ));
            }
        }
    }
    out
}

/// The changes as Markdown, for release notes: every text escaped so that it reads as
/// written.
pub fn markdown(changes: &[SiteChanges]) -> String {
    if changes.is_empty() {
        return "No change to any cookie table.\n".to_owned();
    }
    let mut out = String::new();
    for c in changes {
        let whole = match c.whole {
            Some(Whole::Added) => " (new)",
            Some(Whole::Removed) => " (gone)",
            None => "",
        };
        out.push_str(&format!("### {} ({}){whole}\n\n", md(&c.site), md(&c.lang)));
        for row in &c.added {
            out.push_str(&format!(
                "- Added: {} ({})\n",
                names(&row.names),
                md(&row.category)
            ));
        }
        for row in &c.removed {
            out.push_str(&format!(
                "- Removed: {} ({})\n",
                names(&row.names),
                md(&row.category)
            ));
        }
        for (category, field, was, now) in &c.tables {
            out.push_str(&format!(
                "- Table {}: {field} from “{}” to “{}”\n",
                md(category),
                md(was),
                md(now)
            ));
        }
        for (column, was, now) in &c.headers {
            out.push_str(&format!(
                "- Header {column}: from “{}” to “{}”\n",
                md(was),
                md(now)
            ));
        }
        for row in &c.changed {
            let fields: Vec<String> = row
                .fields
                .iter()
                .map(|(field, was, now)| format!("{field} from “{}” to “{}”", md(was), md(now)))
                .collect();
            out.push_str(&format!(
                "- Changed: {}: {}\n",
                names(&row.names),
                fields.join("; ")
            ));
        }
        out.push('\n');
    }
    out
}

/// Cookie names as Markdown code spans, each fenced with more backticks than it holds.
fn names(names: &[String]) -> String {
    names
        .iter()
        .map(|n| {
            let n = terminal_text(n);
            let longest = n.split(|c| c != '`').map(str::len).max().unwrap_or(0);
            let fence = "`".repeat(longest + 1);
            if n.starts_with('`') || n.ends_with('`') {
                format!("{fence} {n} {fence}")
            } else {
                format!("{fence}{n}{fence}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Text with every character Markdown or HTML would read escaped.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in terminal_text(text).chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '#' | '|' | '!' | '~' | '{' | '}'
            | '+' | '-' | '.' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_text_reads_as_written() {
        assert_eq!(md("a *b* <i>&"), "a \\*b\\* &lt;i&gt;&amp;");
        assert_eq!(md("[x](javascript:y)"), "\\[x\\]\\(javascript:y\\)");
        assert_eq!(names(&["_ga_*".to_owned()]), "`_ga_*`");
        assert_eq!(names(&["a`b".to_owned()]), "``a`b``");
        assert_eq!(names(&["`a".to_owned()]), "`` `a ``");
    }
}
