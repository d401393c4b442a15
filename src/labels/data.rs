//! Reads one language's words from its TOML file (`src/labels/<lang>.toml`) and checks it:
//! every key given, no empty wording, and for each unit exactly the plural forms the
//! language's numbers take.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::plural::{self, Category};
use super::{Column, Words};
use crate::storage::Storage;

/// The file as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    name: String,
    #[serde(default)]
    dir: Option<String>,
    session: String,
    persistent: String,
    up_to: String,
    cookie: Vec<String>,
    headers: BTreeMap<String, Vec<String>>,
    kinds: BTreeMap<String, String>,
    units: BTreeMap<String, BTreeMap<Category, String>>,
}

/// The units, in the order durations number them.
pub(super) const UNITS: [&str; 6] = ["minute", "hour", "day", "week", "month", "year"];

/// The words of `lang` from `text`, or what is wrong with them.
pub(super) fn parse(lang: &str, text: &str) -> Result<Words, String> {
    let raw: Raw = toml::from_str(text).map_err(|e| format!("{lang}: {e}"))?;
    let fail = |what: String| Err(format!("{lang}: {what}"));
    let mut texts: Vec<&str> = vec![&raw.name, &raw.session, &raw.persistent, &raw.up_to];
    if !raw.up_to.contains("{duration}") {
        return fail("`up_to` must hold `{duration}`, where the duration goes".to_owned());
    }
    if let Some(dir) = &raw.dir
        && dir != "rtl"
        && dir != "ltr"
    {
        return fail(format!("`dir` is \"rtl\" or \"ltr\", not {dir:?}"));
    }
    for key in raw.headers.keys() {
        if !Column::ALL.iter().any(|c| c.key() == key) {
            return fail(format!("no column is called `{key}`"));
        }
    }
    let mut headers: [Vec<String>; 6] = Default::default();
    for column in Column::ALL {
        match raw.headers.get(column.key()) {
            Some(wordings) if !wordings.is_empty() => {
                texts.extend(wordings.iter().map(String::as_str));
                headers[column as usize] = wordings.clone();
            }
            _ => return fail(format!("`headers.{}` needs its wordings", column.key())),
        }
    }
    for key in raw.kinds.keys() {
        if !Storage::ALL.iter().any(|k| k.id() == key) {
            return fail(format!("no kind of storage is called `{key}`"));
        }
    }
    let mut kinds: [String; 5] = Default::default();
    for kind in Storage::ALL {
        match raw.kinds.get(kind.id()) {
            Some(word) => {
                texts.push(word);
                kinds[kind as usize] = word.clone();
            }
            None => return fail(format!("`kinds.{}` is missing", kind.id())),
        }
    }
    let wanted = plural::categories(lang);
    for key in raw.units.keys() {
        if !UNITS.contains(&key.as_str()) {
            return fail(format!("no unit is called `{key}`"));
        }
    }
    let mut units: [Vec<(Category, String)>; 6] = Default::default();
    for (i, unit) in UNITS.iter().enumerate() {
        let Some(forms) = raw.units.get(*unit) else {
            return fail(format!("`units.{unit}` is missing"));
        };
        let given: Vec<Category> = forms.keys().copied().collect();
        if given != wanted {
            return fail(format!(
                "`units.{unit}` gives the forms {given:?}; whole numbers in this language take {wanted:?}"
            ));
        }
        texts.extend(forms.values().map(String::as_str));
        units[i] = forms.iter().map(|(c, f)| (*c, f.clone())).collect();
    }
    if raw.cookie.is_empty() {
        return fail("`cookie` needs the language's word for a cookie".to_owned());
    }
    if headers[Column::Function as usize].len() < 2 {
        return fail(
            "`headers.function` needs a wording that names the place too, then the bare word"
                .to_owned(),
        );
    }
    texts.extend(raw.cookie.iter().map(String::as_str));
    if let Some(empty) = texts.iter().find(|t| t.trim().is_empty()) {
        return fail(format!("an empty wording ({empty:?})"));
    }
    Ok(Words {
        lang: lang.to_owned(),
        name: raw.name,
        dir: raw.dir,
        headers,
        session: raw.session,
        persistent: raw.persistent,
        kinds,
        up_to: raw.up_to,
        cookie: raw.cookie.iter().map(|w| w.to_lowercase()).collect(),
        units,
    })
}
