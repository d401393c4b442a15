//! Finds the cookies a page sets: writes in its scripts, Set-Cookie it ships, third-party tags it
//! loads (by tag, by inline snippet, by a loader that names the tag's URL in a string), and
//! libraries it serves; and whether each third party waits for the visitor's consent.
//!
//! Scanning reads what the page pass already collected; it never opens a file.

pub mod consent;
pub mod cookie_db;
pub mod headers;
pub mod js;
pub mod lifetime;
pub mod services;

use std::collections::BTreeSet;

pub use js::Api;
use js::{Name, Script};
pub use lifetime::Lifetime;
use serde::{Deserialize, Serialize};
use services::{Service, Services, TagKind};

/// What sets a cookie that was found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// A write in a script of the site's own, through the named API.
    Script(Api),
    /// A `Set-Cookie` the site ships: `<meta http-equiv>` or a headers file.
    Header,
    /// A known service or library (index into [`Services::all`]) and which of its cookies (index).
    Service(usize, usize),
}

/// Whether what sets a cookie waits for the visitor's consent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Consent {
    /// The site's own writes and headers, and libraries it serves: not a third party's tag.
    NotAsked,
    /// A consent manager, or the service's own consent setting, holds it back.
    Waits,
    /// It loads as the page loads.
    Unconditional,
}

/// One cookie some page or file sets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sighting {
    /// Name or pattern; `None` when the script builds the name at run time.
    pub name: Option<String>,
    /// For a name built at run time around literal text, the pattern it takes (`mjx.*`).
    pub shape: Option<String>,
    /// What sets it.
    pub source: Source,
    /// Byte offset in the scanned text (the page's output, or the script file).
    pub offset: usize,
    /// The source around the place, for the report.
    pub evidence: String,
    /// How long the cookie lives, as far as the source says.
    pub lifetime: Lifetime,
    /// Whether what sets it waits for consent.
    pub consent: Consent,
}

impl Sighting {
    /// Where what it sets is stored: a cookie, unless a script writes web storage.
    pub fn storage(&self) -> crate::storage::Storage {
        match self.source {
            Source::Script(api) => api.storage(),
            Source::Header | Source::Service(..) => crate::storage::Storage::Cookie,
        }
    }
}

/// A sighting at its place in a file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Placed {
    /// Where the cookie is set.
    pub location: crate::diagnostic::Location,
    /// What sets it, and how.
    pub sighting: Sighting,
}

/// One tag with a URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tag {
    /// Script, iframe or image.
    pub kind: TagKind,
    /// The URL it loads.
    pub url: String,
    /// Offset of the tag.
    pub offset: usize,
    /// Whether a consent manager holds it back.
    pub gated: bool,
}

/// What a page's or a script's own code says about the services it loads.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Controls {
    /// Services (indices) told to wait for consent (Google's consent mode, Matomo's `requireConsent`).
    pub consent: BTreeSet<usize>,
    /// A consent manager calls the page's guarded loader function only after consent.
    pub inline_loaders: bool,
    /// Services (indices) whose cookie lifetimes the code sets itself (GA's `cookie_expires`).
    pub lifetimes: BTreeSet<usize>,
}

impl Controls {
    /// Adds what `other` controls.
    pub fn extend(&mut self, other: &Controls) {
        self.consent.extend(other.consent.iter().copied());
        self.inline_loaders |= other.inline_loaders;
        self.lifetimes.extend(other.lifetimes.iter().copied());
    }

    /// Applies these controls to a sighting; `guarded` when it was found in the loader function a
    /// consent gate guards (see [`consent::INLINE_GATES`]).
    pub fn apply(&self, sighting: &mut Sighting, guarded: bool) {
        let Source::Service(s, _) = sighting.source else {
            return;
        };
        if sighting.consent == Consent::Unconditional
            && (self.consent.contains(&s) || (guarded && self.inline_loaders))
        {
            sighting.consent = Consent::Waits;
        }
        if self.lifetimes.contains(&s) {
            sighting.lifetime = Lifetime::Unknown;
        }
    }
}

/// What one script sets, and what it holds back.
#[derive(Clone, Debug, Default)]
pub struct ScriptScan {
    /// Cookies it sets or loads services that set.
    pub sightings: Vec<Sighting>,
    /// What its code says about the services it loads.
    pub controls: Controls,
    /// Whether it defines a loader function that a consent gate guards.
    pub guarded: bool,
    /// Script files it names in strings (`s.src = "/js/a.js"`, `import("./b.mjs")`): it may load
    /// them, so they count as loaded by its page. Offsets and the text, query and fragment cut.
    pub script_refs: Vec<(usize, String)>,
}

/// How a script is written into its page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScriptKind {
    /// Its own `<script>` element is held back by a consent manager.
    pub gated: bool,
    /// A classic inline script, where `<!--` starts a comment (not a module, not a file).
    pub classic_inline: bool,
}

/// Everything `code` sets: a script found at `base` (its first byte's offset).
pub fn script(services: &Services, code: &str, base: usize, kind: ScriptKind) -> ScriptScan {
    let gated = kind.gated;
    let script = Script::new(code, kind.classic_inline);
    let compact = script.compact();
    // A commented-out snippet runs nothing.
    let plain = script.without_comments();
    let consent = if gated {
        Consent::Waits
    } else {
        Consent::Unconditional
    };
    let index = |service: &Service| services.index_of(service);
    let cookieless = |service: &Service| {
        service
            .matchers
            .cookieless_if
            .iter()
            .any(|c| plain.contains(c.as_str()))
    };
    let mut sightings = Vec::new();

    let libraries = services.by_content(&compact);
    let mut writes = script.writes();
    // A library's web storage under keys built at run time is its API, given keys by its caller.
    if !libraries.is_empty() {
        writes.retain(|w| w.api.storage().is_cookie() || matches!(w.name, Name::Literal(_)));
    }
    let dynamic = writes
        .iter()
        .filter(|w| !matches!(w.name, Name::Literal(_)))
        .count();
    let explained: usize = libraries.iter().map(|l| l.dynamic_writes).sum();
    // A library's own writes are its API or its own cookie; more such writes than it has are the site's too.
    let first_dynamic = writes
        .iter()
        .find(|w| !matches!(w.name, Name::Literal(_)))
        .map(|w| (w.offset, w.end));
    if dynamic > 0 && dynamic <= explained {
        writes.retain(|w| matches!(w.name, Name::Literal(_)));
    }
    for library in &libraries {
        let (at, end) = first_dynamic.unwrap_or((0, 0));
        sightings.extend(service_cookies(
            index(library),
            library,
            base + at,
            window(code, at, end),
            Consent::NotAsked,
        ));
    }
    for w in writes {
        let (name, shape) = match w.name {
            Name::Literal(n) => (Some(n), None),
            Name::Shape(s) => (None, Some(s)),
            Name::Unknown => (None, None),
        };
        sightings.push(Sighting {
            name,
            shape,
            source: Source::Script(w.api),
            offset: base + w.offset,
            evidence: window(code, w.offset, w.end),
            lifetime: w.lifetime,
            consent: Consent::NotAsked,
        });
    }

    // Services, each once per script: by snippet, by a tag URL in a string, by a call.
    let mut seen: BTreeSet<usize> = BTreeSet::new();
    let mut found = |service: &Service, at: usize, end: usize, sightings: &mut Vec<Sighting>| {
        let i = index(service);
        if service.set_by == crate::catalogue::SetBy::Script
            || cookieless(service)
            || !seen.insert(i)
        {
            return;
        }
        sightings.extend(service_cookies(
            i,
            service,
            base + at,
            window(code, at, end),
            consent,
        ));
    };
    for service in services.by_inline(&plain) {
        let signature = service
            .matchers
            .inline
            .iter()
            .filter_map(|s| plain.find(s.as_str()).map(|at| (at, at + s.len())))
            .min();
        let (at, end) = signature.unwrap_or((0, 0));
        found(service, at, end, &mut sightings);
    }
    let mut script_refs = Vec::new();
    for literal in script.literals() {
        if let Some(service) = services.by_url_anywhere(&literal.text) {
            found(service, literal.offset, literal.end, &mut sightings);
        }
        let path = literal
            .text
            .split(['?', '#'])
            .next()
            .unwrap_or_default()
            .trim();
        let lower = path.to_ascii_lowercase();
        if (lower.ends_with(".js") || lower.ends_with(".mjs"))
            && !path.contains(char::is_whitespace)
        {
            script_refs.push((base + literal.offset, path.to_owned()));
        }
    }
    for call in script.calls() {
        if let Some(service) = services.by_call(&call.first, &call.second) {
            found(service, call.offset, call.end, &mut sightings);
        }
    }

    let mentioned = |strings: fn(&Service) -> &[String]| -> BTreeSet<usize> {
        services
            .all()
            .iter()
            .enumerate()
            .filter(|(_, s)| strings(s).iter().any(|c| compact.contains(c.as_str())))
            .map(|(i, _)| i)
            .collect()
    };
    let controls = Controls {
        consent: mentioned(|s| &s.consent_if),
        inline_loaders: consent::INLINE_GATES
            .iter()
            .any(|(call, _)| compact.contains(call)),
        lifetimes: mentioned(|s| &s.lifetime_if),
    };
    let guarded = consent::INLINE_GATES
        .iter()
        .any(|(_, loader)| compact.contains(loader));
    for s in &mut sightings {
        controls.apply(s, guarded);
    }
    ScriptScan {
        sightings,
        controls,
        guarded,
        script_refs,
    }
}

/// The cookies a tag's service sets, if the tag belongs to a known service.
pub fn tag(services: &Services, tag: &Tag) -> Vec<Sighting> {
    let Some(service) = services.by_url(tag.kind, &tag.url) else {
        return Vec::new();
    };
    let i = services.index_of(service);
    let element = match tag.kind {
        TagKind::Script => "script",
        TagKind::Iframe => "iframe",
        TagKind::Img => "img",
    };
    let consent = if service.set_by == crate::catalogue::SetBy::Script {
        Consent::NotAsked
    } else if tag.gated {
        Consent::Waits
    } else {
        Consent::Unconditional
    };
    service_cookies(
        i,
        service,
        tag.offset,
        format!("<{element} src=\"{}\">", shorten(&tag.url, 200)),
        consent,
    )
}

/// The cookie a `Set-Cookie` value (`name=value; Path=/`) sets; `None` when it deletes one.
pub fn set_cookie(value: &str, offset: usize, evidence: String) -> Option<Sighting> {
    let (name, _) = value.split_once('=')?;
    let name = name.trim();
    let lifetime = lifetime::of_set_cookie(value)?;
    (!name.is_empty()).then(|| Sighting {
        name: Some(name.to_owned()),
        shape: None,
        source: Source::Header,
        offset,
        evidence,
        lifetime,
        consent: Consent::NotAsked,
    })
}

fn service_cookies(
    index: usize,
    service: &Service,
    offset: usize,
    evidence: String,
    consent: Consent,
) -> Vec<Sighting> {
    service
        .cookie
        .iter()
        .enumerate()
        .map(|(c, cookie)| Sighting {
            name: Some(cookie.name.clone()),
            shape: None,
            source: Source::Service(index, c),
            offset,
            evidence: evidence.clone(),
            lifetime: cookie
                .lifetime()
                .map_or(Lifetime::Unknown, |d| Lifetime::of(&d)),
            consent,
        })
        .collect()
}

/// The source around `start..end` on the line of `start`: the write itself with a little context,
/// however long the line (a minified bundle is one line).
pub fn window(text: &str, start: usize, end: usize) -> String {
    const CONTEXT: usize = 40;
    const LONGEST: usize = 160;
    let start = floor(text, start.min(text.len()));
    let end = floor(text, end.clamp(start, text.len()));
    // Only the window's own reach is searched for line breaks, so a write costs the same on a
    // one-line bundle of any length.
    let from = back(text, start, CONTEXT);
    let from = text[from..start]
        .rfind(['\n', '\r'])
        .map_or(from, |i| from + i + 1);
    let limit = forward(text, start, LONGEST);
    let to = forward(text, end, CONTEXT).min(limit).max(start);
    let to = text[start..to].find(['\n', '\r']).map_or(to, |i| start + i);
    let mut out = String::new();
    let before = text[..from].chars().next_back();
    if before.is_some_and(|c| c != '\n' && c != '\r') {
        out.push('…');
    }
    out.push_str(text[from..to].trim());
    let after = text[to..].chars().next();
    if after.is_some_and(|c| c != '\n' && c != '\r') {
        out.push('…');
    }
    out
}

/// `text` cut to at most `max` characters, marked when cut.
fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}

fn floor(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The offset `chars` characters before `i`.
fn back(text: &str, i: usize, chars: usize) -> usize {
    text[..i]
        .char_indices()
        .rev()
        .nth(chars.saturating_sub(1))
        .map_or(0, |(k, _)| k)
}

/// The offset `chars` characters after `i`.
fn forward(text: &str, i: usize, chars: usize) -> usize {
    text[i..]
        .char_indices()
        .nth(chars)
        .map_or(text.len(), |(k, _)| i + k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_is_a_window_around_the_write() {
        let line = format!(
            "{}document.cookie=\"x=1\";{}",
            "a();".repeat(100),
            "b();".repeat(100)
        );
        let at = line.find("document").unwrap();
        let w = window(&line, at, at + 21);
        assert!(w.starts_with('…') && w.ends_with('…'), "{w}");
        assert!(w.contains("document.cookie=\"x=1\""), "{w}");
        assert!(w.chars().count() < 120, "{w}");
        assert_eq!(window("  short();\nnext", 2, 9), "short();");
        // Never a panic, whatever the offsets.
        for (s, e) in [(0, 0), (3, 1), (99, 120), (1, 2)] {
            window("é\u{a0}x", s, e);
        }
    }
}
