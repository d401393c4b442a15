//! What the events of one visit say: who wrote which cookie or storage item (the wrapper's
//! reports and `Set-Cookie` headers), read while the visit waits for the page.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::browse::Setter;
use crate::build::CookieFlags;
use crate::cdp::{Cdp, CdpError, Event, Mailbox};
use crate::storage::Storage;

/// The binding the page's wrapper calls.
pub(super) const BINDING: &str = "__cookieLedgerWrite";

/// What the events of one page said about who wrote which cookie.
pub(super) struct Seen<'a> {
    /// The events of the page's session and of those of the frames it opened.
    mailbox: Mailbox<'a>,
    /// The writes of each item, in order, with the origin of the frame or response that made
    /// them; deletions left out.
    writes: HashMap<(Storage, String), Vec<(String, Setter)>>,
    /// Request URLs by request id, for `Set-Cookie` headers.
    requests: HashMap<String, String>,
}

impl<'a> Seen<'a> {
    /// Nothing seen yet on the page of `session`.
    pub(super) fn new(cdp: &'a Cdp, session: &str) -> Seen<'a> {
        Seen {
            mailbox: cdp.mailbox(session),
            writes: HashMap::new(),
            requests: HashMap::new(),
        }
    }

    /// Reads the session's events until `done` says so or `timeout` passes; `true` when done.
    pub(super) fn until(
        &mut self,
        cdp: &Cdp,
        session: &str,
        timeout: Duration,
        done: impl Fn(&Event) -> bool,
    ) -> Result<bool, CdpError> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(false);
            }
            let Some(event) = self.mailbox.next(left)? else {
                return Ok(false);
            };
            if event.method == "Target.attachedToTarget" {
                // A frame in another process waits until it is instrumented; a failure to
                // instrument it must not leave it paused.
                if let Some(child) = event.params["sessionId"].as_str() {
                    self.mailbox.add(child);
                    let _ = super::browse::instrument(cdp, child);
                    let _ = cdp.call(Some(child), "Runtime.runIfWaitingForDebugger", json!({}));
                }
                continue;
            }
            if event.session.as_deref() != Some(session) && event.method == "Page.loadEventFired" {
                // A frame's load is not the page's.
                continue;
            }
            self.note(&event);
            if done(&event) {
                return Ok(true);
            }
        }
    }

    fn note(&mut self, event: &Event) {
        match event.method.as_str() {
            "Runtime.bindingCalled" if event.params["name"] == BINDING => {
                let payload: Value = event.params["payload"]
                    .as_str()
                    .and_then(|p| serde_json::from_str(p).ok())
                    .unwrap_or_default();
                let text = payload["value"].as_str().unwrap_or_default();
                let kind = serde_json::from_value(payload["kind"].clone()).unwrap_or_default();
                let name = match kind {
                    Storage::Cookie => cookie_name(text),
                    _ => text,
                };
                let (url, place) = first_frame(payload["stack"].as_str().unwrap_or_default());
                // A deletion stores nothing: the write that set the cookie is its setter.
                if kind == Storage::Cookie && crate::scan::lifetime::of_set_cookie(text).is_none() {
                    return;
                }
                let text = match kind {
                    Storage::Cookie => text.to_owned(),
                    _ => format!("{}({})", call_of(kind), json!(name)),
                };
                let origin = payload["origin"].as_str().unwrap_or_default().to_owned();
                self.writes
                    .entry((kind, name.to_owned()))
                    .or_default()
                    .push((origin, Setter { url, place, text }));
            }
            "Network.requestWillBeSent" => {
                if let (Some(id), Some(url)) = (
                    event.params["requestId"].as_str(),
                    event.params["request"]["url"].as_str(),
                ) {
                    self.requests.insert(id.to_owned(), url.to_owned());
                }
            }
            "Network.responseReceivedExtraInfo" => {
                let url = event.params["requestId"]
                    .as_str()
                    .and_then(|id| self.requests.get(id))
                    .cloned()
                    .unwrap_or_default();
                let headers = event.params["headers"].as_object();
                for (name, value) in headers.into_iter().flatten() {
                    if !name.eq_ignore_ascii_case("set-cookie") {
                        continue;
                    }
                    for line in value.as_str().unwrap_or_default().lines() {
                        if crate::scan::lifetime::of_set_cookie(line).is_none() {
                            continue;
                        }
                        self.writes
                            .entry((Storage::Cookie, cookie_name(line).to_owned()))
                            .or_default()
                            .push((
                                super::route::origin(&url),
                                Setter {
                                    url: url.clone(),
                                    place: None,
                                    text: format!("Set-Cookie: {line}"),
                                },
                            ));
                    }
                }
            }
            _ => {}
        }
    }

    /// The page's session, then those of the frames it opened in other processes.
    pub(super) fn sessions(&self) -> impl Iterator<Item = &str> {
        self.mailbox.sessions().iter().map(String::as_str)
    }

    /// Who wrote the item `name` of `kind` kept for `domain` (a cookie's domain, a storage's
    /// origin): the first write from an origin that can set it there, none from elsewhere.
    pub(super) fn setter_of(&self, kind: Storage, name: &str, domain: &str) -> Option<Setter> {
        let writes = self.writes.get(&(kind, name.to_owned()))?;
        writes
            .iter()
            .find(|(origin, _)| can_set(kind, origin, domain))
            .map(|(_, setter)| setter.clone())
    }
}

/// Whether a frame or response of `origin` can have stored an item of `kind` for `domain`:
/// web storage belongs to its origin; a cookie to its host or a parent domain of it.
fn can_set(kind: Storage, origin: &str, domain: &str) -> bool {
    if !kind.is_cookie() {
        return origin == domain;
    }
    let host = origin
        .split_once("://")
        .map_or(origin, |(_, rest)| rest)
        .split(':')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let domain = domain.trim_start_matches('.').to_ascii_lowercase();
    host == domain || host.ends_with(&format!(".{domain}"))
}

/// The call the wrapper caught a web storage write in.
fn call_of(kind: Storage) -> &'static str {
    match kind {
        Storage::Cookie => "document.cookie",
        Storage::LocalStorage => "localStorage.setItem",
        Storage::SessionStorage => "sessionStorage.setItem",
        Storage::IndexedDb => "indexedDB.open",
        Storage::CacheStorage => "caches.open",
    }
}

/// A cookie's flags as `Storage.getCookies` gives them.
pub(super) fn flags_of(cookie: &Value) -> CookieFlags {
    CookieFlags {
        http_only: cookie["httpOnly"].as_bool().unwrap_or(false),
        secure: cookie["secure"].as_bool().unwrap_or(false),
        same_site: cookie["sameSite"].as_str().map(str::to_owned),
        partition_key: match &cookie["partitionKey"] {
            Value::String(key) => Some(key.clone()),
            Value::Object(key) => key
                .get("topLevelSite")
                .and_then(Value::as_str)
                .map(str::to_owned),
            _ => None,
        },
    }
}

/// The cookie a `document.cookie` text or `Set-Cookie` value writes.
fn cookie_name(text: &str) -> &str {
    let pair = text.split(';').next().unwrap_or_default();
    pair.split('=').next().unwrap_or_default().trim()
}

/// The first frame of a stack with a URL: the script that wrote (the wrapper has none).
fn first_frame(stack: &str) -> (String, Option<(usize, usize)>) {
    for line in stack.lines().skip(1) {
        let line = line.trim().trim_end_matches(')');
        let Some(start) = line.find("http://").or_else(|| line.find("https://")) else {
            continue;
        };
        let location = &line[start..];
        let mut parts = location.rsplitn(3, ':');
        let (Some(column), Some(row), Some(url)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        if let (Ok(row), Ok(column)) = (row.parse(), column.parse()) {
            return (url.to_owned(), Some((row, column)));
        }
    }
    (String::new(), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_writer_is_the_first_frame_with_an_address() {
        let stack = "Error\n    at HTMLDocument.set [as cookie] (<anonymous>:9:53)\n    at remember (https://www.odwb.be/assets/consent.js:18:14)\n    at HTMLButtonElement.<anonymous> (https://www.odwb.be/assets/consent.js:35:9)";
        assert_eq!(
            first_frame(stack),
            (
                "https://www.odwb.be/assets/consent.js".to_owned(),
                Some((18, 14))
            )
        );
        assert_eq!(
            first_frame("Error\n    at https://a.example/fr/page.html:12:5"),
            ("https://a.example/fr/page.html".to_owned(), Some((12, 5)))
        );
        assert_eq!(
            first_frame("Error\n    at <anonymous>:1:1"),
            (String::new(), None)
        );
    }

    #[test]
    fn the_cookie_name_is_the_text_before_the_first_equals_sign() {
        assert_eq!(cookie_name(" _ga=GA1.1.1; max-age=63072000; path=/"), "_ga");
        assert_eq!(cookie_name("flag"), "flag");
    }
}
