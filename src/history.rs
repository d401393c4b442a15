//! The catalogue as git has it: its text and templates at a revision (for `diff --since`),
//! and the timeline of its changes as visitors read them (for the dashboard).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Serialize;

use crate::catalogue::Catalogue;
use crate::diagnostic::Diagnostic;
use crate::report;

/// The catalogue at a git revision, ready to load.
pub struct Revision {
    text: String,
    /// The name reports give it: `REV:catalogue.toml`.
    shown: String,
    templates: Templates,
    /// What the run must say: templates read from the working tree, not from git.
    pub notes: Vec<String>,
}

impl Revision {
    /// The catalogue `file` (and the templates it names) at git revision `rev`.
    pub fn read(rev: &str, file: &Path) -> Result<Revision, String> {
        let (text, shown, mut templates) = from_git(rev, file)?;
        let notes = std::mem::take(&mut templates.1);
        Ok(Revision {
            text,
            shown,
            templates,
            notes,
        })
    }

    /// Loads it, as `Catalogue::load` loads a file.
    pub fn load(&self) -> Result<Catalogue, Vec<Diagnostic>> {
        Catalogue::parse(&self.text, &self.shown, &self.templates.0)
    }
}

/// One commit that changed the catalogue, and what it changed as visitors read it.
#[derive(Debug, Serialize)]
pub struct Change {
    /// The commit, abbreviated.
    pub commit: String,
    /// Its date (`YYYY-MM-DD`).
    pub date: String,
    /// Its subject line.
    pub subject: String,
    /// Per site and language: what the commit added, removed and changed (empty when its
    /// change shows nowhere, for the file's first commit, or when either side did not load).
    pub sites: Vec<crate::diff::SiteChanges>,
}

/// The last `limit` commits that changed `file`, newest first, each compared with the one
/// before; empty outside a git repository.
pub fn timeline(file: &Path, limit: usize) -> Vec<Change> {
    let folder = folder(file);
    let Some(name) = file.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Vec::new();
    };
    let Ok(output) = Command::new("git")
        .arg("-C")
        .arg(&folder)
        .args(["log", "--format=%h%x1f%ad%x1f%s", "--date=short"])
        .arg(format!("-n{}", limit.saturating_add(1)))
        .arg("--")
        .arg(&name)
        .output()
    else {
        return Vec::new();
    };
    if !output.status.success() {
        return Vec::new();
    }
    let commits: Vec<(String, String, String)> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| {
            let mut parts = line.splitn(3, '\u{1f}');
            Some((
                parts.next()?.to_owned(),
                parts.next()?.to_owned(),
                parts.next().unwrap_or_default().to_owned(),
            ))
        })
        .collect();
    let load = |commit: &str| {
        Revision::read(commit, file)
            .ok()
            .and_then(|r| r.load().ok())
    };
    let loaded: Vec<Option<Catalogue>> = commits.iter().map(|(c, _, _)| load(c)).collect();
    commits
        .iter()
        .take(limit)
        .enumerate()
        .map(|(i, (commit, date, subject))| {
            let sites = match (loaded.get(i + 1), &loaded[i]) {
                (Some(Some(before)), Some(after)) => crate::diff::compare(before, after),
                _ => Vec::new(),
            };
            Change {
                commit: commit.clone(),
                date: date.clone(),
                subject: subject.clone(),
                sites,
            }
        })
        .collect()
}

/// The folder holding `file`, where git runs.
fn folder(file: &Path) -> PathBuf {
    file.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf()
}

/// The text of `file` at git revision `rev`, the name reports give it, and a folder holding
/// the site templates it names as they were at `rev` (removed when dropped).
fn from_git(rev: &str, file: &Path) -> Result<(String, String, Templates), String> {
    if rev.trim().is_empty() || rev.starts_with('-') {
        return Err(format!("`{rev}` is not a git revision"));
    }
    let folder = folder(file);
    let name = file
        .file_name()
        .ok_or_else(|| format!("{} names no file", file.display()))?
        .to_string_lossy()
        .into_owned();
    let output = Command::new("git")
        .arg("-C")
        .arg(&folder)
        .arg("show")
        .arg(format!("{rev}:./{name}"))
        .output()
        .map_err(|e| format!("cannot run git to read {name} at {rev}: {e}"))?;
    if !output.status.success() {
        let said = String::from_utf8_lossy(&output.stderr);
        return Err(format!(
            "git cannot give {name} at {rev}: {}",
            report::terminal_text(said.trim())
        ));
    }
    let text =
        String::from_utf8(output.stdout).map_err(|_| format!("{name} at {rev} is not UTF-8"))?;
    let templates = Templates::at(rev, &folder, &text)?;
    Ok((text, format!("{rev}:{name}"), templates))
}

/// A temporary folder holding a revision's site templates at their paths, removed on drop,
/// and what the run must say about them.
struct Templates(PathBuf, Vec<String>);

impl Templates {
    /// Writes each template the catalogue `text` names, as git has it at `rev` in `folder`.
    fn at(rev: &str, folder: &Path, text: &str) -> Result<Templates, String> {
        let mut templates = Templates(private_folder()?, Vec::new());
        // A catalogue that does not parse is reported by the load, with its place.
        let named: Vec<String> = toml::from_str::<toml::Table>(text)
            .ok()
            .and_then(|t| t.get("site")?.as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|s| s.get("template")?.as_str().map(str::to_owned))
            .collect();
        for template in named {
            let relative = Path::new(&template);
            // The load refuses a template outside the catalogue's folder, at its line.
            let inside = relative
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
            if !inside {
                continue;
            }
            let output = Command::new("git")
                .arg("-C")
                .arg(folder)
                .arg("show")
                .arg(format!("{rev}:./{template}"))
                .output()
                .map_err(|e| format!("cannot run git to read {template} at {rev}: {e}"))?;
            let bytes = if output.status.success() {
                output.stdout
            } else {
                // A template never committed is the working tree's, and the run says so.
                let here = folder.join(relative);
                match std::fs::read(&here) {
                    Ok(bytes) => {
                        templates.1.push(format!(
                            "note: {template} is not in git at {rev}; the old catalogue is compared with the working tree's copy"
                        ));
                        bytes
                    }
                    Err(_) => {
                        let said = String::from_utf8_lossy(&output.stderr);
                        return Err(format!(
                            "git cannot give the template {template} at {rev}: {}",
                            report::terminal_text(said.trim())
                        ));
                    }
                }
            };
            let path = templates.0.join(relative);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("cannot make {}: {e}", parent.display()))?;
            }
            std::fs::write(&path, bytes)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
        Ok(templates)
    }
}

/// A new folder in the system's temporary folder that only this user can enter: never one that
/// was there before (a name another user made, or a link they planted, is passed over).
fn private_folder() -> Result<PathBuf, String> {
    static COUNT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    let mut last = None;
    for _ in 0..16 {
        let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir = std::env::temp_dir().join(format!(
            "cookie-ledger-history-{}-{n}-{nanos:x}",
            std::process::id()
        ));
        match builder.create(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(format!("cannot make {}: {e}", dir.display())),
        }
    }
    Err(format!(
        "cannot make a folder of its own in {}: {}",
        std::env::temp_dir().display(),
        last.map(|e| e.to_string()).unwrap_or_default()
    ))
}

impl Drop for Templates {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
