//! The words the tool itself puts in a table, per language: column headers, duration units and
//! the kinds of storage.
//!
//! The first header of each column is the one rendered; the others are wordings that
//! hand-written tables on real sites use, so the tool can recognise them.

use serde::Serialize;

use crate::storage::Storage;

/// A column of a cookie table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    /// Who provides the service that sets the cookie.
    Provider,
    /// What the cookie serves and where it is used.
    Function,
    /// The cookie's name or names.
    Names,
    /// Why it is set.
    Purpose,
    /// How long it lives.
    Duration,
    /// Where it is stored (cookie, local storage, ...): rendered when a site declares more
    /// than cookies.
    Kind,
}

impl Column {
    /// Every column.
    pub const ALL: [Column; 6] = [
        Column::Provider,
        Column::Function,
        Column::Names,
        Column::Purpose,
        Column::Duration,
        Column::Kind,
    ];

    /// The columns every cookie table has; [`Column::Kind`] only when it lists web storage.
    pub const REQUIRED: [Column; 5] = [
        Column::Provider,
        Column::Function,
        Column::Names,
        Column::Purpose,
        Column::Duration,
    ];

    /// The column's key in templates and JSON.
    pub fn key(self) -> &'static str {
        match self {
            Column::Provider => "provider",
            Column::Function => "function",
            Column::Names => "names",
            Column::Purpose => "purpose",
            Column::Duration => "duration",
            Column::Kind => "kind",
        }
    }
}

/// The tool's words in one language.
pub struct Words {
    /// Language code.
    pub lang: &'static str,
    /// Header wordings per column, rendered one first.
    headers: [&'static [&'static str]; 6],
    /// "Session", for cookies deleted when the browser closes.
    pub session: &'static str,
    /// For web storage that nothing expires: "Until deleted".
    pub persistent: &'static str,
    /// The name of each kind of storage, in [`Storage::ALL`] order.
    kinds: [&'static str; 5],
    /// Prefix for a maximum length, such as "up to".
    pub up_to: &'static str,
    /// Singular and plural of minute, hour, day, week, month, year.
    pub units: [(&'static str, &'static str); 6],
}

impl Words {
    /// The header rendered for `column`.
    pub fn header(&self, column: Column) -> &'static str {
        self.headers[column as usize][0]
    }

    /// The name of a kind of storage, for the type column.
    pub fn kind(&self, kind: Storage) -> &'static str {
        self.kinds[kind as usize]
    }

    /// Every wording recognised for `column`.
    pub fn header_variants(&self, column: Column) -> &'static [&'static str] {
        self.headers[column as usize]
    }
}

const ENGLISH: Words = Words {
    lang: "en",
    headers: [
        &[
            "Service provider's name",
            "Provider",
            "Service provider",
            "Provider name",
        ],
        &["Function and location", "Service and location", "Function"],
        &[
            "Cookie name(s)",
            "Cookie name",
            "Cookie names",
            "Cookie",
            "Cookies",
            "Name",
        ],
        &["Purposes", "Purpose"],
        &[
            "Duration",
            "Retention period",
            "Lifetime",
            "Expiry",
            "Expiration",
        ],
        &["Type", "Storage type", "Storage", "Kind"],
    ],
    session: "Session",
    persistent: "Until deleted",
    kinds: [
        "Cookie",
        "Local storage",
        "Session storage",
        "IndexedDB",
        "Cache storage",
    ],
    up_to: "Up to",
    units: [
        ("minute", "minutes"),
        ("hour", "hours"),
        ("day", "days"),
        ("week", "weeks"),
        ("month", "months"),
        ("year", "years"),
    ],
};

const FRENCH: Words = Words {
    lang: "fr",
    headers: [
        &[
            "Nom du fournisseur de service",
            "Fournisseur",
            "Fournisseur de service",
            "Prestataire",
        ],
        &[
            "Fonction et emplacement",
            "Service et emplacement",
            "Fonction",
        ],
        &[
            "Nom(s) du cookie",
            "Nom du cookie",
            "Noms des cookies",
            "Cookie",
            "Cookies",
            "Nom",
        ],
        &["Finalités", "Finalité", "Objectif"],
        &[
            "Durée",
            "Durée de conservation",
            "Durée de vie",
            "Expiration",
        ],
        &["Type", "Type de stockage", "Stockage"],
    ],
    session: "Session",
    persistent: "Jusqu'à suppression",
    kinds: [
        "Cookie",
        "Stockage local",
        "Stockage de session",
        "IndexedDB",
        "Cache du navigateur",
    ],
    up_to: "Jusqu'à",
    units: [
        ("minute", "minutes"),
        ("heure", "heures"),
        ("jour", "jours"),
        ("semaine", "semaines"),
        ("mois", "mois"),
        ("an", "ans"),
    ],
};

/// Every language the tool has words for.
pub const LANGUAGES: &[&Words] = &[&ENGLISH, &FRENCH];

/// The words for `lang` ("fr", "fr-BE" and "FR" all give French).
pub fn words(lang: &str) -> Option<&'static Words> {
    let primary = lang.split(['-', '_']).next().unwrap_or(lang);
    LANGUAGES
        .iter()
        .copied()
        .find(|w| w.lang.eq_ignore_ascii_case(primary))
}

/// Which column a header cell names, and in which language, if any.
pub fn recognise_header(text: &str) -> Option<(Column, &'static str)> {
    let wanted = normalise_header(text);
    LANGUAGES.iter().find_map(|w| {
        Column::ALL.iter().find_map(|&c| {
            w.header_variants(c)
                .iter()
                .any(|h| normalise_header(h) == wanted)
                .then_some((c, w.lang))
        })
    })
}

/// Whether a header names a column only cookie tables have: one that says "cookie", or
/// "function and location" (the seeds' wording).
pub fn only_cookie_tables(text: &str) -> bool {
    let text = normalise_header(text);
    text.contains("cookie") || text.contains("location") || text.contains("emplacement")
}

// Headers are matched loosely (case, curly apostrophes, a trailing colon) because the
// same column is typed many ways by hand; cells are compared strictly.
fn normalise_header(text: &str) -> String {
    text.trim()
        .trim_end_matches(':')
        .trim()
        .replace('\u{2019}', "'")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_seed_header_wordings_are_recognised() {
        for (text, column) in [
            ("Service provider's name", Column::Provider),
            ("Provider", Column::Provider),
            ("Function and location", Column::Function),
            ("Service and location", Column::Function),
            ("Cookie name(s)", Column::Names),
            ("Cookie name", Column::Names),
            ("Purposes", Column::Purpose),
            ("Purpose", Column::Purpose),
        ] {
            assert_eq!(recognise_header(text), Some((column, "en")), "{text}");
        }
        assert_eq!(
            recognise_header(" nom(s) du cookie "),
            Some((Column::Names, "fr"))
        );
        assert_eq!(recognise_header("Colour"), None);
    }

    #[test]
    fn regional_language_tags_fall_back_to_their_language() {
        assert_eq!(words("fr-BE").map(|w| w.lang), Some("fr"));
        assert_eq!(words("EN").map(|w| w.lang), Some("en"));
        assert!(words("de").is_none());
    }
}
