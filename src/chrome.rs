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
/// [`Cdp::new`]); `extra` flags are added to the usual ones.
pub fn launch(executable: &Path, extra: &[String], handler: Handler) -> Result<Browser, String> {
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
    // Consent managers hide their banner from automated browsers (vanilla-cookieconsent's
    // `hideFromBots` reads `navigator.webdriver`; others read "Headless" in the user agent),
    // and a banner the audit cannot see is one it cannot press: it presents as a browser.
    command.arg("--disable-blink-features=AutomationControlled");
    if let Some(major) = major_version(executable) {
        command.arg(format!(
            "--user-agent=Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{major}.0.0.0 Safari/537.36"
        ));
    }
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
        .args(extra)
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

/// The browser's major version from `--version` ("Chromium 142.0.7444.59 built on Debian"),
/// waited for at most 10 s: a browser that does not answer is launched without it.
fn major_version(executable: &Path) -> Option<u32> {
    let mut child = Command::new(executable)
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
    let mut text = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take()?, &mut text).ok()?;
    parse_major(&text)
}

/// The major version in a `--version` line: the first word that starts with digits and a dot.
fn parse_major(text: &str) -> Option<u32> {
    text.split_whitespace()
        .find(|w| w.contains('.') && w.starts_with(|c: char| c.is_ascii_digit()))
        .and_then(|w| w.split('.').next())
        .and_then(|major| major.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_major_version_is_read_from_what_version_prints() {
        assert_eq!(
            parse_major("Chromium 142.0.7444.59 built on Debian GNU/Linux 13\n"),
            Some(142)
        );
        assert_eq!(parse_major("Google Chrome 131.0.6778.85 \n"), Some(131));
        assert_eq!(parse_major("no version here"), None);
    }
}
