//! Cookie writes in lexed JavaScript (web storage writes are `storage.rs`'s): `document.cookie = ...` (and a minified alias of `document`
//! when the value is plainly a cookie string), js-cookie's `Cookies.set`, jQuery's `$.cookie`,
//! `cookieStore.set`. Each write is judged by its own value only: a deletion elsewhere on the line
//! says nothing about it.

use std::collections::HashMap;

pub use super::api::Api;
use super::lexer::{Kind, Token};
use super::value::{self, Expr, Part};
use crate::scan::lifetime::{self, HOLE, Hole, Lifetime, Verdict};

/// The name a write gives its cookie.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Name {
    /// Written as a literal.
    Literal(String),
    /// Built at run time around literal text: the pattern it takes (`mjx.*`, `pref_*`).
    Shape(String),
    /// Built at run time with no literal text to go by.
    Unknown,
}

/// One cookie write.
#[derive(Clone, Debug, PartialEq)]
pub struct Write {
    /// Byte offset where the write starts (`document`, `Cookies`, ...).
    pub offset: usize,
    /// Byte offset just past the written value.
    pub end: usize,
    /// The cookie's name.
    pub name: Name,
    /// Which API writes it, such as `document.cookie`.
    pub api: Api,
    /// How long the cookie lives, as far as the write says.
    pub lifetime: Lifetime,
}

/// Every cookie write among `tokens` of `code`, in order; deletions are left out.
pub fn find(code: &str, tokens: &[Token], constants: &HashMap<String, f64>) -> Vec<Write> {
    // Comments are apart from the tokens: neighbours in the slice are neighbours in the code.
    let at = |p: usize| tokens.get(p);
    let is = |p: usize, punct: &str| at(p).is_some_and(|t| t.is_punct(code, punct));
    let ident = |p: usize, name: &str| at(p).is_some_and(|t| t.is_ident(code, name));
    let ctx = Ctx {
        code,
        tokens,
        constants,
    };
    let mut writes = Vec::new();
    for p in 0..tokens.len() {
        let t = &tokens[p];
        if t.kind != Kind::Ident {
            continue;
        }
        let name = t.name(code);
        let text = name.as_ref();
        // Property access of another object (`x.Cookies.set`) is still the same API; `x.document` too.
        let found = if is(p + 1, ".") && ident(p + 2, "cookie") && is(p + 3, "=") {
            (p + 4 < tokens.len())
                .then(|| ctx.assignment(t.start(), p + 4, text == "document"))
                .flatten()
        } else if text == "document"
            && is(p + 1, "[")
            && at(p + 2)
                .is_some_and(|s| s.kind == Kind::Str && value::unescape(s.text(code)) == "cookie")
            && is(p + 3, "]")
            && is(p + 4, "=")
        {
            (p + 5 < tokens.len())
                .then(|| ctx.assignment(t.start(), p + 5, true))
                .flatten()
        } else if text == "Cookies" {
            // `withAttributes(...)` and `withConverter(...)` return the same API, with defaults.
            let mut q = p + 1;
            let mut defaults = None;
            while is(q, ".")
                && (ident(q + 1, "withAttributes") || ident(q + 1, "withConverter"))
                && is(q + 2, "(")
            {
                let Some(close) = matching(code, tokens, q + 2) else {
                    break;
                };
                if ident(q + 1, "withAttributes") {
                    defaults = ctx.arguments(q + 2).into_iter().next();
                }
                q = close + 1;
            }
            (is(q, ".") && ident(q + 1, "set") && is(q + 2, "("))
                .then(|| ctx.library_call(t.start(), q + 2, Api::JsCookie, defaults.as_ref()))
                .flatten()
        } else if (text == "$" || text == "jQuery")
            && is(p + 1, ".")
            && ident(p + 2, "cookie")
            && is(p + 3, "(")
        {
            ctx.library_call(t.start(), p + 3, Api::JqueryCookie, None)
        } else if text == "cookieStore" && is(p + 1, ".") && ident(p + 2, "set") && is(p + 3, "(") {
            ctx.cookie_store(t.start(), p + 3)
        } else {
            super::storage::write(&ctx, p)
        };
        writes.extend(found);
    }
    super::storage::drop_feature_tests(&ctx, &mut writes);
    writes
}

/// The index of the `)` that closes the `(` at `open`, looking a bounded way ahead.
pub(super) fn matching(code: &str, tokens: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (k, t) in tokens.iter().enumerate().skip(open).take(2000) {
        match t.text(code) {
            "(" | "[" | "{" if t.kind == Kind::Punct => depth += 1,
            ")" | "]" | "}" if t.kind == Kind::Punct => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(k);
                }
            }
            _ => {}
        }
    }
    None
}

/// The code being searched, for the readers of one write's parts.
pub(super) struct Ctx<'a> {
    pub(super) code: &'a str,
    pub(super) tokens: &'a [Token],
    constants: &'a HashMap<String, f64>,
}

impl Ctx<'_> {
    /// `document.cookie = <value>`; `first` is the value's first token. An alias of `document`
    /// counts only when the value is plainly a cookie string.
    fn assignment(&self, offset: usize, first: usize, document: bool) -> Option<Write> {
        let expr = value::expression(self.code, self.tokens, first);
        let cookie = self.cookie_string(&expr);
        if !document && !cookie.looks_like_a_cookie {
            return None;
        }
        let lifetime = match cookie.verdict {
            Verdict::Deletes => return None,
            Verdict::Sets(lifetime) => lifetime,
        };
        Some(Write {
            offset,
            end: self.end_of(&expr),
            name: cookie.name,
            api: Api::DocumentCookie,
            lifetime,
        })
    }

    /// `Cookies.set(name, value, { expires: days })` and `$.cookie(name, value, options)`;
    /// `open` is the index of the `(`; `defaults` the options of js-cookie's `withAttributes`.
    fn library_call(
        &self,
        offset: usize,
        open: usize,
        api: Api,
        defaults: Option<&Expr>,
    ) -> Option<Write> {
        let args = self.arguments(open);
        let name = args.first().map_or(Name::Unknown, |a| self.name_of(a));
        if api == Api::JqueryCookie {
            // `$.cookie(name)` reads; `$.cookie(name, null)` deletes.
            let value = args.get(1)?;
            if self.is_only(value, "null") {
                return None;
            }
        }
        // The call's own `expires`, else the defaults', else a session cookie when both are plain objects.
        let stated = |options: &Expr| match self.option(options, "expires") {
            Some(expires) => Some(expires),
            None if self.is_plain_object(options) => None,
            None => Some(None),
        };
        let expires = args
            .get(2)
            .and_then(stated)
            .or_else(|| defaults.and_then(stated));
        let lifetime = match expires {
            Some(Some(days)) if days <= 0.0 => return None,
            Some(Some(days)) => Lifetime::seconds(days * 86_400.0),
            Some(None) => Lifetime::Unknown,
            None => Lifetime::Session,
        };
        Some(Write {
            offset,
            end: args.last().map_or(offset, |a| self.end_of(a)),
            name,
            api,
            lifetime,
        })
    }

    /// `cookieStore.set(name, value)` or `cookieStore.set({ name, value, expires })`.
    fn cookie_store(&self, offset: usize, open: usize) -> Option<Write> {
        let args = self.arguments(open);
        let first = args.first()?;
        let (name, lifetime) = if self.starts_with(first, "{") {
            let name = self
                .property(first, "name")
                .map_or(Name::Unknown, |v| self.name_of(&v));
            let lifetime = match self.property(first, "expires") {
                None => Lifetime::Session,
                Some(expires) => self
                    .millis_from_now(&expires)
                    .map_or(Lifetime::Unknown, |ms| Lifetime::seconds(ms / 1000.0)),
            };
            (name, lifetime)
        } else {
            (self.name_of(first), Lifetime::Session)
        };
        if let Lifetime::Seconds(s) = lifetime
            && s <= 0.0
        {
            return None;
        }
        Some(Write {
            offset,
            end: args.last().map_or(offset, |a| self.end_of(a)),
            name,
            api: Api::CookieStore,
            lifetime,
        })
    }

    /// The arguments of the call whose `(` is token `open`.
    pub(super) fn arguments(&self, open: usize) -> Vec<Expr> {
        let mut args = Vec::new();
        let mut next = self.significant_after(open);
        while let Some(first) = next {
            if self.tokens[first].is_punct(self.code, ")") || args.len() >= 8 {
                break;
            }
            let expr = value::expression(self.code, self.tokens, first);
            let stop = self.tokens.get(expr.end);
            args.push(expr.clone());
            match stop {
                Some(t) if t.is_punct(self.code, ",") => next = self.significant_after(expr.end),
                _ => break,
            }
        }
        args
    }

    fn significant_after(&self, i: usize) -> Option<usize> {
        (i + 1..self.tokens.len()).find(|&k| self.tokens[k].kind != Kind::Comment)
    }

    fn significant(&self, expr: &Expr) -> Vec<usize> {
        (expr.first..expr.end)
            .filter(|&k| self.tokens[k].kind != Kind::Comment)
            .collect()
    }

    /// The expression that starts at token `first`.
    pub(super) fn expression(&self, first: usize) -> Expr {
        value::expression(self.code, self.tokens, first)
    }

    /// The expression inside the `[` at token `open`.
    pub(super) fn arguments_between(&self, open: usize) -> Option<Expr> {
        let first = self.significant_after(open)?;
        (!self.tokens[first].is_punct(self.code, "]")).then(|| self.expression(first))
    }

    pub(super) fn end_of(&self, expr: &Expr) -> usize {
        self.significant(expr).last().map_or_else(
            || self.tokens.get(expr.first).map_or(0, |t| t.start()),
            |&k| self.tokens[k].end(),
        )
    }

    fn is_only(&self, expr: &Expr, ident: &str) -> bool {
        let s = self.significant(expr);
        s.len() == 1 && self.tokens[s[0]].is_ident(self.code, ident)
    }

    fn starts_with(&self, expr: &Expr, punct: &str) -> bool {
        self.significant(expr)
            .first()
            .is_some_and(|&k| self.tokens[k].is_punct(self.code, punct))
    }

    /// An object literal with no spread, so a missing key is really missing.
    fn is_plain_object(&self, expr: &Expr) -> bool {
        self.starts_with(expr, "{")
            && !self
                .significant(expr)
                .iter()
                .any(|&k| self.tokens[k].is_punct(self.code, "..."))
    }

    /// The value of property `key` of an object literal, as an expression.
    fn property(&self, object: &Expr, key: &str) -> Option<Expr> {
        let s = self.significant(object);
        let mut depth = 0;
        for (n, &k) in s.iter().enumerate() {
            let t = &self.tokens[k];
            match t.text(self.code) {
                "{" | "(" | "[" if t.kind == Kind::Punct => depth += 1,
                "}" | ")" | "]" if t.kind == Kind::Punct => depth -= 1,
                _ => {}
            }
            let named = match t.kind {
                Kind::Ident => t.text(self.code) == key,
                Kind::Str => value::unescape(t.text(self.code)) == key,
                _ => false,
            };
            let at_top = depth == 1
                && s.get(n.wrapping_sub(1))
                    .is_some_and(|&p| matches!(self.tokens[p].text(self.code), "{" | ","));
            if named
                && at_top
                && s.get(n + 1)
                    .is_some_and(|&c| self.tokens[c].is_punct(self.code, ":"))
            {
                let first = *s.get(n + 2)?;
                return Some(value::expression(self.code, self.tokens, first));
            }
        }
        None
    }

    /// `Some(Some(n))` when option `key` is literal arithmetic, `Some(None)` when it is computed, `None` when absent.
    fn option(&self, options: &Expr, key: &str) -> Option<Option<f64>> {
        let value = self.property(options, key)?;
        Some(self.number(&value))
    }

    fn number(&self, expr: &Expr) -> Option<f64> {
        let tokens: Vec<Token> = self
            .significant(expr)
            .iter()
            .map(|&k| self.tokens[k])
            .collect();
        value::evaluate(self.code, &tokens, self.constants)
    }

    /// Milliseconds of `Date.now() + N` (or `N + Date.now()`), the only relative date a literal states.
    fn millis_from_now(&self, expr: &Expr) -> Option<f64> {
        let s = self.significant(expr);
        let text = |k: usize| self.tokens[k].text(self.code);
        let now = s.windows(5).position(|w| {
            text(w[0]) == "Date"
                && text(w[1]) == "."
                && text(w[2]) == "now"
                && text(w[3]) == "("
                && text(w[4]) == ")"
        })?;
        let rest: Vec<Token> = if now == 0 {
            s.get(6..)?.iter().map(|&k| self.tokens[k]).collect()
        } else if now + 5 == s.len() && text(s[now - 1]) == "+" {
            s[..now - 1].iter().map(|&k| self.tokens[k]).collect()
        } else {
            return None;
        };
        if now == 0 && s.get(5).is_none_or(|&k| text(k) != "+") {
            return None;
        }
        value::evaluate(self.code, &rest, self.constants)
    }

    /// The name an argument gives: a literal, a pattern around literal text, or unknown.
    pub(super) fn name_of(&self, expr: &Expr) -> Name {
        let mut text = String::new();
        for part in &expr.parts {
            match part {
                Part::Lit(s) => text.push_str(s),
                Part::Hole(..) => text.push('*'),
            }
        }
        name_from(&text)
    }

    /// Reads a `document.cookie` value: the name before its first `=`, and its attributes.
    fn cookie_string(&self, expr: &Expr) -> CookieString {
        let mut name = String::new();
        let mut after = String::new();
        let mut holes = Vec::new();
        let mut seen_equals = false;
        for part in &expr.parts {
            match part {
                Part::Lit(s) if !seen_equals => match s.split_once('=') {
                    Some((before, rest)) => {
                        name.push_str(before);
                        after.push_str(&rest.replace(HOLE, "\u{fffd}"));
                        seen_equals = true;
                    }
                    None => name.push_str(s),
                },
                Part::Lit(s) => after.push_str(&s.replace(HOLE, "\u{fffd}")),
                Part::Hole(..) if !seen_equals => name.push('*'),
                Part::Hole(a, b) => {
                    after.push(HOLE);
                    holes.push(self.hole(*a, *b));
                }
            }
        }
        if !seen_equals {
            return CookieString {
                name: Name::Unknown,
                verdict: Verdict::Sets(Lifetime::Unknown),
                looks_like_a_cookie: false,
            };
        }
        let lower = after.to_ascii_lowercase();
        let looks_like_a_cookie = [
            "path=",
            "expires=",
            "max-age=",
            "domain=",
            "samesite=",
            "secure",
        ]
        .iter()
        .any(|k| lower.contains(k));
        CookieString {
            name: name_from(&name),
            verdict: lifetime::attributes(&after, &holes),
            looks_like_a_cookie,
        }
    }

    fn hole(&self, first: usize, last: usize) -> Hole {
        let tokens = self.tokens.get(first..=last).unwrap_or_default();
        let compact: String = tokens
            .iter()
            .filter(|t| t.kind != Kind::Comment)
            .map(|t| t.text(self.code))
            .collect();
        Hole {
            number: value::evaluate(self.code, tokens, self.constants),
            epoch: [
                "Date(0)",
                "Date(1)",
                "Date(0,",
                "Date(1970",
                "Date(-",
                "setTime(0)",
            ]
            .iter()
            .any(|e| compact.contains(e)),
        }
    }
}

struct CookieString {
    name: Name,
    verdict: Verdict,
    looks_like_a_cookie: bool,
}

/// A name from its text, where `*` stands for what is built at run time.
fn name_from(text: &str) -> Name {
    let text = text.trim();
    let mut shape = String::with_capacity(text.len());
    for c in text.chars() {
        if !(c == '*' && shape.ends_with('*')) {
            shape.push(c);
        }
    }
    if shape.is_empty()
        || shape == "*"
        || shape.contains(|c: char| c.is_whitespace() || c == ';' || c == HOLE)
    {
        Name::Unknown
    } else if shape.contains('*') {
        Name::Shape(shape)
    } else {
        Name::Literal(shape)
    }
}
