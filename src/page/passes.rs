//! The lol_html passes a page goes through: injection with its output read back as it is
//! written, or, for a page with no marker, read-back alone.

use std::cell::RefCell;
use std::rc::Rc;

use lol_html::HtmlRewriter;

use super::Context;
use crate::catalogue::SiteId;
use crate::charset::Charset;
use crate::inject::{self, Injected};

/// Runs `input` through injection, and what injection writes through `reader`: the output,
/// and how each pass ended.
pub(super) fn inject_and_read<O: lol_html::OutputSink>(
    ctx: &Context,
    site: Option<SiteId>,
    charset: Charset,
    injected: &Rc<RefCell<Injected>>,
    reader: &mut HtmlRewriter<'_, O>,
    input: &[u8],
    chunk_size: usize,
) -> (
    Vec<u8>,
    Result<(), lol_html::errors::RewritingError>,
    Option<lol_html::errors::RewritingError>,
) {
    let mut output = Vec::with_capacity(input.len() + input.len() / 4);
    let mut read_error = None;
    let mut settings = inject::settings(
        ctx.catalogue,
        ctx.tables,
        site,
        charset,
        Rc::clone(injected),
    );
    if let Some(html) = ctx.append {
        settings = settings.append_document_content_handler(lol_html::end!(move |end| {
            end.append(html, lol_html::html_content::ContentType::Html);
            Ok(())
        }));
    }
    let mut writer = HtmlRewriter::new(settings, |chunk: &[u8]| {
        output.extend_from_slice(chunk);
        if read_error.is_none()
            && let Err(e) = reader.write(chunk)
        {
            read_error = Some(e);
        }
    });
    let written = input
        .chunks(chunk_size.max(1))
        .try_for_each(|chunk| writer.write(chunk))
        .and_then(|()| writer.end());
    (output, written, read_error)
}

/// Whether `input` holds the marker attribute's name, in any case.
pub(super) fn has_marker(input: &[u8]) -> bool {
    let name = crate::html::MARKER_ATTRIBUTE.as_bytes();
    memchr::memchr2_iter(b'd', b'D', input).any(|at| {
        input
            .get(at..at + name.len())
            .is_some_and(|candidate| candidate.eq_ignore_ascii_case(name))
    })
}

#[cfg(test)]
mod tests {
    use super::has_marker;

    #[test]
    fn a_marker_is_found_in_any_case_and_nothing_else_is_taken_for_one() {
        assert!(has_marker(b"<div data-cookie-table=\"necessary\"></div>"));
        assert!(has_marker(b"<DIV DATA-Cookie-TABLE=necessary></DIV>"));
        assert!(has_marker(b"<!-- data-cookie-table -->"));
        assert!(!has_marker(b"<div data-cookie=\"x\" data-table></div>"));
        assert!(!has_marker(b"<p>data-cookie-tabl</p>"));
        assert!(!has_marker(b""));
    }
}
