//! `cargo xtask audit`: builds the demo, then audits dist/ in a real headless Chromium, offline
//! (the demo's Matomo host is refused and listed, never reached).

/// Builds and audits the demo; returns the exit code.
pub fn run(extra: Vec<String>) -> i32 {
    let built = crate::run_tool("build", Vec::new());
    if built != 0 {
        return built;
    }
    crate::run_tool("audit", extra)
}
