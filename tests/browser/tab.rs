//! One tab of a headless Chromium of its own, driven over the DevTools protocol as a person
//! would use it: open an address, read the DOM, click, take a screenshot.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cookie_ledger::chrome::{self, Browser};
use serde_json::{Value, json};

/// How long a page may take to reach a state a test waits for.
const PATIENCE: Duration = Duration::from_secs(30);

/// A tab in a browser of its own (no audit routes: it fetches from loopback as any browser).
pub struct Tab {
    browser: Browser,
    session: String,
}

impl Tab {
    /// Starts the browser the audit would use and opens a blank tab of 1200x800 pixels.
    pub fn open() -> Tab {
        let executable = chrome::find(None).expect("a browser");
        // Dialogs are accepted as they open; other events are not needed.
        let browser = chrome::launch(
            &executable,
            &[],
            Box::new(|out, event| {
                if event.method == "Page.javascriptDialogOpening" {
                    out.send(
                        event.session.as_deref(),
                        "Page.handleJavaScriptDialog",
                        json!({ "accept": true }),
                    );
                }
                true
            }),
        )
        .expect("the browser starts");
        let target = browser
            .cdp
            .call(None, "Target.createTarget", json!({ "url": "about:blank" }))
            .expect("a tab")["targetId"]
            .clone();
        let session = browser
            .cdp
            .call(
                None,
                "Target.attachToTarget",
                json!({ "targetId": target, "flatten": true }),
            )
            .expect("attached")["sessionId"]
            .as_str()
            .expect("a session")
            .to_owned();
        let tab = Tab { browser, session };
        tab.call("Page.enable", json!({}));
        tab.call(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": 1200, "height": 800, "deviceScaleFactor": 1, "mobile": false }),
        );
        tab
    }

    fn call(&self, method: &str, params: Value) -> Value {
        self.browser
            .cdp
            .call(Some(&self.session), method, params)
            .unwrap_or_else(|e| panic!("{method}: {e}"))
    }

    /// Opens `url` and waits for its document to be complete.
    pub fn go(&self, url: &str) {
        self.call("Page.navigate", json!({ "url": url }));
        self.wait(
            "the page to load",
            &format!("location.href === {url:?} && document.readyState === 'complete'"),
        );
    }

    /// The value of a JavaScript expression in the page (promises awaited).
    pub fn eval(&self, expression: &str) -> Value {
        let answer = self.call(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
        );
        if let Some(exception) = answer.get("exceptionDetails") {
            panic!("{expression}: {exception}");
        }
        answer["result"]["value"].clone()
    }

    /// Waits until `condition` (a JavaScript expression) is true; fails with `what` and the
    /// page's text when it never is.
    pub fn wait(&self, what: &str, condition: &str) {
        let deadline = Instant::now() + PATIENCE;
        let guarded = format!(
            "(() => {{ try {{ return !!({condition}); }} catch (e) {{ return false; }} }})()"
        );
        while Instant::now() < deadline {
            if self.eval(&guarded) == json!(true) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "waited {PATIENCE:?} for {what} ({condition}); the page reads:\n{}",
            self.eval("document.body ? document.body.innerText : ''")
        );
    }

    /// Clicks the middle of the first element `selector` finds, with the mouse.
    pub fn click(&self, selector: &str) {
        let place = self.eval(&format!(
            "(() => {{ const r = document.querySelector({selector:?}).getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()"
        ));
        let (x, y) = (place[0].clone(), place[1].clone());
        for kind in ["mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({ "type": kind, "x": x, "y": y, "button": "left", "clickCount": 1 }),
            );
        }
    }

    /// Presses and releases a key (`Tab`, `Enter`) as a keyboard does.
    pub fn press(&self, key: &str, code: u32) {
        let text = if key == "Enter" { "\r" } else { "" };
        for kind in ["keyDown", "keyUp"] {
            self.call(
                "Input.dispatchKeyEvent",
                json!({ "type": kind, "key": key, "code": key, "windowsVirtualKeyCode": code, "text": if kind == "keyDown" { text } else { "" } }),
            );
        }
    }

    /// The page's accessibility tree as a screen reader gets it: (role, name) of each node
    /// that is not ignored.
    pub fn accessibility(&self) -> Vec<(String, String)> {
        self.call("Accessibility.enable", json!({}));
        let tree = self.call("Accessibility.getFullAXTree", json!({}));
        tree["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .filter(|n| n["ignored"] != json!(true))
            .map(|n| {
                (
                    n["role"]["value"].as_str().unwrap_or_default().to_owned(),
                    n["name"]["value"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect()
    }

    /// Reloads the page and waits for it to be complete again.
    pub fn reload(&self) {
        self.eval("window.__before_reload = true");
        self.call("Page.reload", json!({}));
        self.wait(
            "the page to reload",
            "window.__before_reload === undefined && document.readyState === 'complete'",
        );
    }

    /// Takes a screenshot of the viewport into `folder/<name>.png`, and returns its path.
    pub fn screenshot(&self, folder: &Path, name: &str) -> PathBuf {
        let data = self.call("Page.captureScreenshot", json!({ "format": "png" }));
        let png = base64(data["data"].as_str().expect("image data"));
        assert!(png.starts_with(b"\x89PNG"), "a PNG image");
        std::fs::create_dir_all(folder).expect("the screenshot folder");
        let path = folder.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("the screenshot is written");
        path
    }
}

/// Decodes standard base64, as the protocol sends images.
fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let digits: Vec<u8> = text.bytes().filter(|&c| c != b'=').map(value).collect();
    let mut bytes = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &d)| n | u32::from(d) << (18 - 6 * i));
        bytes.extend(&n.to_be_bytes()[1..chunk.len()]);
    }
    bytes
}

/// A test of the decoder itself (no browser needed).
pub fn base64_decodes_what_it_is_given() {
    assert_eq!(base64("aGVsbG8="), b"hello");
    assert_eq!(base64("aGVsbG8h"), b"hello!");
    assert_eq!(base64("aGk="), b"hi");
}
