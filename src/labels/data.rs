//! Reads one language's words from its TOML file (`src/labels/<lang>.toml`) and checks it:
//! every key given, no empty wording, and for each unit exactly the plural forms the
//! language's numbers take.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::plural::{self, Category};
use super::{Column, Words, primary};
use crate::storage::Storage;

/// A language's words as written: a whole built-in file, or a catalogue's
/// `[language.<tag>]` table, which may give only the words it changes.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Wording {
    /// The language's name in itself.
    pub name: Option<String>,
    /// `"rtl"` for a language written right to left.
    pub dir: Option<String>,
    /// "Session": a cookie deleted when the browser closes.
    pub session: Option<String>,
    /// "Until deleted": web storage nothing expires.
    pub persistent: Option<String>,
    /// A maximum length, with `{duration}` where the length goes: "Up to {duration}".
    pub up_to: Option<String>,
    /// The language's words for a cookie, as headers hold them.
    pub cookie: Option<Vec<String>>,
    /// Header wordings per column (`provider`, `function`, `names`, `purpose`, `duration`,
    /// `kind`), the rendered one first.
    #[serde(default)]
    pub headers: BTreeMap<String, Vec<String>>,
    /// The name of each kind of storage (`cookie`, `local-storage`, ...).
    #[serde(default)]
    pub kinds: BTreeMap<String, String>,
    /// Each unit's forms by plural category: `month = { one = "{n} month", other = ... }`.
    #[serde(default)]
    pub units: BTreeMap<String, BTreeMap<Category, String>>,
}

impl Wording {
    /// These words, with what they leave out taken from `base`.
    fn over(self, base: &Words) -> Wording {
        let mut headers: BTreeMap<String, Vec<String>> = Column::ALL
            .iter()
            .map(|&c| (c.key().to_owned(), base.headers[c as usize].clone()))
            .collect();
        headers.extend(self.headers);
        let mut kinds: BTreeMap<String, String> = Storage::ALL
            .iter()
            .map(|&k| (k.id().to_owned(), base.kinds[k as usize].clone()))
            .collect();
        kinds.extend(self.kinds);
        let mut units: BTreeMap<String, BTreeMap<Category, String>> = UNITS
            .iter()
            .zip(&base.units)
            .map(|(unit, forms)| ((*unit).to_owned(), forms.iter().cloned().collect()))
            .collect();
        units.extend(self.units);
        Wording {
            name: self.name.or_else(|| Some(base.name.clone())),
            dir: self.dir.or_else(|| base.dir.clone()),
            session: self.session.or_else(|| Some(base.session.clone())),
            persistent: self.persistent.or_else(|| Some(base.persistent.clone())),
            up_to: self.up_to.or_else(|| Some(base.up_to.clone())),
            cookie: self.cookie.or_else(|| Some(base.cookie.clone())),
            headers,
            kinds,
            units,
        }
    }
}

/// The words of `lang` from `wording`, completed from `base` (the built-in words of its
/// language) when there is one, or what is wrong with them.
pub fn words(lang: &str, wording: Wording, base: Option<&Words>) -> Result<Words, String> {
    let raw = match base {
        Some(base) => wording.over(base),
        None => wording,
    };
    build(lang, raw)
}

/// The units, in the order durations number them.
pub(super) const UNITS: [&str; 6] = ["minute", "hour", "day", "week", "month", "year"];

/// The words of `lang` from a built-in file's `text`, or what is wrong with them.
pub(super) fn parse(lang: &str, text: &str) -> Result<Words, String> {
    let raw: Wording = toml::from_str(text).map_err(|e| format!("{lang}: {e}"))?;
    build(lang, raw).map_err(|e| format!("{lang}: {e}"))
}

/// Checks a whole wording: every key given, no empty text, each unit with exactly the plural
/// forms the language's whole numbers take.
fn build(lang: &str, raw: Wording) -> Result<Words, String> {
    let fail = |what: String| Err(what);
    let required = |value: Option<String>, key: &str| {
        value.ok_or_else(|| {
            format!("`{key}` is missing: a language without built-in words gives them all")
        })
    };
    let name = required(raw.name, "name")?;
    let session = required(raw.session, "session")?;
    let persistent = required(raw.persistent, "persistent")?;
    let up_to = required(raw.up_to, "up_to")?;
    let cookie = raw.cookie.ok_or_else(|| {
        "`cookie` is missing: a language without built-in words gives them all".to_owned()
    })?;
    let mut texts: Vec<&str> = vec![&name, &session, &persistent, &up_to];
    if !up_to.contains("{duration}") {
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
    let wanted = plural::categories(&primary(lang).to_ascii_lowercase());
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
            let keys = |list: &[Category]| {
                list.iter()
                    .map(|c| format!("`{}`", c.key()))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            return fail(format!(
                "`units.{unit}` gives the forms {}; whole numbers in this language take {}",
                keys(&given),
                keys(&wanted)
            ));
        }
        for (category, form) in forms {
            // Only a form that stands for one number may leave it out (Maltese "xahrejn").
            let numbers = (0..=200u32)
                .filter(|&n| plural::category(&primary(lang).to_ascii_lowercase(), n) == *category)
                .count();
            if !form.contains("{n}") && numbers != 1 {
                return fail(format!(
                    "`units.{unit}.{}` must hold `{{n}}`, where the number goes: it stands for more than one number",
                    category.key()
                ));
            }
        }
        texts.extend(forms.values().map(String::as_str));
        units[i] = forms.iter().map(|(c, f)| (*c, f.clone())).collect();
    }
    if cookie.is_empty() {
        return fail("`cookie` needs the language's word for a cookie".to_owned());
    }
    if headers[Column::Function as usize].len() < 2 {
        return fail(
            "`headers.function` needs a wording that names the place too, then the bare word"
                .to_owned(),
        );
    }
    texts.extend(cookie.iter().map(String::as_str));
    if let Some(bad) = texts.iter().find(|t| t.chars().any(unshowable)) {
        return fail(format!(
            "{bad:?} holds a control or direction-changing character, which a table cannot show"
        ));
    }
    if let Some(empty) = texts.iter().find(|t| t.trim().is_empty()) {
        return fail(format!("an empty wording ({empty:?})"));
    }
    let compared = headers.clone().map(|wordings| {
        wordings
            .iter()
            .map(|h| super::normalise_header(h))
            .collect()
    });
    Ok(Words {
        lang: lang.to_owned(),
        name,
        dir: raw.dir,
        headers,
        compared,
        session,
        persistent,
        kinds,
        up_to,
        cookie: cookie.iter().map(|w| w.to_lowercase()).collect(),
        units,
    })
}

/// Characters no table may hold: controls, and those that turn text's direction around.
fn unshowable(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}
