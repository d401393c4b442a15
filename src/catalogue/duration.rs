//! Cookie lifetimes: parsed from catalogue text such as "13 months", rendered per language.

use std::fmt;
use std::str::FromStr;

use crate::labels::Words;

/// A unit of a cookie's lifetime.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Minutes.
    Minute,
    /// Hours.
    Hour,
    /// Days.
    Day,
    /// Weeks.
    Week,
    /// Months.
    Month,
    /// Years.
    Year,
}

impl Unit {
    /// How many days one unit is (a month is a twelfth of a year of 365.25 days).
    pub fn days(self) -> f64 {
        match self {
            Unit::Minute => 1.0 / 1440.0,
            Unit::Hour => 1.0 / 24.0,
            Unit::Day => 1.0,
            Unit::Week => 7.0,
            Unit::Month => 365.25 / 12.0,
            Unit::Year => 365.25,
        }
    }
}

const UNIT_NAMES: [(Unit, &str, &str); 6] = [
    (Unit::Minute, "minute", "minutes"),
    (Unit::Hour, "hour", "hours"),
    (Unit::Day, "day", "days"),
    (Unit::Week, "week", "weeks"),
    (Unit::Month, "month", "months"),
    (Unit::Year, "year", "years"),
];

/// How long a cookie lives.
///
/// ```
/// use cookie_ledger::catalogue::Duration;
/// use cookie_ledger::labels::words;
///
/// let d: Duration = "up to 12 months".parse().unwrap();
/// assert_eq!(d.render(words("en").unwrap()), "Up to 12 months");
/// assert_eq!(d.render(words("fr").unwrap()), "Jusqu'à 12 mois");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Duration {
    /// Deleted when the browser session ends.
    Session,
    /// Kept until the site, the visitor or the browser deletes it: web storage has no expiry.
    Persistent,
    /// No source states it: the catalogue has no `duration`, and the rule `unstated` says so.
    /// It renders as an empty cell, compares with no lifetime and is never the longest.
    Unstated,
    /// A length of time; `up_to` when the length is a maximum (csrftoken "up to 12 months").
    Length {
        /// How many units.
        amount: u32,
        /// Which unit.
        unit: Unit,
        /// Whether the length is a maximum rather than exact.
        up_to: bool,
    },
}

/// Why a duration could not be parsed; the message says what is accepted.
#[derive(Debug, PartialEq, Eq)]
pub struct DurationError(String);

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}; write \"session\", a length such as \"13 months\", \"30 minutes\" or \"up to 12 months\" (units: minutes, hours, days, weeks, months, years), or \"persistent\" for web storage kept until deleted",
            self.0
        )
    }
}

impl FromStr for Duration {
    type Err = DurationError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let lowered = text.trim().to_ascii_lowercase();
        if lowered == "session" {
            return Ok(Duration::Session);
        }
        if lowered == "persistent" {
            return Ok(Duration::Persistent);
        }
        let (up_to, rest) = match lowered.strip_prefix("up to ") {
            Some(rest) => (true, rest.trim_start()),
            None => (false, lowered.as_str()),
        };
        let mut words = rest.split_whitespace();
        let (Some(amount), Some(unit), None) = (words.next(), words.next(), words.next()) else {
            return Err(DurationError(format!("`{text}` is not a duration")));
        };
        let amount: u32 = amount
            .parse()
            .map_err(|_| DurationError(format!("`{amount}` in `{text}` is not a whole number")))?;
        if amount == 0 {
            return Err(DurationError(format!("`{text}` is zero long")));
        }
        let unit = UNIT_NAMES
            .iter()
            .find(|(_, one, many)| unit == *one || unit == *many)
            .map(|(u, _, _)| *u)
            .ok_or_else(|| DurationError(format!("`{unit}` in `{text}` is not a unit")))?;
        Ok(Duration::Length {
            amount,
            unit,
            up_to,
        })
    }
}

impl Duration {
    /// The duration a table cell states in `words`' language ("Jusqu'à 12 mois", "Session"),
    /// or in the catalogue's own words ("13 months"); `None` when it says something else.
    pub fn read(text: &str, words: &Words) -> Option<Duration> {
        let text = text.trim();
        if text.eq_ignore_ascii_case(words.session.trim())
            || text.to_lowercase() == words.session.to_lowercase()
        {
            return Some(Duration::Session);
        }
        if text.to_lowercase() == words.persistent.to_lowercase() {
            return Some(Duration::Persistent);
        }
        let (up_to, length) = match words.read_up_to(text) {
            Some(inner) => (true, inner),
            None => (false, text),
        };
        if let Some((amount, unit)) = words.read_amount(length) {
            return Some(Duration::Length {
                amount,
                unit: UNIT_NAMES[unit].0,
                up_to,
            });
        }
        text.parse().ok()
    }

    /// The catalogue's text for it ("up to 12 months"); `None` when unstated.
    pub fn catalogue_text(&self) -> Option<String> {
        match *self {
            Duration::Session => Some("session".to_owned()),
            Duration::Persistent => Some("persistent".to_owned()),
            Duration::Unstated => None,
            Duration::Length {
                amount,
                unit,
                up_to,
            } => {
                let (_, one, many) = UNIT_NAMES.iter().find(|(u, _, _)| *u == unit)?;
                let word = if amount == 1 { one } else { many };
                Some(format!(
                    "{}{amount} {word}",
                    if up_to { "up to " } else { "" }
                ))
            }
        }
    }

    /// The longest the duration can be, in days; a session counts as none, "until deleted" as
    /// without end.
    pub fn days(&self) -> f64 {
        match *self {
            Duration::Session | Duration::Unstated => 0.0,
            Duration::Persistent => f64::INFINITY,
            Duration::Length { amount, unit, .. } => f64::from(amount) * unit.days(),
        }
    }

    /// The duration in the words of one language: "2 weeks", "Jusqu'à 12 mois".
    pub fn render(&self, words: &Words) -> String {
        match *self {
            Duration::Session => words.session.to_owned(),
            Duration::Persistent => words.persistent.to_owned(),
            Duration::Unstated => String::new(),
            Duration::Length {
                amount,
                unit,
                up_to,
            } => {
                let length = words.amount(amount, unit as usize);
                if up_to { words.up_to(&length) } else { length }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labels::words;

    #[test]
    fn parses_and_renders_in_each_language() {
        let en = words("en").unwrap();
        let fr = words("fr").unwrap();
        let cases = [
            ("session", "Session", "Session"),
            ("2 weeks", "2 weeks", "2 semaines"),
            ("up to 12 months", "Up to 12 months", "Jusqu'à 12 mois"),
            ("1 year", "1 year", "1 an"),
            ("30 Minutes", "30 minutes", "30 minutes"),
            ("persistent", "Until deleted", "Jusqu'à suppression"),
        ];
        for (text, english, french) in cases {
            let d: Duration = text.parse().unwrap();
            assert_eq!(d.render(en), english);
            assert_eq!(d.render(fr), french);
        }
    }

    #[test]
    fn reads_what_tables_say_in_their_language() {
        let cases = [
            ("en", "Up to 12 months", "up to 12 months"),
            ("en", "13 months", "13 months"),
            ("en", "session", "session"),
            ("fr", "Jusqu'à 12 mois", "up to 12 months"),
            ("fr", "1 an", "1 year"),
            ("fr", "Session", "session"),
            ("de", "2 Jahre", "2 years"),
            ("pl", "22 miesiące", "22 months"),
            ("nl", "Maximaal 6 maanden", "up to 6 months"),
        ];
        for (lang, text, catalogue) in cases {
            let d = Duration::read(text, words(lang).unwrap());
            assert_eq!(
                d.and_then(|d| d.catalogue_text()).as_deref(),
                Some(catalogue),
                "{lang}: {text}"
            );
        }
        for text in ["", "a while", "12", "0 months", "until the cows come home"] {
            assert_eq!(Duration::read(text, words("en").unwrap()), None, "{text}");
        }
    }

    #[test]
    fn rejects_what_is_not_a_duration() {
        for text in [
            "",
            "forever",
            "13",
            "13 moons",
            "-1 days",
            "0 days",
            "2 weeks ago",
        ] {
            assert!(text.parse::<Duration>().is_err(), "{text}");
        }
    }
}
