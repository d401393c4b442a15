//! Facts of HTML and of cookie-ledger's markup that several passes share. A leaf: it uses no
//! other module, so injecting, reading back and rendering can all rely on it.

/// The attribute that marks where a table goes; its value names the category.
pub const MARKER_ATTRIBUTE: &str = "data-cookie-table";

/// The attribute that opts a table, or every table in an element, out of cookie-table checks
/// when its value is `ignore`.
pub const OPT_OUT: &str = "data-cookie-ledger";

/// Whether `value` of [`OPT_OUT`] opts out.
pub fn opts_out(value: Option<&str>) -> bool {
    value.is_some_and(|v| v.trim().eq_ignore_ascii_case("ignore"))
}

/// Whether HTML element `tag` is void: it has no content and no end tag.
pub fn is_void(tag: &str) -> bool {
    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr",
    ];
    VOID.contains(&tag.to_ascii_lowercase().as_str())
}

/// `%20` and friends decoded, as a browser reads a URL; a result that is not UTF-8 is left as
/// written.
pub fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .map_or_else(|_| text.to_owned(), |decoded| decoded.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_escapes_decode_and_bad_ones_stay() {
        assert_eq!(percent_decode("a%20b%3Dc"), "a b=c");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%ff"), "%ff");
    }
}
