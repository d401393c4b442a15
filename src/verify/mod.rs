//! Compares the tables read back from a page with what the catalogue says, row by row.

use std::collections::BTreeSet;

use crate::catalogue::{Catalogue, SiteId};
use crate::diagnostic::{Diagnostic, Location, Rule};
use crate::labels::{self, Column};
use crate::pattern;
use crate::readback::Cell;
use crate::render::TableKey;

mod compare;
mod names;

use compare::Comparison;
pub use names::cell_names;

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
    /// The (language, category index) of each table the page shows: a marker's, or the
    /// categories of the cookies a hand-written table lists.
    pub shown: BTreeSet<(String, usize)>,
}

/// How a cookie table's columns line up with the catalogue's.
#[derive(Clone, Debug)]
pub struct ColumnMap {
    /// The column each of the table's columns is, when the tool knows its header.
    pub columns: Vec<Option<Column>>,
    /// The headers as the table words them.
    pub labels: Vec<String>,
}

/// A hand-written cookie table of a page, recognised by its header.
#[derive(Debug)]
pub struct HandTable<'t> {
    /// Its place among the page's tables.
    pub index: usize,
    /// How its columns line up.
    pub map: ColumnMap,
    /// The header row's cells: its own, or the previous part's for a table split in two.
    pub header: &'t [Cell],
    /// The group headings above the header (rows of one cell), if any.
    pub headings: &'t [SeenRow],
    /// The rows after the header.
    pub rows: &'t [SeenRow],
}

/// Every hand-written cookie table among `tables` that visitors see: tables with a
/// cookie-table header in one of `langs`, and the second part of a table an editor split in
/// two (right after a cookie table, under a blank header of as many columns).
pub fn hand_tables<'t>(langs: &[&labels::Words], tables: &'t [SeenTable]) -> Vec<HandTable<'t>> {
    let mut found: Vec<HandTable<'t>> = Vec::new();
    for (n, table) in tables.iter().enumerate() {
        if table.marker.is_some() || table.hidden.is_some() || table.ignored {
            continue;
        }
        let Some((_, first)) = table.rows.first() else {
            continue;
        };
        if let Some((at, map)) = ColumnMap::find(langs, &table.rows) {
            found.push(HandTable {
                index: n,
                map,
                header: &table.rows[at].1,
                headings: &table.rows[..at],
                rows: &table.rows[at + 1..],
            });
            continue;
        }
        let continuation = match found.last() {
            Some(previous)
                if previous.index + 1 == n
                    && first.len() == previous.map.columns.len()
                    && first.iter().all(|c| c.text.is_empty()) =>
            {
                HandTable {
                    index: n,
                    map: previous.map.clone(),
                    header: previous.header,
                    headings: &[],
                    rows: &table.rows[1..],
                }
            }
            _ => continue,
        };
        found.push(continuation);
    }
    found
}

impl ColumnMap {
    /// The column map a header row gives, if it is a cookie table's: a names column, another column
    /// the tool knows, each column once, and one header only a cookie table has ("Cookie name",
    /// "Function and location"). "Name | Description" is any table of things.
    fn of(langs: &[&labels::Words], header: &[Cell]) -> Option<ColumnMap> {
        let recognised: Vec<Option<(Column, &str)>> = header
            .iter()
            .map(|c| {
                labels::recognise_header(langs, &c.text).map(|(col, _)| (col, c.text.as_str()))
            })
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
            .any(|(_, text)| labels::only_cookie_tables(langs, text));
        (known.contains(&Column::Names) && known.len() >= 2 && once && specific).then(|| {
            ColumnMap {
                columns,
                labels: header.iter().map(|c| c.text.clone()).collect(),
            }
        })
    }

    /// The header among a table's first rows, and the rows after it. Only group headings (rows of
    /// one cell) may come before it: a row after data rows is data, whatever it says.
    fn find(langs: &[&labels::Words], rows: &[SeenRow]) -> Option<(usize, ColumnMap)> {
        for (i, (_, cells)) in rows.iter().take(3).enumerate() {
            if let Some(map) = ColumnMap::of(langs, cells) {
                return Some((i, map));
            }
            let heading = cells.iter().filter(|c| !c.text.is_empty()).count() <= 1;
            if !heading {
                return None;
            }
        }
        None
    }

    fn label(&self, column: Column, words: Option<&labels::Words>) -> String {
        self.columns
            .iter()
            .position(|c| *c == Some(column))
            .map(|i| self.labels[i].clone())
            .unwrap_or_else(|| words.map_or(column.key(), |w| w.header(column)).to_owned())
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
    let langs = catalogue.known_words();
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
            let Some((at, map)) = ColumnMap::find(&langs, &table.rows) else {
                continue;
            };
            let data = &table.rows[at + 1..];
            found += 1;
            verdict.cookie_tables += 1;
            let TableKey {
                site,
                category,
                lang,
            } = key;
            verdict.shown.insert((lang.clone(), *category));
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
    let hand = if hand_tables {
        self::hand_tables(&langs, tables)
    } else {
        Vec::new()
    };
    for HandTable {
        index: n,
        map,
        header,
        rows: data,
        ..
    } in hand
    {
        let table = &tables[n];
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
        let header_lang = labels::header_language(&langs, header.iter().map(|c| c.text.as_str()));
        let lang = catalogue
            .language_of(site, page_lang)
            .filter(|_| page_lang.is_some())
            .or_else(|| header_lang.and_then(|l| catalogue.language_of(site, Some(l))))
            .or_else(|| catalogue.language_of(site, None))
            .expect("a site has a language")
            .to_owned();
        // What a column the catalogue holds nothing for says is the page's alone: said, not
        // passed over as checked.
        let extra: Vec<&str> = map
            .columns
            .iter()
            .zip(&map.labels)
            .filter(|(c, label)| c.is_none() && !label.is_empty())
            .map(|(_, label)| label.as_str())
            .collect();
        if !extra.is_empty() {
            let d = Diagnostic::new(
                Rule::UncheckedColumn,
                Some(table.location.clone()),
                format!(
                    "table {} has {} the catalogue holds nothing for (`{}`): what {} is not checked",
                    n + 1,
                    if extra.len() == 1 {
                        "a column"
                    } else {
                        "columns"
                    },
                    extra.join("`, `"),
                    if extra.len() == 1 {
                        "it says"
                    } else {
                        "they say"
                    }
                ),
            );
            verdict.findings.push(d.with_help(
                "check those cells by hand, or state them in the catalogue's columns (provider, function, names, purpose, duration, type)",
            ));
        }
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
