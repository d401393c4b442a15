//! The commands that do not build or check: the rule table and docs, export, the audit and the
//! preview.

use std::io::Write;

#[cfg(feature = "audit")]
use super::args::{Color, NetworkArg};
#[cfg(feature = "audit")]
use super::deliver;
use super::{AuditArgs, ExportArgs, ServeArgs, print, refuse};
use crate::build;
use crate::config::{Config, Key};
#[cfg(feature = "audit")]
use crate::diagnostic::Policy;
use crate::diagnostic::{ExitCode, Rule};
use crate::report::{self, Format, Style};

/// The rule table, aligned: id, class, severity when no flag says otherwise, how to waive it.
pub(super) fn rules(out: &mut dyn Write) -> i32 {
    let rows: Vec<[String; 5]> = Rule::ALL
        .iter()
        .map(|&rule| {
            [
                rule.id().to_owned(),
                rule.class().word().to_owned(),
                rule.level().word().to_owned(),
                rule.waiver_words(),
                rule.explanation().to_owned(),
            ]
        })
        .collect();
    let header = [
        "rule",
        "class",
        "severity",
        "waivable per",
        "what it checks",
    ]
    .map(String::from);
    let mut widths = [0; 4];
    for row in std::iter::once(&header).chain(&rows) {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut table = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        for (width, cell) in widths.iter().zip(row) {
            table.push_str(&format!("{cell:<width$}  "));
        }
        table.push_str(&row[4]);
        table.push('\n');
    }
    print(out, table.as_bytes())
}

/// The long doc of `rule`, as `cookie-ledger rule ID` prints it.
pub(super) fn explain(rule: Rule, out: &mut dyn Write) -> i32 {
    print(out, rule.page().as_bytes())
}

pub(super) fn export(
    args: &ExportArgs,
    config: &Config,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let (path, folder) = match (
        config.path(Key::Catalogue, args.catalogue.clone()),
        config.path(Key::Declarations, args.out.clone()),
    ) {
        (Ok(path), Ok(folder)) => (path, folder),
        (Err(message), _) | (_, Err(message)) => return refuse(err, &message),
    };
    let catalogue = match crate::catalogue::Catalogue::load(&path) {
        Ok(c) => c,
        Err(diagnostics) => {
            let outcome = build::Outcome::failed(diagnostics, build::Summary::default());
            let _ = report::write(
                out,
                Format::Human,
                Style::default(),
                "export",
                &outcome,
                Default::default(),
            );
            return outcome.exit as i32;
        }
    };
    let files = crate::export::files(&catalogue);
    match crate::export::write(&folder, &catalogue, &files) {
        Ok(()) => {
            let _ = writeln!(
                out,
                "export: wrote {} files to {}",
                files.len(),
                report::terminal_text(&folder.display().to_string())
            );
            0
        }
        Err(message) => refuse(err, &message),
    }
}

/// A browser the audit shares with other runs, if the caller keeps one.
#[cfg(feature = "audit")]
pub(super) type Shared<'a> = Option<&'a crate::visit::Auditor>;
/// Nothing: there is no audit to share a browser with.
#[cfg(not(feature = "audit"))]
pub(super) type Shared<'a> = Option<&'a std::convert::Infallible>;

#[cfg(not(feature = "audit"))]
pub(super) fn audit(
    _: AuditArgs,
    _: &Config,
    _: &mut dyn Write,
    err: &mut dyn Write,
    _: &super::Place<'_>,
    _: Shared<'_>,
) -> i32 {
    refuse(
        err,
        "this cookie-ledger was built without the audit (cargo feature `audit`); install it with the default features to use `audit`",
    )
}

#[cfg(feature = "audit")]
pub(super) fn audit(
    args: AuditArgs,
    config: &Config,
    out: &mut dyn Write,
    err: &mut dyn Write,
    place: &super::Place<'_>,
    browser: Shared<'_>,
) -> i32 {
    if args.format == Format::Shard {
        return refuse(
            err,
            "--format shard is check's (a share of the files for `cookie-ledger merge`); an audit reports in human, json, github or sarif",
        );
    }
    let catalogue = match config.path(Key::Catalogue, args.catalogue) {
        Ok(path) => path,
        Err(message) => return refuse(err, &message),
    };
    let site = match args.site.or_else(|| config.given(Key::Out, None)) {
        Some(site) => site,
        None => {
            return refuse(
                err,
                "no built site given: pass --site DIR, set COOKIE_LEDGER_OUT, or write `out = \"...\"` in cookie-ledger.toml",
            );
        }
    };
    let options = crate::visit::Options {
        catalogue,
        site,
        chrome: args.chrome,
        network: match args.network {
            NetworkArg::Live => crate::visit::route::Network::Live,
            NetworkArg::Offline => crate::visit::route::Network::Offline,
        },
        fixtures: args.fixtures,
        buttons: crate::visit::Buttons {
            accept: args.accept,
            refuse: args.refuse,
        },
        policy: Policy {
            strict: args.strict,
            allow: args.allow,
            warn: args.warn,
            deny: args.deny,
        },
        all_pages: args.pages == super::args::PagesArg::All,
        only: None,
        inventory: args.inventory,
    };
    if let Some(message) = super::contradiction(&options.policy) {
        return refuse(err, &message);
    }
    let started = std::time::Instant::now();
    let outcome = match browser {
        Some(auditor) => auditor.audit(&options),
        None => crate::visit::run(&options),
    };
    let style = Style {
        color: match args.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => place.terminal,
        },
        ..Style::default()
    };
    deliver(
        out,
        err,
        args.format,
        style,
        "audit",
        &outcome,
        started.elapsed(),
        place.ci,
    )
}

#[cfg(not(feature = "serve"))]
pub(super) fn serve(_: ServeArgs, _: &Config, _: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let _ = writeln!(
        err,
        "error: this cookie-ledger was built without the preview (cargo feature `serve`); install it with the default features to use `serve`"
    );
    ExitCode::BadInput as i32
}

#[cfg(feature = "serve")]
pub(super) fn serve(
    args: ServeArgs,
    config: &Config,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let (catalogue, site) = match (
        config.path(Key::Catalogue, args.catalogue),
        config.path(Key::Site, args.site),
    ) {
        (Ok(catalogue), Ok(site)) => (catalogue, site),
        (Err(message), _) | (_, Err(message)) => return refuse(err, &message),
    };
    let options = crate::serve::ServeOptions {
        catalogue,
        site,
        out: args.out,
        cache: args.cache.folder(),
        live_audit: !args.no_audit,
        host: args.host,
        port: args.port,
        stop: None,
        header_timeout: crate::serve::HEADER_TIMEOUT,
    };
    let (log, lines) = std::sync::mpsc::channel();
    let server = std::thread::spawn(move || crate::serve::run(options, log));
    // The server's threads send their lines here: this thread alone writes, flushing each so pipes see it at once.
    for line in lines {
        let _ = match line {
            crate::serve::Log::Out(text) => {
                writeln!(out, "{}", report::terminal_text(&text)).and_then(|()| out.flush())
            }
            crate::serve::Log::Err(text) => {
                writeln!(err, "{}", report::terminal_text(&text)).and_then(|()| err.flush())
            }
        };
    }
    server.join().unwrap_or(ExitCode::BadInput as i32)
}
