//! A site template's own column headers, for a language the tool has no words for: when
//! the template writes every column's header as plain text (`<th>Nomen</th>` above
//! `<td>{{ row.names }}</td>`), those headers are the language's, and the rest of its words
//! (durations, "session", the kinds of storage) are English until a `[language.<tag>]`
//! table gives them.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use lol_html::{HtmlRewriter, Settings, element, text};

use crate::labels::{self, Column, Wording, Words};

/// The header text the template writes above each column it fills from a row's field.
pub(super) fn headers(source: &str) -> BTreeMap<Column, String> {
    let rows: Rc<RefCell<Vec<Vec<String>>>> = Rc::default();
    let (r1, r2, r3) = (Rc::clone(&rows), Rc::clone(&rows), Rc::clone(&rows));
    let settings = Settings::new()
        .append_element_content_handler(element!("tr", move |_| {
            r1.borrow_mut().push(Vec::new());
            Ok(())
        }))
        .append_element_content_handler(element!("th, td", move |_| {
            let mut rows = r2.borrow_mut();
            if rows.is_empty() {
                rows.push(Vec::new());
            }
            rows.last_mut().expect("a row").push(String::new());
            Ok(())
        }))
        .append_element_content_handler(text!("th, td", move |t| {
            if let Some(cell) = r3.borrow_mut().last_mut().and_then(|r| r.last_mut()) {
                cell.push_str(t.as_str());
            }
            Ok(())
        }));
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    if rewriter
        .write(source.as_bytes())
        .and_then(|()| rewriter.end())
        .is_err()
    {
        return BTreeMap::new();
    }
    let rows = rows.take();
    let fills = |cell: &String| cell.contains("row.");
    let Some(probe) = rows.iter().find(|r| r.iter().any(fills)) else {
        return BTreeMap::new();
    };
    let Some(header) = rows
        .iter()
        .find(|r| r.len() == probe.len() && !r.iter().any(fills))
    else {
        return BTreeMap::new();
    };
    let mut found = BTreeMap::new();
    for (cell, label) in probe.iter().zip(header) {
        let label = html_escape::decode_html_entities(label)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let literal = !label.is_empty() && !label.contains("{{") && !label.contains("{%");
        if let (Some(column), true) = (field(cell), literal) {
            found.entry(column).or_insert(label);
        }
    }
    found
}

/// The column a cell's `{{ row.<field> }}` fills.
fn field(cell: &str) -> Option<Column> {
    let at = cell.find("row.")? + 4;
    let name: String = cell[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    Column::ALL.into_iter().find(|c| c.key() == name)
}

/// The words of `lang` from a template's headers, over English; `Err` names the columns the
/// template leaves to the tool's own words.
pub(super) fn words(lang: &str, source: &str) -> Result<Words, Vec<Column>> {
    let headers = headers(source);
    let missing: Vec<Column> = Column::REQUIRED
        .into_iter()
        .filter(|c| !headers.contains_key(c))
        .collect();
    if !missing.is_empty() {
        return Err(missing);
    }
    let names = headers[&Column::Names].to_lowercase();
    let wording = Wording {
        name: Some(lang.to_owned()),
        cookie: Some(vec![names]),
        // The words ask for two wordings of the function header (with the place, then bare):
        // the template's one header is both.
        headers: headers
            .into_iter()
            .map(|(c, h)| {
                let wordings = if c == Column::Function {
                    vec![h.clone(), h]
                } else {
                    vec![h]
                };
                (c.key().to_owned(), wordings)
            })
            .collect(),
        ..Wording::default()
    };
    let english = labels::words("en").expect("English is built in");
    labels::words_from(lang, wording, Some(english)).map_err(|_| Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_header_above_each_field_a_template_fills() {
        let source = "<table><caption>{{ category.title }}</caption>\
            <thead><tr><th>Nomen</th>{% if show_kind %}<th>Genus</th>{% endif %}<th>Praebitor</th><th>Munus</th><th>Propositum</th><th>{{ headers.duration }}</th></tr></thead>\
            <tbody>{% for row in rows %}<tr><th scope=\"row\">{{ row.names | join(\", \") }}</th>{% if show_kind %}<td>{{ row.kind }}</td>{% endif %}\
            <td>{{ row.provider }}</td><td>{{ row.function }}</td><td>{{ row.purpose }}</td><td>{{ row.duration }}</td></tr>{% endfor %}</tbody></table>";
        let found = headers(source);
        assert_eq!(found[&Column::Names], "Nomen");
        assert_eq!(found[&Column::Kind], "Genus");
        assert_eq!(found[&Column::Provider], "Praebitor");
        assert_eq!(found[&Column::Purpose], "Propositum");
        // A header the template takes from the tool's words is not the template's own.
        assert!(!found.contains_key(&Column::Duration));
        assert_eq!(words("la", source).unwrap_err(), [Column::Duration]);
        let whole = source.replace("{{ headers.duration }}", "Duratio");
        let words = words("la", &whole).unwrap();
        assert_eq!(words.header(Column::Duration), "Duratio");
        assert_eq!(words.session, "Session", "the rest is English");
    }

    #[test]
    fn a_template_without_a_table_gives_nothing() {
        assert!(headers("<p>{{ rows }}</p>").is_empty());
        assert!(headers("").is_empty());
    }
}
