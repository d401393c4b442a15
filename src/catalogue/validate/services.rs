//! `[[service]]` tables: what a catalogue adds to the services the tool knows.

use toml::Spanned;

use super::super::service::Service;
use super::super::{Category, Duration};

use super::Checker;
use super::sites::is_identifier;

/// A `[[service]]` of the catalogue: every string it matches by says something (an empty one
/// would match every page), its cookies are cookie names and its durations durations.
pub(super) fn service(checker: &mut Checker, raw: &Spanned<Service>, categories: &[Category]) {
    let s = raw.get_ref();
    let at = raw.span();
    let fail = |checker: &mut Checker, message: String, help: &str| {
        checker.error(at.clone(), message, help);
    };
    if !is_identifier(&s.id) {
        fail(
            checker,
            format!("service id `{}` is not an identifier", s.id),
            "start with a letter or digit, then use letters, digits, `-`, `_` and single dots",
        );
    }
    for (key, text) in [
        ("name", &s.name),
        ("provider", &s.provider),
        ("category", &s.category),
    ] {
        let bad = text.trim().is_empty()
            || text.chars().any(|c| {
                c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
            });
        if bad {
            fail(
                checker,
                format!(
                    "service `{}` has an empty `{key}` or one with control characters",
                    s.id
                ),
                "write it as plain text",
            );
        }
    }
    if !categories.iter().any(|c| c.id == s.category) {
        let ids: Vec<&str> = categories.iter().map(|c| c.id.as_str()).collect();
        fail(
            checker,
            format!("service `{}` has unknown category `{}`", s.id, s.category),
            &format!("use one of: {}", ids.join(", ")),
        );
    }
    let m = &s.matchers;
    let lists = m
        .script_src
        .iter()
        .chain(&m.iframe_src)
        .chain(&m.img_src)
        .chain(&m.content);
    let empty_list = lists.clone().any(|all| all.is_empty());
    let strings = lists
        .flatten()
        .chain(&m.inline)
        .chain(&m.cookieless_if)
        .chain(&s.consent_if)
        .chain(&s.lifetime_if)
        .chain(m.call.iter().map(|[first, _]| first));
    if empty_list || strings.into_iter().any(|t| t.is_empty()) {
        fail(
            checker,
            format!(
                "service `{}` matches by an empty string, which every page contains",
                s.id
            ),
            "give each `match` entry the text that only this service's tags hold",
        );
    }
    for cookie in &s.cookie {
        if cookie.name.is_empty()
            || cookie
                .name
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || ",;=\"".contains(c))
        {
            fail(
                checker,
                format!(
                    "service `{}` lists `{}`, which is not a cookie name",
                    s.id, cookie.name
                ),
                "a name has no spaces, commas, semicolons, quotes or `=`; use `*` for a pattern",
            );
        }
        if let Some(duration) = &cookie.duration
            && let Err(e) = duration.parse::<Duration>()
        {
            fail(
                checker,
                format!(
                    "service `{}`: bad `duration` of `{}`: {e}",
                    s.id, cookie.name
                ),
                "write a duration the tool understands",
            );
        }
    }
}
