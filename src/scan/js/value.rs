//! What the literals of one JavaScript expression say: the parts of a cookie string that are
//! written as literals, the holes between them, and numbers worked out from literal arithmetic.

use std::collections::HashMap;

use super::lexer::{Kind, Token};

/// One part of an expression, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// Text a string or template literal gives.
    Lit(String),
    /// Code only known at run time, as token indices `first..last` (inclusive).
    Hole(usize, usize),
}

/// An expression's extent and its parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expr {
    /// Its parts, literal text and holes.
    pub parts: Vec<Part>,
    /// Index of its first token.
    pub first: usize,
    /// Index just past its last token.
    pub end: usize,
}

// A write's value is seldom longer; the cap keeps the scan linear on hostile input.
const MAX_TOKENS: usize = 400;

/// The expression that starts at token `first` of `tokens` (comments skipped), up to where it ends:
/// a `,` `;` or closing bracket of its own level, or a line break that ends a statement.
pub fn expression(code: &str, tokens: &[Token], first: usize) -> Expr {
    let mut parts: Vec<Part> = Vec::new();
    let mut depth = 0usize;
    let mut previous: Option<&Token> = None;
    let mut i = first;
    let hole = |parts: &mut Vec<Part>, k: usize| match parts.last_mut() {
        Some(Part::Hole(_, last)) if *last + 1 >= k || only_comments_between(tokens, *last, k) => {
            *last = k
        }
        _ => parts.push(Part::Hole(k, k)),
    };
    while i < tokens.len() && i < first + MAX_TOKENS {
        let t = &tokens[i];
        if t.kind == Kind::Comment {
            i += 1;
            continue;
        }
        let text = t.text(code);
        if depth == 0 {
            let closes = t.kind == Kind::Punct && matches!(text, ";" | "," | ")" | "]" | "}");
            let statement_ends = t.newline_before
                && previous.is_some_and(|p| ends_value(code, p))
                && starts_value(code, t);
            if closes || statement_ends {
                break;
            }
        }
        match t.kind {
            Kind::Template { head: true, tail } if depth == 0 => {
                parts.push(Part::Lit(cook(t.text(code))));
                if !tail {
                    depth = 1;
                }
            }
            Kind::Template { head: false, tail } if depth == 1 => {
                parts.push(Part::Lit(cook(t.text(code))));
                if tail {
                    depth = 0;
                }
            }
            Kind::Template {
                head: true,
                tail: false,
            } => {
                depth += 1;
                hole(&mut parts, i);
            }
            Kind::Template {
                head: false,
                tail: true,
            } => {
                depth = depth.saturating_sub(1);
                hole(&mut parts, i);
            }
            Kind::Str if depth == 0 => parts.push(Part::Lit(unescape(text))),
            Kind::Punct if depth == 0 && text == "+" => {}
            Kind::Punct if matches!(text, "(" | "[" | "{") => {
                depth += 1;
                hole(&mut parts, i);
            }
            Kind::Punct if matches!(text, ")" | "]" | "}") => {
                depth = depth.saturating_sub(1);
                hole(&mut parts, i);
            }
            _ => hole(&mut parts, i),
        }
        previous = Some(t);
        i += 1;
    }
    Expr {
        parts,
        first,
        end: i,
    }
}

fn only_comments_between(tokens: &[Token], a: usize, b: usize) -> bool {
    tokens
        .get(a + 1..b)
        .is_some_and(|between| between.iter().all(|t| t.kind == Kind::Comment))
}

/// Whether a token can end an operand, so a line break after it may end the statement.
fn ends_value(code: &str, t: &Token) -> bool {
    match t.kind {
        Kind::Ident | Kind::Number | Kind::Str | Kind::Regex => true,
        Kind::Template { tail, .. } => tail,
        Kind::Punct => matches!(t.text(code), ")" | "]" | "}" | "++" | "--"),
        Kind::Comment => false,
    }
}

/// Whether a token can only start a new statement after a line break (not continue an expression).
fn starts_value(code: &str, t: &Token) -> bool {
    match t.kind {
        Kind::Ident | Kind::Number | Kind::Str | Kind::Regex => true,
        Kind::Template { head, .. } => head,
        Kind::Punct => matches!(t.text(code), "{" | "!" | "~" | "++" | "--"),
        Kind::Comment => false,
    }
}

/// The text of a `'...'` or `"..."` literal with its escapes read.
pub fn unescape(literal: &str) -> String {
    let inner = literal
        .get(1..)
        .unwrap_or_default()
        .strip_suffix(['\'', '"'])
        .unwrap_or_else(|| literal.get(1..).unwrap_or_default());
    cook(inner)
}

/// Raw literal text with its escapes read, as the running script sees it.
pub fn cook(inner: &str) -> String {
    if !inner.contains('\\') {
        return inner.to_owned();
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('v') => out.push('\u{b}'),
            Some('0') if !chars.peek().is_some_and(char::is_ascii_digit) => out.push('\0'),
            Some('x') => {
                let hex: String = chars.by_ref().take(2).collect();
                push_code(&mut out, u32::from_str_radix(&hex, 16).ok());
            }
            Some('u') if chars.peek() == Some(&'{') => {
                chars.next();
                let hex: String = chars.by_ref().take_while(|c| *c != '}').collect();
                push_code(&mut out, u32::from_str_radix(&hex, 16).ok());
            }
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                push_code(&mut out, u32::from_str_radix(&hex, 16).ok());
            }
            // A line continuation adds nothing.
            Some('\n' | '\u{2028}' | '\u{2029}') => {}
            Some('\r') if chars.peek() == Some(&'\n') => {
                chars.next();
            }
            Some('\r') => {}
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

fn push_code(out: &mut String, code: Option<u32>) {
    out.push(code.and_then(char::from_u32).unwrap_or('\u{fffd}'));
}

/// Numbers a script names once and never changes: `var SIX_MONTHS = 60 * 60 * 24 * 182;`.
///
/// Only names of three characters or more count: minified code reuses short names in every scope.
pub fn constants(code: &str, tokens: &[Token]) -> HashMap<String, f64> {
    // Tokens come without comments, so neighbours here are neighbours in the code.
    let significant = tokens;
    let mut assigned: HashMap<&str, usize> = HashMap::new();
    for pair in significant.windows(2) {
        if pair[0].kind == Kind::Ident
            && pair[1].kind == Kind::Punct
            && matches!(
                pair[1].text(code),
                "=" | "+=" | "-=" | "*=" | "/=" | "%=" | "**=" | "++" | "--"
            )
        {
            *assigned.entry(pair[0].text(code)).or_default() += 1;
        }
    }
    let mut found = HashMap::new();
    for (k, w) in significant.windows(3).enumerate() {
        let declared =
            w[0].kind == Kind::Ident && matches!(w[0].text(code), "var" | "let" | "const");
        let name = w[1].text(code);
        if !declared
            || w[1].kind != Kind::Ident
            || name.len() < 3
            || !w[2].is_punct(code, "=")
            || assigned.get(name) != Some(&1)
        {
            continue;
        }
        let start = k + 3;
        let mut end = start;
        while end < significant.len()
            && end < start + 64
            && !matches!(significant[end].text(code), ";" | "," | ")" | "}")
            && !(end > start
                && significant[end].newline_before
                && significant[end].kind != Kind::Punct)
        {
            end += 1;
        }
        if let Some(value) = evaluate(code, &significant[start..end], &found) {
            found.insert(name.to_owned(), value);
        }
    }
    found
}

/// The value of a little arithmetic expression of numbers and known names (`864e5 * 7`), if it is one.
pub fn evaluate(code: &str, tokens: &[Token], names: &HashMap<String, f64>) -> Option<f64> {
    if tokens.len() > 256 {
        return None;
    }
    let tokens: Vec<&Token> = tokens.iter().filter(|t| t.kind != Kind::Comment).collect();
    let mut at = 0;
    let value = sum(code, &tokens, &mut at, names, 0)?;
    (at == tokens.len() && value.is_finite()).then_some(value)
}

// Nesting is capped so hostile input cannot overflow the stack.
const MAX_NESTING: usize = 32;

/// One level of operand, for [`binary`].
type Operand = fn(&str, &[&Token], &mut usize, &HashMap<String, f64>, usize) -> Option<f64>;

fn sum(
    code: &str,
    t: &[&Token],
    at: &mut usize,
    names: &HashMap<String, f64>,
    depth: usize,
) -> Option<f64> {
    binary(code, t, at, names, depth, &["+", "-"], product)
}

fn product(
    code: &str,
    t: &[&Token],
    at: &mut usize,
    names: &HashMap<String, f64>,
    depth: usize,
) -> Option<f64> {
    binary(code, t, at, names, depth, &["*", "/"], unary)
}

/// Operands of `operand` joined by the operators `ops`, left to right.
fn binary(
    code: &str,
    t: &[&Token],
    at: &mut usize,
    names: &HashMap<String, f64>,
    depth: usize,
    ops: &[&str],
    operand: Operand,
) -> Option<f64> {
    let mut value = operand(code, t, at, names, depth)?;
    while let Some(op) = t
        .get(*at)
        .filter(|x| x.kind == Kind::Punct)
        .map(|x| x.text(code))
        .filter(|op| ops.contains(op))
    {
        *at += 1;
        let rhs = operand(code, t, at, names, depth)?;
        value = match op {
            "+" => value + rhs,
            "-" => value - rhs,
            "*" => value * rhs,
            _ => value / rhs,
        };
    }
    Some(value)
}

fn unary(
    code: &str,
    t: &[&Token],
    at: &mut usize,
    names: &HashMap<String, f64>,
    depth: usize,
) -> Option<f64> {
    if depth > MAX_NESTING {
        return None;
    }
    let token = t.get(*at)?;
    *at += 1;
    match (token.kind, token.text(code)) {
        (Kind::Punct, "-") => unary(code, t, at, names, depth + 1).map(|v| -v),
        (Kind::Punct, "+") => unary(code, t, at, names, depth + 1),
        (Kind::Punct, "(") => {
            let value = sum(code, t, at, names, depth + 1)?;
            t.get(*at).filter(|x| x.is_punct(code, ")"))?;
            *at += 1;
            Some(value)
        }
        (Kind::Number, text) => number(text),
        (Kind::Ident, name) => names.get(name).copied(),
        _ => None,
    }
}

/// A numeric literal's value: decimal, exponent, hexadecimal, with `_` separators.
pub fn number(text: &str) -> Option<f64> {
    let clean = text.replace('_', "");
    let lower = clean.to_ascii_lowercase();
    if let Some(hex) = lower.strip_prefix("0x") {
        return u64::from_str_radix(hex, 16).ok().map(|v| v as f64);
    }
    lower.trim_end_matches('n').parse().ok()
}

#[cfg(test)]
mod tests {
    use super::super::lexer::tokens;
    use super::*;

    fn parts(code: &str) -> Vec<Part> {
        let t = tokens(code, true);
        expression(code, &t, 0).parts
    }

    #[test]
    fn literal_parts_and_holes() {
        assert_eq!(
            parts("'a=' + v + '; max-age=60'; next()"),
            [
                Part::Lit("a=".into()),
                Part::Hole(2, 2),
                Part::Lit("; max-age=60".into())
            ]
        );
        assert_eq!(
            parts("`lang=${l.code}; path=/`\nfoo()"),
            [
                Part::Lit("lang=".into()),
                Part::Hole(1, 3),
                Part::Lit("; path=/".into())
            ]
        );
        assert_eq!(parts("f(a, b), c"), [Part::Hole(0, 5)]);
    }

    #[test]
    fn escapes_are_read() {
        assert_eq!(unescape(r#""a\"b\x41\u0042\u{43}""#), "a\"bABC");
        assert_eq!(unescape("'it\\'s'"), "it's");
    }

    #[test]
    fn arithmetic_with_named_constants() {
        let code = "var SIX_MONTHS = 60 * 60 * 24 * 182; var x = 1; x = 2; const DAY = 864e5;";
        let t = tokens(code, true);
        let names = constants(code, &t);
        assert_eq!(names.get("SIX_MONTHS"), Some(&15_724_800.0));
        assert_eq!(names.get("DAY"), Some(&86_400_000.0));
        assert!(!names.contains_key("x"));
        let expr = "(SIX_MONTHS - 0x10) / 2";
        assert_eq!(
            evaluate(expr, &tokens(expr, true), &names),
            Some(7_862_392.0)
        );
        assert_eq!(evaluate("a.b", &tokens("a.b", true), &names), None);
    }
}
