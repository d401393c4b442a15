//! One cookie table against the rows the catalogue gives it: row by row, column by column,
//! with a diff a person can act on, and the columns it must have.

use std::collections::BTreeSet;

use similar::TextDiff;

use super::{ColumnMap, SeenRow, SeenTable, Verdict, cell_names, collapse, names_agree};
use crate::catalogue::{Catalogue, Row, SiteId};
use crate::diagnostic::{Diagnostic, Location, Rule};
use crate::labels::Column;
use crate::pattern;

/// One table compared with the catalogue, and where, for messages.
pub(super) struct Comparison<'a> {
    pub(super) catalogue: &'a Catalogue,
    pub(super) page: &'a str,
    pub(super) site: SiteId,
    pub(super) lang: &'a str,
    pub(super) table: usize,
    pub(super) table_location: &'a Location,
    pub(super) generated: bool,
}

impl Comparison<'_> {
    pub(super) fn compare(
        &self,
        map: &ColumnMap,
        rows: &[SeenRow],
        expected: &[Row],
        verdict: &mut Verdict,
    ) {
        let names_at = map
            .columns
            .iter()
            .position(|c| *c == Some(Column::Names))
            .expect("map has names");
        // A "Type" column means something else on a site that declares no web storage.
        let storage = self.catalogue.declares_storage(self.site);
        let kind_at = map
            .columns
            .iter()
            .position(|c| *c == Some(Column::Kind))
            .filter(|_| storage);
        let mut matched = BTreeSet::new();
        for (r, (location, cells)) in rows.iter().enumerate() {
            let filled = cells.iter().filter(|c| !c.text.is_empty()).count();
            let names = cell_names(cells.get(names_at).map_or("", |c| c.text.as_str()));
            // A blank row, or a group heading (one cell of text and no name) that only sorts
            // the rows after it.
            if filled == 0 || (filled == 1 && names.is_empty()) {
                continue;
            }
            let row_label = format!("table {}, row {}", self.table, r + 1);
            // A cookie and a storage item may share a name: the row's type cell, when the
            // table has one, says which it is; else the first not yet listed.
            let kind = kind_at
                .and_then(|i| cells.get(i))
                .map(|c| collapse(&c.text));
            let candidates: Vec<&Row> = expected
                .iter()
                .filter(|e| {
                    names
                        .iter()
                        .any(|n| e.names.iter().any(|p| pattern::matches(p, n)))
                })
                .collect();
            let want = candidates
                .iter()
                .find(|e| kind.as_deref() == Some(e.kind.as_str()) && !matched.contains(&e.cookie))
                .or_else(|| candidates.iter().find(|e| !matched.contains(&e.cookie)))
                .or_else(|| candidates.first())
                .copied();
            let Some(want) = want else {
                verdict
                    .findings
                    .push(self.extra_row(location, &names, &row_label));
                continue;
            };
            verdict.covered.insert(want.cookie);
            if !matched.insert(want.cookie) {
                let d = Diagnostic::new(
                    Rule::DuplicateRow,
                    Some(location.clone()),
                    format!(
                        "{row_label} lists cookie `{}` a second time",
                        names.join(", ")
                    ),
                );
                verdict
                    .findings
                    .push(d.with_help("keep one row per cookie"));
                continue;
            }
            let mut theirs = String::new();
            let mut ours = String::new();
            for (i, column) in map.columns.iter().enumerate() {
                let Some(column) = *column else { continue };
                if column == Column::Kind && !storage {
                    continue;
                }
                let actual = cells.get(i).map_or("", |c| c.text.as_str());
                let mut wanted = collapse(&want.cell(column));
                if column == Column::Names && names_agree(&cell_names(actual), &want.names) {
                    wanted = actual.to_owned();
                }
                // "2 Weeks" and "2 weeks" state one lifetime: a hand-written table may word it
                // in its own letters; a generated one says what the template renders.
                let same_lifetime = || {
                    self.catalogue
                        .words(self.lang)
                        .and_then(|w| crate::catalogue::Duration::read(actual, w))
                        == Some(want.lifetime)
                };
                if column == Column::Duration
                    && !self.generated
                    && want.lifetime != crate::catalogue::Duration::Unstated
                    && same_lifetime()
                {
                    wanted = actual.to_owned();
                }
                ours.push_str(&format!("{}: {wanted}\n", map.labels[i]));
                theirs.push_str(&format!("{}: {actual}\n", map.labels[i]));
            }
            if ours != theirs {
                let message = format!(
                    "row `{}` of table {} says something other than the catalogue (site `{}`, language `{}`)",
                    want.names.join(", "),
                    self.table,
                    self.catalogue.sites[self.site].id,
                    self.lang
                );
                let d = Diagnostic::new(Rule::RowDrift, Some(location.clone()), message)
                    .with_help(self.help(want.cookie))
                    .with_diff(self.diff(&ours, &theirs, want.cookie, &row_label));
                verdict.findings.push(d);
            }
        }
        // The categories this table shows in its language, for language parity.
        for &cookie in &matched {
            let category = self.catalogue.cookies[cookie].category;
            verdict.shown.insert((self.lang.to_owned(), category));
        }
        let listed_storage: Vec<&str> = expected
            .iter()
            .filter(|e| matched.contains(&e.cookie))
            .filter(|e| !self.catalogue.cookies[e.cookie].kind.is_cookie())
            .map(|e| e.names[0].as_str())
            .collect();
        if !self.generated && kind_at.is_none() && !listed_storage.is_empty() {
            let d = Diagnostic::new(
                Rule::MissingColumn,
                Some(self.table_location.clone()),
                format!(
                    "table {} lists web storage (`{}`) but has no type column, so a visitor cannot tell it from a cookie",
                    self.table,
                    listed_storage.join("`, `")
                ),
            );
            verdict.findings.push(d.with_help(format!(
                "add a column headed \"{}\" that says each row's type, as the catalogue does",
                map.label(Column::Kind, self.catalogue.words(self.lang))
            )));
        }
        if self.generated {
            for want in expected.iter().filter(|e| !matched.contains(&e.cookie)) {
                let location = Some(self.table_location.clone());
                let ours: String = map
                    .columns
                    .iter()
                    .enumerate()
                    .filter_map(|(i, c)| {
                        c.map(|c| format!("{}: {}\n", map.labels[i], collapse(&want.cell(c))))
                    })
                    .collect();
                let message = format!(
                    "table {} lacks the row of cookie `{}`",
                    self.table,
                    want.names.join(", ")
                );
                let d = Diagnostic::new(Rule::MissingRow, location, message)
                    .with_help("the site's template must render every row it is given")
                    .with_diff(self.diff(&ours, "", want.cookie, &format!("table {}", self.table)));
                verdict.findings.push(d);
            }
        }
    }

    pub(super) fn missing_columns(
        &self,
        map: &ColumnMap,
        table: &SeenTable,
        expected: &[Row],
        verdict: &mut Verdict,
    ) {
        // A visitor can tell a cookie from web storage only when the table says which is which.
        let storage = expected
            .iter()
            .any(|r| !self.catalogue.cookies[r.cookie].kind.is_cookie());
        let wanted: Vec<Column> = Column::REQUIRED
            .into_iter()
            .chain(storage.then_some(Column::Kind))
            .collect();
        let missing: Vec<Column> = wanted
            .iter()
            .copied()
            .filter(|c| !map.columns.contains(&Some(*c)))
            .collect();
        if missing.is_empty() {
            return;
        }
        let names: Vec<String> = missing
            .iter()
            .map(|c| map.label(*c, self.catalogue.words(self.lang)))
            .collect();
        let ours: String = wanted
            .iter()
            .map(|c| format!("{}\n", map.label(*c, self.catalogue.words(self.lang))))
            .collect();
        let theirs: String = map.labels.iter().map(|l| format!("{l}\n")).collect();
        let diff = TextDiff::from_lines(&ours, &theirs)
            .unified_diff()
            .header(
                "catalogue columns",
                &format!("{} (table {} header)", self.page, self.table),
            )
            .to_string();
        let d = Diagnostic::new(
            Rule::MissingColumn,
            Some(table.location.clone()),
            format!(
                "table {} lacks the column(s): {}",
                self.table,
                names.join(", ")
            ),
        );
        verdict.findings.push(
            d.with_help("the site's template must render every column")
                .with_diff(diff),
        );
    }

    fn extra_row(&self, location: &Location, names: &[String], row_label: &str) -> Diagnostic {
        let site = &self.catalogue.sites[self.site].id;
        let listed = if names.is_empty() {
            "no cookie name".to_owned()
        } else {
            format!("cookie `{}`", names.join(", "))
        };
        let (message, help) = if names.is_empty() && !self.generated {
            (
                format!("{row_label} names no cookie: its name cell is empty"),
                "write the name of the cookie the row describes in its name cell, or remove the row"
                    .to_owned(),
            )
        } else if self.generated {
            (
                format!(
                    "{row_label} lists {listed}, which the catalogue does not put in this table for site `{site}`"
                ),
                "the site's template must render only the rows it is given".to_owned(),
            )
        } else {
            (
                format!(
                    "{row_label} lists {listed}, which the catalogue does not declare for site `{site}`"
                ),
                format!(
                    "declare the cookie in {} or remove the row",
                    self.catalogue.path
                ),
            )
        };
        Diagnostic::new(Rule::ExtraRow, Some(location.clone()), message).with_help(help)
    }

    fn help(&self, cookie: usize) -> String {
        if self.generated {
            "this table is generated: the site's template or an edit after the build changed it; rebuild, or fix the template".into()
        } else {
            format!(
                "make the page say what the catalogue says, or fix the catalogue ({}) if the page is right; a marker keeps the table in step for good",
                self.catalogue.cookies[cookie].location
            )
        }
    }

    fn diff(&self, ours: &str, theirs: &str, cookie: usize, what: &str) -> String {
        TextDiff::from_lines(ours, theirs)
            .unified_diff()
            .context_radius(20)
            .header(
                &format!("{} (catalogue)", self.catalogue.cookies[cookie].location),
                &format!("{} ({what})", self.page),
            )
            .to_string()
    }
}
