//! One page as `import` reads it: its cookie tables (the read-back pass's, recognised by
//! header as `check` recognises them), what names each table's category (its caption, the
//! heading or paragraph right before it), the page's language, and the addresses it gives
//! for its own site.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use lol_html::{EndTagHandler, HtmlRewriter, element, text};

use crate::diagnostic::Location;
use crate::labels::Words;
use crate::position::LineIndex;
use crate::readback::{self, Readback};
use crate::verify::{self, SeenTable};

/// What import takes from one page.
#[derive(Debug, Default)]
pub(super) struct Page {
    /// `<html lang>`, when the page says it.
    pub(super) lang: Option<String>,
    /// Origins the page gives for itself (`<link rel=canonical>`, `og:url`).
    pub(super) own_origins: Vec<String>,
    /// Every `http(s)` origin its links and text name, in order.
    pub(super) origins: Vec<String>,
    /// Its cookie tables.
    pub(super) tables: Vec<Table>,
}

/// One cookie table of a page.
#[derive(Debug)]
pub(super) struct Table {
    /// Where it starts.
    pub(super) location: Location,
    /// Its caption, or the heading or paragraph right before it.
    pub(super) title: Option<String>,
    /// The language its header is worded in.
    pub(super) header_lang: Option<String>,
    /// The column each cell is in, by position.
    pub(super) columns: Vec<Option<crate::labels::Column>>,
    /// The headers as the table words them.
    pub(super) labels: Vec<String>,
    /// The text of the group headings above its header (rows of one cell).
    pub(super) headings: Vec<String>,
    /// Data rows.
    pub(super) rows: Vec<(Location, Vec<String>)>,
}

/// The text around tables, gathered while the page streams by.
#[derive(Default)]
struct Around {
    lang: Option<String>,
    canonical: Vec<String>,
    origins: Vec<String>,
    /// The block of text being read (a heading, paragraph or caption) and the last one done.
    block: Option<String>,
    last_block: Option<String>,
    table_depth: usize,
    /// The caption or preceding block of each table, by the table's start offset.
    titles: BTreeMap<usize, String>,
    /// The table each open caption belongs to.
    open_tables: Vec<usize>,
}

impl Around {
    fn end_block(&mut self) {
        if let Some(text) = self.block.take() {
            let text = readback::table::visible_text(&text);
            if !text.is_empty() {
                self.last_block = Some(text);
            }
        }
    }
}

/// Reads `input`, shown as `display`, with the header wordings of `langs`; `Err` says why it
/// cannot be read.
pub(super) fn page(display: &str, input: &[u8], langs: &[&Words]) -> Result<Page, String> {
    let charset = crate::charset::of(input)?;
    let read = Rc::new(RefCell::new(Readback::default()));
    let around = Rc::new(RefCell::new(Around::default()));
    let [a1, a2, a3, a4, a5, a6, a7, a8] = std::array::from_fn(|_| Rc::clone(&around));
    const BLOCKS: &str = "h1, h2, h3, h4, h5, h6, p, dt, summary, legend, caption";
    let settings = readback::settings(Rc::clone(&read), charset)
        .append_element_content_handler(element!("html[lang]", move |el| {
            a1.borrow_mut().lang = el.get_attribute("lang").filter(|l| !l.trim().is_empty());
            Ok(())
        }))
        .append_element_content_handler(element!(
            "link[rel][href], meta[property][content]",
            move |el| {
                let (kind, url) = match (el.get_attribute("rel"), el.get_attribute("property")) {
                    (Some(rel), _) => (rel, el.get_attribute("href")),
                    (None, Some(property)) => (property, el.get_attribute("content")),
                    (None, None) => return Ok(()),
                };
                let own = kind
                    .split_whitespace()
                    .any(|k| k.eq_ignore_ascii_case("canonical"))
                    || kind.eq_ignore_ascii_case("og:url");
                if let (true, Some(origin)) = (own, url.as_deref().and_then(origin)) {
                    a2.borrow_mut().canonical.push(origin);
                }
                Ok(())
            }
        ))
        .append_element_content_handler(element!("a[href]", move |el| {
            if let Some(origin) = el.get_attribute("href").as_deref().and_then(origin) {
                a3.borrow_mut().origins.push(origin);
            }
            Ok(())
        }))
        .append_element_content_handler(element!(BLOCKS, move |el| {
            let caption = el.tag_name() == "caption";
            let mut around = a4.borrow_mut();
            if around.table_depth > 0 && !caption {
                return Ok(());
            }
            around.end_block();
            around.block = Some(String::new());
            drop(around);
            let a = Rc::clone(&a4);
            let on_end: EndTagHandler<'static> = Box::new(move |_| {
                let mut around = a.borrow_mut();
                if caption {
                    let text = around
                        .block
                        .take()
                        .map(|t| readback::table::visible_text(&t));
                    if let (Some(text), Some(&table)) =
                        (text.filter(|t| !t.is_empty()), around.open_tables.last())
                    {
                        around.titles.insert(table, text);
                    }
                } else {
                    around.end_block();
                }
                Ok(())
            });
            // A void or self-closed element has no end tag to wait for.
            if el.can_have_content() {
                el.on_end_tag(on_end)?;
            }
            Ok(())
        }))
        .append_element_content_handler(text!(BLOCKS, move |t| {
            if let Some(block) = a5.borrow_mut().block.as_mut() {
                block.push_str(t.as_str());
            }
            Ok(())
        }))
        .append_element_content_handler(text!("body", move |t| {
            let mut around = a6.borrow_mut();
            for word in t
                .as_str()
                .split(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '(' | ')'))
            {
                if let Some(origin) = origin(word) {
                    around.origins.push(origin);
                }
            }
            Ok(())
        }))
        .append_element_content_handler(element!("table", move |el| {
            let offset = el.source_location().bytes().start;
            let mut around = a7.borrow_mut();
            around.end_block();
            if around.table_depth == 0
                && let Some(text) = around.last_block.take()
            {
                around.titles.insert(offset, text);
            }
            around.table_depth += 1;
            around.open_tables.push(offset);
            drop(around);
            let a = Rc::clone(&a8);
            let on_end: EndTagHandler<'static> = Box::new(move |_| {
                let mut around = a.borrow_mut();
                around.table_depth = around.table_depth.saturating_sub(1);
                around.open_tables.pop();
                Ok(())
            });
            if el.can_have_content() {
                el.on_end_tag(on_end)?;
            } else {
                let mut around = a8.borrow_mut();
                around.table_depth = around.table_depth.saturating_sub(1);
                around.open_tables.pop();
            }
            Ok(())
        }));
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    rewriter
        .write(input)
        .and_then(|()| rewriter.end())
        .map_err(|e| format!("cannot parse the page as HTML: {e}"))?;
    let mut read = read.take();
    read.finish();
    let around = around.take();

    let index = LineIndex::for_encoding(charset.is_utf8());
    let at = |offset: usize| Location::new(display, index.line_col(input, offset));
    let seen: Vec<SeenTable> = read
        .tables
        .iter()
        .map(|t| SeenTable {
            location: at(t.offset),
            marker: t.marker,
            hidden: t.hidden,
            ignored: t.ignored,
            rows: t
                .rows
                .iter()
                .map(|r| (at(r.offset), r.cells.clone()))
                .collect(),
        })
        .collect();
    let tables = verify::hand_tables(langs, &seen)
        .into_iter()
        .map(|found| {
            let offset = read.tables[found.index].offset;
            let header_lang =
                crate::labels::header_language(langs, found.header.iter().map(|c| c.text.as_str()))
                    .map(str::to_owned);
            Table {
                location: seen[found.index].location.clone(),
                title: around.titles.get(&offset).cloned(),
                header_lang,
                columns: found.map.columns.clone(),
                labels: found.map.labels.clone(),
                headings: found
                    .headings
                    .iter()
                    .filter_map(|(_, cells)| cells.iter().find(|c| !c.text.is_empty()))
                    .map(|c| c.text.clone())
                    .collect(),
                rows: found
                    .rows
                    .iter()
                    .map(|(location, cells)| {
                        (
                            location.clone(),
                            cells.iter().map(|c| c.text.clone()).collect(),
                        )
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(Page {
        lang: around.lang,
        own_origins: around.canonical,
        origins: around.origins,
        tables,
    })
}

/// The `scheme://host` of an absolute http(s) address, lower case.
fn origin(url: &str) -> Option<String> {
    let url = url.trim();
    let (scheme, rest) = url.split_once("://")?;
    if !scheme.eq_ignore_ascii_case("https") && !scheme.eq_ignore_ascii_case("http") {
        return None;
    }
    let host: String = rest
        .split(['/', '?', '#'])
        .next()?
        .trim_end_matches(['.', ',', ';', ':'])
        .to_ascii_lowercase();
    let plausible = !host.is_empty()
        && host.contains('.')
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    plausible.then(|| format!("{}://{host}", scheme.to_ascii_lowercase()))
}
