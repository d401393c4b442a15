//! lol_html handlers that put the rendered tables into a page's markers, keeping the markers.

use std::cell::RefCell;
use std::rc::Rc;

use lol_html::html_content::ContentType;
use lol_html::{EndTagHandler, Settings, element};

use crate::catalogue::{Catalogue, SiteId};
use crate::charset::Charset;
use crate::html::MARKER_ATTRIBUTE;
use crate::render::{TableKey, Tables};

// A table put inside these would not be shown as a table, or not at all; in `html`, `head`
// or `body` it would replace the whole page or its head.
const NO_TABLE_INSIDE: &[&str] = &[
    "html",
    "head",
    "body",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "colgroup",
    "caption",
    "template",
    "script",
    "style",
    "textarea",
    "title",
    "select",
    "option",
    "optgroup",
    "datalist",
    "iframe",
    "noscript",
    "noembed",
    "noframes",
    "xmp",
    "plaintext",
    "object",
    "video",
    "audio",
    "canvas",
    "picture",
    "map",
    "svg",
    "math",
    "button",
];

/// One marker met in the input, in document order.
#[derive(Debug)]
pub struct Marker {
    /// Input offset of the marker's start tag.
    pub start: usize,
    /// Input offset just after the start tag.
    pub inner_start: usize,
    /// Input offset of the end tag, once seen.
    pub inner_end: Option<usize>,
    /// The table put in, when the marker was valid.
    pub table: Option<(TableKey, usize)>,
}

impl Marker {
    /// How many bytes longer the output is than the input after this marker.
    pub fn growth(&self) -> isize {
        match (self.table.as_ref(), self.inner_end) {
            (Some((_, new_len)), Some(end)) => {
                *new_len as isize - (end - self.inner_start) as isize
            }
            _ => 0,
        }
    }
}

/// A marker that cannot be honoured: input offset, message, help.
pub type MarkerError = (usize, String, String);

/// What the injection pass learned about a page.
#[derive(Debug, Default)]
pub struct Injected {
    /// The `<html lang>` of the page.
    pub page_lang: Option<String>,
    /// Every marker, valid or not.
    pub markers: Vec<Marker>,
    /// Markers that name an unknown category or language or sit where no table can go.
    pub errors: Vec<MarkerError>,
    /// The marker whose end tag is awaited.
    open: Option<usize>,
}

/// Settings whose handlers fill `site`'s markers from `tables` and record them in `state`.
///
/// `charset` is the page's: the rewriter writes tables in it, so their length is counted in it.
pub fn settings<'h>(
    catalogue: &'h Catalogue,
    tables: &'h Tables,
    site: Option<SiteId>,
    charset: Charset,
    state: Rc<RefCell<Injected>>,
) -> Settings<'h, 'static> {
    let lang_state = Rc::clone(&state);
    Settings::new()
        .with_encoding(charset.for_rewriter())
        .append_element_content_handler(element!("html", move |el| {
            lang_state.borrow_mut().page_lang = el.get_attribute("lang");
            Ok(())
        }))
        .append_element_content_handler(element!("[data-cookie-table]", move |el| {
            let location = el.source_location().bytes();
            let tag = el.tag_name();
            let mut marker = Marker {
                start: location.start,
                inner_start: location.end,
                inner_end: None,
                table: None,
            };
            let category = el.get_attribute(MARKER_ATTRIBUTE).unwrap_or_default();
            let requested = el.get_attribute("lang");
            let mut s = state.borrow_mut();
            let index = s.markers.len();
            let nested = s.open.is_some();
            let wanted = if nested {
                Err((
                    "a marker sits inside another marker".to_owned(),
                    "close the first marker before opening another".to_owned(),
                ))
            } else if el.namespace_uri() != "http://www.w3.org/1999/xhtml" {
                Err((
                    format!("a marker on <{tag}> inside <svg> or <math> cannot hold an HTML table"),
                    "put the marker on an empty <div> outside the drawing".to_owned(),
                ))
            } else if el.is_self_closing() && !crate::html::is_void(&tag) {
                Err((
                    format!("`/>` does not close a <{tag}> in HTML, so its table would swallow what follows"),
                    format!("write the marker as <{tag} data-cookie-table=\"{category}\"></{tag}>"),
                ))
            } else {
                resolve(catalogue, site, &tag, &category, requested.as_deref(), s.page_lang.as_deref())
            };
            match wanted {
                Ok(key) => {
                    let html = tables.get(&key).expect("every table is rendered");
                    el.set_inner_content(html, ContentType::Html);
                    marker.table = Some((key, charset.byte_len(html)));
                }
                Err((message, help)) => s.errors.push((marker.start, message, help)),
            }
            s.markers.push(marker);
            if !el.can_have_content() {
                return Ok(());
            }
            if !nested {
                s.open = Some(index);
            }
            drop(s);
            let state = Rc::clone(&state);
            let on_end: EndTagHandler<'static> = Box::new(move |end| {
                let mut s = state.borrow_mut();
                if s.open == Some(index) {
                    s.open = None;
                }
                let start = s.markers[index].start;
                s.markers[index].inner_end = Some(end.source_location().bytes().start);
                // HTML closes some elements without an end tag (`<p>`, `<li>`, or any at `</body>`);
                // lol_html then ends the marker at an ancestor's end tag, and the table would replace
                // everything in between.
                if !end.name().eq_ignore_ascii_case(&tag) {
                    s.errors.push((
                        start,
                        format!("the marker's <{tag}> is closed by </{}>, so its table would replace what comes between", end.name()),
                        format!("close it right after its start tag: <{tag} data-cookie-table=\"...\"></{tag}>"),
                    ));
                }
                Ok(())
            });
            el.on_end_tag(on_end)?;
            Ok(())
        }))
}

/// Which table a marker asks for, or why it cannot have one.
fn resolve(
    catalogue: &Catalogue,
    site: Option<SiteId>,
    tag: &str,
    category: &str,
    requested_lang: Option<&str>,
    page_lang: Option<&str>,
) -> Result<TableKey, (String, String)> {
    let Some(site) = site else {
        let dirs: Vec<&str> = catalogue.sites.iter().map(|s| s.dir.as_str()).collect();
        return Err((
            "this page belongs to no site of the catalogue, so its marker has no table".into(),
            format!(
                "move the page into a site's folder ({}) or remove the marker",
                dirs.join(", ")
            ),
        ));
    };
    if NO_TABLE_INSIDE.contains(&tag.to_ascii_lowercase().as_str()) || crate::html::is_void(tag) {
        return Err((
            format!("a marker on <{tag}> cannot hold a table"),
            "put the marker on an empty <div> or <section>".into(),
        ));
    }
    let Some(category_index) = catalogue.category(category.trim()) else {
        let ids: Vec<&str> = catalogue.categories.iter().map(|c| c.id.as_str()).collect();
        return Err((
            format!("marker names unknown category `{category}`"),
            format!("use one of: {}", ids.join(", ")),
        ));
    };
    let requested = requested_lang.or(page_lang);
    let site_info = &catalogue.sites[site];
    let Some(lang) = catalogue.language_of(site, requested) else {
        let source = if requested_lang.is_some() {
            "the marker's lang"
        } else {
            "the page's <html lang>"
        };
        return Err((
            format!(
                "{source} `{}` is not a language of site `{}`",
                requested.unwrap_or_default(),
                site_info.id
            ),
            format!(
                "use one of: {}, or add the language to the site in the catalogue",
                site_info.languages.join(", ")
            ),
        ));
    };
    Ok(TableKey {
        site,
        category: category_index,
        lang: lang.to_owned(),
    })
}
