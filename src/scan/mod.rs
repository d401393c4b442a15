//! Finds the cookies a page sets: writes in its scripts, Set-Cookie it ships, and third-party tags it loads.
//!
//! Scanning reads what the page pass already collected; it never opens a file.

pub mod cookie_db;
pub mod headers;
pub mod js;
pub mod services;

use services::{Services, TagKind};

/// What sets a cookie that was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A write in a script of the site's own, through the named API.
    Script(&'static str),
    /// A `Set-Cookie` the site ships: `<meta http-equiv>` or a headers file.
    Header,
    /// A third-party service (index into [`Services::all`]) and which of its cookies (index).
    Service(usize, usize),
}

/// One cookie some page or file sets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sighting {
    /// Name or pattern; `None` when the script builds the name at run time.
    pub name: Option<String>,
    /// What sets it.
    pub source: Source,
    /// Byte offset in the scanned text (the page's output, or the script file).
    pub offset: usize,
    /// The line or tag that shows it, for the report.
    pub evidence: String,
}

/// One tag with a URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tag {
    /// Script, iframe or image.
    pub kind: TagKind,
    /// Its `src`.
    pub url: String,
    /// Offset of the tag.
    pub offset: usize,
}

/// The cookies written by `code`, a script found at `base` (its first byte's offset).
pub fn script(code: &str, base: usize) -> Vec<Sighting> {
    js::cookie_writes(code)
        .into_iter()
        .map(|w| Sighting {
            name: w.name,
            source: Source::Script(w.api),
            offset: base + w.offset,
            evidence: line_at(code, w.offset),
        })
        .collect()
}

/// The cookies an inline script's vendor snippets imply.
pub fn snippet(services: &Services, code: &str, base: usize) -> Vec<Sighting> {
    // A commented-out snippet runs nothing.
    let code = &js::without_comments(code);
    let mut found = Vec::new();
    for service in services.by_inline(code) {
        if service
            .matchers
            .cookieless_if
            .iter()
            .any(|c| code.contains(c.as_str()))
        {
            continue;
        }
        let signature = service
            .matchers
            .inline
            .iter()
            .find(|s| code.contains(s.as_str()))
            .expect("matched");
        let at = code.find(signature.as_str()).unwrap_or(0);
        found.extend(service_cookies(
            services,
            service,
            base + at,
            line_at(code, at),
        ));
    }
    found
}

/// The cookies a tag's service sets, if the tag belongs to a known service.
pub fn tag(services: &Services, tag: &Tag) -> Vec<Sighting> {
    match services.by_url(tag.kind, &tag.url) {
        Some(service) => {
            let element = match tag.kind {
                TagKind::Script => "script",
                TagKind::Iframe => "iframe",
                TagKind::Img => "img",
            };
            service_cookies(
                services,
                service,
                tag.offset,
                format!("<{element} src=\"{}\">", tag.url),
            )
        }
        None => Vec::new(),
    }
}

/// The cookie a `Set-Cookie` value (`name=value; Path=/`) sets.
pub fn set_cookie(value: &str, offset: usize, evidence: String) -> Option<Sighting> {
    let (name, _) = value.split_once('=')?;
    let name = name.trim();
    (!name.is_empty()).then(|| Sighting {
        name: Some(name.to_owned()),
        source: Source::Header,
        offset,
        evidence,
    })
}

fn service_cookies(
    services: &Services,
    service: &services::Service,
    offset: usize,
    evidence: String,
) -> Vec<Sighting> {
    let index = services
        .all()
        .iter()
        .position(|s| std::ptr::eq(s, service))
        .expect("from this list");
    service
        .cookie
        .iter()
        .enumerate()
        .map(|(c, cookie)| Sighting {
            name: Some(cookie.name.clone()),
            source: Source::Service(index, c),
            offset,
            evidence: evidence.clone(),
        })
        .collect()
}

/// The trimmed line of `text` around `offset`, shortened for reports.
fn line_at(text: &str, offset: usize) -> String {
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = text[start..end].trim();
    if line.chars().count() > 160 {
        let cut: String = line.chars().take(157).collect();
        format!("{cut}...")
    } else {
        line.to_owned()
    }
}
