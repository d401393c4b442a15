//! The lexer's cases: regular expressions after any token, nested templates, any text.

use super::*;

fn kinds(code: &str) -> Vec<(Kind, &str)> {
    tokens(code, true)
        .into_iter()
        .map(|t| (t.kind, t.text(code)))
        .collect()
}

#[test]
fn regex_or_division_follows_the_previous_token() {
    let regexes = |code: &str| -> Vec<String> {
        kinds(code)
            .into_iter()
            .filter(|(k, _)| *k == Kind::Regex)
            .map(|(_, t)| t.to_owned())
            .collect()
    };
    assert_eq!(regexes("if (a) /'/.test(b)"), ["/'/"]);
    assert_eq!(regexes("while (x) /`/g.exec(y)"), ["/`/g"]);
    assert_eq!(regexes("f(a) / 2 / 3"), Vec::<String>::new());
    assert_eq!(regexes("a[0] / b / c"), Vec::<String>::new());
    assert_eq!(regexes("return /x/"), ["/x/"]);
    assert_eq!(
        regexes("x = {} / 2"),
        Vec::<String>::new(),
        "an object divided"
    );
    assert_eq!(regexes("function f() {} /re/.test(s)"), ["/re/"]);
    assert_eq!(regexes("i++ / 2"), Vec::<String>::new());
    assert_eq!(regexes("var re = /[/]\\//g"), ["/[/]\\//g"]);
    assert_eq!(
        regexes("counts.new / counts.total / 2"),
        Vec::<String>::new(),
        "a keyword as a property"
    );
    assert_eq!(regexes("a?.return / 2"), Vec::<String>::new());
}

#[test]
fn templates_nest_inside_substitutions() {
    let code = "a = `x${ `y${ 'z' }` }w`; b = 1";
    let kinds = kinds(code);
    assert_eq!(
        kinds.last(),
        Some(&(Kind::Number, "1")),
        "everything after the template is code: {kinds:?}"
    );
    assert!(kinds.contains(&(
        Kind::Template {
            head: false,
            tail: true
        },
        "w"
    )));
    assert!(kinds.contains(&(Kind::Str, "'z'")));
}

#[test]
fn a_backtick_inside_a_substitution_does_not_end_the_template() {
    let code = "t = `a${ f('`') }b`; document.cookie = 'x=1'";
    assert!(kinds(code).contains(&(Kind::Ident, "document")));
}

#[test]
fn non_ascii_characters_never_split() {
    // A non-breaking space, then a division; Latin-1 bytes read lossily; an identifier in Greek.
    for code in [
        "var half =\u{a0}total / 2;",
        "x\u{fffd}/ 2; y",
        "var π = 3 / 2",
        "\u{2028}/x/",
    ] {
        let tokens = tokens(code, true);
        for t in &tokens {
            assert!(code.get(t.start()..t.end()).is_some(), "{code:?} {t:?}");
        }
    }
    assert_eq!(
        kinds("var half =\u{a0}total / 2;")[3],
        (Kind::Ident, "total"),
        "a non-breaking space is white space"
    );
}

#[test]
fn comments_of_every_kind() {
    let code = "<!-- old\n--> also old\n/* b\n */ x // c";
    let comments: Vec<&str> = kinds(code)
        .into_iter()
        .filter(|(k, _)| *k == Kind::Comment)
        .map(|(_, t)| t)
        .collect();
    assert_eq!(comments, ["<!-- old", "--> also old", "/* b\n */", "// c"]);
    assert!(lex("a\n/* */ b", true).tokens[1].newline_before);
    // In a module, `<!--` is an operator like any other.
    assert!(
        tokens("0 <!--b", false)
            .iter()
            .all(|t| t.kind != Kind::Comment)
    );
}

#[test]
fn strings_end_at_their_quote_or_the_line() {
    assert_eq!(kinds(r#"'it\'s' "a\"b""#).len(), 2);
    assert_eq!(kinds("'open\nx")[1], (Kind::Ident, "x"));
}
