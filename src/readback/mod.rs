//! lol_html handlers that read a page back as a visitor sees it: its tables, row by row, cell by cell.
//!
//! Runs on the output of the injection pass, in the same streaming pass; no DOM is built.

use std::cell::RefCell;
use std::rc::Rc;

mod scopes;
mod seen;
pub mod table;

use lol_html::html_content::TextType;
use lol_html::{EndTagHandler, Settings, doc_comments, doc_text, element};
use scopes::{Scopes, hides};
use seen::OpenScript;
pub use seen::{InlineScript, MarkerSeen};
pub use table::{Cell, Row, Table, visible_text};

use crate::html::{MARKER_ATTRIBUTE, OPT_OUT, opts_out};
use crate::scan::services::TagKind;
use crate::scan::{Tag, consent};

/// Everything read back from a page.
#[derive(Debug, Default)]
pub struct Readback {
    /// Finished tables in the order they end.
    pub tables: Vec<Table>,
    /// Marker elements in document order.
    pub markers: Vec<MarkerSeen>,
    /// Output offsets of markers that only exist as text (in a comment or `<noscript>`), with where.
    pub dead_markers: Vec<(usize, &'static str)>,
    open: Vec<Table>,
    current_marker: Option<usize>,
    template_depth: usize,
    noscript_depth: usize,
    /// Tables started so far.
    tables_started: usize,
    /// Open elements that hide or opt out what they hold.
    scopes: Scopes,
    /// The outermost open `<noscript>`: its offset, the end of its text so far, whether a marker was found.
    noscript: Option<(usize, String, bool)>,
    /// Tags with a URL that may load a third-party service or a script of the site.
    pub tags: Vec<Tag>,
    /// Inline scripts, in document order.
    pub inline_scripts: Vec<InlineScript>,
    /// `<meta http-equiv="Set-Cookie">` contents, with the tag's offset.
    pub meta_cookies: Vec<(usize, String)>,
    /// The `datetime` of each `<time>` visitors see and read text in, with its offset.
    pub dates: Vec<(usize, String)>,
    /// The `<time>` being read: its offset, `datetime`, and whether text showed in it.
    open_time: Option<(usize, String, bool)>,
    /// The inline script being read.
    open_script: Option<OpenScript>,
    /// The `lang` of the page's `<html>`.
    pub page_lang: Option<String>,
}

impl Readback {
    /// Why what starts here is unseen, if it is.
    fn hidden(&self) -> Option<&'static str> {
        if self.template_depth > 0 {
            Some("<template>")
        } else {
            self.scopes.hidden()
        }
    }

    /// Closes whatever the page left open; call after the last chunk.
    pub fn finish(&mut self) {
        while let Some(mut table) = self.open.pop() {
            table.close_cell();
            self.tables.push(table);
        }
        self.tables.sort_by_key(|t| t.offset);
        // Ordinals follow start order, as offsets do: one pass over both.
        let mut ranges = self.scopes.opted_out().peekable();
        for table in &mut self.tables {
            while ranges.next_if(|r| r.end <= table.ordinal).is_some() {}
            table.ignored |= ranges.peek().is_some_and(|r| r.contains(&table.ordinal));
        }
    }
}

/// Attributes whose `javascript:` address a browser runs when it follows or loads it (links,
/// frames, forms and objects, SVG links included).
const NAVIGATING: &[&str] = &["href", "xlink:href", "src", "action", "formaction", "data"];

/// Settings whose handlers record what a visitor sees into `state`, reading a page in `charset`.
pub fn settings(
    state: Rc<RefCell<Readback>>,
    charset: crate::charset::Charset,
) -> Settings<'static, 'static> {
    let [s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s13, s15, s16] =
        std::array::from_fn(|_| Rc::clone(&state));
    Settings::new()
        .with_encoding(charset.for_rewriter())
        .append_element_content_handler(element!("html", move |el| {
            s16.borrow_mut().page_lang = el.get_attribute("lang");
            Ok(())
        }))
        // One handler reads every element's attributes: code in them runs too (event handlers,
        // `javascript:` URLs), and hidden or opted-out elements govern the tables within. It runs
        // before the marker and table handlers, so a marker that hides itself is seen as hidden.
        .append_element_content_handler(element!("*", move |el| {
            let mut found = Vec::new();
            let (mut hidden, mut opted_out, mut datetime) = (None, false, None);
            for attribute in el.attributes() {
                let name = attribute.name();
                match name.as_str() {
                    "hidden" => hidden = Some("an element with the hidden attribute"),
                    "style" if hidden.is_none() && hides(&attribute.value()) => {
                        hidden = Some("an element its inline style hides");
                    }
                    OPT_OUT => opted_out = opts_out(Some(&attribute.value())),
                    "datetime" => datetime = Some(attribute.value()),
                    _ if name.len() > 2 && name.starts_with("on") => found.push(attribute.value()),
                    // Only an address a browser follows runs a `javascript:` URL; reading just
                    // those values spares an allocation per attribute on every element.
                    _ if NAVIGATING.contains(&name.as_str()) => {
                        let value = attribute.value();
                        let value = value.trim_start();
                        if let Some(code) = value
                            .get(..11)
                            .filter(|scheme| scheme.eq_ignore_ascii_case("javascript:"))
                            .map(|_| &value[11..])
                        {
                            found.push(crate::html::percent_decode(code));
                        }
                    }
                    _ => {}
                }
            }
            let mut s = s15.borrow_mut();
            // A date the page states to visitors (`<time datetime>` with text to read), for
            // `stale-date`: kept once text shows inside it.
            if let Some(datetime) = datetime
                && hidden.is_none()
                && s.hidden().is_none()
                && el.tag_name() == "time"
                && el.can_have_content()
            {
                s.open_time = Some((el.source_location().bytes().start, datetime, false));
                let s = Rc::clone(&s15);
                let on_end: EndTagHandler<'static> = Box::new(move |_| {
                    let mut s = s.borrow_mut();
                    if let Some((offset, datetime, true)) = s.open_time.take() {
                        s.dates.push((offset, datetime));
                    }
                    Ok(())
                });
                el.on_end_tag(on_end)?;
            }
            if !found.is_empty() {
                let offset = el.source_location().bytes().start;
                for code in found {
                    s.inline_scripts.push(InlineScript {
                        offset,
                        code,
                        gated: false,
                        module: false,
                        at_element: true,
                    });
                }
            }
            let can_have_content = el.can_have_content();
            let opens = can_have_content && (hidden.is_some() || opted_out);
            // Names cost an allocation: read one only where a scope needs it.
            let watching = s.scopes.watches_start_tags();
            let tag = (opens || watching).then(|| el.tag_name());
            let tables = s.tables_started;
            let nested_in = match &tag {
                Some(tag) if watching => s.scopes.start_tag(tag, tables),
                _ => Vec::new(),
            };
            if !nested_in.is_empty() && !can_have_content {
                // An element with no content (`<table/>` in SVG) ends where it starts.
                s.scopes.nested_end(&nested_in);
            } else if !nested_in.is_empty() {
                let s = Rc::clone(&s15);
                let on_end: EndTagHandler<'static> = Box::new(move |_| {
                    s.borrow_mut().scopes.nested_end(&nested_in);
                    Ok(())
                });
                el.on_end_tag(on_end)?;
            }
            if !opens {
                return Ok(());
            }
            let id = s.scopes.open(tag.as_deref(), hidden, opted_out, tables);
            drop(s);
            let s = Rc::clone(&s15);
            let on_end: EndTagHandler<'static> = Box::new(move |_| {
                let mut s = s.borrow_mut();
                let tables = s.tables_started;
                s.scopes.end(id, tables);
                Ok(())
            });
            el.on_end_tag(on_end)?;
            Ok(())
        }))
        .append_element_content_handler(element!("table", move |el| {
            let mut s = s1.borrow_mut();
            let table = Table {
                offset: el.source_location().bytes().start,
                marker: s.current_marker,
                hidden: s.hidden(),
                ignored: opts_out(el.get_attribute(OPT_OUT).as_deref()),
                ordinal: s.tables_started,
                ..Table::default()
            };
            s.tables_started += 1;
            s.open.push(table);
            drop(s);
            let s = Rc::clone(&s1);
            let on_end: EndTagHandler<'static> = Box::new(move |_| {
                let mut s = s.borrow_mut();
                if let Some(mut table) = s.open.pop() {
                    table.close_cell();
                    s.tables.push(table);
                }
                Ok(())
            });
            el.on_end_tag(on_end)?;
            Ok(())
        }))
        .append_element_content_handler(element!("thead", move |el| {
            if let Some(table) = s13.borrow_mut().open.last_mut() {
                table.in_head = true;
            }
            let s = Rc::clone(&s13);
            let on_end: EndTagHandler<'static> = Box::new(move |_| {
                if let Some(table) = s.borrow_mut().open.last_mut() {
                    table.in_head = false;
                }
                Ok(())
            });
            el.on_end_tag(on_end)?;
            Ok(())
        }))
        .append_element_content_handler(element!("tr", move |el| {
            if let Some(table) = s2.borrow_mut().open.last_mut() {
                table.close_cell();
                table.rows.push(Row {
                    offset: el.source_location().bytes().start,
                    cells: Vec::new(),
                });
            }
            Ok(())
        }))
        .append_element_content_handler(element!("td, th", move |el| {
            if let Some(table) = s3.borrow_mut().open.last_mut() {
                table.close_cell();
                if table.rows.is_empty() {
                    table.rows.push(Row {
                        offset: el.source_location().bytes().start,
                        cells: Vec::new(),
                    });
                }
                table.open_cell = Some((el.tag_name().eq_ignore_ascii_case("th"), String::new()));
            }
            Ok(())
        }))
        .append_element_content_handler(element!("br", move |_| {
            if let Some((_, text)) = s4
                .borrow_mut()
                .open
                .last_mut()
                .and_then(|t| t.open_cell.as_mut())
            {
                text.push(' ');
            }
            Ok(())
        }))
        .append_element_content_handler(element!("template, noscript", move |el| {
            let noscript = el.tag_name().eq_ignore_ascii_case("noscript");
            let mut s = s5.borrow_mut();
            if noscript {
                s.noscript_depth += 1;
                if s.noscript.is_none() {
                    s.noscript = Some((el.source_location().bytes().start, String::new(), false));
                }
            } else {
                s.template_depth += 1
            }
            drop(s);
            let s = Rc::clone(&s5);
            let on_end: EndTagHandler<'static> = Box::new(move |_| {
                let mut s = s.borrow_mut();
                let depth = if noscript {
                    &mut s.noscript_depth
                } else {
                    &mut s.template_depth
                };
                *depth = depth.saturating_sub(1);
                if noscript && s.noscript_depth == 0 {
                    s.noscript = None;
                }
                Ok(())
            });
            el.on_end_tag(on_end)?;
            Ok(())
        }))
        .append_element_content_handler(element!("[data-cookie-table]", move |el| {
            let mut s = s6.borrow_mut();
            let index = s.markers.len();
            let hidden = s.hidden();
            s.markers.push(MarkerSeen {
                offset: el.source_location().bytes().start,
                end: None,
                hidden,
            });
            if !el.can_have_content() {
                return Ok(());
            }
            s.current_marker = Some(index);
            drop(s);
            let s = Rc::clone(&s6);
            let on_end: EndTagHandler<'static> = Box::new(move |end| {
                let mut s = s.borrow_mut();
                s.markers[index].end = Some(end.source_location().bytes().start);
                s.current_marker = None;
                Ok(())
            });
            el.on_end_tag(on_end)?;
            Ok(())
        }))
        .append_element_content_handler(element!("script", move |el| {
            let offset = el.source_location().bytes().start;
            let attribute = |name: &str| el.get_attribute(name);
            if let Some(load) = consent::load("script", &attribute) {
                s9.borrow_mut().tags.push(Tag {
                    kind: TagKind::Script,
                    url: load.url,
                    offset,
                    gated: load.gated,
                });
                return Ok(());
            }
            // JSON data and HTML templates in <script> are not code; anything else may be, including
            // `text/plain` scripts that a consent manager turns on later.
            let kind = el
                .get_attribute("type")
                .unwrap_or_default()
                .to_ascii_lowercase();
            if ["json", "template", "html", "importmap", "speculationrules"]
                .iter()
                .any(|t| kind.contains(t))
            {
                return Ok(());
            }
            let gated = !consent::runs(Some(&kind));
            let module = kind.trim() == "module";
            // In SVG a script's text is parsed like any other: its entities are read before it runs.
            let svg = el.namespace_uri() == "http://www.w3.org/2000/svg";
            s9.borrow_mut().open_script = Some(OpenScript {
                start: el.source_location().bytes().end,
                text: String::new(),
                gated,
                module,
                svg: svg.then_some(offset),
            });
            let s = Rc::clone(&s9);
            let on_end: EndTagHandler<'static> = Box::new(move |_| {
                let mut s = s.borrow_mut();
                if let Some(OpenScript {
                    start,
                    text,
                    gated,
                    module,
                    svg,
                }) = s.open_script.take()
                {
                    let script = match svg {
                        Some(element) => InlineScript {
                            offset: element,
                            code: html_escape::decode_html_entities(&text).into_owned(),
                            gated,
                            module,
                            at_element: true,
                        },
                        None => InlineScript {
                            offset: start,
                            code: text,
                            gated,
                            module,
                            at_element: false,
                        },
                    };
                    s.inline_scripts.push(script);
                }
                Ok(())
            });
            el.on_end_tag(on_end)?;
            Ok(())
        }))
        .append_element_content_handler(element!("iframe, img, embed, object", move |el| {
            let tag = el.tag_name().to_ascii_lowercase();
            let kind = if tag == "img" {
                TagKind::Img
            } else {
                TagKind::Iframe
            };
            // An object loads its `data`; an image may have only a `srcset` (its first URL).
            let attribute = |name: &str| match (tag.as_str(), name) {
                ("object", "src") => el.get_attribute("data"),
                ("img", "src") => el.get_attribute("src").or_else(|| {
                    el.get_attribute("srcset").and_then(|set| {
                        set.split_whitespace()
                            .next()
                            .map(|u| u.trim_end_matches(',').to_owned())
                    })
                }),
                _ => el.get_attribute(name),
            };
            if let Some(load) = consent::load(&el.tag_name(), &attribute) {
                let offset = el.source_location().bytes().start;
                s10.borrow_mut().tags.push(Tag {
                    kind,
                    url: load.url,
                    offset,
                    gated: load.gated,
                });
            }
            Ok(())
        }))
        .append_element_content_handler(element!("meta[http-equiv]", move |el| {
            let equiv = el.get_attribute("http-equiv").unwrap_or_default();
            if equiv.trim().eq_ignore_ascii_case("set-cookie") {
                let content = el.get_attribute("content").unwrap_or_default();
                s11.borrow_mut()
                    .meta_cookies
                    .push((el.source_location().bytes().start, content));
            }
            Ok(())
        }))
        .append_document_content_handler(doc_text!(move |chunk| {
            let mut s = s7.borrow_mut();
            let text = chunk.as_str();
            if let Some((_, _, shown)) = s.open_time.as_mut()
                && !text.trim().is_empty()
            {
                *shown = true;
            }
            if let Some(open) = s.open_script.as_mut() {
                open.text.push_str(text);
            }
            // <noscript> content is raw text here, split anywhere: keep enough of its end to see a marker across chunks.
            if let Some((offset, tail, found)) = s.noscript.as_mut()
                && !*found
            {
                tail.push_str(text);
                if tail.contains(MARKER_ATTRIBUTE) {
                    *found = true;
                    let offset = *offset;
                    s.dead_markers.push((offset, "<noscript>"));
                } else {
                    let keep = tail.len().saturating_sub(MARKER_ATTRIBUTE.len());
                    let cut = (keep..=tail.len())
                        .find(|&i| tail.is_char_boundary(i))
                        .unwrap_or(tail.len());
                    tail.drain(..cut);
                }
            }
            if chunk.text_type() == TextType::Data
                && let Some((_, cell)) = s.open.last_mut().and_then(|t| t.open_cell.as_mut())
            {
                cell.push_str(text);
            }
            Ok(())
        }))
        .append_document_content_handler(doc_comments!(move |comment| {
            if comment.text().contains(MARKER_ATTRIBUTE) {
                let offset = comment.source_location().bytes().start;
                s8.borrow_mut().dead_markers.push((offset, "a comment"));
            }
            Ok(())
        }))
}
