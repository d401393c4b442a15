//! Replacing the output folder whole or not at all. A build writes into a staging folder beside
//! `--out` and swaps it in with one atomic exchange where the system has one (two renames
//! elsewhere, undone on the next run if a kill falls between them). A lock file beside the output
//! keeps two builds apart, marks the folder as this tool's, and lets each build clear what killed
//! builds left behind.

use std::fs::{self, File, OpenOptions};
use std::path::{Path, PathBuf};

use super::layout::{absolute, io_error};
use crate::diagnostic::{Diagnostic, Rule};
use crate::fsio;

/// An output folder being written: held by this run until it publishes or abandons.
pub(super) struct Output {
    out: PathBuf,
    staging: PathBuf,
    /// Held for the run; the lock ends with the handle.
    _lock: File,
}

/// `<parent>/.<name>.<tag>`, beside the output folder.
fn beside(out: &Path, tag: &str) -> PathBuf {
    let out = absolute(out);
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    out.with_file_name(format!(".{name}.{tag}"))
}

/// The lock file that marks an output folder as written by cookie-ledger (beside it).
pub fn stamp(out: &Path) -> PathBuf {
    beside(out, "cookie-ledger")
}

impl Output {
    /// Takes the output's lock, recovers from a killed build, and creates an empty staging folder.
    pub fn begin(out: &Path) -> Result<Output, Diagnostic> {
        let stamp = stamp(out);
        let populated = fs::read_dir(out).is_ok_and(|mut d| d.next().is_some());
        if populated && !stamp.exists() {
            return Err(Diagnostic::new(
                Rule::UnsafeOutput,
                None,
                format!(
                    "{} already holds files that cookie-ledger did not write; a build replaces the folder whole",
                    out.display()
                ),
            )
            .with_help("remove the folder first if it may go, or choose another --out"));
        }
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&stamp)
            .map_err(|e| io_error(&stamp, "cannot create the lock file", &e))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                return Err(Diagnostic::new(
                    Rule::UnsafeOutput,
                    None,
                    format!("another build is writing {} right now", out.display()),
                )
                .with_help("wait for it to finish, then run again"));
            }
            Err(fs::TryLockError::Error(e)) => {
                return Err(io_error(&stamp, "cannot lock", &e));
            }
        }
        recover(out);
        let staging = beside(out, &format!("staging-{}", std::process::id()));
        fs::create_dir_all(&staging)
            .map_err(|e| io_error(&staging, "cannot create the staging folder", &e))?;
        Ok(Output {
            out: out.to_path_buf(),
            staging,
            _lock: lock,
        })
    }

    /// The folder to write the new output into.
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// Drops what was staged; the output stays as it was.
    pub fn abandon(self) {
        let _ = fs::remove_dir_all(&self.staging);
    }

    /// Puts the staged output in place of the old one, and the inventory at its path; warnings
    /// come back (an old folder that could not be removed), or the error that stopped it with
    /// whether the output was replaced all the same.
    ///
    /// The inventory is written to a temporary file first: when that fails, nothing changes.
    pub fn publish(
        self,
        inventory: Option<(&Path, &[u8])>,
    ) -> Result<Vec<Diagnostic>, (Diagnostic, bool)> {
        let prepared = match inventory {
            Some((path, bytes)) => match fsio::prepare(path, bytes) {
                Ok(temporary) => Some((temporary, path)),
                Err(e) => {
                    self.abandon();
                    let d = io_error(
                        path,
                        "cannot write the inventory, so the output was left as it was:",
                        &e,
                    );
                    return Err((d, false));
                }
            },
            None => None,
        };
        let mut warnings = Vec::new();
        if let Err(e) = self.swap(&mut warnings) {
            if let Some((temporary, _)) = prepared {
                let _ = fs::remove_file(temporary);
            }
            let d = io_error(&self.out, "cannot replace the output folder", &e);
            self.abandon();
            return Err((d, false));
        }
        if let Some((temporary, path)) = prepared
            && let Err(e) = fsio::commit(&temporary, path)
        {
            let d = io_error(
                path,
                "the output was replaced, but the inventory cannot be put in place at",
                &e,
            );
            return Err((d, true));
        }
        Ok(warnings)
    }

    fn swap(&self, warnings: &mut Vec<Diagnostic>) -> std::io::Result<()> {
        if !self.out.exists() {
            return fs::rename(&self.staging, &self.out);
        }
        if fsio::exchange(&self.staging, &self.out)? {
            // The staging path now holds the previous output.
            if let Err(e) = fs::remove_dir_all(&self.staging) {
                warnings.push(leftover(&self.staging, &e));
            }
            return Ok(());
        }
        // No atomic exchange here: two renames, with the old output kept aside until the new one is in.
        let previous = beside(&self.out, &format!("previous-{}", std::process::id()));
        fs::rename(&self.out, &previous)?;
        if let Err(e) = fs::rename(&self.staging, &self.out) {
            let _ = fs::rename(&previous, &self.out);
            return Err(e);
        }
        if let Err(e) = fs::remove_dir_all(&previous) {
            warnings.push(leftover(&previous, &e));
        }
        Ok(())
    }
}

/// Puts back an output a killed build left aside, and removes staging folders killed builds left.
/// Runs under the lock, so no other build is using them.
fn recover(out: &Path) {
    let out = absolute(out);
    let (Some(parent), Some(name)) = (out.parent(), out.file_name()) else {
        return;
    };
    let name = name.to_string_lossy();
    let Ok(siblings) = fs::read_dir(parent) else {
        return;
    };
    let mut previous = Vec::new();
    for entry in siblings.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        if file.starts_with(&format!(".{name}.staging-")) {
            let _ = fs::remove_dir_all(entry.path());
        } else if file.starts_with(&format!(".{name}.previous-")) {
            previous.push(entry.path());
        }
    }
    for old in previous {
        if !out.exists() {
            let _ = fs::rename(&old, &out);
        } else {
            let _ = fs::remove_dir_all(&old);
        }
    }
}

fn leftover(path: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::new(
        Rule::LeftoverOutput,
        None,
        format!(
            "wrote the output but cannot remove the previous one at {}: {e}",
            path.display()
        ),
    )
    .with_help("remove that folder by hand; the new output is complete")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_inventory_that_cannot_be_written_leaves_the_output_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("dist");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("old.html"), "old").unwrap();
        fs::write(stamp(&out), "").unwrap();
        let output = Output::begin(&out).unwrap();
        fs::write(output.staging().join("new.html"), "new").unwrap();
        let missing = dir.path().join("no-such-folder/inventory.json");
        let (error, wrote) = output
            .publish(Some((&missing, b"{}".as_slice())))
            .unwrap_err();
        assert!(!wrote, "{}", error.message);
        assert_eq!(fs::read_to_string(out.join("old.html")).unwrap(), "old");
        assert!(!out.join("new.html").exists());
        let names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(!names.iter().any(|n| n.contains("staging")), "{names:?}");
    }
}
