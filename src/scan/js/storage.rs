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
    // `.` or `?.`; and any assignment, `=` or compound (`+=`, `||=`), but no comparison.
    let dot = |k: usize| is(k, ".") || is(k, "?.");
    let assigns = |k: usize| {
        tokens.get(k).is_some_and(|t| {
            let text = t.text(code);
            t.kind == Kind::Punct
                && text.ends_with('=')
                && !matches!(text, "==" | "===" | "!=" | "!==" | "<=" | ">=" | "=>")
        })
    };
    let start = tokens[p].start();
    // A property of something else (`foo.indexedDB`) is the global only on `window`/`self`/`globalThis`.
    if p > 0 && is(p - 1, ".") && !global_before(code, tokens, p - 1) {
        return None;
    }
    let name = tokens[p].name(code);
    let api = match name.as_ref() {
        "localStorage" => Api::LocalStorage,
        "sessionStorage" => Api::SessionStorage,
        "indexedDB" if dot(p + 1) && ident(p + 2, "open") && is(p + 3, "(") => {
            return opened(ctx, start, p + 3, Api::IndexedDb);
        }
        "caches" if dot(p + 1) && ident(p + 2, "open") && is(p + 3, "(") => {
            return opened(ctx, start, p + 3, Api::CacheStorage);
        }
        _ => return None,
    };
    if dot(p + 1) && ident(p + 2, "setItem") && is(p + 3, "(") {
        let args = ctx.arguments(p + 3);
        // `setItem(key)` without a value throws: nothing is stored.
        let value = args.get(1)?;
        return Some(stored(start, ctx.end_of(value), key_of(ctx, &args[0]), api));
    }
    if is(p + 1, "[") {
        let close = super::writes::matching(code, tokens, p + 1)?;
        if !assigns(close + 1) || close + 2 >= tokens.len() {
            return None;
        }
        let key = ctx.arguments_between(p + 1)?;
        let value = ctx.expression(close + 2);
        return Some(stored(start, ctx.end_of(&value), key_of(ctx, &key), api));
    }
    if dot(p + 1)
        && at(p + 2).is_some_and(|t| t.kind == Kind::Ident)
        && assigns(p + 3)
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
    Some(stored(start, ctx.end_of(first), key_of(ctx, first), api))
}

/// The key an argument names. Unlike a cookie's name, a literal key may hold any character
/// (`"my key"`, `"a;b"`): it is still a literal, not a name built at run time.
fn key_of(ctx: &Ctx, expr: &super::value::Expr) -> Name {
    let literal: Option<String> = expr
        .parts
        .iter()
        .map(|p| match p {
            super::value::Part::Lit(s) => Some(s.as_str()),
            super::value::Part::Hole(..) => None,
        })
        .collect();
    match literal {
        Some(key) if !key.is_empty() && !key.contains(crate::scan::lifetime::HOLE) => {
            Name::Literal(key)
        }
        _ => ctx.name_of(expr),
    }
}

/// Drops web storage writes the same script deletes again further on, with the same literal
/// key: `setItem("__test__", 1); removeItem("__test__")` checks that storage works and keeps
/// nothing. (`indexedDB.deleteDatabase` and `caches.delete` likewise.)
pub(super) fn drop_feature_tests(ctx: &Ctx, writes: &mut Vec<Write>) {
    // Most scripts store nothing in web storage: they pay no second pass over their tokens.
    if writes.iter().all(|w| w.api.storage().is_cookie()) {
        return;
    }
    let (code, tokens) = (ctx.code, ctx.tokens);
    let is = |k: usize, punct: &str| tokens.get(k).is_some_and(|t| t.is_punct(code, punct));
    let ident = |k: usize, name: &str| tokens.get(k).is_some_and(|t| t.is_ident(code, name));
    let mut deleted: Vec<(Api, String, usize)> = Vec::new();
    for (p, token) in tokens.iter().enumerate() {
        if token.kind != Kind::Ident {
            continue;
        }
        let api = match token.name(code).as_ref() {
            "localStorage" if ident(p + 2, "removeItem") => Api::LocalStorage,
            "sessionStorage" if ident(p + 2, "removeItem") => Api::SessionStorage,
            "indexedDB" if ident(p + 2, "deleteDatabase") => Api::IndexedDb,
            "caches" if ident(p + 2, "delete") => Api::CacheStorage,
            _ => continue,
        };
        if !is(p + 1, ".") || !is(p + 3, "(") {
            continue;
        }
        if let Some(Name::Literal(key)) = ctx.arguments(p + 3).first().map(|a| key_of(ctx, a)) {
            deleted.push((api, key, token.start()));
        }
    }
    if deleted.is_empty() {
        return;
    }
    writes.retain(|w| {
        let Name::Literal(key) = &w.name else {
            return true;
        };
        !deleted
            .iter()
            .any(|(api, k, at)| *api == w.api && k == key && *at > w.offset)
    });
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
        assert_eq!(found("localStorage.visits += 1"), one("visits", local));
        assert_eq!(found("localStorage.seen ||= \"1\""), one("seen", local));
        assert_eq!(found(r#"localStorage?.setItem("k", 1)"#), one("k", local));
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
            r#"if (localStorage.k !== "1" && localStorage.n >= 2) {}"#,
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
    fn a_key_written_then_removed_by_the_same_script_is_a_feature_test() {
        assert_eq!(
            found(
                r#"try{localStorage.setItem("__t__","1");localStorage.removeItem("__t__")}catch(e){}"#
            ),
            Vec::new()
        );
        assert_eq!(
            found(r#"indexedDB.open("probe"); indexedDB.deleteDatabase("probe");"#),
            Vec::new()
        );
        // Removed first and written after, it stays; another key or storage is another item.
        assert_eq!(
            found(r#"localStorage.removeItem("k"); localStorage.setItem("k", 1)"#),
            one("k", "localStorage")
        );
        assert_eq!(
            found(r#"sessionStorage.setItem("k", 1); localStorage.removeItem("k")"#),
            one("k", "sessionStorage")
        );
    }

    #[test]
    fn a_literal_key_is_a_literal_whatever_characters_it_holds() {
        assert_eq!(
            found(r#"localStorage.setItem("my key; v=1", 1)"#),
            one("my key; v=1", "localStorage")
        );
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
