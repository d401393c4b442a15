//! `cargo xtask build`: the demo site (site/ + catalogue.toml) into dist/.

/// Builds the demo; returns the exit code.
pub fn run(extra: Vec<String>) -> i32 {
    crate::run_tool("build", extra)
}
