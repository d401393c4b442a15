//! How the imported catalogue writes values and comments: TOML strings and keys, text made
//! safe for a comment, lists of places.

use super::vote::Said;
use crate::diagnostic::Location;
use crate::storage::Storage;

/// What a comment shows of a value.
pub(super) trait Shown {
    /// The value as a comment quotes it.
    fn shown(&self) -> String;
}

impl Shown for String {
    fn shown(&self) -> String {
        string(self)
    }
}

impl Shown for Said {
    fn shown(&self) -> String {
        match self {
            Said::Read(d) => string(&d.catalogue_text().unwrap_or_default()),
            Said::Unread(text) => string(text),
        }
    }
}

impl Shown for Storage {
    fn shown(&self) -> String {
        string(self.id())
    }
}

/// Up to three places, then how many more.
pub(crate) fn list(places: &[&Location]) -> String {
    let mut shown: Vec<String> = places.iter().take(3).map(|p| p.to_string()).collect();
    if places.len() > 3 {
        shown.push(format!("and {} more", places.len() - 3));
    }
    shown.join(", ")
}

/// A TOML basic string.
pub(crate) fn string(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// A TOML array of strings: `["a", "b"]`.
pub(crate) fn strings<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    let items: Vec<String> = items.into_iter().map(|s| string(s.as_ref())).collect();
    format!("[{}]", items.join(", "))
}

/// A TOML key: bare when it can be, quoted otherwise.
pub(crate) fn key(text: &str) -> String {
    let bare = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if bare { text.to_owned() } else { string(text) }
}

/// Text made safe for a TOML comment: one line, no control characters.
pub(crate) fn comment(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            if c.is_control() && c != '\t' {
                c.escape_unicode().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}
