//! `cookie-ledger import`: writes the catalogue the sites' own tables imply, and says what a
//! person must still write.

use std::io::Write;

use super::args::ImportArgs;
use super::{print, refuse};
use crate::build::{Outcome, Summary};
use crate::report::{self, Format, Style, terminal_text};

/// Runs the command: exit 0 with the catalogue written, 2 on bad input (nothing written).
pub(super) fn run(args: &ImportArgs, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let to_stdout = args.out.as_os_str() == "-";
    if !to_stdout && !args.force && std::fs::symlink_metadata(&args.out).is_ok() {
        return refuse(
            err,
            &format!(
                "{} exists: import never replaces a file unless told; pass --force, or another --out",
                args.out.display()
            ),
        );
    }
    let options = crate::import::Options {
        sites: args.sites.clone(),
    };
    let imported = match crate::import::run(&options) {
        Ok(imported) => imported,
        Err(diagnostics) => {
            let outcome = Outcome::failed(diagnostics, Summary::default());
            let _ = report::write(
                out,
                Format::Human,
                Style::default(),
                "import",
                &outcome,
                Default::default(),
            );
            return outcome.exit as i32;
        }
    };
    let (pages, tables, cookies) = imported.counts;
    let mut summary = String::new();
    for note in &imported.notes {
        summary.push_str(&format!("note: {}\n", terminal_text(note)));
    }
    let shown = if to_stdout {
        "the catalogue".to_owned()
    } else {
        args.out.display().to_string()
    };
    summary.push_str(&format!(
        "import: wrote {}: {cookies} cookie entries from {tables} tables on {pages} pages of {} sites\n\
         check it against the same pages with: cookie-ledger check --catalogue {} --site {}\n",
        terminal_text(&shown),
        args.sites.len(),
        terminal_text(&args.out.display().to_string()),
        terminal_text(&imported.root.display().to_string()),
    ));
    if to_stdout {
        let code = print(out, imported.text.as_bytes());
        let _ = err.write_all(summary.as_bytes());
        return code;
    }
    if let Err(e) = crate::fsio::write_atomically(&args.out, imported.text.as_bytes()) {
        return refuse(err, &format!("cannot write {}: {e}", args.out.display()));
    }
    print(out, summary.as_bytes())
}
