//! When the catalogue last changed, as a calendar date (`2026-11-20`): given by the pipeline,
//! or read from git (the last commit that touched the file, or today when the working copy
//! differs from it). Templates receive it, and the rule `stale-date` compares the dates
//! policy pages state with it.

use std::path::Path;
use std::process::{Command, Stdio};

/// `text` as a calendar date `YYYY-MM-DD`, or why it is not one.
pub fn date(text: &str) -> Result<String, String> {
    let text = text.trim();
    let parts: Vec<&str> = text.split('-').collect();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let valid =
        parts.len() == 3 && digits(parts[0], 4) && digits(parts[1], 2) && digits(parts[2], 2) && {
            let (year, month, day) = (
                parts[0].parse::<u32>().unwrap_or(0),
                parts[1].parse::<u32>().unwrap_or(0),
                parts[2].parse::<u32>().unwrap_or(0),
            );
            (1..=12).contains(&month) && (1..=days_in(year, month)).contains(&day)
        };
    if valid {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "`{text}` is not a date written YYYY-MM-DD, such as 2026-11-20"
        ))
    }
}

/// The latest day a `<time datetime>` value can mean: its date (`2025-03-01`,
/// `2025-03-01T10:00Z`), or the last day of a month (`2025-03`) or of a year (`2025`) it
/// names alone; `None` for anything else.
pub fn stated(datetime: &str) -> Option<String> {
    let text = datetime.trim();
    if let Some(day) = text.get(..10).and_then(|d| date(d).ok()) {
        return Some(day);
    }
    let year_month = |y: &str, m: &str| {
        let year: u32 = y.parse().ok().filter(|_| y.len() == 4)?;
        let month: u32 = m.parse().ok().filter(|_| m.len() == 2)?;
        (1..=12)
            .contains(&month)
            .then(|| format!("{y}-{m}-{:02}", days_in(year, month)))
    };
    match text.split('-').collect::<Vec<_>>()[..] {
        [y, m] => year_month(y, m),
        [y] if y.bytes().all(|b| b.is_ascii_digit()) => year_month(y, "12"),
        _ => None,
    }
}

/// How many days `month` of `year` has.
fn days_in(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The date of the last change of the catalogue at `path` that git knows: today when the
/// file differs from its last commit or is not committed yet, else that commit's date.
/// `None` outside a git work tree, or without git.
pub fn from_git(path: &Path) -> Option<String> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name()?;
    let git = |args: &[&std::ffi::OsStr]| {
        let output = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .ok()?;
        output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
    };
    let inside = git(&["rev-parse".as_ref(), "--is-inside-work-tree".as_ref()])?;
    if inside != "true" {
        return None;
    }
    let status = git(&[
        "status".as_ref(),
        "--porcelain".as_ref(),
        "--".as_ref(),
        name,
    ])?;
    if !status.is_empty() {
        return Some(today());
    }
    let last = git(&[
        "log".as_ref(),
        "-1".as_ref(),
        "--format=%cs".as_ref(),
        "--".as_ref(),
        name,
    ])?;
    date(&last).ok()
}

/// Today's date in UTC.
pub fn today() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (y, m, d) = civil(seconds / 86_400);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The calendar date `days` days after 1970-01-01 (the proleptic Gregorian calendar).
fn civil(days: u64) -> (i64, u32, u32) {
    // Days are counted from 0000-03-01 so that a leap day ends each four-year cycle.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_calendar_days() {
        assert_eq!(civil(0), (1970, 1, 1));
        assert_eq!(civil(59), (1970, 3, 1));
        assert_eq!(civil(11_016), (2000, 2, 29));
        assert_eq!(civil(20_792), (2026, 12, 5));
        assert_eq!(civil(20_818), (2026, 12, 31));
        assert_eq!(civil(20_819), (2027, 1, 1));
    }

    #[test]
    fn reads_dates_and_what_pages_state() {
        assert_eq!(date("2026-11-20").as_deref(), Ok("2026-11-20"));
        for bad in [
            "2026-13-01",
            "2026-1-1",
            "20261120",
            "yesterday",
            "",
            "2026-11-20x",
            "2026-02-30",
            "2025-02-29",
            "2026-04-31",
        ] {
            assert!(date(bad).is_err(), "{bad}");
        }
        assert_eq!(stated("2025-03-01T10:00Z").as_deref(), Some("2025-03-01"));
        assert_eq!(stated(" 2025-03-01 ").as_deref(), Some("2025-03-01"));
        assert_eq!(date("2024-02-29").as_deref(), Ok("2024-02-29"));
        assert_eq!(stated("2025-03").as_deref(), Some("2025-03-31"));
        assert_eq!(stated("2024-02").as_deref(), Some("2024-02-29"));
        assert_eq!(stated("2025").as_deref(), Some("2025-12-31"));
        assert_eq!(stated("2025-13"), None);
        assert_eq!(stated("March 2025"), None);
        assert_eq!(stated("2025-03-é1"), None);
    }
}
