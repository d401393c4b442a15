//! Where a run finds its catalogue and folders: a flag, else a `COOKIE_LEDGER_*` variable,
//! else the nearest `cookie-ledger.toml` in the working folder or above it (as cargo finds
//! `Cargo.toml`), else the conventional name.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The configuration file's name.
pub const FILE: &str = "cookie-ledger.toml";

/// What `cookie-ledger.toml` may say; paths are relative to its folder.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    catalogue: Option<PathBuf>,
    site: Option<PathBuf>,
    out: Option<PathBuf>,
    declarations: Option<PathBuf>,
}

/// One path a run needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    /// The catalogue file.
    Catalogue,
    /// The folder of pages.
    Site,
    /// The output folder of `build`, which `check` compares with.
    Out,
    /// The folder `export` writes into.
    Declarations,
}

impl Key {
    /// Its name in `cookie-ledger.toml`, and its variable.
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Key::Catalogue => ("catalogue", "COOKIE_LEDGER_CATALOGUE"),
            Key::Site => ("site", "COOKIE_LEDGER_SITE"),
            Key::Out => ("out", "COOKIE_LEDGER_OUT"),
            Key::Declarations => ("declarations", "COOKIE_LEDGER_DECLARATIONS"),
        }
    }

    /// The name a project without a configuration file uses.
    fn conventional(self) -> &'static str {
        match self {
            Key::Catalogue => "catalogue.toml",
            Key::Site => "site",
            Key::Out => "dist",
            Key::Declarations => "declarations",
        }
    }
}

/// The configuration a run found, if any.
#[derive(Debug, Default)]
pub struct Config {
    /// The file's folder, relative to the working folder (`.`, `..`, ...).
    dir: PathBuf,
    /// The file as the user would name it, for messages.
    file: Option<PathBuf>,
    settings: Settings,
}

impl Config {
    /// Finds and reads the nearest `cookie-ledger.toml` at or above `cwd`; none is no error.
    pub fn discover(cwd: &Path) -> Result<Config, String> {
        let mut dir = PathBuf::new();
        for folder in cwd.ancestors() {
            let path = folder.join(FILE);
            if path.is_file() {
                let shown = dir.join(FILE);
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read {}: {e}", shown.display()))?;
                let settings = toml::from_str(&text).map_err(|e| {
                    let (line, column) = e.span().map_or((1, 1), |span| {
                        crate::position::LineIndex::new().line_col(text.as_bytes(), span.start)
                    });
                    format!(
                        "{}:{line}:{column}: {}; it may set catalogue, site, out and declarations",
                        shown.display(),
                        e.message()
                    )
                })?;
                let dir = if dir.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    dir
                };
                return Ok(Config {
                    dir,
                    file: Some(shown),
                    settings,
                });
            }
            dir.push("..");
        }
        Ok(Config::default())
    }

    /// The path for `key`: `flag` when given, else its variable, else the file's value, else the
    /// conventional name; the last two relative to the file's folder when there is a file.
    pub fn path(&self, key: Key, flag: Option<PathBuf>) -> PathBuf {
        self.given(key, flag)
            .unwrap_or_else(|| self.in_dir(Path::new(key.conventional())))
    }

    /// `path` from the file's folder, as the working folder reaches it.
    fn in_dir(&self, path: &Path) -> PathBuf {
        if self.dir.as_os_str().is_empty() || self.dir == Path::new(".") {
            path.to_path_buf()
        } else {
            self.dir.join(path)
        }
    }

    /// The path for `key` when a flag, a variable or the file gives one.
    pub fn given(&self, key: Key, flag: Option<PathBuf>) -> Option<PathBuf> {
        let (_, variable) = key.names();
        let from_file = match key {
            Key::Catalogue => &self.settings.catalogue,
            Key::Site => &self.settings.site,
            Key::Out => &self.settings.out,
            Key::Declarations => &self.settings.declarations,
        };
        flag.or_else(|| {
            std::env::var_os(variable)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        })
        .or_else(|| from_file.as_ref().map(|p| self.in_dir(p)))
    }

    /// The file it was read from, if any.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_file_above_gives_paths_relative_to_its_folder() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(
            root.path().join(FILE),
            "site = \"public\"\nout = \"dist\"\n",
        )
        .unwrap();
        let deep = root.path().join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        let config = Config::discover(&deep).unwrap();
        assert_eq!(config.path(Key::Site, None), Path::new("../../public"));
        assert_eq!(
            config.path(Key::Site, Some("other".into())),
            Path::new("other")
        );
        assert_eq!(
            config.path(Key::Catalogue, None),
            Path::new("../../catalogue.toml")
        );
        let at_root = Config::discover(root.path()).unwrap();
        assert_eq!(at_root.path(Key::Out, None), Path::new("dist"));
        std::fs::write(root.path().join(FILE), "sites = \"x\"\n").unwrap();
        let error = Config::discover(root.path()).unwrap_err();
        assert!(
            error.starts_with("cookie-ledger.toml:1:1: unknown field `sites`"),
            "{error}"
        );
    }
}
