//! Where each `{{ ... }}` of a table template lands in the HTML it writes. Auto-escaping makes
//! catalogue text safe in element content and in double-quoted attribute values, and nowhere
//! else: unquoted or single-quoted values, tag and attribute names, event handlers, `style`,
//! `<script>` and `<style>` bodies, and the start of a URL (where `javascript:` could stand).
//! Templates that interpolate anywhere else, turn escaping off or mark text safe are refused.

/// A refused template: the 1-based line, what is wrong, and how to fix it.
#[derive(Debug, PartialEq, Eq)]
pub struct Refusal {
    /// The line of the offending `{{`, `{%` or `|safe`.
    pub line: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

/// Attributes whose value is a URL, or becomes one (SVG animations set `href` from `values`,
/// `from`, `to` and `by`): a value that starts with catalogue text could be `javascript:`.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "poster",
    "cite",
    "background",
    "xlink:href",
    "ping",
    "values",
    "from",
    "to",
    "by",
];

/// Statements that define or bring in markup elsewhere, so the context a value lands in cannot
/// be read from the template's own text.
const REFUSED_STATEMENTS: &[&str] = &["macro", "call", "import", "from", "include", "extends"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Html {
    Data,
    TagName,
    BeforeAttribute,
    AttributeName,
    AfterAttributeName,
    BeforeValue,
    DoubleQuoted,
    SingleQuoted,
    Unquoted,
    Comment,
    /// Inside `<script>` or `<style>`, up to its end tag.
    RawText,
}

/// Checks every interpolation of `source`; `Err` for the first one that could inject.
pub fn check(source: &str) -> Result<(), Refusal> {
    let mut state = Scanner::default();
    let bytes = source.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &source[i..];
        if rest.starts_with("{#") {
            i += rest.find("#}").map_or(rest.len(), |n| n + 2);
            continue;
        }
        if rest.starts_with("{%") {
            let end = rest.find("%}").map_or(rest.len(), |n| n + 2);
            let statement = &rest[..end];
            let words: Vec<&str> = statement
                .trim_matches(|c: char| "{}%-+ \t\r\n".contains(c))
                .split_whitespace()
                .collect();
            let line = line_of(source, i);
            match words.first().copied() {
                Some(word) if REFUSED_STATEMENTS.contains(&word) => {
                    return Err(Refusal {
                        line,
                        message: format!("the template uses `{word}`, which puts markup together where its HTML cannot be checked"),
                        help: "write the table's markup in the template itself, with `for` and `if` only".into(),
                    });
                }
                Some("set" | "with")
                    if words
                        .iter()
                        .any(|w| w.trim_matches(['(', ',', '=']) == "site") =>
                {
                    return Err(Refusal {
                        line,
                        message:
                            "the template assigns `site`, which holds the site's checked address"
                                .into(),
                        help: "give your variable another name".into(),
                    });
                }
                Some("for")
                    if words.get(1).is_some_and(|w| w.trim_matches(',') == "site")
                        || words.get(2).is_some_and(|w| w.trim_matches(',') == "site") =>
                {
                    return Err(Refusal {
                        line,
                        message: "the template loops with a variable named `site`, which holds the site's checked address".into(),
                        help: "give your loop variable another name".into(),
                    });
                }
                Some("autoescape") => {
                    return Err(Refusal {
                        line,
                        message: "the template turns auto-escaping off or on by hand".into(),
                        help: "remove the autoescape block: catalogue text is always escaped"
                            .into(),
                    });
                }
                Some("filter") if words.iter().any(|w| w.trim_matches(['|', '(']) == "safe") => {
                    return Err(safe_refusal(line));
                }
                Some("raw") => {
                    // Literal text up to `{% endraw %}`: plain HTML as far as contexts go.
                    let body_start = i + end;
                    let body_end = source[body_start..]
                        .find("{%")
                        .map_or(source.len(), |n| body_start + n);
                    for c in source[body_start..body_end].chars() {
                        state.feed(c);
                    }
                    i = body_end;
                    continue;
                }
                _ => {}
            }
            i += end;
            continue;
        }
        if rest.starts_with("{{") {
            let end = rest.find("}}").map_or(rest.len(), |n| n + 2);
            let expression = rest[2..end.saturating_sub(2).max(2)]
                .trim_matches(|c: char| "-+ \t\r\n".contains(c));
            let line = line_of(source, i);
            let compact: String = expression.chars().filter(|c| !c.is_whitespace()).collect();
            if compact
                .split('|')
                .skip(1)
                .any(|f| f == "safe" || f.starts_with("safe("))
            {
                return Err(safe_refusal(line));
            }
            state
                .interpolation(expression)
                .map_err(|(message, help)| Refusal {
                    line,
                    message,
                    help,
                })?;
            i += end;
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        state.feed(c);
        i += c.len_utf8();
    }
    Ok(())
}

fn safe_refusal(line: usize) -> Refusal {
    Refusal {
        line,
        message:
            "the template marks a value safe, so catalogue text would go into the page unescaped"
                .into(),
        help: "remove `safe`: every value is escaped for HTML already".into(),
    }
}

fn line_of(source: &str, offset: usize) -> usize {
    source[..offset].matches('\n').count() + 1
}

#[derive(Default)]
struct Scanner {
    state: Option<Html>,
    /// The tag being read, lower case.
    tag: String,
    /// The attribute being read, lower case.
    attribute: String,
    /// Whether the current attribute value has literal text yet.
    value_started: bool,
    /// What a raw text element waits for (`</script`).
    closing: String,
    /// The last few characters, to see `<!--`, `-->` and end tags.
    recent: String,
}

impl Scanner {
    fn current(&self) -> Html {
        self.state.unwrap_or(Html::Data)
    }

    fn feed(&mut self, c: char) {
        self.recent.push(c);
        if self.recent.len() > 16 {
            let cut = self.recent.len() - 16;
            let cut = (cut..self.recent.len())
                .find(|&k| self.recent.is_char_boundary(k))
                .unwrap_or(0);
            self.recent.drain(..cut);
        }
        use Html::*;
        let next = match (self.current(), c) {
            (Data, '<') => {
                self.tag.clear();
                TagName
            }
            (Data, _) => Data,
            // `<` not followed by a tag name is text.
            (TagName, c)
                if self.tag.is_empty() && !(c.is_ascii_alphabetic() || c == '/' || c == '!') =>
            {
                Data
            }
            (TagName, '!') if self.tag.is_empty() => {
                self.tag.push('!');
                TagName
            }
            (TagName, '-') if self.tag.starts_with('!') => {
                self.tag.push('-');
                if self.tag == "!--" { Comment } else { TagName }
            }
            (TagName, c) if c.is_whitespace() => BeforeAttribute,
            (TagName, '>') => self.after_tag(),
            (TagName, c) => {
                self.tag.extend(c.to_lowercase());
                TagName
            }
            (BeforeAttribute, c) if c.is_whitespace() || c == '/' => BeforeAttribute,
            (BeforeAttribute, '>') => self.after_tag(),
            (BeforeAttribute, c) => {
                self.attribute.clear();
                self.attribute.extend(c.to_lowercase());
                AttributeName
            }
            (AttributeName, '=') => BeforeValue,
            (AttributeName, '>') => self.after_tag(),
            (AttributeName, c) if c.is_whitespace() => AfterAttributeName,
            (AttributeName, '/') => BeforeAttribute,
            (AttributeName, c) => {
                self.attribute.extend(c.to_lowercase());
                AttributeName
            }
            (AfterAttributeName, c) if c.is_whitespace() => AfterAttributeName,
            (AfterAttributeName, '=') => BeforeValue,
            (AfterAttributeName, '>') => self.after_tag(),
            (AfterAttributeName, c) => {
                self.attribute.clear();
                self.attribute.extend(c.to_lowercase());
                AttributeName
            }
            (BeforeValue, c) if c.is_whitespace() => BeforeValue,
            (BeforeValue, '"') => {
                self.value_started = false;
                DoubleQuoted
            }
            (BeforeValue, '\'') => {
                self.value_started = false;
                SingleQuoted
            }
            (BeforeValue, '>') => self.after_tag(),
            (BeforeValue, _) => {
                self.value_started = true;
                Unquoted
            }
            (DoubleQuoted, '"') | (SingleQuoted, '\'') => BeforeAttribute,
            // Browsers strip white space around a URL: only other characters start the value.
            (DoubleQuoted, c) => {
                self.value_started |= !c.is_whitespace();
                DoubleQuoted
            }
            (SingleQuoted, _) => SingleQuoted,
            (Unquoted, c) if c.is_whitespace() => BeforeAttribute,
            (Unquoted, '>') => self.after_tag(),
            (Unquoted, _) => Unquoted,
            (Comment, '>') if self.recent.ends_with("-->") => Data,
            (Comment, _) => Comment,
            (RawText, _) => {
                if self.recent.to_ascii_lowercase().ends_with(&self.closing) {
                    self.tag.clear();
                    TagName
                } else {
                    RawText
                }
            }
        };
        self.state = Some(next);
    }

    /// After `>`: the content of `<script>` and `<style>` is raw text, anything else is data.
    fn after_tag(&mut self) -> Html {
        match self.tag.as_str() {
            "script" | "style" => {
                self.closing = format!("</{}", self.tag);
                Html::RawText
            }
            _ => Html::Data,
        }
    }

    /// Whether `{{ expression }}` may stand here; why not, and the fix, otherwise.
    fn interpolation(&mut self, expression: &str) -> Result<(), (String, String)> {
        use Html::*;
        let quote_it = || {
            "put the value inside a double-quoted attribute value or in element content: title=\"{{ row.purpose }}\"".to_owned()
        };
        match self.current() {
            Data | Comment => Ok(()),
            DoubleQuoted => {
                let name = self.attribute.as_str();
                let refresh = self.tag == "meta" && name == "content";
                if name.starts_with("on") || name == "style" || name == "srcdoc" || refresh {
                    return Err((
                        format!("a value is put in the `{name}` attribute, where escaping for HTML does not make catalogue text safe"),
                        "show catalogue text in element content or a plain attribute such as title".into(),
                    ));
                }
                if URL_ATTRIBUTES.contains(&name) && !self.value_started && expression != "site.url" {
                    return Err((
                        format!("a value starts the URL of the `{name}` attribute, where catalogue text could be a javascript: address"),
                        "start the URL with literal text, such as href=\"/cookies#{{ row.names[0] }}\", or with {{ site.url }}".into(),
                    ));
                }
                self.value_started = true;
                Ok(())
            }
            SingleQuoted => Err((
                "a value is put inside a single-quoted attribute, where an apostrophe in catalogue text would end it".into(),
                quote_it(),
            )),
            Unquoted | BeforeValue => Err((
                "a value is put in an unquoted attribute value, where a space in catalogue text would start a new attribute".into(),
                quote_it(),
            )),
            TagName | BeforeAttribute | AttributeName | AfterAttributeName => Err((
                "a value is put inside a tag, outside any attribute value, where catalogue text could add attributes".into(),
                quote_it(),
            )),
            RawText => Err((
                format!("a value is put inside <{}>, where escaping for HTML does not make catalogue text safe", self.tag),
                "show catalogue text in element content or a double-quoted attribute, not in a script or a style".into(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn element_content_and_double_quoted_values_are_safe() {
        for ok in [
            "<td>{{ row.purpose }}</td>",
            "<td title=\"{{ row.purpose }}\">x</td>",
            "<td title = \"{{ row.purpose }}\" class=\"a\">x</td>",
            "<a href=\"/cookies#{{ row.names[0] }}\">x</a>",
            "<a href=\"{{ site.url }}/cookies\">x</a>",
            "<!-- {{ row.purpose }} -->",
            "{% for row in rows %}<td>{{ row.purpose }}</td>{% endfor %}",
            "{# title='{{ x }}' #}<td>{{ x }}</td>",
            "<td>{{ x | upper }}</td>",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn every_other_place_is_refused_however_it_is_spaced() {
        for bad in [
            "<td title='{{ row.purpose }}'>",
            "<td title = '{{ row.purpose }}'>",
            "<td title=\n'{{ row.purpose }}'>",
            "<td title={{ row.purpose }}>",
            "<td title = {{ row.purpose }}>",
            "<td {{ row.purpose }}>",
            "<td data-{{ x }}=\"1\">",
            "<{{ x }}>",
            "<td onclick=\"{{ row.purpose }}\">",
            "<td style=\"color: {{ x }}\">",
            "<script>var p = \"{{ row.purpose }}\";</script>",
            "<style>td::after { content: \"{{ x }}\" }</style>",
            "<a href=\"{{ row.purpose }}\">",
            "<td>{{ row.purpose|safe }}</td>",
            "<td>{{ row.purpose | safe }}</td>",
            "<a href=\" {{ row.purpose }}\">",
            "<svg><a><animate attributeName=\"href\" values=\"{{ row.purpose }}\"/></a></svg>",
            "{% macro open() %}<a href=\"{% endmacro %}{{ open() }}{{ x }}",
            "{% set site = {'url': row.provider} %}<a href=\"{{ site.url }}\">",
            "{% for site in rows %}<a href=\"{{ site.url }}\">{% endfor %}",
            "<meta http-equiv=\"refresh\" content=\"0;url={{ x }}\">",
            "{% include 'x.html' %}",
            "{% autoescape false %}<td>{{ x }}</td>{% endautoescape %}",
            "{% filter safe %}{{ x }}{% endfilter %}",
        ] {
            assert!(check(bad).is_err(), "{bad}");
        }
        assert_eq!(check("<p>\n\n<td title='{{ x }}'>").unwrap_err().line, 3);
        // After a script ends, content is plain data again.
        assert_eq!(check("<script>var a = 1;</script><td>{{ x }}</td>"), Ok(()));
        assert_eq!(check("<td>1 < 2 {{ x }}</td>"), Ok(()));
    }
}
