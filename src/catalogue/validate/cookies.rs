//! `[[cookie]]` tables, and names declared twice or overlapped on a site.

use std::collections::{BTreeMap, BTreeSet};

use toml::Spanned;

use super::super::raw::SetBy;
use super::super::raw::{RawCookie, RawText};
use super::super::{Category, Cookie, Duration, Override, Site, SiteId};
use crate::diagnostic::Rule;
use crate::storage::Storage;

use super::Checker;
use super::pages::globs;
use super::sites::site_hint;

pub(super) fn cookie(
    checker: &mut Checker,
    raw: &Spanned<RawCookie>,
    sites: &[Site],
    categories: &[Category],
    known: &BTreeSet<&str>,
) -> Option<Cookie> {
    let cookie = raw.get_ref();
    let label = cookie
        .names
        .get_ref()
        .first()
        .map(|n| n.get_ref().clone())
        .unwrap_or_default();
    if cookie.names.get_ref().is_empty() {
        checker.error(
            cookie.names.span(),
            "`names` is empty".into(),
            "list the cookie's name, such as [\"sessionid\"]",
        );
    }
    for (k, name) in cookie.names.get_ref().iter().enumerate() {
        let n = name.get_ref();
        if n.is_empty()
            || n.chars().any(|c| {
                c.is_whitespace()
                    || c.is_control()
                    || ",;=\"".contains(c)
                    || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
            })
        {
            if cookie.kind.is_cookie() {
                checker.error(
                    name.span(),
                    format!("`{n}` is not a cookie name"),
                    "a name has no spaces, commas, semicolons, quotes, `=` or control characters; use `*` for a pattern",
                );
            } else {
                checker.error(
                    name.span(),
                    format!("`{n}` holds characters a table's names cell cannot show"),
                    "write `*` in place of spaces, commas, semicolons, quotes, `=` and control characters: the pattern covers the key (`my key` is declared `my*key`)",
                );
            }
        } else if n.chars().all(|c| c == '*') {
            checker.error(
                name.span(),
                format!("`{n}` matches every name, so nothing the site stores would be undeclared"),
                "write the name, or a pattern with its fixed part (`_ga_*`)",
            );
        } else if cookie.names.get_ref()[..k]
            .iter()
            .any(|other| other.get_ref() == n)
        {
            checker.error(
                name.span(),
                format!("`{n}` is listed twice in this entry"),
                "list each name once",
            );
        }
    }
    checker.prose(&cookie.provider, &format!("`provider` of cookie `{label}`"));

    let category = categories
        .iter()
        .position(|c| &c.id == cookie.category.get_ref());
    if category.is_none() && super::placeholder(cookie.category.get_ref()).is_some() {
        let ids: Vec<&str> = categories.iter().map(|c| c.id.as_str()).collect();
        checker.error(
            cookie.category.span(),
            format!("the category of cookie `{label}` is a placeholder"),
            &format!("write the category it belongs to: {}", ids.join(", ")),
        );
    } else if category.is_none() {
        let ids: Vec<&str> = categories.iter().map(|c| c.id.as_str()).collect();
        checker.error(
            cookie.category.span(),
            format!(
                "cookie `{label}` has unknown category `{}`",
                cookie.category.get_ref()
            ),
            &format!(
                "use one of: {}, or declare it under [category]",
                ids.join(", ")
            ),
        );
    }

    let site_ids = match &cookie.sites {
        None => (0..sites.len()).map(SiteId).collect(),
        Some(list) => {
            if list.get_ref().is_empty() {
                checker.error(
                    list.span(),
                    format!("cookie `{label}` is used by no site"),
                    "remove `sites` to mean every site, or list site ids",
                );
            }
            let mut found = Vec::new();
            for id in list.get_ref() {
                match sites.iter().position(|s| &s.id == id.get_ref()) {
                    Some(i) if !found.contains(&SiteId(i)) => found.push(SiteId(i)),
                    Some(_) => checker.error(
                        id.span(),
                        format!("site `{}` is listed twice", id.get_ref()),
                        "list each site once",
                    ),
                    None => checker.error(
                        id.span(),
                        format!("cookie `{label}` names unknown site `{}`", id.get_ref()),
                        &site_hint(sites),
                    ),
                }
            }
            found.sort_unstable();
            found
        }
    };
    let needed: BTreeSet<&str> = site_ids
        .iter()
        .flat_map(|&i| sites[i].languages.iter().map(String::as_str))
        .collect();

    let function = checker.stated_texts(
        &cookie.function,
        &format!("`function` of cookie `{label}`"),
        &needed,
        known,
    );
    let purpose = checker.stated_texts(
        &cookie.purpose,
        &format!("`purpose` of cookie `{label}`"),
        &needed,
        known,
    );
    let duration = match &cookie.duration {
        Some(raw) => {
            let duration = checker.duration(raw);
            storage(checker, cookie, &label, duration, raw);
            duration
        }
        None => Duration::Unstated,
    };
    set_by_of_storage(checker, cookie, &label);

    let mut overrides = BTreeMap::new();
    for (site_id, raw_override) in &cookie.overrides {
        let Some(site) = sites
            .iter()
            .position(|s| &s.id == site_id.get_ref())
            .map(SiteId)
        else {
            checker.error(
                site_id.span(),
                format!(
                    "cookie `{label}` overrides unknown site `{}`",
                    site_id.get_ref()
                ),
                &site_hint(sites),
            );
            continue;
        };
        if !site_ids.contains(&site) {
            checker.error(
                site_id.span(),
                format!(
                    "cookie `{label}` overrides site `{}`, which does not use it",
                    site_id.get_ref()
                ),
                "add the site to the cookie's `sites` or remove the override",
            );
            continue;
        }
        let o = raw_override.get_ref();
        let none = BTreeSet::new();
        let site_languages: BTreeSet<&str> =
            sites[site].languages.iter().map(String::as_str).collect();
        let partial = |checker: &mut Checker, text: &Option<RawText>, key: &str| {
            text.as_ref()
                .map(|t| {
                    let texts = checker.texts(t, key, &none, known);
                    for lang in texts.keys() {
                        if !site_languages.contains(lang.as_str()) {
                            checker.error(
                                t.span(),
                                format!(
                                    "{key} has a text in `{lang}`, which site `{}` does not use",
                                    sites[site].id
                                ),
                                "remove it or add the language to the site",
                            );
                        }
                    }
                    texts
                })
                .unwrap_or_default()
        };
        let function = partial(
            checker,
            &o.function,
            &format!(
                "`override.{}.function` of cookie `{label}`",
                site_id.get_ref()
            ),
        );
        let purpose = partial(
            checker,
            &o.purpose,
            &format!(
                "`override.{}.purpose` of cookie `{label}`",
                site_id.get_ref()
            ),
        );
        let duration = o.duration.as_ref().map(|d| {
            let duration = checker.duration(d);
            storage(checker, cookie, &label, duration, d);
            duration
        });
        if let Some(provider) = &o.provider {
            checker.prose(
                provider,
                &format!(
                    "`override.{}.provider` of cookie `{label}`",
                    site_id.get_ref()
                ),
            );
        }
        overrides.insert(
            site,
            Override {
                provider: o.provider.as_ref().map(|p| p.get_ref().trim().to_owned()),
                function,
                purpose,
                duration,
            },
        );
    }

    let mut allow = BTreeMap::new();
    for (rule, reason) in &cookie.allow {
        match Rule::ALL
            .iter()
            .find(|r| r.id() == rule.get_ref().as_str() && r.waivable_per_cookie())
        {
            Some(r) if !reason.get_ref().trim().is_empty() => {
                allow.insert(*r, reason.get_ref().trim().to_owned());
            }
            Some(_) => checker.error(
                reason.span(),
                format!("allowing `{}` needs a reason", rule.get_ref()),
                "say why the rule does not apply to this cookie",
            ),
            None => {
                let ids: Vec<&str> = Rule::ALL
                    .iter()
                    .filter(|r| r.waivable_per_cookie())
                    .map(|r| r.id())
                    .collect();
                checker.error(
                    rule.span(),
                    format!("`{}` is not a rule a cookie can be allowed", rule.get_ref()),
                    &format!("use one of: {}", ids.join(", ")),
                );
            }
        }
    }

    let set_in = match &cookie.set_in {
        Some(list) if list.get_ref().is_empty() => {
            checker.error(
                list.span(),
                "`set_in` is empty".into(),
                "list the script files that write this cookie, or remove `set_in`",
            );
            Vec::new()
        }
        Some(list) => globs(
            checker,
            list.get_ref(),
            &format!("`set_in` of cookie `{label}`"),
        ),
        None => Vec::new(),
    };
    let location = checker.at(raw.span());
    Some(Cookie {
        names: cookie
            .names
            .get_ref()
            .iter()
            .map(|n| n.get_ref().clone())
            .collect(),
        provider: cookie.provider.get_ref().trim().to_owned(),
        function,
        purpose,
        duration,
        category: category?,
        kind: cookie.kind,
        party: cookie.party,
        set_by: cookie.set_by,
        sites: site_ids,
        overrides,
        allow,
        set_in,
        location,
    })
}

/// Only a server's response sets a cookie by header; web storage is written by scripts.
fn set_by_of_storage(checker: &mut Checker, cookie: &RawCookie, label: &str) {
    let kind = cookie.kind;
    if !kind.is_cookie() && cookie.set_by == SetBy::Server {
        checker.error(
            cookie.names.span(),
            format!(
                "`{label}` is a {} but is said to be set by the server; only scripts write web storage",
                kind.word()
            ),
            "write `set_by = \"script\"` (the site's own code) or `set_by = \"tag\"` (a third party's)",
        );
    }
}

/// What the kind of storage allows of a duration: only web storage that nothing expires lasts
/// "until deleted", sessionStorage lasts the session, and the rest outlives it.
fn storage(
    checker: &mut Checker,
    cookie: &RawCookie,
    label: &str,
    duration: Duration,
    at: &Spanned<String>,
) {
    let kind = cookie.kind;
    match (kind, duration) {
        (Storage::Cookie, Duration::Persistent) => checker.error(
            at.span(),
            format!("cookie `{label}` cannot last \"until deleted\": every cookie ends with the session or at an expiry date"),
            "write \"session\" or the lifetime its setter asks for, such as \"13 months\"",
        ),
        (Storage::SessionStorage, Duration::Length { .. } | Duration::Persistent) => checker.error(
            at.span(),
            format!("sessionStorage key `{label}` lives only as long as its tab, so its duration is \"session\""),
            "write `duration = \"session\"`",
        ),
        (
            Storage::LocalStorage | Storage::IndexedDb | Storage::CacheStorage,
            Duration::Session,
        ) => checker.error(
            at.span(),
            format!(
                "{} `{label}` outlives the session: nothing deletes it when the browser closes",
                kind.word()
            ),
            "write `duration = \"persistent\"`, or the length after which the site deletes it",
        ),
        _ => {}
    }
}

/// A name may be declared once per site: two rows for one cookie would contradict each other,
/// and so would a pattern and a name it covers (`_pk_id.*` and `_pk_id.1`), which no page edit
/// could reconcile.
pub(super) fn duplicates(
    checker: &mut Checker,
    raw: &[Spanned<RawCookie>],
    cookies: &[Cookie],
    sites: &[Site],
) {
    // `cookies` skips entries that failed validation; only report when both lists line up.
    if raw.len() != cookies.len() {
        return;
    }
    let mut declared: Vec<(&str, usize, &Spanned<String>)> = Vec::new();
    for (c, (cookie, raw_cookie)) in cookies.iter().zip(raw).enumerate() {
        for (name, raw_name) in cookie
            .names
            .iter()
            .zip(raw_cookie.get_ref().names.get_ref())
        {
            let clash = declared.iter().find(|(other, o, _)| {
                *o != c
                    && cookies[*o].kind == cookie.kind
                    && cookies[*o].sites.iter().any(|s| cookie.sites.contains(s))
                    && crate::pattern::overlap(other, name)
            });
            if let Some((other, o, _)) = clash {
                let first = &cookies[*o].location;
                let site = cookies[*o]
                    .sites
                    .iter()
                    .find(|s| cookie.sites.contains(s))
                    .map_or("", |&s| sites[s.0].id.as_str());
                let message = if *other == name.as_str() {
                    format!("cookie `{name}` is declared twice (first at {first})")
                } else {
                    format!(
                        "cookie `{name}` overlaps `{other}` (declared at {first}) on site `{site}`: one cookie name would match both"
                    )
                };
                checker.error(
                    raw_name.span(),
                    message,
                    "keep one entry per cookie: narrow the pattern, or use `[cookie.override.<site>]` for what differs on a site",
                );
            }
            declared.push((name.as_str(), c, raw_name));
        }
    }
}
