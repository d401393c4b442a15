//! `cargo xtask export`: the demo catalogue's declarations into declarations/.

/// Exports the demo's declarations; returns the exit code.
pub fn run(extra: Vec<String>) -> i32 {
    crate::run_tool("export", extra)
}
