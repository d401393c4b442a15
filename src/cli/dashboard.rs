//! `cookie-ledger report`: a check of the site, drawn as the declaration at a glance.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::args::{DashboardArgs, DashboardFormat};
use super::{print, refuse};
use crate::build::{self, Options};
use crate::catalogue::Catalogue;
use crate::config::{Config, Key};
use crate::dashboard::{self, Inputs, Links, Measured};
use crate::diagnostic::ExitCode;

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
    let catalogue = Catalogue::load(&catalogue_path).ok();
    if let Some(file) = &args.out {
        let mut inputs = vec![catalogue_path.clone()];
        inputs.extend(args.audit_inventory.clone());
        inputs.extend(
            catalogue
                .iter()
                .flat_map(|c| &c.sites)
                .filter_map(|s| s.template.as_ref())
                .map(|(path, _)| PathBuf::from(path)),
        );
        if let Some(message) = lands_badly(file, &site, &inputs) {
            return refuse(err, &message);
        }
    }
    let measured = match &args.audit_inventory {
        Some(path) => match read_inventory(path) {
            Ok(measured) => measured,
            Err(message) => return refuse(err, &message),
        },
        None => Vec::new(),
    };
    // The same run `check` makes: with the project's output folder compared, when it has one.
    let mut outcome = build::run(&Options {
        out: super::project_output(config, Some(&site)),
        ..Options::check(&catalogue_path, &site)
    });
    // What the audit saw stored and the catalogue does not declare is drift here too.
    outcome.diagnostics.extend(
        measured
            .iter()
            .filter(|m| !m.declared)
            .map(Measured::undeclared),
    );
    outcome.exit = ExitCode::of(&outcome.diagnostics);
    let timeline = if args.history > 0 && catalogue.is_some() {
        crate::history::timeline(&catalogue_path, args.history.min(MAX_HISTORY))
    } else {
        Vec::new()
    };
    // Links to pages are relative to the page written, wherever it is.
    let links = Links::Files {
        base: args
            .out
            .as_deref()
            .map(to_working_folder)
            .unwrap_or_default(),
    };
    let inputs = Inputs {
        catalogue: catalogue.as_ref(),
        outcome: &outcome,
        measured: &measured,
        timeline: &timeline,
        links,
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
        Some(file) => match file
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| crate::fsio::write_atomically(file, text.as_bytes()))
        {
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

/// The most commits the page shows.
const MAX_HISTORY: usize = 1000;

/// Why the page must not be written at `file`: into the site (its pages would gain one), or
/// over an input of the run (the catalogue, a template, the audit's inventory).
fn lands_badly(file: &Path, site: &Path, inputs: &[PathBuf]) -> Option<String> {
    let target = real(file);
    let site_real = site.canonicalize().unwrap_or_else(|_| real(site));
    if target.starts_with(&site_real) {
        return Some(format!(
            "--out {} lies inside the site {}, whose pages it would join; write the report beside the site",
            file.display(),
            site.display()
        ));
    }
    inputs
        .iter()
        .find(|input| input.canonicalize().is_ok_and(|i| i == target))
        .map(|input| {
            format!(
                "--out {} is {}, an input of the report, which writing would lose; choose another file",
                file.display(),
                input.display()
            )
        })
}

/// Where `path` really is, or would be once written: the longest part of it that exists with
/// every link followed, then the rest with `.` and `..` resolved as the folders are made.
fn real(path: &Path) -> PathBuf {
    use std::path::Component;
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let parts: Vec<Component> = absolute.components().collect();
    // The longest leading part that exists, with its links followed.
    let (mut base, taken) = (1..=parts.len())
        .rev()
        .find_map(|n| {
            let prefix: PathBuf = parts[..n].iter().collect();
            prefix.canonicalize().ok().map(|found| (found, n))
        })
        .unwrap_or_default();
    for part in &parts[taken..] {
        match part {
            Component::ParentDir => {
                base.pop();
            }
            Component::CurDir => {}
            other => base.push(other),
        }
    }
    base
}

/// The way from the folder holding `file` back to the working folder, as a link prefix
/// (`../` for `reports/page.html`; empty beside it).
fn to_working_folder(file: &Path) -> String {
    let (Ok(here), Some(folder)) = (
        std::env::current_dir().and_then(|d| d.canonicalize()),
        real(file).parent().map(Path::to_path_buf),
    ) else {
        return String::new();
    };
    let common = here
        .components()
        .zip(folder.components())
        .take_while(|(a, b)| a == b)
        .count();
    let up = folder.components().count() - common;
    let down: Vec<String> = here
        .components()
        .skip(common)
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let mut prefix = "../".repeat(up);
    for part in down {
        prefix.push_str(&part);
        prefix.push('/');
    }
    prefix
}
