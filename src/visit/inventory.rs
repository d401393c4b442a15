//! `audit --inventory FILE`: the audit's inventory, written whole or not at all, and never over
//! a file the run reads, inside the audited folder, or that is not an inventory this tool wrote.

use std::io::Write;
use std::path::Path;

use crate::build::{Outcome, absolute};
use crate::catalogue::Catalogue;
use crate::diagnostic::{Diagnostic, Rule};
use crate::scan::services::Services;

/// Whether the inventory may be written at `path`, said before the audit starts; `site` is the
/// audited folder.
pub(super) fn check(catalogue: &Catalogue, path: &Path, site: &Path) -> Result<(), Diagnostic> {
    let shown = path.display();
    let refuse = |message: String| {
        Diagnostic::new(Rule::UnsafeOutput, None, message)
            .with_help("choose another --inventory, such as audit-inventory.json beside the output")
    };
    let target = absolute(path);
    if catalogue.inputs.iter().any(|i| absolute(i) == target) {
        return Err(refuse(format!(
            "the inventory {shown} is a file this run reads; writing it would lose that file"
        )));
    }
    if target.starts_with(absolute(site)) {
        return Err(refuse(format!(
            "the inventory {shown} lies inside the audited folder, whose pages it would join"
        )));
    }
    if target.is_dir() {
        return Err(refuse(format!("the inventory {shown} is a folder")));
    }
    if target.exists() && !crate::build::is_inventory(&target) {
        return Err(refuse(format!(
            "{shown} exists and is not an inventory cookie-ledger wrote; writing it would lose that file"
        )));
    }
    match path.parent().filter(|f| !f.as_os_str().is_empty()) {
        Some(folder) if !folder.is_dir() => Err(Diagnostic::new(
            Rule::Io,
            None,
            format!("the inventory's folder {} does not exist", folder.display()),
        )
        .with_help("create it, or choose another --inventory")),
        _ => Ok(()),
    }
}

/// Writes the inventory of `outcome` to `path`, which [`check`] allowed.
pub(super) fn write(
    catalogue: &Catalogue,
    outcome: &Outcome,
    path: &Path,
) -> Result<(), Diagnostic> {
    let shown = path.display();
    let folder = path
        .parent()
        .filter(|f| !f.as_os_str().is_empty())
        .map_or_else(|| std::path::PathBuf::from("."), Path::to_path_buf);
    let services = Services::new(catalogue.services.clone());
    let document =
        crate::inventory::audit_document(catalogue, &services, &outcome.inventory, &outcome.stored);
    let text = serde_json::to_string_pretty(&document).unwrap_or_default() + "\n";
    let cannot = |e: std::io::Error| {
        Diagnostic::new(
            Rule::Io,
            None,
            format!("cannot write the inventory {shown}: {e}"),
        )
        .with_help("check that its folder is writable")
    };
    // A temporary sibling renamed into place: the inventory is whole or not there.
    let mut file = tempfile::NamedTempFile::new_in(&folder).map_err(cannot)?;
    file.write_all(text.as_bytes()).map_err(cannot)?;
    // Readable as any file the tool writes, not only by its owner as a temporary file is.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(file.path(), std::fs::Permissions::from_mode(0o644))
            .map_err(cannot)?;
    }
    file.persist(path).map_err(|e| cannot(e.error))?;
    Ok(())
}
