//! The cookie tables read back: cells as visitors read them, rows, and tables.

/// One cell's text, entities decoded and whitespace collapsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    /// Whether it is a `<th>`.
    pub header: bool,
    /// Whether its row sits in the table's `<thead>`.
    pub in_head: bool,
    /// The text a visitor reads.
    pub text: String,
}

/// One `<tr>` (or the row a stray cell implies).
#[derive(Debug, Default)]
pub struct Row {
    /// Output offset of the row's first tag.
    pub offset: usize,
    /// Its cells in order.
    pub cells: Vec<Cell>,
}

/// One `<table>`.
#[derive(Debug, Default)]
pub struct Table {
    /// Output offset of `<table>`.
    pub offset: usize,
    /// Ordinal of the marker it sits in, if any.
    pub marker: Option<usize>,
    /// Why nobody sees it, when nobody does: inside `<template>`, or a hidden element.
    pub hidden: Option<&'static str>,
    /// Its rows in order.
    pub rows: Vec<Row>,
    /// Whether the page opts it out of cookie-table checks (`data-cookie-ledger="ignore"` on it or around it).
    pub ignored: bool,
    /// Its place among the page's tables in the order they start.
    pub(super) ordinal: usize,
    /// Whether its `<thead>` is open.
    pub(super) in_head: bool,
    /// The cell being read: whether it is a header cell, and its markup text so far.
    pub(super) open_cell: Option<(bool, String)>,
}

impl Table {
    /// Ends the open cell, if any, adding it to the last row.
    pub(super) fn close_cell(&mut self) {
        if let Some((header, raw)) = self.open_cell.take() {
            if self.rows.is_empty() {
                self.rows.push(Row::default());
            }
            let text = visible_text(&raw);
            let in_head = self.in_head;
            if let Some(row) = self.rows.last_mut() {
                row.cells.push(Cell {
                    header,
                    in_head,
                    text,
                });
            }
        }
    }
}

/// The text a visitor reads from raw cell markup text: entities decoded, whitespace collapsed.
pub fn visible_text(raw: &str) -> String {
    let decoded = html_escape::decode_html_entities(raw);
    let mut out = String::with_capacity(decoded.len());
    // Non-breaking spaces collapse too: they separate words, and editors add them by accident.
    for word in decoded
        .split(|c: char| c.is_whitespace() || c == '\u{a0}')
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}
