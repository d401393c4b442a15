//! Web storage writes in lexed JavaScript: `localStorage.setItem(key, v)`, `localStorage[key] = v`
//! and `localStorage.key = v` (and the same on `sessionStorage`), `indexedDB.open(name)` and
//! `caches.open(name)`. The storage object is recognised by its global name, also as a property
//! (`window.localStorage`); an alias (`const s = localStorage; s.setItem(...)`) is not followed.

use super::lexer::{Kind, Token};
use super::writes::{Api, Ctx, Name, Write};
use crate::scan::Lifetime;

/// Methods and properties of `Storage` that are not keys: `localStorage.length = 0` stores nothing.
const STORAGE_MEMBERS: &[&str] = &[
    "setItem",
    "getItem",
    "removeItem",
    "clear",
    "key",
    "length",
    "constructor",
    "hasOwnProperty",
    "valueOf",
    "toString",
];

/// The web storage write that starts at token `p`, if one does.
pub(super) fn write(ctx: &Ctx, p: usize) -> Option<Write> {
    let (code, tokens) = (ctx.code, ctx.tokens);
    let at = |k: usize| tokens.get(k);
    let is = |k: usize, punct: &str| at(k).is_some_and(|t| t.is_punct(code, punct));
    let ident = |k: usize, name: &str| at(k).is_some_and(|t| t.is_ident(code, name));
    let start = tokens[p].start();
    // A property of something else (`foo.indexedDB`) is the global only on `window`/`self`/`globalThis`.
    if p > 0 && is(p - 1, ".") && !global_before(code, tokens, p - 1) {
        return None;
    }
    let name = tokens[p].name(code);
    let api = match name.as_ref() {
        "localStorage" => Api::LocalStorage,
        "sessionStorage" => Api::SessionStorage,
        "indexedDB" if is(p + 1, ".") && ident(p + 2, "open") && is(p + 3, "(") => {
            return opened(ctx, start, p + 3, Api::IndexedDb);
        }
        "caches" if is(p + 1, ".") && ident(p + 2, "open") && is(p + 3, "(") => {
            return opened(ctx, start, p + 3, Api::CacheStorage);
        }
        _ => return None,
    };
    if is(p + 1, ".") && ident(p + 2, "setItem") && is(p + 3, "(") {
        let args = ctx.arguments(p + 3);
        // `setItem(key)` without a value throws: nothing is stored.
        let value = args.get(1)?;
        return Some(stored(start, ctx.end_of(value), ctx.name_of(&args[0]), api));
    }
    if is(p + 1, "[") {
        let close = super::writes::matching(code, tokens, p + 1)?;
        if !is(close + 1, "=") || close + 2 >= tokens.len() {
            return None;
        }
        let key = ctx.arguments_between(p + 1)?;
        let value = ctx.expression(close + 2);
        return Some(stored(start, ctx.end_of(&value), ctx.name_of(&key), api));
    }
    if is(p + 1, ".")
        && at(p + 2).is_some_and(|t| t.kind == Kind::Ident)
        && is(p + 3, "=")
        && p + 4 < tokens.len()
    {
        let key = tokens[p + 2].name(code);
        if STORAGE_MEMBERS.contains(&key.as_ref()) {
            return None;
        }
        let value = ctx.expression(p + 4);
        return Some(stored(
            start,
            ctx.end_of(&value),
            Name::Literal(key.into_owned()),
            api,
        ));
    }
    None
}

/// `indexedDB.open(name)` and `caches.open(name)`; `open` is the `(` token.
fn opened(ctx: &Ctx, start: usize, open: usize, api: Api) -> Option<Write> {
    let args = ctx.arguments(open);
    let first = args.first()?;
    Some(stored(start, ctx.end_of(first), ctx.name_of(first), api))
}

fn stored(offset: usize, end: usize, name: Name, api: Api) -> Write {
    Write {
        offset,
        end,
        name,
        api,
        // Web storage states no lifetime in the write: sessionStorage ends with the tab, the
        // rest lasts until deleted; the catalogue's validation holds declarations to that.
        lifetime: if api == Api::SessionStorage {
            Lifetime::Session
        } else {
            Lifetime::Unknown
        },
    }
}

/// Whether the `.` at `dot` follows `window`, `self` or `globalThis`.
fn global_before(code: &str, tokens: &[Token], dot: usize) -> bool {
    dot > 0
        && tokens.get(dot - 1).is_some_and(|t| {
            ["window", "self", "globalThis"]
                .iter()
                .any(|g| t.is_ident(code, g))
        })
}

#[cfg(test)]
mod tests {
    use super::super::Script;
    use super::*;

    /// (name, API) of every write `code` makes.
    fn found(code: &str) -> Vec<(String, &'static str)> {
        Script::new(code, false)
            .writes()
            .into_iter()
            .map(|w| {
                let name = match w.name {
                    Name::Literal(n) => n,
                    Name::Shape(s) => format!("shape {s}"),
                    Name::Unknown => "?".to_owned(),
                };
                (name, w.api.as_str())
            })
            .collect()
    }

    fn one(name: &str, api: &'static str) -> Vec<(String, &'static str)> {
        vec![(name.to_owned(), api)]
    }

    #[test]
    fn every_way_of_writing_web_storage_is_found_with_its_key() {
        let local = "localStorage";
        assert_eq!(found(r#"localStorage.setItem("k", "v")"#), one("k", local));
        assert_eq!(
            found(r#"window.localStorage.setItem('k',1)"#),
            one("k", local)
        );
        assert_eq!(found(r#"localStorage["k"] = 1"#), one("k", local));
        assert_eq!(found("localStorage.k = 1"), one("k", local));
        assert_eq!(
            found(r#"sessionStorage.setItem("step", 2)"#),
            one("step", "sessionStorage")
        );
        assert_eq!(
            found(r#"self.indexedDB.open("db", 3)"#),
            one("db", "indexedDB")
        );
        assert_eq!(found(r#"caches.open("v1")"#), one("v1", "caches"));
        // A key built at run time keeps its literal parts (rustdoc's settings).
        assert_eq!(
            found(r#"window.localStorage.setItem("rustdoc-"+name,value)"#),
            one("shape rustdoc-*", local)
        );
        assert_eq!(found("localStorage.setItem(key, v)"), one("?", local));
    }

    #[test]
    fn reads_deletions_and_other_objects_store_nothing() {
        for code in [
            r#"localStorage.getItem("k")"#,
            r#"localStorage.removeItem("k")"#,
            "localStorage.clear()",
            "localStorage.length = 0",
            r#"localStorage.setItem("k")"#,
            r#"if (localStorage["k"] == 1) {}"#,
            r#"x = localStorage["k"]"#,
            r#"app.localStorage.setItem("k", 1)"#,
            r#"db.indexedDB.open("x")"#,
            r#"caches.match("x")"#,
            r#"var s = "localStorage.setItem('k', 1)";"#,
        ] {
            assert_eq!(found(code), Vec::new(), "{code}");
        }
    }

    #[test]
    fn session_storage_lives_for_the_session_and_the_rest_states_no_lifetime() {
        let lifetimes: Vec<Lifetime> = Script::new(
            r#"sessionStorage.setItem("a", 1); localStorage.setItem("b", 1);"#,
            false,
        )
        .writes()
        .into_iter()
        .map(|w| w.lifetime)
        .collect();
        assert_eq!(lifetimes, [Lifetime::Session, Lifetime::Unknown]);
    }
}
