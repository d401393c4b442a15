//! Reads JavaScript source for what it does to cookies: writes (`document.cookie`, js-cookie,
//! jQuery.cookie, `cookieStore`), string literals that name a service's tag URL, and calls such as
//! a minified `e("config","G-...")`.
//!
//! Not a JavaScript parser: a lexer ([`lexer`]) that tells code from comments, strings, templates
//! and regular expressions, then a few shapes over its tokens. Linear in the input; never panics.

mod api;
pub mod lexer;
mod storage;
pub mod token;
mod value;
mod writes;

use std::collections::HashMap;

use lexer::{Kind, Token};
pub use writes::{Api, Name, Write};

/// A script, lexed once.
pub struct Script<'a> {
    code: &'a str,
    /// Its tokens, comments apart.
    tokens: Vec<Token>,
    /// Its comments' spans.
    comments: Vec<(usize, usize)>,
}

/// A string literal, or several joined by `+`, with where it starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Literal {
    /// Byte offset of its first token.
    pub offset: usize,
    /// Byte offset just past its last token.
    pub end: usize,
    /// Its text, escapes read (template text as written).
    pub text: String,
}

/// A call whose first two arguments are string literals: `gtag("config", "G-1")`, minified or not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    /// Byte offset of the first argument.
    pub offset: usize,
    /// Byte offset just past the second.
    pub end: usize,
    /// The first argument's text.
    pub first: String,
    /// The second argument's text.
    pub second: String,
}

impl<'a> Script<'a> {
    /// Lexes `code`; `html_comments` for a classic inline script, where `<!--` starts a comment.
    pub fn new(code: &'a str, html_comments: bool) -> Script<'a> {
        let lexed = lexer::lex(code, html_comments);
        Script {
            code,
            tokens: lexed.tokens,
            comments: lexed.comments,
        }
    }

    /// The source.
    pub fn code(&self) -> &'a str {
        self.code
    }

    /// Every cookie write, in order; deletions are left out.
    pub fn writes(&self) -> Vec<Write> {
        let constants: HashMap<String, f64> = value::constants(self.code, &self.tokens);
        writes::find(self.code, &self.tokens, &constants)
    }

    /// Every string literal, adjacent ones joined when `+` joins them (`"a" + "b"`).
    pub fn literals(&self) -> Vec<Literal> {
        let mut found: Vec<Literal> = Vec::new();
        // Whether the last significant tokens were a literal then `+`, so the next literal continues it.
        let mut joining = false;
        let mut after_literal = false;
        for t in &self.tokens {
            let text = match t.kind {
                Kind::Str => Some(value::unescape(t.text(self.code))),
                Kind::Template { .. } => Some(value::cook(t.text(self.code))),
                _ => None,
            };
            match text {
                Some(text) => {
                    match found.last_mut() {
                        Some(last) if joining => {
                            last.text.push_str(&text);
                            last.end = t.end();
                        }
                        _ => found.push(Literal {
                            offset: t.start(),
                            end: t.end(),
                            text,
                        }),
                    }
                    after_literal = true;
                    joining = false;
                }
                None => {
                    joining = after_literal && t.is_punct(self.code, "+");
                    after_literal = false;
                }
            }
        }
        found
    }

    /// Every call whose first two arguments are string literals.
    pub fn calls(&self) -> Vec<Call> {
        self.tokens
            .windows(4)
            .filter(|w| {
                w[0].is_punct(self.code, "(")
                    && w[1].kind == Kind::Str
                    && w[2].is_punct(self.code, ",")
                    && w[3].kind == Kind::Str
            })
            .map(|w| Call {
                offset: w[1].start(),
                end: w[3].end(),
                first: value::unescape(w[1].text(self.code)),
                second: value::unescape(w[3].text(self.code)),
            })
            .collect()
    }

    /// The code with its comments blanked out (line breaks kept), so offsets stay the same.
    pub fn without_comments(&self) -> String {
        let mut bytes = self.code.as_bytes().to_vec();
        for &(start, end) in &self.comments {
            for b in &mut bytes[start..end] {
                // Only ASCII bytes are replaced, so the text stays UTF-8.
                if b.is_ascii() && *b != b'\n' && *b != b'\r' {
                    *b = b' ';
                }
            }
        }
        String::from_utf8(bytes).unwrap_or_else(|_| self.code.to_owned())
    }

    /// The code without comments or white space, with every string delimited by `"`: one spelling
    /// of a call however it is formatted, for signatures such as `_paq.push(["requireConsent"])`.
    /// Quotes inside strings and templates are written `\"`, so code quoted inside a string never
    /// reads as the call itself.
    pub fn compact(&self) -> String {
        let mut out = String::with_capacity(self.code.len());
        for t in &self.tokens {
            match t.kind {
                Kind::Str => {
                    out.push('"');
                    out.push_str(&value::unescape(t.text(self.code)).replace('"', "\\\""));
                    out.push('"');
                }
                Kind::Template { .. } => out.push_str(&t.text(self.code).replace('"', "\\\"")),
                _ => out.push_str(t.text(self.code)),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::lifetime::Lifetime;

    fn names(code: &str) -> Vec<(Option<String>, &'static str)> {
        Script::new(code, false)
            .writes()
            .into_iter()
            .map(|w| {
                let name = match w.name {
                    Name::Literal(n) => Some(n),
                    Name::Shape(s) => Some(format!("shape {s}")),
                    Name::Unknown => None,
                };
                (name, w.api.as_str())
            })
            .collect()
    }

    fn one(name: &str, api: &'static str) -> Vec<(Option<String>, &'static str)> {
        vec![(Some(name.to_owned()), api)]
    }

    #[test]
    fn document_cookie_writes_in_every_literal_shape() {
        assert_eq!(
            names(r#"document.cookie = "theme=dark; path=/";"#),
            one("theme", "document.cookie")
        );
        assert_eq!(names("document.cookie='a=1'"), one("a", "document.cookie"));
        assert_eq!(
            names("document.cookie = `lang=${l}; max-age=60`"),
            one("lang", "document.cookie")
        );
        assert_eq!(
            names(r#"document.cookie = "consent=" + value + ";path=/""#),
            one("consent", "document.cookie")
        );
        assert_eq!(
            names(r#"document.cookie = "seen" + "=" + 1"#),
            one("seen", "document.cookie")
        );
        assert_eq!(
            names("window.document.cookie = k + '=' + v"),
            [(None, "document.cookie")]
        );
        assert_eq!(
            names("document.cookie = `${k}=${v}`"),
            [(None, "document.cookie")]
        );
        assert_eq!(
            names("document.cookie = 'mjx.' + name + '=' + v"),
            one("shape mjx.*", "document.cookie")
        );
    }

    #[test]
    fn reads_comments_and_strings_are_not_writes() {
        assert!(names("var all = document.cookie; if (document.cookie == '') {}").is_empty());
        assert!(names("// document.cookie = 'x=1'\n/* Cookies.set('y', 1) */").is_empty());
        assert!(names(r#"var s = "document.cookie = 'x=1'";"#).is_empty());
        assert!(names("$.cookie('lang'); mydocument.cookie = 'z=1'").is_empty());
        assert!(names("$.cookie = function (key, value) {}; c.cookie = { name: 'x' }").is_empty());
    }

    #[test]
    fn lexer_traps_do_not_hide_what_follows() {
        for code in [
            r#"var re = /"/g; document.cookie = "a=1";"#,
            r#"var t=/\/\//;document.cookie="a=1""#,
            "var r = /\\/*$/; document.cookie = 'a=1'",
            "if (x) return /'/.test(y); document.cookie = 'a=1'",
            "if (a) /'/.test(b); document.cookie = 'a=1'",
            "for (;;) /`/.exec(s); document.cookie = 'a=1'",
            "var h = w / 2 / 3; document.cookie = 'a=1'",
            "t = `${ `in${'`'}` }`; document.cookie = 'a=1'",
            "t = `x${ f('`') }`; document.cookie = 'a=1'",
            "var half =\u{a0}total / 2; document.cookie = 'a=1'",
        ] {
            assert_eq!(names(code), one("a", "document.cookie"), "{code}");
        }
        assert_eq!(names("var h = (a) / 2; // document.cookie = 'e=1'"), []);
    }

    #[test]
    fn a_deletion_is_a_property_of_its_own_write() {
        assert!(
            names("document.cookie = 'n=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';")
                .is_empty()
        );
        assert!(names("document.cookie = name + '=; Max-Age=0';").is_empty());
        assert!(names("document.cookie = 'n=1; max-age=-1';").is_empty());
        assert_eq!(
            names("document.cookie = `k=1; max-age=0\\x39\\x39`"),
            one("k", "document.cookie"),
            "escapes in a template are read"
        );
        assert!(
            names("document.cookie = n + '=; expires=' + new Date(0).toUTCString()").is_empty()
        );
        assert!(names("$.cookie('r', null)").is_empty());
        assert!(names("Cookies.set('r', '', { expires: -1 })").is_empty());
        assert_eq!(
            names("document.cookie = 'k=1; max-age=0600'"),
            one("k", "document.cookie")
        );
        // Minified: a write, then a deletion on the same line.
        assert_eq!(
            names(
                r#"document.cookie="kept=1; path=/";function clr(n){document.cookie=n+"=; expires=Thu, 01 Jan 1970 00:00:00 GMT"}"#
            ),
            one("kept", "document.cookie")
        );
    }

    #[test]
    fn bracket_access_and_aliases() {
        assert_eq!(
            names("document['cookie'] = 'w=1'"),
            one("w", "document.cookie")
        );
        assert_eq!(
            names("var d=document;d.cookie='w=1; path=/'"),
            one("w", "document.cookie"),
            "a minified alias of document, with a cookie string"
        );
    }

    #[test]
    fn library_writes() {
        assert_eq!(
            names("Cookies.set('prefs', 'a', { expires: 7 })"),
            one("prefs", "js-cookie")
        );
        assert_eq!(names("Cookies.set(key, 1)"), [(None, "js-cookie")]);
        assert_eq!(
            names(r#"Cookies.withAttributes({ path: "/" }).set("track", "1", { expires: 365 });"#),
            one("track", "js-cookie")
        );
        assert_eq!(
            names("Cookies.withConverter(c).withAttributes({ expires: 7 }).set('w', v)"),
            one("w", "js-cookie")
        );
        assert_eq!(
            Script::new("Cookies.withAttributes({ expires: 7 }).set('w', v)", false).writes()[0]
                .lifetime,
            Lifetime::Seconds(604_800.0)
        );
        assert_eq!(
            names("document.\\u0063ookie = 'esc=1'"),
            one("esc", "document.cookie")
        );
        assert_eq!(
            names(r#"$.cookie("visited", "yes", { expires: 30 })"#),
            one("visited", "jQuery.cookie")
        );
        assert_eq!(names("jQuery.cookie(k, v)"), [(None, "jQuery.cookie")]);
        assert_eq!(
            names("await cookieStore.set('cart', id)"),
            one("cart", "cookieStore")
        );
        assert_eq!(
            names("cookieStore.set({ name: \"session_hint\", value: v })"),
            one("session_hint", "cookieStore")
        );
    }

    #[test]
    fn lifetimes_are_read_where_a_write_states_them() {
        let lifetime = |code: &str| Script::new(code, false).writes()[0].lifetime;
        assert_eq!(
            lifetime("document.cookie = 'a=1; max-age=3600'"),
            Lifetime::Seconds(3600.0)
        );
        assert_eq!(lifetime("document.cookie = 'a=1'"), Lifetime::Session);
        assert_eq!(lifetime("document.cookie = 'a=' + v"), Lifetime::Unknown);
        assert_eq!(
            lifetime(
                "var SIX_MONTHS = 60 * 60 * 24 * 182;\ndocument.cookie = 'a=' + v + '; max-age=' + SIX_MONTHS + '; path=/'"
            ),
            Lifetime::Seconds(15_724_800.0)
        );
        assert_eq!(
            lifetime("Cookies.set('a', 1, { expires: 7 })"),
            Lifetime::Seconds(604_800.0)
        );
        assert_eq!(lifetime("Cookies.set('a', 1)"), Lifetime::Session);
        assert_eq!(lifetime("Cookies.set('a', 1, opts)"), Lifetime::Unknown);
        assert_eq!(
            lifetime("$.cookie('a', 1, { path: '/' })"),
            Lifetime::Session
        );
        assert_eq!(
            lifetime("cookieStore.set({ name: 'a', value: 1, expires: Date.now() + 864e5 })"),
            Lifetime::Seconds(86_400.0)
        );
    }

    #[test]
    fn literals_and_calls() {
        let script = Script::new(
            r#"s.src="https://www.googletagmanager.com/gtag/js?id="+"G-1";e("config","G-ABC");'a'-'b'"#,
            false,
        );
        let texts: Vec<String> = script.literals().into_iter().map(|l| l.text).collect();
        assert_eq!(
            texts,
            [
                "https://www.googletagmanager.com/gtag/js?id=G-1",
                "config",
                "G-ABC",
                "a",
                "b"
            ]
        );
        let calls = script.calls();
        assert_eq!(
            (calls[0].first.as_str(), calls[0].second.as_str()),
            ("config", "G-ABC")
        );
        assert!(
            !Script::new(
                r#"var help = 'gtag("consent","default",{"analytics_storage":"denied"})'"#,
                false
            )
            .compact()
            .contains(r#"analytics_storage":"denied""#),
            "a call quoted in a string is not the call"
        );
        assert_eq!(
            Script::new("_paq.push( [ 'requireConsent' ] ) // x", false).compact(),
            "_paq.push([\"requireConsent\"])"
        );
    }
}
