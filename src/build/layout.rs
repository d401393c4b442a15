//! The folders of a run: where the site, the output and the inventory are, how paths are shown,
//! the guards that keep `--out` and `--inventory` from deleting or overwriting anything the run
//! reads or did not write, and the walk of the site (regular files and folders only, no link
//! that leaves the site).

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::{Mode, Options};
use crate::catalogue::Catalogue;
use crate::diagnostic::{Diagnostic, Rule};
use crate::fsio;

/// A file or folder of the site.
pub(super) struct Entry {
    /// Path on disk.
    pub path: PathBuf,
    /// `/`-separated path relative to the site folder.
    pub rel: String,
    /// Whether it is a folder.
    pub is_dir: bool,
}

/// The folders of a run and how paths are shown.
pub(super) struct Layout {
    /// The site folder as given.
    pub site: PathBuf,
    /// The output folder as given: written by `build`, compared with by `check`.
    pub out: Option<PathBuf>,
    /// The site folder as reports show it.
    pub site_display: String,
    /// The output folder as reports show it.
    pub out_display: String,
    /// The site folder, canonical.
    pub canonical_site: PathBuf,
    /// Where a clean build writes its inventory.
    pub inventory: Option<PathBuf>,
}

impl Layout {
    /// The folders a shard recorded, for naming files in reports: a merge reads no folder.
    pub fn recorded(site: &Path, out: Option<&Path>) -> Layout {
        Layout {
            site: site.to_path_buf(),
            site_display: slash(site),
            out_display: out.map(slash).unwrap_or_default(),
            out: out.map(Path::to_path_buf),
            canonical_site: site.to_path_buf(),
            inventory: None,
        }
    }

    /// Checks the paths of `options` against each other and the files `catalogue` was read from.
    pub fn new(options: &Options, catalogue: &Catalogue) -> Result<Layout, Diagnostic> {
        let site = &options.site;
        if !site.is_dir() {
            return Err(Diagnostic::new(
                Rule::Io,
                None,
                format!("site folder {} does not exist", site.display()),
            )
            .with_help("pass the folder of built pages with --site"));
        }
        let canonical_site = site
            .canonicalize()
            .map_err(|e| io_error(site, "cannot resolve the site folder", &e))?;
        let out = options.out.clone();
        if options.mode == Mode::Build && out.is_none() {
            return Err(
                Diagnostic::new(Rule::UnsafeOutput, None, "build needs an output folder")
                    .with_help("pass one with --out, such as --out dist"),
            );
        }
        let mut layout = Layout {
            site: site.clone(),
            site_display: slash(site),
            out_display: out.as_deref().map(slash).unwrap_or_default(),
            out,
            canonical_site,
            inventory: None,
        };
        if options.mode == Mode::Build {
            let inputs: Vec<PathBuf> = catalogue
                .inputs
                .iter()
                .chain(options.cookie_db.iter())
                .map(|p| absolute(p))
                .collect();
            layout.guard_out(&inputs)?;
            if options.preview.is_none() {
                let inventory = options
                    .inventory
                    .clone()
                    .unwrap_or_else(|| layout.default_inventory());
                layout.guard_inventory(&inventory, &inputs)?;
                layout.inventory = Some(inventory);
            }
        }
        Ok(layout)
    }

    /// `--out` must never be, hold or sit inside the site, nor hold anything else the run reads,
    /// the working folder, the home folder or a root: a build replaces it whole.
    fn guard_out(&self, inputs: &[PathBuf]) -> Result<(), Diagnostic> {
        let Some(out) = self.out.as_deref() else {
            return Ok(());
        };
        if out.is_symlink() {
            return Err(refuse(
                format!(
                    "the output {} is a link; a build would replace the link, not the folder it leads to",
                    out.display()
                ),
                "give the folder itself as --out",
            ));
        }
        if out.exists() && !out.is_dir() {
            return Err(refuse(
                format!("the output {} is a file, not a folder", out.display()),
                "remove it or choose another --out",
            ));
        }
        let target = absolute(out);
        let site = &self.canonical_site;
        let shown = out.display();
        let why = if target == *site {
            Some(format!("the output folder {shown} is the site folder"))
        } else if site.starts_with(&target) {
            Some(format!(
                "the output folder {shown} holds the site folder {}",
                self.site.display()
            ))
        } else if target.starts_with(site) {
            Some(format!(
                "the output folder {shown} lies inside the site folder {}, so the site would publish its own output",
                self.site.display()
            ))
        } else if let Some(input) = inputs.iter().find(|i| i.starts_with(&target)) {
            Some(format!(
                "the output folder {shown} holds {}, which this run reads",
                input.display()
            ))
        } else if std::env::current_dir()
            .ok()
            .and_then(|d| d.canonicalize().ok())
            .is_some_and(|cwd| cwd.starts_with(&target))
        {
            Some(format!(
                "the output folder {shown} holds the current folder"
            ))
        } else if std::env::var_os("HOME").is_some_and(|h| absolute(Path::new(&h)) == target) {
            Some(format!("the output folder {shown} is your home folder"))
        } else if target.parent().is_none() {
            Some(format!(
                "the output folder {shown} is the root of the file system"
            ))
        } else {
            None
        };
        match why {
            Some(message) => Err(refuse(
                format!("{message}; a build replaces that folder whole"),
                "choose an output folder of its own, outside the site, such as dist/",
            )),
            None => Ok(()),
        }
    }

    /// `--inventory` never overwrites a file the run reads, never lands in the site or the
    /// output, and never replaces a file that is not an inventory this tool wrote.
    fn guard_inventory(&self, inventory: &Path, inputs: &[PathBuf]) -> Result<(), Diagnostic> {
        let shown = inventory.display();
        let target = absolute(inventory);
        let out = self.out.as_deref().map(absolute);
        let why = if inputs.contains(&target) {
            Some(format!("the inventory {shown} is a file this run reads"))
        } else if target.starts_with(&self.canonical_site) {
            Some(format!("the inventory {shown} lies inside the site folder"))
        } else if out.is_some_and(|o| target.starts_with(o)) {
            Some(format!(
                "the inventory {shown} lies inside the output folder, which a build replaces whole"
            ))
        } else if target.exists() && !is_inventory(&target) {
            Some(format!(
                "{shown} exists and is not an inventory cookie-ledger wrote"
            ))
        } else {
            None
        };
        match why {
            Some(message) => Err(refuse(
                format!("{message}; writing it would lose that file"),
                "choose another --inventory, such as dist-inventory.json beside the output",
            )),
            None => {
                if let Some(folder) = inventory
                    .parent()
                    .filter(|f| !f.as_os_str().is_empty() && !f.is_dir())
                {
                    return Err(Diagnostic::new(
                        Rule::Io,
                        None,
                        format!("the inventory's folder {} does not exist", folder.display()),
                    )
                    .with_help("create it, or choose another --inventory"));
                }
                Ok(())
            }
        }
    }

    /// `dist` -> `dist-inventory.json`, beside it.
    fn default_inventory(&self) -> PathBuf {
        let out = self.out.as_deref().map(absolute).unwrap_or_default();
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.out
            .as_deref()
            .unwrap_or(Path::new("dist"))
            .with_file_name(format!("{name}-inventory.json"))
    }

    /// Whether `path`, links resolved, lies inside the site folder.
    pub fn inside(&self, path: &Path) -> bool {
        path.canonicalize()
            .is_ok_and(|p| p.starts_with(&self.canonical_site))
    }

    /// A site path as reports show it.
    pub fn display(&self, rel: &str) -> String {
        format!("{}/{rel}", self.site_display)
    }

    /// Every folder and regular file of the site, sorted; what cannot be published is reported.
    pub fn walk(&self) -> (Vec<Entry>, Vec<Diagnostic>) {
        let mut entries = Vec::new();
        let errors = RefCell::new(Vec::new());
        // Links are followed inside the site; one that leads out of it is refused with its whole subtree.
        let stays_inside = |e: &walkdir::DirEntry| {
            if e.depth() == 0 || !e.path_is_symlink() {
                return true;
            }
            match e.path().canonicalize() {
                Ok(target) if target.starts_with(&self.canonical_site) => true,
                Ok(target) => {
                    errors.borrow_mut().push(
                        Diagnostic::new(
                            Rule::UnsupportedFile,
                            None,
                            format!(
                                "{} links to {}, outside the site folder; a build would publish a file from elsewhere",
                                e.path().display(),
                                target.display()
                            ),
                        )
                        .with_help("copy what it links to into the site, or remove the link"),
                    );
                    false
                }
                Err(err) => {
                    errors.borrow_mut().push(
                        Diagnostic::new(
                            Rule::Io,
                            None,
                            format!("{} is a link that leads nowhere: {err}", e.path().display()),
                        )
                        .with_help("fix or remove the link"),
                    );
                    false
                }
            }
        };
        let walker = WalkDir::new(&self.site)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(stays_inside);
        for item in walker {
            match item {
                Ok(e) if e.depth() == 0 => {}
                Ok(e) if e.file_type().is_dir() || e.file_type().is_file() => {
                    let rel = e
                        .path()
                        .strip_prefix(&self.site)
                        .map(slash)
                        .unwrap_or_default();
                    entries.push(Entry {
                        path: e.path().to_path_buf(),
                        rel,
                        is_dir: e.file_type().is_dir(),
                    });
                }
                Ok(e) => errors.borrow_mut().push(
                    Diagnostic::new(
                        Rule::UnsupportedFile,
                        None,
                        format!(
                            "{} is {}; a site holds only regular files and folders",
                            e.path().display(),
                            fsio::kind(&e.file_type())
                        ),
                    )
                    .with_help("move it out of the site folder"),
                ),
                Err(e) => {
                    let path = e
                        .path()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default();
                    errors.borrow_mut().push(
                        Diagnostic::new(Rule::Io, None, format!("cannot read {path}: {e}"))
                            .with_help(
                                "fix the file's permissions, or the link that loops, or remove it",
                            ),
                    );
                }
            }
        }
        (entries, errors.into_inner())
    }
}

/// Whether `path` holds an inventory this tool wrote.
pub(crate) fn is_inventory(path: &Path) -> bool {
    fsio::read(path, 64 * 1024 * 1024)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .is_some_and(|v| v["generator"] == "cookie-ledger")
}

fn refuse(message: String, help: &str) -> Diagnostic {
    Diagnostic::new(Rule::UnsafeOutput, None, message).with_help(help)
}

/// `/`-separated, without a trailing `/`.
pub(super) fn slash(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    text.trim_end_matches('/').to_owned()
}

/// An absolute path with every link resolved, for a path that may not exist yet: its nearest
/// existing ancestor is resolved and the rest kept.
pub(crate) fn absolute(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut rest = Vec::new();
    let mut base = joined.as_path();
    loop {
        if let Ok(resolved) = base.canonicalize() {
            let mut out = resolved;
            for part in rest.iter().rev() {
                match part {
                    std::path::Component::ParentDir => {
                        out.pop();
                    }
                    std::path::Component::CurDir => {}
                    other => out.push(other),
                }
            }
            return out;
        }
        match (base.parent(), base.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last);
                base = parent;
            }
            _ => return joined,
        }
    }
}

pub(super) fn io_error(path: &Path, what: &str, e: &std::io::Error) -> Diagnostic {
    Diagnostic::new(Rule::Io, None, format!("{what} {}: {e}", path.display()))
        .with_help("check the path and its permissions")
}
