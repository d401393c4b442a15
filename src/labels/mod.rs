//! The words the tool itself puts in a table, per language: column headers, duration units and
//! the kinds of storage.
//!
//! The first header of each column is the one rendered; the others are wordings that
//! hand-written tables on real sites use, so the tool can recognise them.

use std::sync::LazyLock;

use serde::Serialize;

use crate::storage::Storage;

mod data;
pub mod plural;

pub use data::{Wording, words as words_from};

/// The built-in languages' files, by language code: the 24 official languages of the EU and
/// the EEA's Norwegian (Bokmål) and Icelandic.
const BUILT_IN: &[(&str, &str)] = &[
    ("en", include_str!("en.toml")),
    ("fr", include_str!("fr.toml")),
    ("bg", include_str!("bg.toml")),
    ("cs", include_str!("cs.toml")),
    ("da", include_str!("da.toml")),
    ("de", include_str!("de.toml")),
    ("el", include_str!("el.toml")),
    ("es", include_str!("es.toml")),
    ("et", include_str!("et.toml")),
    ("fi", include_str!("fi.toml")),
    ("ga", include_str!("ga.toml")),
    ("hr", include_str!("hr.toml")),
    ("hu", include_str!("hu.toml")),
    ("is", include_str!("is.toml")),
    ("it", include_str!("it.toml")),
    ("lt", include_str!("lt.toml")),
    ("lv", include_str!("lv.toml")),
    ("mt", include_str!("mt.toml")),
    ("nb", include_str!("nb.toml")),
    ("nl", include_str!("nl.toml")),
    ("pl", include_str!("pl.toml")),
    ("pt", include_str!("pt.toml")),
    ("ro", include_str!("ro.toml")),
    ("sk", include_str!("sk.toml")),
    ("sl", include_str!("sl.toml")),
    ("sv", include_str!("sv.toml")),
];

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
#[derive(Debug)]
pub struct Words {
    /// Language code.
    pub lang: String,
    /// The language's name in itself ("Deutsch").
    pub name: String,
    /// `"rtl"` for a language written right to left; the rendered table carries it as `dir`.
    pub dir: Option<String>,
    /// Header wordings per column, the rendered one first.
    headers: [Vec<String>; 6],
    /// The same wordings as cells are compared with them ([`normalise_header`]), made once:
    /// every header cell of every table is held against every language's.
    compared: [Vec<String>; 6],
    /// "Session", for cookies deleted when the browser closes.
    pub session: String,
    /// For web storage that nothing expires: "Until deleted".
    pub persistent: String,
    /// The name of each kind of storage, in [`Storage::ALL`] order.
    kinds: [String; 5],
    /// A maximum length: "Up to {duration}".
    up_to: String,
    /// The language's words for a cookie, lower case: a header holding one names a column
    /// only cookie tables have.
    cookie: Vec<String>,
    /// The forms of minute, hour, day, week, month, year, by plural category: "{n} months".
    units: [Vec<(plural::Category, String)>; 6],
}

impl Words {
    /// The header rendered for `column`.
    pub fn header(&self, column: Column) -> &str {
        &self.headers[column as usize][0]
    }

    /// The name of a kind of storage, for the type column.
    pub fn kind(&self, kind: Storage) -> &str {
        &self.kinds[kind as usize]
    }

    /// Every wording recognised for `column`.
    pub fn header_variants(&self, column: Column) -> &[String] {
        &self.headers[column as usize]
    }

    /// [`Words::header_variants`] as cells are compared with them.
    fn compared_variants(&self, column: Column) -> &[String] {
        &self.compared[column as usize]
    }

    /// `amount` of a unit (0 minute, 1 hour, 2 day, 3 week, 4 month, 5 year) in this
    /// language's plural form for that number: "22 months", "22 miesiące".
    pub fn amount(&self, amount: u32, unit: usize) -> String {
        let category = plural::category(&primary(&self.lang).to_ascii_lowercase(), amount);
        let forms = &self.units[unit];
        let form = forms
            .iter()
            .find(|(c, _)| *c == category)
            .or_else(|| forms.iter().find(|(c, _)| *c == plural::Category::Other))
            .or(forms.first())
            .map_or("{n}", |(_, form)| form.as_str());
        form.replace("{n}", &amount.to_string())
    }

    /// A duration said as a maximum: "Up to 12 months".
    pub fn up_to(&self, duration: &str) -> String {
        self.up_to.replace("{duration}", duration)
    }

    /// The length `up_to` wraps in `text` ("12 months" of "Up to 12 months"), any case.
    pub fn read_up_to<'t>(&self, text: &'t str) -> Option<&'t str> {
        let (before, after) = self.up_to.split_once("{duration}")?;
        strip_caseless(text, before, after).map(str::trim)
    }

    /// The amount and unit (0 minute ... 5 year) `text` says in one of this language's forms,
    /// any case: "22 miesiące" is (22, 4).
    pub fn read_amount(&self, text: &str) -> Option<(u32, usize)> {
        self.units.iter().enumerate().find_map(|(unit, forms)| {
            forms.iter().find_map(|(_, form)| {
                let (before, after) = form.split_once("{n}")?;
                let n: u32 = strip_caseless(text, before, after)?.trim().parse().ok()?;
                (n > 0).then_some((n, unit))
            })
        })
    }
}

/// Every language the tool has words for, from `src/labels/<lang>.toml`.
pub fn languages() -> &'static [Words] {
    static LANGUAGES: LazyLock<Vec<Words>> = LazyLock::new(|| {
        BUILT_IN
            .iter()
            // Each file is read and checked by a test; a broken one cannot ship.
            .map(|(lang, text)| data::parse(lang, text).expect("built-in words are valid"))
            .collect()
    });
    &LANGUAGES
}

/// A language tag's language: `nl` of `nl-BE`.
pub fn primary(tag: &str) -> &str {
    tag.split(['-', '_']).next().unwrap_or(tag)
}

/// The words for `lang` ("fr", "fr-BE" and "FR" all give French).
pub fn words(lang: &str) -> Option<&'static Words> {
    let primary = primary(lang);
    languages()
        .iter()
        .find(|w| w.lang.eq_ignore_ascii_case(primary))
}

/// Which column a header cell names, and in which of `langs`, if any (the first that knows
/// the wording).
pub fn recognise_header<'a>(langs: &[&'a Words], text: &str) -> Option<(Column, &'a str)> {
    let wanted = normalise_header(text);
    langs.iter().find_map(|w| {
        Column::ALL.iter().find_map(|&c| {
            w.compared_variants(c)
                .contains(&wanted)
                .then_some((c, w.lang.as_str()))
        })
    })
}

/// Whether a header names a column only cookie tables have, in one of `langs`: one that says
/// "cookie", or a function column that names a place too ("Function and location", the
/// seeds' wording; the last wording of `function` is the bare word).
pub fn only_cookie_tables(langs: &[&Words], text: &str) -> bool {
    let text = normalise_header(text);
    langs.iter().any(|w| {
        w.cookie.iter().any(|c| text.contains(c.as_str()))
            || w.compared[Column::Function as usize]
                .split_last()
                .is_some_and(|(_, placed)| placed.contains(&text))
    })
}

/// The language of `langs` whose wordings most cells of a header row use (the earlier in
/// `langs` on a tie), if any cell is recognised.
pub fn header_language<'a, 'w>(
    langs: &[&'w Words],
    cells: impl Iterator<Item = &'a str> + Clone,
) -> Option<&'w str> {
    let mut best: Option<(&'w str, usize)> = None;
    for words in langs {
        let matched = cells
            .clone()
            .filter(|cell| {
                let cell = normalise_header(cell);
                Column::ALL
                    .iter()
                    .any(|&c| words.compared_variants(c).contains(&cell))
            })
            .count();
        if matched > best.map_or(0, |(_, n)| n) {
            best = Some((words.lang.as_str(), matched));
        }
    }
    best.map(|(lang, _)| lang)
}

/// A header wording of `words` that one of `others` (or `words` itself) reads as another
/// column: such a wording would make a table's columns ambiguous. Gives the wording, its
/// column and the other column.
pub fn clashing_wording<'a>(
    words: &'a Words,
    others: &[&Words],
) -> Option<(&'a str, Column, Column)> {
    for column in Column::ALL {
        for wording in words.header_variants(column) {
            let wanted = normalise_header(wording);
            for other in others.iter().copied().chain(std::iter::once(words)) {
                for other_column in Column::ALL {
                    if other_column != column
                        && other
                            .header_variants(other_column)
                            .iter()
                            .any(|h| normalise_header(h) == wanted)
                    {
                        return Some((wording, column, other_column));
                    }
                }
            }
        }
    }
    None
}

// Headers are matched loosely (case, curly apostrophes, a trailing colon) because the
// same column is typed many ways by hand; cells are compared strictly.
pub(crate) fn normalise_header(text: &str) -> String {
    text.trim()
        .trim_end_matches(':')
        .trim()
        .replace('\u{2019}', "'")
        .to_lowercase()
}

/// What `text` holds between `prefix` and `suffix`, compared without case.
fn strip_caseless<'t>(text: &'t str, prefix: &str, suffix: &str) -> Option<&'t str> {
    let text = text.trim();
    let head = text.get(..prefix.len())?;
    let tail_at = text.len().checked_sub(suffix.len())?;
    let tail = text.get(tail_at..)?;
    (head.to_lowercase() == prefix.to_lowercase()
        && tail.to_lowercase() == suffix.to_lowercase()
        && prefix.len() <= tail_at)
        .then(|| &text[prefix.len()..tail_at])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every built-in language, as the look-ups take them.
    fn built_in() -> Vec<&'static Words> {
        languages().iter().collect()
    }

    fn recognise(text: &str) -> Option<(Column, &'static str)> {
        recognise_header(&built_in(), text)
    }

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
            assert_eq!(recognise(text), Some((column, "en")), "{text}");
        }
        assert_eq!(recognise(" nom(s) du cookie "), Some((Column::Names, "fr")));
        assert_eq!(recognise("Colour"), None);
    }

    #[test]
    fn regional_language_tags_fall_back_to_their_language() {
        assert_eq!(words("fr-BE").map(|w| w.lang.as_str()), Some("fr"));
        assert_eq!(words("EN").map(|w| w.lang.as_str()), Some("en"));
        assert!(words("tlh").is_none());
    }

    #[test]
    fn every_built_in_language_has_every_key_and_the_forms_its_numbers_take() {
        for (lang, text) in BUILT_IN {
            let words = data::parse(lang, text).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(&words.lang, lang);
        }
        assert_eq!(languages().len(), BUILT_IN.len());
    }

    /// "1, 2, 5 and 22 months" in each built-in language, as its grammar counts them.
    const MONTHS: &[(&str, [&str; 4])] = &[
        ("en", ["1 month", "2 months", "5 months", "22 months"]),
        ("fr", ["1 mois", "2 mois", "5 mois", "22 mois"]),
        ("bg", ["1 месец", "2 месеца", "5 месеца", "22 месеца"]),
        ("cs", ["1 měsíc", "2 měsíce", "5 měsíců", "22 měsíců"]),
        ("da", ["1 måned", "2 måneder", "5 måneder", "22 måneder"]),
        ("de", ["1 Monat", "2 Monate", "5 Monate", "22 Monate"]),
        ("el", ["1 μήνας", "2 μήνες", "5 μήνες", "22 μήνες"]),
        ("es", ["1 mes", "2 meses", "5 meses", "22 meses"]),
        ("et", ["1 kuu", "2 kuud", "5 kuud", "22 kuud"]),
        (
            "fi",
            ["1 kuukausi", "2 kuukautta", "5 kuukautta", "22 kuukautta"],
        ),
        ("ga", ["1 mhí", "2 mhí", "5 mhí", "22 mí"]),
        ("hr", ["1 mjesec", "2 mjeseca", "5 mjeseci", "22 mjeseca"]),
        ("hu", ["1 hónap", "2 hónap", "5 hónap", "22 hónap"]),
        ("is", ["1 mánuður", "2 mánuðir", "5 mánuðir", "22 mánuðir"]),
        ("it", ["1 mese", "2 mesi", "5 mesi", "22 mesi"]),
        ("lt", ["1 mėnuo", "2 mėnesiai", "5 mėnesiai", "22 mėnesiai"]),
        ("lv", ["1 mēnesis", "2 mēneši", "5 mēneši", "22 mēneši"]),
        ("mt", ["1 xahar", "xahrejn", "5 xhur", "22 xahar"]),
        ("nb", ["1 måned", "2 måneder", "5 måneder", "22 måneder"]),
        ("nl", ["1 maand", "2 maanden", "5 maanden", "22 maanden"]),
        (
            "pl",
            ["1 miesiąc", "2 miesiące", "5 miesięcy", "22 miesiące"],
        ),
        ("pt", ["1 mês", "2 meses", "5 meses", "22 meses"]),
        ("ro", ["1 lună", "2 luni", "5 luni", "22 de luni"]),
        ("sk", ["1 mesiac", "2 mesiace", "5 mesiacov", "22 mesiacov"]),
        ("sl", ["1 mesec", "2 meseca", "5 mesecev", "22 mesecev"]),
        ("sv", ["1 månad", "2 månader", "5 månader", "22 månader"]),
    ];

    #[test]
    fn months_are_counted_as_each_language_counts_them() {
        for (lang, expected) in MONTHS {
            let words = words(lang).unwrap();
            let got = [1, 2, 5, 22].map(|n| words.amount(n, 4));
            assert_eq!(&got.each_ref().map(String::as_str), expected, "{lang}");
        }
        assert_eq!(
            MONTHS.len(),
            BUILT_IN.len(),
            "every language is in the table"
        );
    }

    #[test]
    fn a_table_rendered_in_any_language_is_recognised_as_a_cookie_table_in_it() {
        for words in languages() {
            let row: Vec<&str> = Column::REQUIRED.iter().map(|&c| words.header(c)).collect();
            for (&column, text) in Column::REQUIRED.iter().zip(&row) {
                let (found, _) = recognise(text)
                    .unwrap_or_else(|| panic!("{}: {text} not recognised", words.lang));
                assert_eq!(found, column, "{}: {text}", words.lang);
            }
            assert_eq!(
                header_language(&built_in(), row.iter().copied()),
                Some(words.lang.as_str()),
                "{row:?}"
            );
            assert!(
                row.iter().any(|h| only_cookie_tables(&built_in(), h)),
                "{}: no header says it is a cookie table: {row:?}",
                words.lang
            );
        }
        assert!(!only_cookie_tables(&built_in(), "Name"));
        assert!(!only_cookie_tables(&built_in(), "Funktion"));
    }

    #[test]
    fn no_built_in_wording_names_two_columns_in_any_languages() {
        let all = built_in();
        for words in &all {
            assert_eq!(clashing_wording(words, &all), None, "{}", words.lang);
        }
    }

    #[test]
    fn a_words_file_with_a_key_missing_or_a_plural_form_wrong_is_refused() {
        let (_, english) = BUILT_IN[0];
        let without = english.replace("session = \"Session\"\n", "");
        assert!(data::parse("en", &without).unwrap_err().contains("session"));
        let few = english.replace(
            "month = { one = \"{n} month\", other = \"{n} months\" }",
            "month = { one = \"{n} month\", few = \"{n} months\" }",
        );
        let error = data::parse("en", &few).unwrap_err();
        assert!(error.contains("units.month"), "{error}");
        let no_slot = english.replace("Up to {duration}", "Up to");
        assert!(
            data::parse("en", &no_slot)
                .unwrap_err()
                .contains("{duration}")
        );
        let empty = english.replace("\"Until deleted\"", "\" \"");
        assert!(data::parse("en", &empty).unwrap_err().contains("empty"));
    }
}
