//! One visit: a fresh browser context, one page, what it stores, and who stored it.
//!
//! The page's cookie writes are caught by a wrapper around `document.cookie` installed before
//! any page script runs; it reports the written text and the script's stack through a
//! binding. `Set-Cookie` headers come from the network's extra response information.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::{Kind, Pass, Stored};
use crate::cdp::{Cdp, CdpError, Event};

/// The binding the page's wrapper calls.
const BINDING: &str = "__cookieLedgerWrite";

/// Installed before any page script: reports every `document.cookie` and `cookieStore.set`
/// write with its stack.
const WRAPPER: &str = r#"(() => {
  const report = globalThis.__cookieLedgerWrite;
  const tell = (value) => {
    try { report(JSON.stringify({ value: String(value), stack: String(new Error().stack) })); } catch (e) {}
  };
  const d = Object.getOwnPropertyDescriptor(Document.prototype, "cookie");
  if (d && d.set) {
    Object.defineProperty(Document.prototype, "cookie", {
      configurable: true,
      enumerable: d.enumerable,
      get() { return d.get.call(this); },
      set(v) { tell(v); return d.set.call(this, v); },
    });
  }
  // cookieStore.set(name, value) or cookieStore.set({ name, value, expires }), said as the
  // cookie text it stands for.
  if (typeof CookieStore !== "undefined" && CookieStore.prototype.set) {
    const set = CookieStore.prototype.set;
    CookieStore.prototype.set = function (a, b) {
      try {
        const o = typeof a === "object" && a !== null ? a : { name: a, value: b };
        let text = String(o.name) + "=" + String(o.value);
        if (o.expires != null) text += "; expires=" + new Date(o.expires).toUTCString();
        tell(text);
      } catch (e) {}
      return set.apply(this, arguments);
    };
  }
})();"#;

/// How long a page may take to load.
const LOAD_TIMEOUT: Duration = Duration::from_secs(20);

/// How long a page is left to run after it loaded, or after a click, for what it loads late.
const SETTLE: Duration = Duration::from_millis(700);

/// The CSS selectors of a banner's buttons.
#[derive(Clone, Debug)]
pub struct Buttons {
    /// Accept everything.
    pub accept: Vec<String>,
    /// Refuse everything that needs consent.
    pub refuse: Vec<String>,
}

/// Where a write came from: a script's URL and place, or a response.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Setter {
    /// The script or response URL.
    pub url: String,
    /// 1-based line and column in it, for a script.
    pub place: Option<(usize, usize)>,
    /// What was written: the `document.cookie` text or the `Set-Cookie` header.
    pub text: String,
}

/// What one visit saw.
#[derive(Debug)]
pub struct Visit {
    /// The pass it was part of.
    pub pass: Pass,
    /// Everything stored once the page settled.
    pub stored: Vec<Stored>,
    /// Why the visit could not complete, if it could not.
    pub failure: Option<String>,
    /// Whether the pass's button was found and clicked (consent passes).
    pub clicked: Option<bool>,
}

/// Visits `url` in a fresh context and reports what the browser stores, in `pass`.
pub fn visit(cdp: &Cdp, url: &str, pass: Pass, buttons: &Buttons) -> Visit {
    let context = match cdp.call(None, "Target.createBrowserContext", json!({})) {
        Ok(v) => v["browserContextId"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        Err(e) => return Visit::new(pass).failed(e),
    };
    let visit = in_context(cdp, &context, url, pass, buttons)
        .unwrap_or_else(|e| Visit::new(pass).failed(e));
    let _ = cdp.call(
        None,
        "Target.disposeBrowserContext",
        json!({ "browserContextId": context }),
    );
    visit
}

impl Visit {
    pub(super) fn new(pass: Pass) -> Visit {
        Visit {
            pass,
            stored: Vec::new(),
            failure: None,
            clicked: None,
        }
    }

    fn failed(mut self, e: CdpError) -> Visit {
        self.failure = Some(e.to_string());
        self
    }
}

fn in_context(
    cdp: &Cdp,
    context: &str,
    url: &str,
    pass: Pass,
    buttons: &Buttons,
) -> Result<Visit, CdpError> {
    let target = cdp.call(
        None,
        "Target.createTarget",
        json!({ "url": "about:blank", "browserContextId": context }),
    )?["targetId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let session = cdp.call(
        None,
        "Target.attachToTarget",
        json!({ "targetId": target, "flatten": true }),
    )?["sessionId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let s = Some(session.as_str());
    instrument(cdp, &session)?;
    let mut seen = Seen {
        sessions: vec![session.clone()],
        ..Seen::default()
    };
    cdp.call(
        s,
        "Page.setLifecycleEventsEnabled",
        json!({ "enabled": true }),
    )?;
    let navigated = cdp.call(s, "Page.navigate", json!({ "url": url }))?;
    if let Some(error) = navigated["errorText"].as_str() {
        return Ok(Visit::new(pass).failed(CdpError::Protocol(format!("{url}: {error}"))));
    }
    // The load of this navigation, not a late one of the blank page the target opened with.
    let loader = navigated["loaderId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let frame = navigated["frameId"].as_str().unwrap_or_default().to_owned();
    let loaded = seen.until(cdp, &session, LOAD_TIMEOUT, |e| {
        e.method == "Page.lifecycleEvent"
            && e.params["name"] == "load"
            && e.params["frameId"] == frame.as_str()
            && (loader.is_empty() || e.params["loaderId"] == loader.as_str())
    })?;
    let mut visit = Visit::new(pass);
    if !loaded {
        visit.failure = Some(format!(
            "{url} did not finish loading in {} s",
            LOAD_TIMEOUT.as_secs()
        ));
    }
    seen.until(cdp, &session, SETTLE, |_| false)?;
    let selectors = match pass {
        Pass::BeforeConsent => None,
        Pass::AfterRefusing => Some(&buttons.refuse),
        Pass::AfterAccepting => Some(&buttons.accept),
    };
    if let Some(selectors) = selectors {
        let clicked = click(cdp, s, selectors)?;
        visit.clicked = Some(clicked);
        seen.until(cdp, &session, SETTLE, |_| false)?;
    }
    let cookies = cdp.call(
        None,
        "Storage.getCookies",
        json!({ "browserContextId": context }),
    )?;
    for cookie in cookies["cookies"].as_array().into_iter().flatten() {
        let name = cookie["name"].as_str().unwrap_or_default().to_owned();
        let expires = cookie["expires"].as_f64().filter(|e| *e > 0.0);
        let session_cookie = cookie["session"].as_bool().unwrap_or(expires.is_none());
        visit.stored.push(Stored {
            pass,
            kind: Kind::Cookie,
            setter: seen.setter_of(&name),
            domain: cookie["domain"].as_str().unwrap_or_default().to_owned(),
            expires: if session_cookie { None } else { expires },
            name,
        });
    }
    let keys = cdp.call(
        s,
        "Runtime.evaluate",
        json!({
            "expression": "JSON.stringify({ local: Object.keys(localStorage), session: Object.keys(sessionStorage), origin: location.origin })",
            "returnByValue": true,
        }),
    )?;
    if let Some(text) = keys["result"]["value"].as_str()
        && let Ok(keys) = serde_json::from_str::<Value>(text)
    {
        let origin = keys["origin"].as_str().unwrap_or_default();
        // Databases and caches by name; a browser without these domains answers nothing.
        let databases = cdp
            .call(
                s,
                "IndexedDB.requestDatabaseNames",
                json!({ "securityOrigin": origin }),
            )
            .unwrap_or_default();
        let caches = cdp
            .call(
                s,
                "CacheStorage.requestCacheNames",
                json!({ "securityOrigin": origin }),
            )
            .unwrap_or_default();
        let named = databases["databaseNames"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|n| (Kind::IndexedDb, n.as_str()))
            .chain(
                caches["caches"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|c| (Kind::CacheStorage, c["cacheName"].as_str())),
            );
        for (kind, name) in named {
            visit.stored.push(Stored {
                pass,
                kind,
                name: name.unwrap_or_default().to_owned(),
                domain: origin.to_owned(),
                expires: None,
                setter: None,
            });
        }
        for (field, kind) in [
            ("local", Kind::LocalStorage),
            ("session", Kind::SessionStorage),
        ] {
            for key in keys[field].as_array().into_iter().flatten() {
                visit.stored.push(Stored {
                    pass,
                    kind,
                    name: key.as_str().unwrap_or_default().to_owned(),
                    domain: origin.to_owned(),
                    expires: None,
                    setter: None,
                });
            }
        }
    }
    visit
        .stored
        .sort_by(|a, b| (a.kind, &a.name).cmp(&(b.kind, &b.name)));
    Ok(visit)
}

/// Makes a target report its cookie writes, its responses, and the frames it opens in other
/// processes (cross-site iframes), each of which is instrumented the same way before it runs.
fn instrument(cdp: &Cdp, session: &str) -> Result<(), CdpError> {
    let s = Some(session);
    for method in ["Page.enable", "Runtime.enable", "Network.enable"] {
        cdp.call(s, method, json!({}))?;
    }
    cdp.call(s, "Runtime.addBinding", json!({ "name": BINDING }))?;
    cdp.call(
        s,
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": WRAPPER }),
    )?;
    cdp.call(
        s,
        "Target.setAutoAttach",
        json!({ "autoAttach": true, "waitForDebuggerOnStart": true, "flatten": true }),
    )?;
    Ok(())
}

/// Clicks the first element one of `selectors` finds, as a person would (a trusted click at
/// its centre); `false` when none is on the page.
fn click(cdp: &Cdp, session: Option<&str>, selectors: &[String]) -> Result<bool, CdpError> {
    for selector in selectors {
        let expression = format!(
            "(() => {{ const e = document.querySelector({}); if (!e) return null; e.scrollIntoView({{block: 'center'}}); const r = e.getBoundingClientRect(); return JSON.stringify([r.left + r.width / 2, r.top + r.height / 2]); }})()",
            serde_json::to_string(selector).unwrap_or_default()
        );
        let found = cdp.call(
            session,
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true }),
        )?;
        let Some(point) = found["result"]["value"]
            .as_str()
            .and_then(|t| serde_json::from_str::<(f64, f64)>(t).ok())
        else {
            continue;
        };
        for kind in ["mousePressed", "mouseReleased"] {
            cdp.call(
                session,
                "Input.dispatchMouseEvent",
                json!({ "type": kind, "x": point.0, "y": point.1, "button": "left", "clickCount": 1 }),
            )?;
        }
        return Ok(true);
    }
    Ok(false)
}

/// What the events of one page said about who wrote which cookie.
#[derive(Default)]
struct Seen {
    /// The page's session and those of the frames it opened.
    sessions: Vec<String>,
    /// The first write of each cookie name.
    writes: HashMap<String, Setter>,
    /// Request URLs by request id, for `Set-Cookie` headers.
    requests: HashMap<String, String>,
}

impl Seen {
    /// Reads the session's events until `done` says so or `timeout` passes; `true` when done.
    fn until(
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
            let Some(event) = cdp.next_event(left)? else {
                return Ok(false);
            };
            let ours = event
                .session
                .as_deref()
                .is_some_and(|s| s == session || self.sessions.iter().any(|o| o == s));
            if !ours {
                continue;
            }
            if event.method == "Target.attachedToTarget" {
                // A frame in another process waits until it is instrumented; a failure to
                // instrument it must not leave it paused.
                if let Some(child) = event.params["sessionId"].as_str() {
                    self.sessions.push(child.to_owned());
                    let _ = instrument(cdp, child);
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
                let name = cookie_name(text);
                let (url, place) = first_frame(payload["stack"].as_str().unwrap_or_default());
                self.writes.entry(name.to_owned()).or_insert(Setter {
                    url,
                    place,
                    text: text.to_owned(),
                });
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
                        self.writes
                            .entry(cookie_name(line).to_owned())
                            .or_insert(Setter {
                                url: url.clone(),
                                place: None,
                                text: format!("Set-Cookie: {line}"),
                            });
                    }
                }
            }
            _ => {}
        }
    }

    fn setter_of(&self, name: &str) -> Option<Setter> {
        self.writes.get(name).cloned()
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
