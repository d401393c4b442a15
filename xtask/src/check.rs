//! `cargo xtask check`: every check on the demo, writing nothing, for CI.

/// Checks the demo; returns the exit code.
pub fn run(extra: Vec<String>) -> i32 {
    crate::run_tool("check", extra)
}
