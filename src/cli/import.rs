//! `cookie-ledger import` and `init`: each writes a new catalogue (from the sites' own tables,
//! or from what their pages set) and says what a person must still write.

use std::io::Write;
use std::path::PathBuf;

use super::args::{ImportArgs, InitArgs};
use super::{print, refuse};
use crate::build::{Outcome, Summary};
use crate::diagnostic::Diagnostic;
use crate::report::{self, Format, Style, terminal_text};

/// A catalogue a command made, and what to tell its user.
struct Made {
    text: String,
    root: PathBuf,
    notes: Vec<String>,
    what: String,
}

/// Runs `import`: exit 0 with the catalogue written, 2 on bad input (nothing written).
pub(super) fn run(args: &ImportArgs, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    deliver("import", args, out, err, || {
        let options = crate::import::Options {
            sites: args.sites.clone(),
        };
        crate::import::run(&options).map(|imported| {
            let (pages, tables, cookies) = imported.counts;
            Made {
                what: format!(
                    "{cookies} cookie entries from {tables} tables on {pages} pages of {} sites",
                    args.sites.len()
                ),
                text: imported.text,
                root: imported.root,
                notes: imported.notes,
            }
        })
    })
}

/// Runs `init`: exit 0 with the catalogue written, 2 on bad input (nothing written).
pub(super) fn init(init: &InitArgs, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let args = &init.output;
    #[cfg(not(feature = "audit"))]
    if init.audit {
        return refuse(
            err,
            "this cookie-ledger was built without the browser audit (cargo feature `audit`); init --audit needs it",
        );
    }
    let options = crate::init::Options {
        sites: args.sites.clone(),
        #[cfg(feature = "audit")]
        browse: init.audit.then(|| crate::init::Browse {
            chrome: init.chrome.clone(),
            network: match init.network {
                super::args::NetworkArg::Live => crate::visit::route::Network::Live,
                super::args::NetworkArg::Offline => crate::visit::route::Network::Offline,
            },
            fixtures: init.fixtures.clone(),
        }),
    };
    deliver("init", args, out, err, || {
        crate::init::run(&options).map(|started| Made {
            what: format!(
                "{} cookie entries found on {} sites, with TODO where a person must write",
                started.cookies,
                args.sites.len()
            ),
            text: started.text,
            root: started.root,
            notes: started.notes,
        })
    })
}

/// Makes the catalogue unless `--out` would replace a file, and writes it whole or not at all.
fn deliver(
    command: &str,
    args: &ImportArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
    make: impl FnOnce() -> Result<Made, Vec<Diagnostic>>,
) -> i32 {
    let to_stdout = args.out.as_os_str() == "-";
    if let Some(message) = (!to_stdout).then(|| unsafe_out(args)).flatten() {
        return refuse(err, &message);
    }
    if !to_stdout && !args.force && std::fs::symlink_metadata(&args.out).is_ok() {
        return refuse(
            err,
            &format!(
                "{} exists: {command} never replaces a file unless told; pass --force, or another --out",
                args.out.display()
            ),
        );
    }
    let made = match make() {
        Ok(made) => made,
        Err(diagnostics) => {
            let outcome = Outcome::failed(diagnostics, Summary::default());
            let _ = report::write(
                out,
                Format::Human,
                Style::default(),
                command,
                &outcome,
                Default::default(),
            );
            return outcome.exit as i32;
        }
    };
    let mut summary = String::new();
    for note in &made.notes {
        summary.push_str(&format!("note: {}\n", terminal_text(note)));
    }
    let shown = if to_stdout {
        "the catalogue".to_owned()
    } else {
        args.out.display().to_string()
    };
    summary.push_str(&format!(
        "{command}: wrote {}: {}\ncheck it with: cookie-ledger check --catalogue {} --site {}\n",
        terminal_text(&shown),
        made.what,
        terminal_text(&super::shell_word(&args.out)),
        terminal_text(&super::shell_word(&crate::import::as_given(&made.root))),
    ));
    if to_stdout {
        let code = print(out, made.text.as_bytes());
        let _ = err.write_all(summary.as_bytes());
        return code;
    }
    if let Err(e) = crate::fsio::write_atomically(&args.out, made.text.as_bytes()) {
        return refuse(err, &format!("cannot write {}: {e}", args.out.display()));
    }
    print(out, summary.as_bytes())
}

/// Why `--out` must not be written even with `--force`: a page of a site being read, or
/// something other than a file (a folder, a FIFO, a device).
fn unsafe_out(args: &ImportArgs) -> Option<String> {
    if let Ok(meta) = std::fs::symlink_metadata(&args.out)
        && !meta.is_file()
        && !meta.file_type().is_symlink()
    {
        return Some(format!(
            "{} is {}, not a file: --out names the catalogue file to write",
            args.out.display(),
            crate::fsio::kind(&meta.file_type())
        ));
    }
    // The folder --out would be written in, resolved, against each site's folder.
    let parent = args
        .out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let folder = std::fs::canonicalize(parent).ok()?;
    args.sites
        .iter()
        .filter_map(|site| std::fs::canonicalize(site).ok())
        .find(|site| folder.starts_with(site))
        .map(|site| {
            format!(
                "{} is inside the site folder {}: the catalogue is not written among the pages it was read from",
                args.out.display(),
                site.display()
            )
        })
}
