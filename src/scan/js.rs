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
                    if !rest.trim_start().starts_with(',') {
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

/// For each byte: whether it is code (not inside a comment or a string).
fn code_mask(code: &str) -> Vec<bool> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Code,
        Line,
        Block,
        Str(u8),
    }
    let bytes = code.as_bytes();
    let mut mask = vec![true; bytes.len() + 1];
    let mut state = State::Code;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        match state {
            State::Code => match (b, next) {
                (b'/', Some(b'/')) => state = State::Line,
                (b'/', Some(b'*')) => state = State::Block,
                (b'\'' | b'"' | b'`', _) => state = State::Str(b),
                _ => {}
            },
            State::Line if b == b'\n' => state = State::Code,
            State::Block if b == b'*' && next == Some(b'/') => {
                mask[i] = false;
                i += 1;
                state = State::Code;
            }
            State::Str(_) if b == b'\\' => {
                mask[i] = false;
                i += 1;
            }
            State::Str(q) if b == q => {
                mask[i] = false;
                i += 1;
                state = State::Code;
                continue;
            }
            _ => {}
        }
        if state != State::Code {
            mask[i.min(bytes.len() - 1)] = false;
        }
        i += 1;
    }
    mask
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
