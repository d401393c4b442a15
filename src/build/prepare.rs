//! What every run reads and decides before any file goes through its pass: the catalogue's
//! date, the cookie database, the rendered tables, the folders and the walk.

use std::path::PathBuf;

use super::layout::{Entry, Layout};
use super::{Mode, Options, Outcome, Summary};
use crate::catalogue::Catalogue;
use crate::diagnostic::Diagnostic;
use crate::render::Tables;
use crate::scan::{self, services::Services};

/// What every run reads and decides before any file goes through its pass.
pub(super) struct Prepared {
    pub(super) catalogue: Catalogue,
    pub(super) services: Services,
    pub(super) tables: Tables,
    pub(super) cookie_db: Option<scan::cookie_db::CookieDb>,
    pub(super) layout: Layout,
    /// Every folder and file of the site, in walk order.
    pub(super) entries: Vec<Entry>,
    /// Findings of the walk itself.
    pub(super) walk: Vec<Diagnostic>,
    /// What the run compares with, said once.
    pub(super) notes: Vec<String>,
    /// The output folder a check compares with.
    pub(super) compare_with: Option<PathBuf>,
    /// Counts known before the pass.
    pub(super) summary: Summary,
}

impl Prepared {
    /// Reads the catalogue's date, the cookie database and the site's folders, renders the
    /// tables and walks the site; `Err` when a run cannot start.
    pub(super) fn new(options: &Options, mut catalogue: Catalogue) -> Result<Prepared, Outcome> {
        catalogue.updated = options
            .updated
            .clone()
            .or_else(|| crate::catalogue::changed::from_git(&options.catalogue));
        let summary = Summary {
            sites: catalogue.sites.len(),
            cookies: catalogue.cookies.len(),
            ..Summary::default()
        };
        let fail = |d: Diagnostic| Outcome::failed(vec![d], summary.clone());
        let cookie_db = options
            .cookie_db
            .as_deref()
            .map(scan::cookie_db::CookieDb::load)
            .transpose()
            .map_err(fail)?;
        let services = Services::new(catalogue.services.clone());
        let tables = Tables::render(&catalogue)
            .map_err(|errors| Outcome::failed(errors, summary.clone()))?;
        let layout = Layout::new(options, &catalogue).map_err(fail)?;
        let (entries, walk) = layout.walk();
        let mut notes = Vec::new();
        let compare_with = match (options.mode, layout.out.as_deref()) {
            (Mode::Check, Some(out)) if out.is_dir() => {
                notes.push(format!(
                    "compared with the output folder {}",
                    layout.out_display
                ));
                Some(out.to_path_buf())
            }
            (Mode::Check, Some(_)) => {
                notes.push(format!(
                    "no output folder at {}: nothing to compare",
                    layout.out_display
                ));
                None
            }
            (Mode::Check, None) | (Mode::Build, _) => None,
        };
        Ok(Prepared {
            catalogue,
            services,
            tables,
            cookie_db,
            layout,
            entries,
            walk,
            notes,
            compare_with,
            summary,
        })
    }
}
