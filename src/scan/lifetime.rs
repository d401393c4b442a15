//! How long a written cookie lives, read from what the write states: `max-age`, `expires`, a
//! library's `expires` option in days, a `Set-Cookie` header's attributes. A write whose lifetime
//! is zero or in the past deletes the cookie instead of setting it.

/// A found cookie's lifetime.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lifetime {
    /// No expiry: the browser drops it when the session ends.
    Session,
    /// Lives this many seconds.
    Seconds(f64),
    /// Set at run time, or by an absolute date: not known from the source.
    Unknown,
}

/// The longest lifetime the tool states, about 317,000 years: a `max-age` of hundreds of digits
/// reads as this, so it stays a number every output (JSON, a shard) can carry.
pub const LONGEST_SECONDS: f64 = 1e13;

impl Lifetime {
    /// A lifetime of `s` seconds as a write states it, held within [`LONGEST_SECONDS`]; a
    /// number that is none (`NaN`) is unknown.
    pub fn seconds(s: f64) -> Lifetime {
        if s.is_nan() {
            Lifetime::Unknown
        } else {
            Lifetime::Seconds(s.clamp(-LONGEST_SECONDS, LONGEST_SECONDS))
        }
    }

    /// The lifetime a cookie of declared `duration` has.
    pub fn of(duration: &crate::catalogue::Duration) -> Lifetime {
        match duration {
            crate::catalogue::Duration::Session => Lifetime::Session,
            crate::catalogue::Duration::Length { .. } => {
                Lifetime::Seconds(duration.days() * 86_400.0)
            }
            // Web storage without an end: nothing in a write states it.
            crate::catalogue::Duration::Persistent | crate::catalogue::Duration::Unstated => {
                Lifetime::Unknown
            }
        }
    }

    /// The lifetime in days, `None` for a session or unknown one.
    pub fn days(self) -> Option<f64> {
        match self {
            Lifetime::Seconds(s) => Some(s / 86_400.0),
            Lifetime::Session | Lifetime::Unknown => None,
        }
    }

    /// The lifetime as catalogue text ("session", "7 days", "13 months"), when it is known.
    pub fn catalogue_text(self) -> Option<String> {
        let seconds = match self {
            Lifetime::Session => return Some("session".to_owned()),
            Lifetime::Unknown => return None,
            Lifetime::Seconds(s) => s,
        };
        let units = [
            (365.25 * 86_400.0, "year"),
            (365.25 / 12.0 * 86_400.0, "month"),
            (7.0 * 86_400.0, "week"),
            (86_400.0, "day"),
            (3_600.0, "hour"),
            (60.0, "minute"),
        ];
        // The largest unit that states the lifetime in whole units: months and years within 1%
        // (they are not all the same length), smaller units within a minute.
        for (size, unit) in units {
            let amount = (seconds / size).round();
            let slack = if size > 7.0 * 86_400.0 {
                seconds * 0.01
            } else {
                60.0
            };
            if amount >= 1.0 && (amount * size - seconds).abs() <= slack {
                let plural = if amount == 1.0 { "" } else { "s" };
                return Some(format!("{amount:.0} {unit}{plural}"));
            }
        }
        let minutes = (seconds / 60.0).ceil().max(1.0);
        Some(format!(
            "{minutes:.0} minute{}",
            if minutes == 1.0 { "" } else { "s" }
        ))
    }
}

/// What a cookie string's attributes say.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Verdict {
    /// The write deletes the cookie.
    Deletes,
    /// The write sets it, for this long.
    Sets(Lifetime),
}

/// What is known of a part of a cookie string computed at run time.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Hole {
    /// Its value, when literal arithmetic gives it.
    pub number: Option<f64>,
    /// Whether it is a date at the epoch (`new Date(0)`), as deletions write.
    pub epoch: bool,
}

/// Marks a hole in the text given to [`attributes`].
pub const HOLE: char = '\u{0}';

/// Reads the attributes of a cookie string after its `name=`: `value; max-age=60; path=/`.
///
/// `text` carries [`HOLE`] where run-time code stands, and `holes` says what each one is, in order.
pub fn attributes(text: &str, holes: &[Hole]) -> Verdict {
    let mut hole_index = 0;
    let mut segments = Vec::new();
    // Pair each segment with the holes it holds.
    for segment in text.split(';') {
        let count = segment.matches(HOLE).count();
        let own = holes
            .get(hole_index..hole_index + count)
            .unwrap_or_default();
        hole_index += count;
        segments.push((segment, own));
    }
    let mut max_age = None;
    let mut expires = None;
    let mut unknown_attribute = false;
    for (k, (segment, own)) in segments.iter().enumerate() {
        if k == 0 {
            continue;
        }
        let (key, value) = segment.split_once('=').unwrap_or((segment, ""));
        let key = key.trim().to_ascii_lowercase();
        let value = value.trim();
        match key.as_str() {
            // A Max-Age that is not a whole number is ignored, as browsers do (RFC 6265, 5.2.2).
            "max-age" => {
                if let Some(parsed) = seconds(value, own) {
                    max_age = Some(parsed);
                }
            }
            "expires" => expires = Some(date(value, own)),
            _ if !own.is_empty() || key.contains(HOLE) => unknown_attribute = true,
            _ => {}
        }
    }
    // Max-Age wins over Expires, as in browsers.
    match (max_age, expires) {
        (Some(Some(s)), _) if s <= 0.0 => Verdict::Deletes,
        (Some(Some(s)), _) => Verdict::Sets(Lifetime::seconds(s)),
        (Some(None), _) => Verdict::Sets(Lifetime::Unknown),
        (None, Some(Date::Past)) => Verdict::Deletes,
        (None, Some(Date::Unknown)) => Verdict::Sets(Lifetime::Unknown),
        (None, None) if unknown_attribute || text.ends_with(HOLE) => {
            Verdict::Sets(Lifetime::Unknown)
        }
        (None, None) => Verdict::Sets(Lifetime::Session),
    }
}

/// A `max-age` value: `Some(Some(seconds))` when literal, `Some(None)` when computed at run
/// time, `None` when it is not a whole number (and browsers ignore the attribute).
fn seconds(value: &str, holes: &[Hole]) -> Option<Option<f64>> {
    if value.contains(HOLE) {
        return Some(if value == HOLE.to_string() && holes.len() == 1 {
            holes[0].number
        } else {
            None
        });
    }
    let digits = value.strip_prefix('-').unwrap_or(value);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    value.parse::<f64>().ok().map(Some)
}

enum Date {
    Past,
    Unknown,
}

/// Whether an `expires` date lies in the past (a deletion); future dates are absolute, so unknown as lifetimes.
fn date(value: &str, holes: &[Hole]) -> Date {
    if holes.iter().any(|h| h.epoch) {
        return Date::Past;
    }
    if value.contains(HOLE) {
        return Date::Unknown;
    }
    // "Thu, 01 Jan 1970 00:00:00 GMT", "Thu, 01-Jan-70 00:00:01 GMT": the year is the first number after the month.
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let lower = value.to_ascii_lowercase();
    let Some(month) = MONTHS.iter().filter_map(|m| lower.find(m)).min() else {
        return Date::Unknown;
    };
    let year = lower[month..]
        .split(|c: char| !c.is_ascii_digit())
        .find(|n| !n.is_empty())
        .and_then(|n| n.parse::<u32>().ok().map(|y| (y, n.len())));
    match year {
        Some((y, 4)) if y <= 2000 => Date::Past,
        Some((y, 2)) if y >= 70 => Date::Past,
        _ => Date::Unknown,
    }
}

/// The lifetime a `Set-Cookie` value states, or `None` when it deletes the cookie.
pub fn of_set_cookie(value: &str) -> Option<Lifetime> {
    let after_name = value.split_once('=').map_or("", |(_, rest)| rest);
    match attributes(after_name, &[]) {
        Verdict::Deletes => None,
        Verdict::Sets(lifetime) => Some(lifetime),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_max_age_of_hundreds_of_digits_is_the_longest_lifetime_and_survives_json() {
        let huge = format!("1; max-age={}; path=/", "9".repeat(400));
        let lifetime = match attributes(&huge, &[]) {
            Verdict::Sets(lifetime) => lifetime,
            Verdict::Deletes => panic!("a huge max-age sets the cookie"),
        };
        assert_eq!(lifetime, Lifetime::Seconds(LONGEST_SECONDS));
        let text = serde_json::to_string(&lifetime).unwrap();
        assert_eq!(serde_json::from_str::<Lifetime>(&text).unwrap(), lifetime);
        assert!(!lifetime.catalogue_text().unwrap().contains("inf"));
        assert_eq!(Lifetime::seconds(f64::NAN), Lifetime::Unknown);
    }

    #[test]
    fn attributes_say_how_long_or_that_it_deletes() {
        let sets = |s| Verdict::Sets(Lifetime::Seconds(s));
        assert_eq!(attributes("1; max-age=60; path=/", &[]), sets(60.0));
        assert_eq!(attributes("1; Max-Age=0", &[]), Verdict::Deletes);
        assert_eq!(attributes("; max-age=-1", &[]), Verdict::Deletes);
        assert_eq!(
            attributes("; expires=Thu, 01 Jan 1970 00:00:01 GMT; path=/", &[]),
            Verdict::Deletes
        );
        assert_eq!(
            attributes("x; expires=Thu, 01-Jan-70 00:00:01 GMT", &[]),
            Verdict::Deletes
        );
        assert_eq!(
            attributes("x; expires=Fri, 31 Dec 9999 23:59:59 GMT", &[]),
            Verdict::Sets(Lifetime::Unknown)
        );
        assert_eq!(
            attributes("1; path=/", &[]),
            Verdict::Sets(Lifetime::Session)
        );
        let hole = |number| Hole {
            number,
            epoch: false,
        };
        assert_eq!(
            attributes("\0; path=/", &[hole(None)]),
            Verdict::Sets(Lifetime::Session),
            "a computed value is still a session cookie"
        );
        assert_eq!(
            attributes("\0", &[hole(None)]),
            Verdict::Sets(Lifetime::Unknown)
        );
        assert_eq!(
            attributes(
                "\0; max-age=\0; path=/",
                &[hole(None), hole(Some(15_724_800.0))]
            ),
            sets(15_724_800.0)
        );
        assert_eq!(
            attributes(
                "; expires=\0",
                &[Hole {
                    number: None,
                    epoch: true
                }]
            ),
            Verdict::Deletes
        );
        assert_eq!(
            attributes("v\0", &[hole(None)]),
            Verdict::Sets(Lifetime::Unknown),
            "attributes may follow"
        );
    }

    #[test]
    fn lifetimes_in_catalogue_words() {
        let text = |s: f64| Lifetime::Seconds(s).catalogue_text().unwrap();
        assert_eq!(text(60.0), "1 minute");
        assert_eq!(text(15_724_800.0), "6 months");
        assert_eq!(text(7.0 * 86_400.0), "1 week");
        assert_eq!(text(31_536_000.0), "1 year");
        assert_eq!(text(2.0 * 365.25 * 86_400.0), "2 years");
        assert_eq!(text(33_696_000.0), "390 days");
        assert_eq!(Lifetime::Session.catalogue_text().unwrap(), "session");
    }
}
