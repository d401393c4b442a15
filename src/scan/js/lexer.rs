//! A JavaScript lexer just good enough to tell code from comments, strings, template text and
//! regular expressions. One pass, linear in the input, and it never panics: every token boundary
//! falls on an ASCII byte or on a whole character, so every span slices the text safely.

pub use super::token::{Kind, Token};

// After these keywords an expression starts, so `/` opens a regular expression.
const BEFORE_EXPRESSION: &[&str] = &[
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

// A parenthesised head after these is followed by a statement, where `/` opens a regular expression.
const CONTROL_HEADS: &[&str] = &["if", "while", "for", "with"];

// Longest first, so `>>>=` wins over `>>`.
const PUNCTUATORS: &[&str] = &[
    ">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "??=", "=>", "==", "!=",
    "<=", ">=", "&&", "||", "??", "?.", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
    "**", "<<", ">>",
];

/// What an open bracket was, to know what its closing one means.
#[derive(Clone, Copy, Debug)]
enum Open {
    /// `(`; `control` when it is the head of `if`, `while`, `for` or `with`.
    Paren {
        control: bool,
    },
    Bracket,
    /// `{`; `block` when it opens a block rather than an object literal.
    Brace {
        block: bool,
    },
    /// `${` inside a template literal.
    Substitution,
}

/// A script's tokens, in order, comments apart.
#[derive(Debug, Default)]
pub struct Lexed {
    /// Every token but comments.
    pub tokens: Vec<Token>,
    /// The byte spans of comments, in order.
    pub comments: Vec<(usize, usize)>,
}

/// Lexes `code`. `html_comments` reads `<!--` and a `-->` line as comments, as browsers do in
/// classic inline scripts (not in modules). Offsets are `u32`: files the tool reads are far
/// smaller (see [`crate::fsio::MAX_TEXT`]); a larger text is lexed up to 4 GiB only.
pub fn lex(code: &str, html_comments: bool) -> Lexed {
    let code = &code[..floor_boundary(code, u32::MAX as usize)];
    Lexer {
        code,
        bytes: code.as_bytes(),
        i: 0,
        out: Lexed {
            tokens: Vec::with_capacity(code.len() / 4),
            comments: Vec::new(),
        },
        stack: Vec::new(),
        newline: false,
        regex_allowed: true,
        last: None,
        html_comments,
    }
    .run()
}

fn floor_boundary(code: &str, mut i: usize) -> usize {
    i = i.min(code.len());
    while i > 0 && !code.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Every token of `code`, comments included, in order (for tests and the fuzz property).
pub fn tokens(code: &str, html_comments: bool) -> Vec<Token> {
    let lexed = lex(code, html_comments);
    let mut all = lexed.tokens;
    all.extend(lexed.comments.iter().map(|&(start, end)| Token {
        kind: Kind::Comment,
        newline_before: false,
        start: start as u32,
        end: end as u32,
    }));
    all.sort_by_key(|t| t.start);
    all
}

struct Lexer<'a> {
    code: &'a str,
    bytes: &'a [u8],
    i: usize,
    out: Lexed,
    stack: Vec<Open>,
    /// A line terminator since the last token.
    newline: bool,
    /// Whether a `/` here starts a regular expression rather than a division.
    regex_allowed: bool,
    /// The last significant token, to decide what a `{` opens.
    last: Option<Token>,
    /// Whether `<!--` and `-->` start comments.
    html_comments: bool,
}

impl Lexer<'_> {
    fn run(mut self) -> Lexed {
        while self.i < self.bytes.len() {
            let b = self.bytes[self.i];
            let start = self.i;
            match b {
                b'\n' | b'\r' => {
                    self.newline = true;
                    self.i += 1;
                }
                b' ' | b'\t' | 0x0b | 0x0c => self.i += 1,
                b'/' if self.peek(1) == Some(b'/') => self.line_comment(start),
                b'/' if self.peek(1) == Some(b'*') => self.block_comment(start),
                b'<' if self.html_comments && self.code[start..].starts_with("<!--") => {
                    self.line_comment(start)
                }
                b'-' if self.html_comments
                    && self.at_line_start()
                    && self.code[start..].starts_with("-->") =>
                {
                    self.line_comment(start)
                }
                b'\'' | b'"' => {
                    self.i = string_end(self.bytes, start);
                    self.push(Kind::Str, start);
                }
                b'`' => {
                    self.i += 1;
                    self.template_piece(true);
                }
                b'/' if self.regex_allowed => match regex_end(self.bytes, start) {
                    Some(end) => {
                        self.i = end;
                        self.push(Kind::Regex, start);
                    }
                    None => self.punct(start),
                },
                b'0'..=b'9' => self.number(start),
                b'.' if self.peek(1).is_some_and(|c| c.is_ascii_digit()) => self.number(start),
                b'}' if matches!(self.stack.last(), Some(Open::Substitution)) => {
                    self.stack.pop();
                    self.i += 1;
                    self.template_piece(false);
                }
                _ if b.is_ascii_alphanumeric()
                    || b == b'_'
                    || b == b'$'
                    || b == b'\\'
                    || b == b'#' =>
                {
                    self.ident(start)
                }
                _ if b.is_ascii() => self.punct(start),
                _ => {
                    // A whole character: either white space of JavaScript's own, or part of an identifier.
                    let c = self.code[start..].chars().next().unwrap_or(' ');
                    if c == '\u{2028}' || c == '\u{2029}' {
                        self.newline = true;
                        self.i += c.len_utf8();
                    } else if is_space(c) {
                        self.i += c.len_utf8();
                    } else {
                        self.ident(start);
                    }
                }
            }
        }
        self.out
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.i + ahead).copied()
    }

    /// Whether only white space and comments stand between the last line break and here.
    fn at_line_start(&self) -> bool {
        self.newline || self.out.tokens.is_empty()
    }

    fn push(&mut self, kind: Kind, start: usize) {
        if kind == Kind::Comment {
            self.out.comments.push((start, self.i));
            return;
        }
        let token = Token {
            kind,
            start: start as u32,
            end: self.i as u32,
            newline_before: self.newline,
        };
        self.out.tokens.push(token);
        self.newline = false;
        // After `.` a keyword is a property name (`counts.new`), an operand like any other.
        let property = self
            .last
            .is_some_and(|t| t.kind == Kind::Punct && matches!(t.text(self.code), "." | "?."));
        self.regex_allowed = match kind {
            Kind::Ident => !property && BEFORE_EXPRESSION.contains(&token.text(self.code)),
            Kind::Number | Kind::Str | Kind::Regex => false,
            // After `${` an expression starts; after the closing backtick, an operator.
            Kind::Template { tail, .. } => !tail,
            Kind::Punct | Kind::Comment => true,
        };
        self.last = Some(token);
    }

    fn line_comment(&mut self, start: usize) {
        self.i = self.bytes[start..]
            .iter()
            .position(|&c| c == b'\n' || c == b'\r')
            .map_or(self.bytes.len(), |n| start + n);
        self.push(Kind::Comment, start);
    }

    fn block_comment(&mut self, start: usize) {
        let body = &self.bytes[start + 2..];
        let end = body
            .windows(2)
            .position(|w| w == b"*/")
            .map_or(self.bytes.len(), |n| start + 2 + n + 2);
        if body[..end.saturating_sub(start + 2).min(body.len())]
            .iter()
            .any(|&c| c == b'\n' || c == b'\r')
        {
            self.newline = true;
        }
        self.i = end;
        self.push(Kind::Comment, start);
    }

    /// Scans template text from `self.i` up to the closing backtick or the next `${`.
    fn template_piece(&mut self, head: bool) {
        let start = self.i;
        let mut i = start;
        while i < self.bytes.len() {
            match self.bytes[i] {
                b'\\' => i += 2,
                b'`' => {
                    self.i = i;
                    self.push(Kind::Template { head, tail: true }, start);
                    self.i = i + 1;
                    return;
                }
                b'$' if self.bytes.get(i + 1) == Some(&b'{') => {
                    self.i = i;
                    self.push(Kind::Template { head, tail: false }, start);
                    self.stack.push(Open::Substitution);
                    self.i = i + 2;
                    return;
                }
                _ => i += 1,
            }
        }
        // Unterminated: the rest of the text is template text.
        self.i = self.bytes.len();
        self.push(Kind::Template { head, tail: true }, start);
    }

    fn number(&mut self, start: usize) {
        let mut i = start + 1;
        while i < self.bytes.len() {
            let c = self.bytes[i];
            let exponent_sign = (c == b'+' || c == b'-')
                && matches!(self.bytes[i - 1], b'e' | b'E')
                && !self.code[start..i].starts_with("0x")
                && !self.code[start..i].starts_with("0X");
            if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || exponent_sign {
                i += 1;
            } else {
                break;
            }
        }
        self.i = i;
        self.push(Kind::Number, start);
    }

    fn ident(&mut self, start: usize) {
        let mut i = start;
        while i < self.bytes.len() {
            let c = self.bytes[i];
            if c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c == b'\\' || c == b'#' {
                i += 1;
            } else if c.is_ascii() {
                break;
            } else {
                let ch = self.code[i..].chars().next().unwrap_or(' ');
                if is_space(ch) || ch == '\u{2028}' || ch == '\u{2029}' {
                    break;
                }
                i += ch.len_utf8();
            }
        }
        self.i = i.max(start + 1);
        self.push(Kind::Ident, start);
    }

    fn punct(&mut self, start: usize) {
        let rest = &self.code[start..];
        // Most punctuation is one character; a longer punctuator's second character is one of
        // these, so the list is only searched when it can match.
        let may_be_longer = rest
            .as_bytes()
            .get(1)
            .is_some_and(|b| b"=.&|?+-*<>".contains(b));
        let len = if may_be_longer {
            PUNCTUATORS
                .iter()
                .find(|p| rest.starts_with(**p))
                .map_or(1, |p| p.len())
        } else {
            1
        };
        self.i = start + len;
        let text = &self.code[start..self.i];
        let (regex_after_close, opened) = match text {
            "(" => {
                let control = self.last.is_some_and(|t| {
                    t.kind == Kind::Ident && CONTROL_HEADS.contains(&t.text(self.code))
                });
                (None, Some(Open::Paren { control }))
            }
            "[" => (None, Some(Open::Bracket)),
            "{" => (
                None,
                Some(Open::Brace {
                    block: self.opens_block(),
                }),
            ),
            ")" => (
                Some(self.close(|o| match o {
                    Open::Paren { control } => Some(control),
                    _ => None,
                })),
                None,
            ),
            "]" => (
                Some(self.close(|o| matches!(o, Open::Bracket).then_some(false))),
                None,
            ),
            "}" => (
                Some(self.close(|o| match o {
                    Open::Brace { block } => Some(block),
                    _ => None,
                })),
                None,
            ),
            _ => (None, None),
        };
        self.push(Kind::Punct, start);
        if let Some(open) = opened {
            self.stack.push(open);
        }
        match (regex_after_close, text) {
            (Some(allowed), _) => self.regex_allowed = allowed,
            (None, "++" | "--") => self.regex_allowed = false,
            _ => {}
        }
    }

    /// Pops the open bracket `matching` accepts; returns whether a regular expression may follow
    /// the closing one (after an `if (...)` head or a block, yes; after a call or an object, no).
    fn close(&mut self, matching: impl Fn(Open) -> Option<bool>) -> bool {
        match self.stack.last().copied().and_then(&matching) {
            Some(allowed) => {
                self.stack.pop();
                allowed
            }
            // An unbalanced closer: leave the stack alone, so a template's `${` is still found.
            None => false,
        }
    }

    /// Whether a `{` here opens a block rather than an object literal.
    fn opens_block(&self) -> bool {
        let Some(last) = self.last else { return true };
        let text = last.text(self.code);
        match last.kind {
            // After `return` and the like an expression starts, so `{` is an object; after `else` or `do`, a block.
            Kind::Ident => !BEFORE_EXPRESSION.contains(&text) || matches!(text, "do" | "else"),
            Kind::Punct => matches!(text, ")" | ";" | "{" | "}" | "=>"),
            _ => false,
        }
    }
}

/// JavaScript's white space beyond ASCII (line terminators aside).
fn is_space(c: char) -> bool {
    matches!(
        c,
        '\u{a0}' | '\u{feff}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}'
    )
}

/// The index just past the string literal that starts at `start`; an unterminated one ends at the line's end.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                // A line continuation may be `\` CR LF.
                i += if bytes.get(i + 1) == Some(&b'\r') && bytes.get(i + 2) == Some(&b'\n') {
                    3
                } else {
                    2
                };
            }
            c if c == quote => return i + 1,
            b'\n' | b'\r' => return i,
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
            b'\n' | b'\r' => return None,
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
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'$') {
                    i += 1;
                }
                return Some(i);
            }
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests;
