//! `cookie-ledger report`: a check of the site, drawn as the declaration at a glance.

use std::io::Write;
use std::path::Path;

use super::args::{DashboardArgs, DashboardFormat};
use super::{print, refuse};
use crate::build::{self, Options};
use crate::catalogue::Catalogue;
use crate::config::{Config, Key};
use crate::dashboard::{self, Inputs, Links, Measured};

/// Runs the command: the page (or its data) written, then the check's exit code (0 clean,
/// 1 drift, 2 bad input), so CI keeps the page as an artifact and still fails on drift.
pub(super) fn report(
    args: DashboardArgs,
    config: &Config,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let (catalogue_path, site) = match (
        config.path(Key::Catalogue, args.catalogue),
        config.path(Key::Site, args.site),
    ) {
        (Ok(catalogue), Ok(site)) => (catalogue, site),
        (Err(message), _) | (_, Err(message)) => return refuse(err, &message),
    };
    if let Some(file) = &args.out
        && absolute(file).starts_with(absolute(&site))
    {
        return refuse(
            err,
            &format!(
                "--out {} lies inside the site {}, whose pages it would join; write the report beside the site",
                file.display(),
                site.display()
            ),
        );
    }
    let measured = match &args.audit_inventory {
        Some(path) => match read_inventory(path) {
            Ok(measured) => measured,
            Err(message) => return refuse(err, &message),
        },
        None => Vec::new(),
    };
    let outcome = build::run(&Options::check(&catalogue_path, &site));
    let catalogue = Catalogue::load(&catalogue_path).ok();
    let timeline = if args.history > 0 && catalogue.is_some() {
        crate::history::timeline(&catalogue_path, args.history)
    } else {
        Vec::new()
    };
    let inputs = Inputs {
        catalogue: catalogue.as_ref(),
        outcome: &outcome,
        measured: &measured,
        timeline: &timeline,
        links: Links::Files,
        generator: "cookie-ledger report",
    };
    let text = match args.format {
        DashboardFormat::Html => dashboard::html(&inputs),
        DashboardFormat::Json => {
            let mut json = serde_json::to_string_pretty(&dashboard::context(&inputs))
                .expect("the dashboard's data serialises");
            json.push('\n');
            json
        }
    };
    let written = match &args.out {
        Some(file) => match crate::fsio::write_atomically(file, text.as_bytes()) {
            Ok(()) => 0,
            Err(e) => return refuse(err, &format!("cannot write {}: {e}", file.display())),
        },
        None => print(out, text.as_bytes()),
    };
    if written == 0 {
        outcome.exit as i32
    } else {
        written
    }
}

/// What an audit's inventory says was stored; its error names the file and what is wrong.
fn read_inventory(path: &Path) -> Result<Vec<Measured>, String> {
    let bytes = crate::fsio::read(path, 256 * 1024 * 1024)
        .map_err(|e| format!("cannot read the audit inventory {}: {e}", path.display()))?;
    let document: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
        format!(
            "{}:{}:{}: the audit inventory is not JSON: {e}; give the file `cookie-ledger audit --inventory FILE` wrote",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    if document["generator"] != "cookie-ledger" || !document["sites"].is_array() {
        return Err(format!(
            "{} is not an inventory cookie-ledger wrote; give the file `cookie-ledger audit --inventory FILE` wrote",
            path.display()
        ));
    }
    Ok(Measured::from_inventory(&document))
}

fn absolute(path: &Path) -> std::path::PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}
