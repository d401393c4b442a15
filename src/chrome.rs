//! Finds the user's Chromium or Chrome and starts it headless, with a fresh profile, connected
//! over `--remote-debugging-pipe` (file descriptors 3 and 4 of the child). The browser exits
//! when the pipe closes; dropping a [`Browser`] also kills it and removes its profile.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use command_fds::{CommandFdExt, FdMapping};

use crate::cdp::{Cdp, Handler};

/// The variable that names the browser when `--chrome` does not.
pub const VARIABLE: &str = "COOKIE_LEDGER_CHROME";

/// Names tried on `PATH`, in order, when neither the flag nor the variable names a browser.
const NAMES: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
];

/// A running headless browser.
pub struct Browser {
    child: Child,
    /// The connection to it.
    pub cdp: Cdp,
    /// Its profile folder, removed on drop.
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The browser to run: `explicit` (the `--chrome` flag), else the variable, else the first of
/// the usual names on `PATH`.
pub fn find(explicit: Option<&Path>) -> Result<PathBuf, String> {
    let named = explicit.map(Path::to_path_buf).or_else(|| {
        std::env::var_os(VARIABLE)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    });
    if let Some(path) = named {
        return if path.is_file() {
            Ok(path)
        } else {
            Err(format!(
                "no browser at {}: pass --chrome with the path of a Chromium or Chrome executable",
                path.display()
            ))
        };
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in NAMES {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                // Debian's `chromium` is a shell script around the real binary; run that directly,
                // so that killing the child kills the browser.
                let real = Path::new("/usr/lib/chromium/chromium");
                if candidate == Path::new("/usr/bin/chromium") && real.is_file() {
                    return Ok(real.to_path_buf());
                }
                return Ok(candidate);
            }
        }
    }
    Err(format!(
        "no Chromium or Chrome found (tried {} on PATH): install one (Debian: apt-get install chromium), or pass --chrome PATH or set {VARIABLE}",
        NAMES.join(", ")
    ))
}

/// Starts `executable` headless with a fresh profile; `handler` sees every event first (see
/// [`Cdp::new`]).
pub fn launch(executable: &Path, handler: Handler) -> Result<Browser, String> {
    let profile = tempfile::Builder::new()
        .prefix("cookie-ledger-chrome-")
        .tempdir()
        .map_err(|e| format!("cannot create a browser profile: {e}"))?;
    // A fresh profile blocks third-party cookies; a visitor's browser may not, and the audit
    // must see what it would store.
    let default = profile.path().join("Default");
    std::fs::create_dir_all(&default)
        .and_then(|()| {
            std::fs::write(
                default.join("Preferences"),
                r#"{"profile":{"cookie_controls_mode":0}}"#,
            )
        })
        .map_err(|e| format!("cannot write the browser profile: {e}"))?;
    let (from_browser, browser_writes) =
        std::io::pipe().map_err(|e| format!("cannot make a pipe: {e}"))?;
    let (browser_reads, to_browser) =
        std::io::pipe().map_err(|e| format!("cannot make a pipe: {e}"))?;
    let mut command = Command::new(executable);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--mute-audio",
            "--remote-debugging-pipe",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("about:blank")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
        .fd_mappings(vec![
            FdMapping {
                parent_fd: browser_reads.into(),
                child_fd: 3,
            },
            FdMapping {
                parent_fd: browser_writes.into(),
                child_fd: 4,
            },
        ])
        .map_err(|e| format!("cannot pass the pipe to the browser: {e}"))?;
    let child = command
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", executable.display()))?;
    // The child holds its ends now; the command's copies are closed with it.
    drop(command);
    let cdp = Cdp::new(from_browser, to_browser, handler);
    let browser = Browser {
        child,
        cdp,
        _profile: profile,
    };
    browser
        .cdp
        .call(None, "Browser.getVersion", serde_json::json!({}))
        .map_err(|e| {
            format!(
                "{} does not speak the DevTools protocol: {e}",
                executable.display()
            )
        })?;
    Ok(browser)
}
