//! One visit: a fresh browser context, one page, what it stores, and who stored it.
//!
//! The page's writes are caught by a wrapper (`wrapper.js`) around `document.cookie`,
//! `cookieStore`, `Storage.setItem`, `indexedDB.open` and `caches.open`, installed before any
//! page script runs; it reports the written text and the script's stack through a binding. `Set-Cookie` headers come from the network's extra response information.

use std::time::Duration;

use serde_json::{Value, json};

use super::seen::{BINDING, Seen, flags_of};
use super::{Pass, Stored};
use crate::cdp::{Cdp, CdpError};
use crate::storage::Storage;

/// Installed before any page script: reports every cookie write (`document.cookie`,
/// `cookieStore.set`) and web storage write with its stack.
const WRAPPER: &str = include_str!("wrapper.js");

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

/// Visits `url` in a fresh context and reports what the browser stores, in `pass`; the
/// context connects through `proxy` (a `proxyServer` value).
pub fn visit(cdp: &Cdp, url: &str, pass: Pass, buttons: &Buttons, proxy: &str) -> Visit {
    let options = json!({ "proxyServer": proxy, "proxyBypassList": "<-loopback>" });
    let context = match cdp.call(None, "Target.createBrowserContext", options) {
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
    let mut seen = Seen::new(cdp, &session);
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
            kind: Storage::Cookie,
            setter: seen.setter_of(
                Storage::Cookie,
                &name,
                cookie["domain"].as_str().unwrap_or_default(),
            ),
            domain: cookie["domain"].as_str().unwrap_or_default().to_owned(),
            expires: if session_cookie { None } else { expires },
            flags: Some(flags_of(cookie)),
            name,
        });
    }
    // The page's own storage, then each cross-site frame's, which the browser keeps apart.
    for frame in seen.sessions() {
        match web_storage(cdp, frame, None, pass, &seen) {
            Ok(items) => visit.stored.extend(items),
            Err(e) if frame == session => return Err(e),
            // A frame that went away while the page settled has nothing left to read.
            Err(_) => {}
        }
    }
    // Frames of another origin the page's own process runs (a subdomain of the site), read
    // in a world of their own: a frame gone or in another process has nothing to add here.
    for context in other_origin_frames(cdp, &session) {
        if let Ok(items) = web_storage(cdp, &session, Some(context), pass, &seen) {
            visit.stored.extend(items);
        }
    }
    // Two frames of one origin hold one storage.
    visit
        .stored
        .sort_by(|a, b| (a.kind, &a.name, &a.domain).cmp(&(b.kind, &b.name, &b.domain)));
    visit
        .stored
        .dedup_by(|a, b| a.kind == b.kind && a.name == b.name && a.domain == b.domain);
    Ok(visit)
}

/// The web storage one frame's origin holds: localStorage and sessionStorage keys, IndexedDB
/// databases and Cache Storage caches, each with the write that made it, when caught.
fn web_storage(
    cdp: &Cdp,
    session: &str,
    context: Option<u64>,
    pass: Pass,
    seen: &Seen,
) -> Result<Vec<Stored>, CdpError> {
    let mut stored = Vec::new();
    let mut evaluate = json!({
        "expression": "JSON.stringify({ local: Object.keys(localStorage), session: Object.keys(sessionStorage), origin: location.origin })",
        "returnByValue": true,
    });
    if let Some(context) = context {
        evaluate["contextId"] = context.into();
    }
    let keys = cdp.call(Some(session), "Runtime.evaluate", evaluate)?;
    if let Some(text) = keys["result"]["value"].as_str()
        && let Ok(keys) = serde_json::from_str::<Value>(text)
    {
        let origin = keys["origin"].as_str().unwrap_or_default();
        // Databases and caches by name; a browser without these domains answers nothing.
        let databases = cdp
            .call(
                Some(session),
                "IndexedDB.requestDatabaseNames",
                json!({ "securityOrigin": origin }),
            )
            .unwrap_or_default();
        let caches = cdp
            .call(
                Some(session),
                "CacheStorage.requestCacheNames",
                json!({ "securityOrigin": origin }),
            )
            .unwrap_or_default();
        let named = databases["databaseNames"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|n| (Storage::IndexedDb, n.as_str()))
            .chain(
                caches["caches"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|c| (Storage::CacheStorage, c["cacheName"].as_str())),
            );
        for (kind, name) in named {
            let name = name.unwrap_or_default().to_owned();
            stored.push(Stored {
                pass,
                kind,
                setter: seen.setter_of(kind, &name, origin),
                name,
                domain: origin.to_owned(),
                expires: None,
                flags: None,
            });
        }
        for (field, kind) in [
            ("local", Storage::LocalStorage),
            ("session", Storage::SessionStorage),
        ] {
            for key in keys[field].as_array().into_iter().flatten() {
                let name = key.as_str().unwrap_or_default().to_owned();
                stored.push(Stored {
                    pass,
                    kind,
                    setter: seen.setter_of(kind, &name, origin),
                    name,
                    domain: origin.to_owned(),
                    expires: None,
                    flags: None,
                });
            }
        }
    }
    Ok(stored)
}

/// Execution contexts, one per frame of the page's process whose origin is not the page's.
fn other_origin_frames(cdp: &Cdp, session: &str) -> Vec<u64> {
    let Ok(tree) = cdp.call(Some(session), "Page.getFrameTree", json!({})) else {
        return Vec::new();
    };
    let top = tree["frameTree"]["frame"]["securityOrigin"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let mut frames = Vec::new();
    let mut pending: Vec<&Value> = tree["frameTree"]["childFrames"]
        .as_array()
        .map(|c| c.iter().collect())
        .unwrap_or_default();
    while let Some(node) = pending.pop() {
        let frame = &node["frame"];
        let origin = frame["securityOrigin"].as_str().unwrap_or_default();
        if origin != top && origin.starts_with("http") {
            frames.push(frame["id"].as_str().unwrap_or_default().to_owned());
        }
        pending.extend(node["childFrames"].as_array().into_iter().flatten());
    }
    frames
        .iter()
        .filter_map(|id| {
            cdp.call(
                Some(session),
                "Page.createIsolatedWorld",
                json!({ "frameId": id, "worldName": "cookie-ledger" }),
            )
            .ok()?["executionContextId"]
                .as_u64()
        })
        .collect()
}

/// Makes a target report its cookie writes, its responses, and the frames it opens in other
/// processes (cross-site iframes), each of which is instrumented the same way before it runs.
pub(super) fn instrument(cdp: &Cdp, session: &str) -> Result<(), CdpError> {
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

/// How long a consent button may take to show up after the page settled.
const BUTTON_WAIT: Duration = Duration::from_secs(2);

/// Clicks, as a person would (a trusted click at its centre), the first element of
/// `selectors` a person could press: shown, with a size, and not covered by another at that
/// point. `false` when none shows up within [`BUTTON_WAIT`]: a hidden button pressed would
/// vouch for a choice nobody could make.
fn click(cdp: &Cdp, session: Option<&str>, selectors: &[String]) -> Result<bool, CdpError> {
    let deadline = std::time::Instant::now() + BUTTON_WAIT;
    loop {
        for selector in selectors {
            let expression = format!(
                "(() => {{ for (const e of document.querySelectorAll({})) {{ const s = getComputedStyle(e); if (s.display === 'none' || s.visibility !== 'visible') continue; e.scrollIntoView({{block: 'center'}}); const r = e.getBoundingClientRect(); if (r.width < 1 || r.height < 1) continue; const x = r.left + r.width / 2, y = r.top + r.height / 2; const hit = document.elementFromPoint(x, y); if (!hit || !(hit === e || e.contains(hit))) continue; return JSON.stringify([x, y]); }} return null; }})()",
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
        if std::time::Instant::now() >= deadline {
            return Ok(false);
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}
