//! The tokens the lexer yields: their kind and span, and how to read their text.

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An identifier or keyword (`document`, `if`, `$`, `é`).
    Ident,
    /// A numeric literal.
    Number,
    /// An operator or punctuator (`=`, `+=`, `(`, `?.`).
    Punct,
    /// A `'...'` or `"..."` literal, quotes included.
    Str,
    /// The raw text of one piece of a template literal, without its delimiters: `head` when it
    /// follows the opening backtick, `tail` when the closing backtick ends it.
    Template {
        /// The piece right after the opening backtick.
        head: bool,
        /// The piece the closing backtick ends.
        tail: bool,
    },
    /// A regular expression literal with its flags.
    Regex,
    /// A comment of any kind, HTML-like ones included.
    Comment,
}

/// One token: its kind, its byte span, and whether a line break comes before it. Twelve bytes:
/// a dense script has about a token a byte, and a site may ship scripts of many megabytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// What it is.
    pub kind: Kind,
    /// Whether a line terminator stands between it and the previous token (comments aside).
    pub newline_before: bool,
    pub(super) start: u32,
    pub(super) end: u32,
}

impl Token {
    /// Byte offset of its first byte.
    pub fn start(&self) -> usize {
        self.start as usize
    }

    /// Byte offset just past it.
    pub fn end(&self) -> usize {
        self.end as usize
    }

    /// The token's text.
    pub fn text<'a>(&self, code: &'a str) -> &'a str {
        code.get(self.start()..self.end()).unwrap_or_default()
    }

    /// Whether the token is the punctuator `p`.
    pub fn is_punct(&self, code: &str, p: &str) -> bool {
        self.kind == Kind::Punct && self.text(code) == p
    }

    /// Whether the token is the identifier `name`, however it is spelled (`\u0063ookie` is `cookie`).
    pub fn is_ident(&self, code: &str, name: &str) -> bool {
        self.kind == Kind::Ident && self.name(code) == name
    }

    /// An identifier's name with its `\u` escapes read.
    pub fn name<'a>(&self, code: &'a str) -> std::borrow::Cow<'a, str> {
        let text = self.text(code);
        if !text.contains('\\') {
            return std::borrow::Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = rest.find("\\u") {
            out.push_str(&rest[..at]);
            let escape = &rest[at + 2..];
            let (hex, used) = match escape.strip_prefix('{') {
                Some(braced) => {
                    let end = braced.find('}').unwrap_or(braced.len());
                    (&braced[..end], end + 2)
                }
                None => (escape.get(..4).unwrap_or(escape), 4.min(escape.len())),
            };
            match u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                Some(c) => out.push(c),
                None => out.push_str(&rest[at..at + 2]),
            }
            rest = escape.get(used..).unwrap_or_default();
        }
        out.push_str(rest);
        std::borrow::Cow::Owned(out)
    }
}
