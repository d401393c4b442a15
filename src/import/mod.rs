//! `cookie-ledger import`: a catalogue from the cookie tables sites already publish.
//!
//! Each `--site` folder is one site. Every page's recognised cookie tables (any built-in
//! wording, split tables, group headings) are read (`read.rs`); each cookie's values are
//! settled by majority, per language, across sites, with a site that says something else
//! given an override (`vote.rs`); the catalogue is written as TOML with a comment on every
//! value saying where it came from and what it outvoted (`write.rs`). Nothing is guessed
//! silently: what no page says is left out or marked, and said in the notes.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Location, Rule};

mod category;
mod read;
pub(crate) mod text;
mod vote;
mod write;

/// What to import.
#[derive(Debug)]
pub struct Options {
    /// One folder per site, in the order their ties are settled.
    pub sites: Vec<PathBuf>,
}

/// A catalogue made from the sites' tables.
#[derive(Debug)]
pub struct Imported {
    /// The catalogue's TOML text.
    pub text: String,
    /// The folder the sites' `dir`s are relative to: the `--site` of a check.
    pub root: PathBuf,
    /// What a person must still do or know, one line each.
    pub notes: Vec<String>,
    /// Pages read, tables recognised, cookie entries written.
    pub counts: (usize, usize, usize),
}

/// One site's folder and what its pages hold.
#[derive(Debug)]
struct SiteInput {
    id: String,
    /// Relative to [`Imported::root`], `/`-separated; `.` for the root itself.
    dir: String,
    /// The folder's name, as given.
    shown: String,
    pages: Vec<read::Page>,
}

/// Reads every page of every site and writes the catalogue; `Err` holds every input that
/// could not be read (nothing is imported from half a site).
pub fn run(options: &Options) -> Result<Imported, Vec<Diagnostic>> {
    let (root, sites) = read_sites(&options.sites)?;
    let pages = sites.iter().map(|s| s.pages.len()).sum();
    let tables: usize = sites
        .iter()
        .flat_map(|s| &s.pages)
        .map(|p| p.tables.len())
        .sum();
    if tables == 0 {
        return Err(vec![
            Diagnostic::new(
                Rule::Io,
                None,
                format!("no page of the {} site folder(s) holds a cookie table the tool recognises ({pages} pages read)", sites.len()),
            )
            .with_help("for a site without tables, `cookie-ledger init` starts a catalogue from what its pages set; a table whose headers the tool does not know can be recognised once its language's words are added ([language.<tag>] in a catalogue, or src/labels/)"),
        ]);
    }
    let votes = vote::count(&sites);
    let (text, mut notes) = write::catalogue(&sites, &votes);
    // What the pages say may be more than a catalogue accepts (a name with `=`, a bidirectional
    // control, two entries that overlap): said now, at its line, not first by check.
    if let Err(errors) = crate::catalogue::Catalogue::parse(&text, "catalogue", &root) {
        for d in errors {
            let at = d
                .location
                .as_ref()
                .map(|l| format!("line {}: ", l.line))
                .unwrap_or_default();
            notes.push(format!(
                "check refuses the catalogue until this is fixed: {at}{}",
                d.message
            ));
        }
    }
    Ok(Imported {
        text,
        root,
        notes,
        counts: (pages, tables, votes.cookies.len()),
    })
}

/// What a site's pages say of the site itself, for a catalogue's `[[site]]`.
#[derive(Debug)]
pub struct SiteFacts {
    /// An id from the folder's name.
    pub id: String,
    /// The folder, relative to the survey's root (`.` for the root itself).
    pub dir: String,
    /// The site's address and how it was found, when a page gives it.
    pub url: Option<(String, String)>,
    /// The languages of its pages (`<html lang>` the tool has words for), most used first.
    pub languages: Vec<String>,
    /// How many pages it has.
    pub pages: usize,
}

/// The sites in `dirs` as their pages describe them, and the folder their `dir`s are relative to.
pub fn survey(dirs: &[PathBuf]) -> Result<(PathBuf, Vec<SiteFacts>), Vec<Diagnostic>> {
    let (root, sites) = read_sites(dirs)?;
    let facts = sites
        .iter()
        .map(|site| SiteFacts {
            id: site.id.clone(),
            dir: site.dir.clone(),
            url: write::url(site),
            languages: vote::page_languages(site),
            pages: site.pages.len(),
        })
        .collect();
    Ok((root, facts))
}

/// Every page of every site folder in `dirs`, read; `Err` holds what could not be read.
fn read_sites(dirs: &[PathBuf]) -> Result<(PathBuf, Vec<SiteInput>), Vec<Diagnostic>> {
    let options = Options {
        sites: dirs.to_vec(),
    };
    let mut errors = Vec::new();
    let mut folders = Vec::new();
    for dir in &options.sites {
        match std::fs::canonicalize(dir) {
            Ok(full) if full.is_dir() => folders.push((dir.clone(), full)),
            Ok(_) => errors.push(bad(
                dir,
                "is not a folder",
                "give the folder that holds one site's pages",
            )),
            Err(e) => errors.push(bad(
                dir,
                &format!("cannot be read: {e}"),
                "give the folder that holds one site's pages",
            )),
        }
    }
    if options.sites.is_empty() {
        errors.push(
            Diagnostic::new(Rule::Io, None, "no site to import")
                .with_help("name each site's folder with --site DIR"),
        );
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let root = common_root(folders.iter().map(|(_, full)| full.as_path()));
    let langs = crate::labels::languages().iter().collect::<Vec<_>>();
    let mut sites: Vec<SiteInput> = Vec::new();
    for (given, full) in &folders {
        let dir = match full.strip_prefix(&root) {
            Ok(rel) if rel.as_os_str().is_empty() => ".".to_owned(),
            Ok(rel) => rel.to_string_lossy().replace('\\', "/"),
            Err(_) => unreachable!("the root holds every site"),
        };
        if sites.iter().any(|s| s.dir == dir) {
            errors.push(bad(given, "is named twice", "name each site's folder once"));
            continue;
        }
        let id = unique_id(&sites, full);
        let mut pages = Vec::new();
        for entry in walkdir::WalkDir::new(full).sort_by_file_name() {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    errors.push(bad(
                        given,
                        &format!("cannot be walked: {e}"),
                        "make every folder of the site readable",
                    ));
                    continue;
                }
            };
            let is_page = entry
                .path()
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| {
                    matches!(e.to_ascii_lowercase().as_str(), "html" | "htm" | "xhtml")
                });
            let display = given.join(entry.path().strip_prefix(full).unwrap_or(entry.path()));
            let display = display.to_string_lossy().replace('\\', "/");
            let odd = entry.file_type().is_symlink()
                || (is_page && !entry.file_type().is_file() && !entry.file_type().is_dir());
            if odd {
                errors.push(
                    Diagnostic::new(
                        Rule::UnsupportedFile,
                        Some(Location::new(display, (1, 1))),
                        format!(
                            "{} in a site folder: import reads regular pages only, so a table behind it would be missing",
                            crate::fsio::kind(&entry.file_type())
                        ),
                    )
                    .with_help("give the folder the pages are really in, or replace the link with the page"),
                );
                continue;
            }
            if !entry.file_type().is_file() || !is_page {
                continue;
            }
            let page = crate::fsio::read(entry.path(), crate::fsio::MAX_TEXT)
                .map_err(|e| e.to_string())
                .and_then(|bytes| read::page(&display, &bytes, &langs));
            match page {
                Ok(page) => pages.push(page),
                Err(reason) => errors.push(
                    Diagnostic::new(
                        Rule::UnsupportedFile,
                        Some(Location::new(display, (1, 1))),
                        format!("cannot read the page: {reason}"),
                    )
                    .with_help(
                        "fix or remove the page: a table on it would be missing from the catalogue",
                    ),
                ),
            }
        }
        sites.push(SiteInput {
            id,
            dir,
            shown: given.display().to_string(),
            pages,
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok((root, sites))
}

fn bad(dir: &Path, what: &str, help: &str) -> Diagnostic {
    Diagnostic::new(
        Rule::Io,
        None,
        format!("site folder `{}` {what}", dir.display()),
    )
    .with_help(help)
}

/// `path` as a user would type it: relative to the working folder when it is inside it.
pub fn as_given(path: &Path) -> PathBuf {
    let here = std::env::current_dir()
        .ok()
        .and_then(|cwd| std::fs::canonicalize(cwd).ok());
    match here.as_deref().and_then(|cwd| path.strip_prefix(cwd).ok()) {
        Some(rel) if rel.as_os_str().is_empty() => PathBuf::from("."),
        Some(rel) => rel.to_path_buf(),
        None => path.to_path_buf(),
    }
}

/// The deepest folder holding every one of `folders`.
fn common_root<'p>(mut folders: impl Iterator<Item = &'p Path>) -> PathBuf {
    let first = folders.next().map(Path::to_path_buf).unwrap_or_default();
    let mut root = first;
    for folder in folders {
        while !folder.starts_with(&root) {
            if !root.pop() {
                break;
            }
        }
    }
    // One site: its own folder is the root, and its `dir` is `.`.
    root
}

/// A site id from its folder's name: lower-case letters, digits and `-`, unique.
fn unique_id(sites: &[SiteInput], folder: &Path) -> String {
    let name = folder
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let mut id: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    id = id.trim_matches('-').to_owned();
    if id.is_empty() {
        id = "site".to_owned();
    }
    let mut unique = id.clone();
    let mut n = 2;
    while sites.iter().any(|s| s.id == unique) {
        unique = format!("{id}-{n}");
        n += 1;
    }
    unique
}
