//! Where a run finds its catalogue and folders: a flag, else a `COOKIE_LEDGER_*` variable,
//! else the project's `cookie-ledger.toml`. The project is the nearest folder at or above the
//! working folder that holds `cookie-ledger.toml` or `catalogue.toml` (as cargo finds
//! `Cargo.toml`); its catalogue is `catalogue.toml` unless the file says otherwise. No folder
//! name is assumed: a run that needs a folder nobody named says how to name it.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The configuration file's name.
pub const FILE: &str = "cookie-ledger.toml";

/// The catalogue's name when nothing names it.
pub const CATALOGUE: &str = "catalogue.toml";

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
    /// Its name in `cookie-ledger.toml`, its variable, and the flag that gives it.
    fn names(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Key::Catalogue => ("catalogue", "COOKIE_LEDGER_CATALOGUE", "--catalogue FILE"),
            Key::Site => ("site", "COOKIE_LEDGER_SITE", "--site DIR"),
            Key::Out => ("out", "COOKIE_LEDGER_OUT", "--out DIR"),
            Key::Declarations => ("declarations", "COOKIE_LEDGER_DECLARATIONS", "--out DIR"),
        }
    }

    /// What it is, for messages.
    fn what(self) -> &'static str {
        match self {
            Key::Catalogue => "catalogue",
            Key::Site => "site folder",
            Key::Out => "output folder",
            Key::Declarations => "folder to export into",
        }
    }
}

/// The configuration a run found, if any.
#[derive(Debug, Default)]
pub struct Config {
    /// The project's folder, relative to the working folder (`.`, `..`, ...), when one was found.
    dir: Option<PathBuf>,
    /// The configuration file as the user would name it, for messages.
    file: Option<PathBuf>,
    settings: Settings,
}

impl Config {
    /// Finds the project at or above `cwd` and reads its `cookie-ledger.toml`; none is no error.
    pub fn discover(cwd: &Path) -> Result<Config, String> {
        let mut dir = PathBuf::from(".");
        for folder in cwd.ancestors() {
            let path = folder.join(FILE);
            if path.is_file() {
                let shown = in_dir(&dir, Path::new(FILE));
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
                return Ok(Config {
                    dir: Some(dir),
                    file: Some(shown),
                    settings,
                });
            }
            if folder.join(CATALOGUE).is_file() {
                return Ok(Config {
                    dir: Some(dir),
                    ..Config::default()
                });
            }
            dir = if dir == Path::new(".") {
                PathBuf::from("..")
            } else {
                dir.join("..")
            };
        }
        Ok(Config::default())
    }

    /// The path for `key`: `flag` when given, else its variable, else the file's value, else
    /// for the catalogue `catalogue.toml` in the project's folder; an error that says how to
    /// name it when none of these does.
    pub fn path(&self, key: Key, flag: Option<PathBuf>) -> Result<PathBuf, String> {
        if let Some(path) = self.given(key, flag) {
            return Ok(path);
        }
        if key == Key::Catalogue
            && let Some(dir) = &self.dir
        {
            return Ok(in_dir(dir, Path::new(CATALOGUE)));
        }
        let (name, variable, flag) = key.names();
        let file = self
            .file
            .as_ref()
            .map_or(FILE.to_owned(), |f| f.display().to_string());
        let searched = if key == Key::Catalogue {
            format!("; no {FILE} or {CATALOGUE} in the working folder or any folder above it")
        } else {
            String::new()
        };
        Err(format!(
            "no {} given{searched}: pass {flag}, set {variable}, or write `{name} = \"...\"` in {file}",
            key.what()
        ))
    }

    /// The path for `key` when a flag, a variable or the file gives one.
    pub fn given(&self, key: Key, flag: Option<PathBuf>) -> Option<PathBuf> {
        let (_, variable, _) = key.names();
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
        .or_else(|| {
            let dir = self.dir.as_deref().unwrap_or(Path::new("."));
            from_file.as_ref().map(|p| in_dir(dir, p))
        })
    }

    /// The file it was read from, if any.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }
}

/// `path` from the project's folder `dir`, as the working folder reaches it.
fn in_dir(dir: &Path, path: &Path) -> PathBuf {
    if dir == Path::new(".") {
        path.to_path_buf()
    } else {
        dir.join(path)
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
        assert_eq!(
            config.path(Key::Site, None).unwrap(),
            Path::new("../../public")
        );
        assert_eq!(
            config.path(Key::Site, Some("other".into())).unwrap(),
            Path::new("other")
        );
        assert_eq!(
            config.path(Key::Catalogue, None).unwrap(),
            Path::new("../../catalogue.toml")
        );
        let error = config.path(Key::Declarations, None).unwrap_err();
        assert_eq!(
            error,
            "no folder to export into given: pass --out DIR, set COOKIE_LEDGER_DECLARATIONS, or write `declarations = \"...\"` in ../../cookie-ledger.toml"
        );
        let at_root = Config::discover(root.path()).unwrap();
        assert_eq!(at_root.path(Key::Out, None).unwrap(), Path::new("dist"));
        std::fs::write(root.path().join(FILE), "sites = \"x\"\n").unwrap();
        let error = Config::discover(root.path()).unwrap_err();
        assert!(
            error.starts_with("cookie-ledger.toml:1:1: unknown field `sites`"),
            "{error}"
        );
    }

    #[test]
    fn without_a_file_the_nearest_catalogue_above_is_the_project_and_no_folder_is_assumed() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join(CATALOGUE), "").unwrap();
        let deep = root.path().join("site/a");
        std::fs::create_dir_all(&deep).unwrap();
        let config = Config::discover(&deep).unwrap();
        assert_eq!(config.file(), None);
        assert_eq!(
            config.path(Key::Catalogue, None).unwrap(),
            Path::new("../../catalogue.toml")
        );
        assert_eq!(
            config.path(Key::Site, None).unwrap_err(),
            "no site folder given: pass --site DIR, set COOKIE_LEDGER_SITE, or write `site = \"...\"` in cookie-ledger.toml"
        );
        assert!(config.path(Key::Out, None).is_err());
        assert_eq!(config.given(Key::Out, None), None);
    }

    #[test]
    fn with_neither_file_nothing_is_found_and_the_error_says_where_it_looked() {
        // What `discover` gives when no folder up to the root holds either file.
        let config = Config::default();
        let error = config.path(Key::Catalogue, None).unwrap_err();
        assert_eq!(
            error,
            "no catalogue given; no cookie-ledger.toml or catalogue.toml in the working folder or any folder above it: pass --catalogue FILE, set COOKIE_LEDGER_CATALOGUE, or write `catalogue = \"...\"` in cookie-ledger.toml"
        );
    }
}
