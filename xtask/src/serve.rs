//! `cargo xtask serve`: the live preview of the demo.

/// Serves the demo until Ctrl-C; returns the exit code.
pub fn run(extra: Vec<String>) -> i32 {
    crate::run_tool("serve", extra)
}
