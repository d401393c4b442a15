//! Reads a copy of the Open Cookie Database (its CSV export) to describe cookies the catalogue does not declare.
//!
//! The database has known errors (it files Django's `sessionid` under Instagram), so it only
//! ever fills in suggestions for undeclared cookies: the catalogue's own declarations win.

use std::path::Path;

use crate::diagnostic::{Diagnostic, Location, Rule};

/// One row of the database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The product that sets it, such as "Google Analytics".
    pub platform: String,
    /// Functional, Analytics, Marketing, Personalization or Security.
    pub category: String,
    /// The cookie's name, or its prefix when `wildcard`.
    pub name: String,
    /// What it does.
    pub description: String,
    /// How long it lives, as the database words it.
    pub retention: String,
    /// Who controls the data.
    pub controller: String,
    /// Whether `name` is a prefix.
    pub wildcard: bool,
}

/// The database, in file order.
#[derive(Clone, Debug, Default)]
pub struct CookieDb {
    entries: Vec<Entry>,
}

const COLUMNS: [&str; 7] = [
    "Platform",
    "Category",
    "Cookie / Data Key name",
    "Description",
    "Retention period",
    "Data Controller",
    "Wildcard match",
];

impl CookieDb {
    /// Reads the CSV at `path`; errors name the file and line.
    pub fn load(path: &Path) -> Result<CookieDb, Diagnostic> {
        let display = path.display().to_string();
        let cannot = |why: String| {
            Diagnostic::new(
                Rule::Io,
                None,
                format!("cannot read cookie database {display}: {why}"),
            )
            .with_help("pass the Open Cookie Database's CSV file with --cookie-db")
        };
        let bytes =
            crate::fsio::read(path, crate::fsio::MAX_TEXT).map_err(|e| cannot(e.to_string()))?;
        let text = String::from_utf8(bytes).map_err(|_| cannot("it is not UTF-8 text".into()))?;
        CookieDb::parse(&text, &display)
    }

    /// Parses CSV `text` from the file shown as `display`.
    pub fn parse(text: &str, display: &str) -> Result<CookieDb, Diagnostic> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(false)
            .from_reader(text.as_bytes());
        let bad = |line: u64, message: String| {
            Diagnostic::new(
                Rule::CookieDbInvalid,
                Some(Location::new(display, (line as usize, 1))),
                message,
            )
            .with_help("use the Open Cookie Database's CSV export, unchanged")
        };
        let headers = reader
            .headers()
            .map_err(|e| bad(1, format!("cannot read the header row: {e}")))?
            .clone();
        let mut index = [0usize; 7];
        for (i, column) in COLUMNS.iter().enumerate() {
            index[i] = headers
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(column))
                .ok_or_else(|| bad(1, format!("the header row has no `{column}` column")))?;
        }
        let mut entries = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line());
                bad(line, format!("not a CSV row: {e}"))
            })?;
            let field = |i: usize| record.get(index[i]).unwrap_or_default().trim().to_owned();
            let name = field(2);
            if name.is_empty() {
                continue;
            }
            entries.push(Entry {
                platform: field(0),
                category: field(1),
                name,
                description: field(3),
                retention: field(4),
                controller: field(5),
                wildcard: matches!(field(6).as_str(), "1" | "true" | "TRUE" | "yes"),
            });
        }
        Ok(CookieDb { entries })
    }

    /// The entry describing `name`: an exact match first, else the longest wildcard prefix.
    pub fn lookup(&self, name: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| !e.wildcard && e.name == name)
            .or_else(|| {
                self.entries
                    .iter()
                    .filter(|e| e.wildcard && name.starts_with(e.name.as_str()))
                    .max_by_key(|e| e.name.len())
            })
    }

    /// The catalogue category a database category most likely is.
    pub fn category(entry: &Entry) -> &'static str {
        match entry.category.to_ascii_lowercase().as_str() {
            "analytics" => "statistics",
            "marketing" => "marketing",
            "personalization" | "functional" => "preferences",
            _ => "necessary",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "ID,Platform,Category,Cookie / Data Key name,Domain,Description,Retention period,Data Controller,User Privacy & GDPR Rights Portals,Wildcard match\n\
        1,Google Analytics,Analytics,_ga,,\"ID used to identify users, per site\",2 years,Google,https://privacy.google.com,0\n\
        2,Google Analytics,Analytics,_ga_,,ID used to identify users,2 years,Google,,1\n\
        3,Instagram,Marketing,sessionid,,Instagram session,1 year,Meta,,0\n";

    #[test]
    fn reads_the_export_and_matches_exact_names_before_prefixes() {
        let db = CookieDb::parse(CSV, "ocd.csv").unwrap();
        assert_eq!(
            db.lookup("_ga").unwrap().description,
            "ID used to identify users, per site"
        );
        let prefix = db.lookup("_ga_ABC123").unwrap();
        assert!(prefix.wildcard);
        assert_eq!(CookieDb::category(prefix), "statistics");
        assert!(db.lookup("_gid").is_none());
    }

    #[test]
    fn a_file_in_another_shape_is_refused_with_its_line() {
        let e = CookieDb::parse("Name,Owner\nx,y\n", "ocd.csv").unwrap_err();
        assert_eq!(e.location.unwrap().to_string(), "ocd.csv:1:1");
        assert!(e.message.contains("no `Platform` column"));
        let e = CookieDb::parse(&format!("{CSV}4,X,Analytics\n"), "ocd.csv").unwrap_err();
        assert_eq!(e.location.unwrap().line, 5);
    }
}
