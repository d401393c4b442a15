//! `cookie-ledger diff`: two catalogues, from files or a git revision, compared as visitors
//! read them.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::args::{DiffArgs, DiffFormat};
use super::{print, refuse};
use crate::build::{Outcome, Summary};
use crate::catalogue::Catalogue;
use crate::config::{Config, Key};
use crate::report::{self, Format, Style};

/// Runs the command; exit 0 with the changes (none is a result too), 2 on bad input.
pub(super) fn run(
    args: &DiffArgs,
    config: &Config,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let project = || config.path(Key::Catalogue, args.catalogue.clone());
    let (old, new) = match (&args.since, &args.old, &args.new) {
        (Some(_), Some(_), Some(_)) => {
            return refuse(
                err,
                "with --since, give at most one catalogue file: the new one (the old one is read from git)",
            );
        }
        (Some(rev), file, None) => {
            let new = match file.clone().map_or_else(project, Ok) {
                Ok(path) => path,
                Err(message) => return refuse(err, &message),
            };
            let old = match from_git(rev, &new) {
                Ok(old) => old,
                Err(message) => return refuse(err, &message),
            };
            for note in &old.2.1 {
                let _ = writeln!(err, "{}", report::terminal_text(note));
            }
            (Source::Text(old), new)
        }
        (None, Some(old), new) => {
            let new = match new.clone().map_or_else(project, Ok) {
                Ok(path) => path,
                Err(message) => return refuse(err, &message),
            };
            (Source::File(old.clone()), new)
        }
        (None, None, _) | (Some(_), None, Some(_)) => {
            return refuse(
                err,
                "give the old catalogue: a file (cookie-ledger diff OLD [NEW]) or a git revision (cookie-ledger diff --since v1.2)",
            );
        }
    };
    // A catalogue that does not load is reported in the asked format (JSON for a script).
    let format = match args.format {
        DiffFormat::Json => Format::Json,
        DiffFormat::Human | DiffFormat::Markdown => Format::Human,
    };
    let old = match old.load() {
        Ok(c) => c,
        Err(outcome) => return failed(out, format, &outcome),
    };
    let new = match Catalogue::load(&new) {
        Ok(c) => c,
        Err(diagnostics) => {
            return failed(
                out,
                format,
                &Outcome::failed(diagnostics, Summary::default()),
            );
        }
    };
    let changes = crate::diff::compare(&old, &new);
    let text = match args.format {
        DiffFormat::Human => crate::diff::human(&changes),
        DiffFormat::Markdown => crate::diff::markdown(&changes),
        DiffFormat::Json => {
            let mut json = serde_json::to_string_pretty(&serde_json::json!({ "changes": changes }))
                .expect("changes serialise");
            json.push('\n');
            json
        }
    };
    print(out, text.as_bytes())
}

/// Where the old catalogue comes from.
enum Source {
    File(PathBuf),
    /// Its text from git, with the name reports give it and its templates at that revision.
    Text((String, String, Templates)),
}

impl Source {
    fn load(self) -> Result<Catalogue, Outcome> {
        match self {
            Source::File(path) => Catalogue::load(&path),
            Source::Text((text, shown, templates)) => Catalogue::parse(&text, &shown, &templates.0),
        }
        .map_err(|diagnostics| Outcome::failed(diagnostics, Summary::default()))
    }
}

/// The text of `file` at git revision `rev`, the name reports give it, and a folder holding
/// the site templates it names as they were at `rev` (removed when dropped).
fn from_git(rev: &str, file: &Path) -> Result<(String, String, Templates), String> {
    if rev.trim().is_empty() || rev.starts_with('-') {
        return Err(format!("`{rev}` is not a git revision"));
    }
    let folder = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
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
        static COUNT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("cookie-ledger-diff-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
        let mut templates = Templates(dir, Vec::new());
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

impl Drop for Templates {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Reports a catalogue that could not be read, as `check` would.
fn failed(out: &mut dyn Write, format: Format, outcome: &Outcome) -> i32 {
    let _ = report::write(
        out,
        format,
        Style::default(),
        "diff",
        outcome,
        Default::default(),
    );
    outcome.exit as i32
}
