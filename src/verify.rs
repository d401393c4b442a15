//! Compares the tables read back from a page with what the catalogue says, row by row.

use std::collections::BTreeSet;

use similar::TextDiff;

use crate::catalogue::{Catalogue, Row, SiteId};
use crate::diagnostic::{Diagnostic, Location, Rule};
use crate::labels::{self, Column};
use crate::pattern;
use crate::readback::Cell;
use crate::render::TableKey;

/// A marker of the page, located in the input.
#[derive(Debug)]
pub struct SeenMarker {
    /// Where its start tag is.
    pub location: Location,
    /// The table it was given; `None` when the marker was bad input.
    pub key: Option<TableKey>,
    /// Why visitors never see it, when they do not.
    pub hidden: Option<&'static str>,
}

/// A table of the page, located in the input.
#[derive(Debug)]
pub struct SeenTable {
    /// Where it starts (the marker's place for generated tables).
    pub location: Location,
    /// Index into the page's markers when the table sits in one.
    pub marker: Option<usize>,
    /// Why visitors never see it, when they do not.
    pub hidden: Option<&'static str>,
    /// Whether the page opts it out of cookie-table checks.
    pub ignored: bool,
    /// Rows with their places.
    pub rows: Vec<SeenRow>,
}

/// A row's place and its cells.
pub type SeenRow = (Location, Vec<Cell>);

/// What one page's tables prove and where they fall short.
#[derive(Debug, Default)]
pub struct Verdict {
    /// Drift found on the page.
    pub findings: Vec<Diagnostic>,
    /// Catalogue cookies (indices) that a visible table on the page lists.
    pub covered: BTreeSet<usize>,
    /// Visible cookie tables on the page.
    pub cookie_tables: usize,
}

/// How a cookie table's columns line up with the catalogue's.
#[derive(Clone, Debug)]
struct ColumnMap {
    columns: Vec<Option<Column>>,
    labels: Vec<String>,
}

impl ColumnMap {
    /// The column map a header row gives, if it is a cookie table's: a names column, another column
    /// the tool knows, each column once, and one header only a cookie table has ("Cookie name",
    /// "Function and location"). "Name | Description" is any table of things.
    fn of(header: &[Cell]) -> Option<ColumnMap> {
        let recognised: Vec<Option<(Column, &str)>> = header
            .iter()
            .map(|c| labels::recognise_header(&c.text).map(|(col, _)| (col, c.text.as_str())))
            .collect();
        let columns: Vec<Option<Column>> = recognised.iter().map(|r| r.map(|(c, _)| c)).collect();
        let known: Vec<Column> = columns.iter().flatten().copied().collect();
        let once = known
            .iter()
            .enumerate()
            .all(|(i, c)| !known[..i].contains(c));
        let specific = recognised
            .iter()
            .flatten()
            .any(|(_, text)| labels::only_cookie_tables(text));
        (known.contains(&Column::Names) && known.len() >= 2 && once && specific).then(|| {
            ColumnMap {
                columns,
                labels: header.iter().map(|c| c.text.clone()).collect(),
            }
        })
    }

    /// The header among a table's first rows, and the rows after it. Only group headings (rows of
    /// one cell) may come before it: a row after data rows is data, whatever it says.
    fn find(rows: &[SeenRow]) -> Option<(ColumnMap, &[SeenRow])> {
        for (i, (_, cells)) in rows.iter().take(3).enumerate() {
            if let Some(map) = ColumnMap::of(cells) {
                return Some((map, &rows[i + 1..]));
            }
            let heading = cells.iter().filter(|c| !c.text.is_empty()).count() <= 1;
            if !heading {
                return None;
            }
        }
        None
    }

    fn label(&self, column: Column, lang: &str) -> String {
        self.columns
            .iter()
            .position(|c| *c == Some(column))
            .map(|i| self.labels[i].clone())
            .unwrap_or_else(|| {
                labels::words(lang)
                    .map_or(column.key(), |w| w.header(column))
                    .to_owned()
            })
    }
}

/// Checks every table and marker of one page of `site` against the catalogue; `hand_tables` is
/// false when the catalogue lists the page as having no cookie tables of its own.
pub fn page(
    catalogue: &Catalogue,
    site: Option<SiteId>,
    page_lang: Option<&str>,
    page: &str,
    markers: &[SeenMarker],
    tables: &[SeenTable],
    hand_tables: bool,
) -> Verdict {
    let mut verdict = Verdict::default();
    // Each marker's tables, found once: a look-up per marker would be quadratic on a page of many.
    let mut in_marker: Vec<Vec<usize>> = vec![Vec::new(); markers.len()];
    for (n, table) in tables.iter().enumerate() {
        if let Some(list) = table.marker.and_then(|k| in_marker.get_mut(k)) {
            list.push(n);
        }
    }
    for (k, marker) in markers.iter().enumerate() {
        if let Some(place) = marker.hidden {
            let d = Diagnostic::new(
                Rule::HiddenMarker,
                Some(marker.location.clone()),
                format!("marker sits inside {place}, so visitors never see its table"),
            );
            verdict.findings.push(d.with_help(format!(
                "move the marker out of {place}, or show it to visitors"
            )));
            continue;
        }
        let Some(key) = &marker.key else { continue };
        let mut found = 0;
        for &n in &in_marker[k] {
            let table = &tables[n];
            let Some((map, data)) = ColumnMap::find(&table.rows) else {
                continue;
            };
            found += 1;
            verdict.cookie_tables += 1;
            let TableKey {
                site,
                category,
                lang,
            } = key;
            let expected = catalogue.rows(*site, Some(*category), lang);
            let comparison = Comparison {
                catalogue,
                page,
                site: *site,
                lang,
                table: n + 1,
                table_location: &table.location,
                generated: true,
            };
            comparison.compare(&map, data, &expected, &mut verdict);
            comparison.missing_columns(&map, table, &expected, &mut verdict);
        }
        if found == 0 {
            let d = Diagnostic::new(
                Rule::EmptyMarker,
                Some(marker.location.clone()),
                "the marker holds no cookie table (no table with a cookie-name column)",
            );
            verdict
                .findings
                .push(d.with_help("the site's template must render a table with the rows' names"));
        }
    }

    // Hand-written tables: any table whose header names a cookie column.
    let mut previous: Option<(usize, ColumnMap)> = None;
    for (n, table) in tables.iter().enumerate() {
        if table.marker.is_some() || table.hidden.is_some() || table.ignored || !hand_tables {
            continue;
        }
        let Some((_, first)) = table.rows.first() else {
            continue;
        };
        let (map, data) = match ColumnMap::find(&table.rows) {
            Some(found) => found,
            // A table split in two by an editor: the part right after a cookie table, under a blank header.
            None => match &previous {
                Some((p, map))
                    if *p + 1 == n
                        && first.len() == map.columns.len()
                        && first.iter().all(|c| c.text.is_empty()) =>
                {
                    (map.clone(), &table.rows[1..])
                }
                _ => continue,
            },
        };
        previous = Some((n, map.clone()));
        verdict.cookie_tables += 1;
        let Some(site) = site else {
            let d = Diagnostic::new(
                Rule::UncheckedTable,
                Some(table.location.clone()),
                "this cookie table sits on a page of no site in the catalogue, so it is not checked",
            );
            verdict.findings.push(
                d.with_help("move the page into a site's folder or add its site to the catalogue"),
            );
            continue;
        };
        let header_lang = first
            .iter()
            .find_map(|c| labels::recognise_header(&c.text).map(|(_, l)| l));
        let lang = catalogue
            .language_of(site, page_lang)
            .filter(|_| page_lang.is_some())
            .or_else(|| header_lang.and_then(|l| catalogue.language_of(site, Some(l))))
            .or_else(|| catalogue.language_of(site, None))
            .expect("a site has a language")
            .to_owned();
        let expected = catalogue.rows(site, None, &lang);
        let comparison = Comparison {
            catalogue,
            page,
            site,
            lang: &lang,
            table: n + 1,
            table_location: &table.location,
            generated: false,
        };
        comparison.compare(&map, data, &expected, &mut verdict);
    }
    verdict
}

/// One table compared with the catalogue, and where, for messages.
struct Comparison<'a> {
    catalogue: &'a Catalogue,
    page: &'a str,
    site: SiteId,
    lang: &'a str,
    table: usize,
    table_location: &'a Location,
    generated: bool,
}

impl Comparison<'_> {
    fn compare(&self, map: &ColumnMap, rows: &[SeenRow], expected: &[Row], verdict: &mut Verdict) {
        let names_at = map
            .columns
            .iter()
            .position(|c| *c == Some(Column::Names))
            .expect("map has names");
        let mut matched = BTreeSet::new();
        for (r, (location, cells)) in rows.iter().enumerate() {
            if cells.iter().all(|c| c.text.is_empty()) {
                continue;
            }
            let names = split_names(cells.get(names_at).map_or("", |c| c.text.as_str()));
            let row_label = format!("table {}, row {}", self.table, r + 1);
            let Some(want) = expected.iter().find(|e| {
                names
                    .iter()
                    .any(|n| e.names.iter().any(|p| pattern::matches(p, n)))
            }) else {
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
                let actual = cells.get(i).map_or("", |c| c.text.as_str());
                let mut wanted = collapse(&want.cell(column));
                if column == Column::Names && names_agree(&split_names(actual), &want.names) {
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

    fn missing_columns(
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
        let names: Vec<String> = missing.iter().map(|c| map.label(*c, self.lang)).collect();
        let ours: String = wanted
            .iter()
            .map(|c| format!("{}\n", map.label(*c, self.lang)))
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
        let (message, help) = if self.generated {
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

/// The names a cell lists: separated by commas, semicolons or white space.
pub fn split_names(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Whether a page's names and a row's names (which may be patterns) say the same: each side covered by the other.
fn names_agree(page: &[String], declared: &[String]) -> bool {
    page.iter()
        .all(|n| declared.iter().any(|p| pattern::matches(p, n)))
        && declared
            .iter()
            .all(|p| page.iter().any(|n| pattern::matches(p, n) || n == p))
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
