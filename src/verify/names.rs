//! The cookie names a table cell states: names separated by commas, semicolons or line
//! breaks, and the wildcards people write in words ("any cookie starting with _hs") or with
//! a stand-in for the varying part (`_ga_<container-id>`, `_ga_XXXXXXX`), as `*` patterns.

/// Phrases that put a name prefix right after them, lower case, in the languages whose
/// policies the tool has met them in.
const PREFIX_PHRASES: &[&str] = &[
    "starting with",
    "starts with",
    "beginning with",
    "begins with",
    "prefixed with",
    "prefixed by",
    "with the prefix",
    "commençant par",
    "commencant par",
    "commence par",
    "commencent par",
    "débutant par",
    "préfixés par",
    "préfixé par",
    "beginnend met",
    "beginnen met",
    "begint met",
    "beginnend mit",
    "beginnt mit",
    "beginnen mit",
    "mit dem präfix",
    "die mit",
    "que empiezan por",
    "que comienzan por",
    "che iniziano con",
    "che inizia con",
];

/// The names and patterns `cell` lists.
///
/// ```
/// use cookie_ledger::verify::cell_names;
///
/// assert_eq!(cell_names("sessionid; csrftoken"), ["sessionid", "csrftoken"]);
/// assert_eq!(cell_names("Any cookie starting with _hs"), ["_hs*"]);
/// assert_eq!(cell_names("_ga, _ga_<container-id>"), ["_ga", "_ga_*"]);
/// ```
pub fn cell_names(cell: &str) -> Vec<String> {
    // ASCII lower case keeps every byte offset, so a phrase found in it splits `cell` on a
    // character boundary.
    let lower = cell.to_ascii_lowercase();
    let phrase = PREFIX_PHRASES
        .iter()
        .filter_map(|p| lower.find(p).map(|at| (at, p.len())))
        .min();
    let Some((at, len)) = phrase else {
        return tokens(cell).map(stand_ins).collect();
    };
    // Prose: the name-like words before the phrase, then the prefix the phrase introduces.
    let (before, after) = cell.split_at(at);
    let after = after.get(len..).unwrap_or("");
    let mut names: Vec<String> = tokens(before)
        .filter(|t| looks_like_a_name(t))
        .map(stand_ins)
        .collect();
    let mut rest = tokens(after);
    if let Some(prefix) = rest.next() {
        let prefix = stand_ins(prefix);
        names.push(if prefix.ends_with('*') {
            prefix
        } else {
            format!("{prefix}*")
        });
    }
    names.extend(rest.filter(|t| looks_like_a_name(t)).map(stand_ins));
    names
}

/// The cell's words, separators and quotes taken off.
fn tokens(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .map(|t| {
            t.trim_matches(|c: char| {
                matches!(
                    c,
                    '"' | '\'' | '`' | '«' | '»' | '“' | '”' | '‘' | '’' | '(' | ')' | ':' | '.'
                ) || c == '\u{a0}'
            })
        })
        .filter(|t| !t.is_empty())
}

/// Whether a word of prose is a cookie name rather than a word: names carry a mark words do
/// not (`_`, `-`, `.`, a digit, `*`, a capital after the first letter).
fn looks_like_a_name(word: &str) -> bool {
    word.chars().enumerate().any(|(i, c)| {
        matches!(c, '_' | '-' | '.' | '*') || c.is_ascii_digit() || (i > 0 && c.is_uppercase())
    })
}

/// `word` with its stand-ins for a varying part as `*`: `<...>`, `{...}`, `[...]`, and a
/// closing run of three or more `X` after `_`, `-` or `.`.
fn stand_ins(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut closing = None;
    for c in word.chars() {
        match (closing, c) {
            (None, '<') => closing = Some('>'),
            (None, '{') => closing = Some('}'),
            (None, '[') => closing = Some(']'),
            (Some(end), c) if c == end => {
                closing = None;
                if !out.ends_with('*') {
                    out.push('*');
                }
            }
            (Some(_), _) => {}
            (None, c) => out.push(c),
        }
    }
    if closing.is_some() || out.chars().all(|c| c == '*') {
        // An unclosed bracket is part of the name, not a stand-in; nor is a whole word in
        // brackets (`<session-id>`), which would match every name.
        return word.to_owned();
    }
    let xs = out.len() - out.trim_end_matches(['X', 'x']).len();
    let stem = &out[..out.len() - xs];
    if xs >= 3 && stem.ends_with(['_', '-', '.']) {
        return format!("{stem}*");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::cell_names;

    #[test]
    fn lists_names_however_they_are_separated() {
        assert_eq!(cell_names("a, b"), ["a", "b"]);
        assert_eq!(cell_names("a;b"), ["a", "b"]);
        assert_eq!(cell_names("a\nb"), ["a", "b"]);
        assert_eq!(cell_names("`a` , “b”"), ["a", "b"]);
        assert!(cell_names("").is_empty());
        assert!(cell_names(" ; , ").is_empty());
    }

    #[test]
    fn reads_wildcards_written_in_words_in_several_languages() {
        assert_eq!(cell_names("Any cookie starting with _hs"), ["_hs*"]);
        assert_eq!(
            cell_names("__hstc, __hssc and any cookie beginning with \"_hs\""),
            ["__hstc", "__hssc", "_hs*"]
        );
        assert_eq!(cell_names("Cookies commençant par _pk_"), ["_pk_*"]);
        assert_eq!(cell_names("alle Cookies, die mit _ga beginnen"), ["_ga*"]);
        assert_eq!(cell_names("Cookies beginnend met _hj"), ["_hj*"]);
        assert_eq!(cell_names("starting with _ga_*"), ["_ga_*"]);
    }

    #[test]
    fn reads_stand_ins_for_the_varying_part() {
        assert_eq!(cell_names("_ga_<container-id>"), ["_ga_*"]);
        assert_eq!(cell_names("_ga_XXXXXXXX"), ["_ga_*"]);
        assert_eq!(cell_names("_pk_id.{site}.{hash}"), ["_pk_id.*.*"]);
        assert_eq!(cell_names("wp-settings-[UID]"), ["wp-settings-*"]);
        // Not stand-ins: two X, an unclosed bracket, X inside a word.
        assert_eq!(cell_names("XX_XX"), ["XX_XX"]);
        assert_eq!(cell_names("a<b"), ["a<b"]);
        assert_eq!(cell_names("<session-id>"), ["<session-id>"]);
        assert_eq!(cell_names("XXXX"), ["XXXX"]);
        assert_eq!(cell_names("MAX"), ["MAX"]);
    }
}
