//! Finds cookie writes in JavaScript source: `document.cookie = ...`, js-cookie, jQuery.cookie, `cookieStore.set`.
//!
//! Not a JavaScript parser: a lexer just good enough to skip comments and strings, then a few
//! call shapes. A write whose name cannot be read from literals is still reported, as unknown.

/// One cookie write found in a script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Write {
    /// Byte offset of the write in the script.
    pub offset: usize,
    /// The cookie's name, when literals give it.
    pub name: Option<String>,
    /// Which API writes it, such as `document.cookie`.
    pub api: &'static str,
}

/// Every cookie write in `code`, in order.
pub fn cookie_writes(code: &str) -> Vec<Write> {
    let in_code = code_mask(code);
    let mut writes = Vec::new();
    for (needle, api) in [
        ("document.cookie", "document.cookie"),
        ("document['cookie']", "document.cookie"),
        ("document[\"cookie\"]", "document.cookie"),
        ("Cookies.set(", "js-cookie"),
        ("$.cookie(", "jQuery.cookie"),
        ("jQuery.cookie(", "jQuery.cookie"),
        ("cookieStore.set(", "cookieStore"),
    ] {
        for (offset, _) in code.match_indices(needle) {
            if !in_code[offset] || preceded_by_identifier(code, offset) {
                continue;
            }
            let after = &code[offset + needle.len()..];
            let name = match api {
                "document.cookie" => {
                    let Some(rest) = assignment(after) else {
                        continue;
                    };
                    if deletes(rest) {
                        continue;
                    }
                    literal_prefix(rest)
                        .and_then(|text| text.split_once('=').map(|(n, _)| n.trim().to_owned()))
                }
                "jQuery.cookie" => {
                    // `$.cookie("name")` reads; a write passes a value too.
                    let Some((name, rest)) = string_literal(after.trim_start()) else {
                        if is_read_call(after) {
                            continue;
                        }
                        writes.push(Write {
                            offset,
                            name: None,
                            api,
                        });
                        continue;
                    };
                    let Some(value) = rest.trim_start().strip_prefix(',') else {
                        continue;
                    };
                    // `$.cookie(name, null)` deletes the cookie.
                    if value.trim_start().starts_with("null") {
                        continue;
                    }
                    Some(name)
                }
                "cookieStore" => {
                    let args = after.trim_start();
                    if let Some(object) = args.strip_prefix('{') {
                        object_name(object)
                    } else {
                        string_literal(args).map(|(name, _)| name)
                    }
                }
                _ => string_literal(after.trim_start()).map(|(name, _)| name),
            };
            let name = name.filter(|n| !n.is_empty() && !n.contains(char::is_whitespace));
            writes.push(Write { offset, name, api });
        }
    }
    writes.sort_by_key(|w| w.offset);
    writes
}

/// Whether an assignment to `document.cookie` expires the cookie (a deletion) rather than sets it.
fn deletes(value: &str) -> bool {
    let statement = value
        .split('\n')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let compact: String = statement.chars().filter(|c| !c.is_whitespace()).collect();
    let zero_age = compact
        .match_indices("max-age=0")
        .any(|(i, m)| !compact[i + m.len()..].starts_with(|c: char| c.is_ascii_digit()));
    zero_age || compact.contains("max-age=-") || compact.contains("expires=thu,01jan1970")
}

/// `= value` but not `==`; returns what follows `=`.
fn assignment(after: &str) -> Option<&str> {
    let rest = after.trim_start().strip_prefix('=')?;
    (!rest.starts_with('=')).then(|| rest.trim_start())
}

/// The text of the literals a value starts with: `"a=" + "b"`, `` `a=${x}` `` (up to the first `${`).
fn literal_prefix(value: &str) -> Option<String> {
    let mut text = String::new();
    let mut rest = value;
    loop {
        let rest_trimmed = rest.trim_start();
        if let Some(template) = rest_trimmed.strip_prefix('`') {
            let end = template.find(['`', '$']).unwrap_or(template.len());
            text.push_str(&template[..end]);
            return (!text.is_empty()).then_some(text);
        }
        let Some((literal, after)) = string_literal(rest_trimmed) else {
            return (!text.is_empty()).then_some(text);
        };
        text.push_str(&literal);
        if text.contains('=') {
            return Some(text);
        }
        match after.trim_start().strip_prefix('+') {
            Some(next) => rest = next,
            None => return Some(text),
        }
    }
}

/// A leading `'...'` or `"..."` literal (simple escapes kept as written) and what follows it.
fn string_literal(text: &str) -> Option<(String, &str)> {
    let quote = text.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let body = &text[1..];
    let mut escaped = false;
    for (i, c) in body.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            c if c == quote => return Some((body[..i].to_owned(), &body[i + 1..])),
            '\n' => return None,
            _ => {}
        }
    }
    None
}

/// The `name` property of an object literal body: `{ name: "x", ... }`.
fn object_name(object: &str) -> Option<String> {
    let end = object.find('}').unwrap_or(object.len());
    let body = &object[..end];
    let at = body.find("name")?;
    let after = body[at + 4..].trim_start().strip_prefix(':')?;
    string_literal(after.trim_start()).map(|(n, _)| n)
}

/// Whether the call's arguments are one expression only (a read), for `$.cookie(x)`.
fn is_read_call(after: &str) -> bool {
    let mut depth = 0i32;
    for c in after.chars() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth == 0 => return true,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => return false,
            _ => {}
        }
    }
    true
}

fn preceded_by_identifier(code: &str, offset: usize) -> bool {
    code[..offset]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

/// What a byte of JavaScript is part of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Code,
    Comment,
    Str,
    Regex,
}

/// For each byte: whether it is code (not inside a comment, a string or a regular expression).
fn code_mask(code: &str) -> Vec<bool> {
    let mut mask: Vec<bool> = classify(code)
        .into_iter()
        .map(|c| c == Class::Code)
        .collect();
    mask.push(true);
    mask
}

/// `code` with its comments blanked out (newlines kept), so offsets stay the same.
pub fn without_comments(code: &str) -> String {
    let classes = classify(code);
    let bytes: Vec<u8> = code
        .bytes()
        .zip(classes)
        .map(|(b, class)| {
            if class == Class::Comment && b != b'\n' && b.is_ascii() {
                b' '
            } else {
                b
            }
        })
        .collect();
    // Only ASCII bytes were replaced, so the text stays UTF-8; a comment's non-ASCII bytes are kept as they are.
    String::from_utf8(bytes).unwrap_or_else(|_| code.to_owned())
}

// Keywords after which `/` starts a regular expression rather than a division.
const BEFORE_REGEX: &[&str] = &[
    "return",
    "typeof",
    "instanceof",
    "in",
    "of",
    "new",
    "delete",
    "void",
    "throw",
    "case",
    "do",
    "else",
    "yield",
    "await",
];

/// Classifies each byte of `code`; a lexer's worth of JavaScript, no more.
fn classify(code: &str) -> Vec<Class> {
    let bytes = code.as_bytes();
    let mut classes = vec![Class::Code; bytes.len()];
    let mut i = 0;
    // The last significant code byte, to tell a regular expression from a division.
    let mut previous: Option<usize> = None;
    while i < bytes.len() {
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        let start = i;
        let class = match (b, next) {
            (b'/', Some(b'/')) => {
                i = bytes[i..]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(bytes.len(), |n| i + n);
                Class::Comment
            }
            (b'/', Some(b'*')) => {
                i = code[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |n| i + 2 + n + 2);
                Class::Comment
            }
            (b'\'' | b'"' | b'`', _) => {
                i = string_end(bytes, i);
                Class::Str
            }
            (b'/', _) if regex_allowed(code, previous) => match regex_end(bytes, i) {
                Some(end) => {
                    i = end;
                    Class::Regex
                }
                None => {
                    i += 1;
                    Class::Code
                }
            },
            _ => {
                i += 1;
                Class::Code
            }
        };
        for c in &mut classes[start..i] {
            *c = class;
        }
        if class != Class::Comment && !b.is_ascii_whitespace() {
            previous = Some(i - 1);
        }
    }
    classes
}

/// The index just past the string literal that starts at `start`.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            c if c == quote => return i + 1,
            b'\n' if quote != b'`' => return i,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The index just past the regular expression literal (and its flags) that starts at `start`, if it is one.
fn regex_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    let mut in_class = false;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'\n' => return None,
            b'[' => {
                in_class = true;
                i += 1;
            }
            b']' => {
                in_class = false;
                i += 1;
            }
            b'/' if !in_class => {
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                    i += 1;
                }
                return Some(i);
            }
            _ => i += 1,
        }
    }
    None
}

/// Whether a `/` after the code byte at `previous` starts a regular expression.
fn regex_allowed(code: &str, previous: Option<usize>) -> bool {
    let Some(p) = previous else { return true };
    let b = code.as_bytes()[p];
    if b == b')' || b == b']' || b == b'}' {
        return false;
    }
    if b.is_ascii_alphanumeric() || b == b'_' || b == b'$' {
        let start = code[..=p]
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
            .map_or(0, |i| i + 1);
        return BEFORE_REGEX.contains(&&code[start..=p]);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(code: &str) -> Vec<(Option<&'static str>, &'static str)> {
        cookie_writes(code)
            .into_iter()
            .map(|w| (w.name.map(|n| &*Box::leak(n.into_boxed_str())), w.api))
            .collect()
    }

    #[test]
    fn document_cookie_writes_in_every_literal_shape() {
        assert_eq!(
            names(r#"document.cookie = "theme=dark; path=/";"#),
            [(Some("theme"), "document.cookie")]
        );
        assert_eq!(
            names("document.cookie='a=1'"),
            [(Some("a"), "document.cookie")]
        );
        assert_eq!(
            names("document.cookie = `lang=${l}; max-age=60`"),
            [(Some("lang"), "document.cookie")]
        );
        assert_eq!(
            names(r#"document.cookie = "consent=" + value + ";path=/""#),
            [(Some("consent"), "document.cookie")]
        );
        assert_eq!(
            names(r#"document.cookie = "seen" + "=" + 1"#),
            [(Some("seen"), "document.cookie")]
        );
        assert_eq!(
            names("window.document.cookie = k + '=' + v"),
            [(None, "document.cookie")]
        );
        assert_eq!(
            names("document.cookie = `${k}=${v}`"),
            [(None, "document.cookie")]
        );
    }

    #[test]
    fn reads_comments_and_strings_are_not_writes() {
        assert!(names("var all = document.cookie; if (document.cookie == '') {}").is_empty());
        assert!(names("// document.cookie = 'x=1'\n/* Cookies.set('y', 1) */").is_empty());
        assert!(names(r#"var s = "document.cookie = 'x=1'";"#).is_empty());
        assert!(names("$.cookie('lang'); mydocument.cookie = 'z=1'").is_empty());
    }

    #[test]
    fn regular_expressions_do_not_hide_what_follows() {
        assert_eq!(
            names(r#"var re = /"/g; document.cookie = "a=1";"#),
            [(Some("a"), "document.cookie")]
        );
        assert_eq!(
            names(r#"var t=/\/\//;document.cookie="h=1""#),
            [(Some("h"), "document.cookie")]
        );
        assert_eq!(
            names("var r = /\\/*$/; document.cookie = 'b=1'"),
            [(Some("b"), "document.cookie")]
        );
        assert_eq!(
            names("if (x) return /'/.test(y); document.cookie = 'c=1'"),
            [(Some("c"), "document.cookie")]
        );
        // A division is not a regular expression.
        assert_eq!(
            names("var h = w / 2 / 3; document.cookie = 'd=1'"),
            [(Some("d"), "document.cookie")]
        );
        assert_eq!(names("var h = (a) / 2; // document.cookie = 'e=1'"), []);
    }

    #[test]
    fn deleting_a_cookie_is_not_setting_it() {
        assert!(
            names("document.cookie = 'n=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';")
                .is_empty()
        );
        assert!(names("document.cookie = name + '=; Max-Age=0';").is_empty());
        assert!(names("document.cookie = 'n=1; max-age=-1';").is_empty());
        assert!(names("$.cookie('r', null)").is_empty());
        assert_eq!(
            names("document.cookie = 'k=1; max-age=0600'"),
            [(Some("k"), "document.cookie")]
        );
    }

    #[test]
    fn bracket_access_is_a_write_too() {
        assert_eq!(
            names("document['cookie'] = 'w=1'"),
            [(Some("w"), "document.cookie")]
        );
    }

    #[test]
    fn comments_are_blanked_keeping_offsets() {
        let code = "a(); // gtag('config')\n/* x */ b();";
        let blank = without_comments(code);
        assert_eq!(blank.len(), code.len());
        assert!(!blank.contains("gtag") && blank.contains("b();") && blank.contains('\n'));
    }

    #[test]
    fn library_writes() {
        assert_eq!(
            names("Cookies.set('prefs', 'a', { expires: 7 })"),
            [(Some("prefs"), "js-cookie")]
        );
        assert_eq!(names("Cookies.set(key, 1)"), [(None, "js-cookie")]);
        assert_eq!(
            names(r#"$.cookie("visited", "yes", { expires: 30 })"#),
            [(Some("visited"), "jQuery.cookie")]
        );
        assert_eq!(names("jQuery.cookie(k, v)"), [(None, "jQuery.cookie")]);
        assert_eq!(
            names("await cookieStore.set('cart', id)"),
            [(Some("cart"), "cookieStore")]
        );
        assert_eq!(
            names("cookieStore.set({ name: \"session_hint\", value: v })"),
            [(Some("session_hint"), "cookieStore")]
        );
    }
}
