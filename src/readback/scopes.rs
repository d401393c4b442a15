//! Elements that hide their content or opt its tables out, from their start tag to where a
//! browser ends them.
//!
//! lol_html keeps no tree: it runs an element's end-tag handler at its end tag, or at the end
//! tag of an element around it. Elements whose end tag HTML lets authors leave out (`<p>`,
//! `<li>`, table cells...) also end at certain start tags; those rules are kept here.

use std::ops::Range;

/// How a browser ends elements whose end tag may be left out.
#[derive(Debug)]
struct Implied {
    /// The elements it is about.
    tags: &'static [&'static str],
    /// Start tags that end them.
    ended_by: &'static [&'static str],
    /// Elements inside which those start tags belong to a nested element instead.
    unless_within: &'static [&'static str],
}

const TABLE_PARTS: &[&str] = &["tbody", "tfoot", "thead"];

const IMPLIED: &[Implied] = &[
    Implied {
        tags: &["p"],
        ended_by: &[
            "address",
            "article",
            "aside",
            "blockquote",
            "center",
            "dd",
            "details",
            "dialog",
            "dir",
            "div",
            "dl",
            "dt",
            "fieldset",
            "figcaption",
            "figure",
            "footer",
            "form",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "header",
            "hgroup",
            "hr",
            "li",
            "listing",
            "main",
            "menu",
            "nav",
            "ol",
            "p",
            "pre",
            "search",
            "section",
            "summary",
            "table",
            "ul",
            "xmp",
        ],
        unless_within: &["button", "object", "template"],
    },
    Implied {
        tags: &["li"],
        ended_by: &["li"],
        unless_within: &["menu", "ol", "template", "ul"],
    },
    Implied {
        tags: &["dd", "dt"],
        ended_by: &["dd", "dt"],
        unless_within: &["dl", "template"],
    },
    Implied {
        tags: &["td", "th"],
        ended_by: &["tbody", "td", "tfoot", "th", "thead", "tr"],
        unless_within: &["table", "template"],
    },
    Implied {
        tags: &["tr"],
        ended_by: &["tbody", "tfoot", "thead", "tr"],
        unless_within: &["table", "template"],
    },
    Implied {
        tags: TABLE_PARTS,
        ended_by: TABLE_PARTS,
        unless_within: &["table", "template"],
    },
];

/// One element that hides or opts out its content.
#[derive(Debug)]
struct Scope {
    /// The length of `hidden_by` before it, when it hides.
    hidden_depth: Option<usize>,
    /// The first table it may hold, when it opts out.
    first_table: Option<usize>,
    ended: bool,
}

/// A scope whose element a start tag may end.
#[derive(Debug)]
struct OpenImplied {
    id: usize,
    rule: &'static Implied,
    /// Open elements inside it that hold the start tags which would end it.
    nested: usize,
}

/// The scopes of one page.
#[derive(Debug, Default)]
pub struct Scopes {
    /// Why open hiding elements hide, outermost first.
    hidden_by: Vec<&'static str>,
    /// Ranges of table ordinals inside an element that opts its tables out.
    opted_out: Vec<Range<usize>>,
    scopes: Vec<Scope>,
    /// Open scopes of elements a start tag may end, outermost first.
    implied: Vec<OpenImplied>,
}

impl Scopes {
    /// Why what starts now is hidden, if it is.
    pub fn hidden(&self) -> Option<&'static str> {
        self.hidden_by.first().copied()
    }

    /// Whether a start tag can end or nest in an open scope, so its name is worth reading.
    pub fn watches_start_tags(&self) -> bool {
        !self.implied.is_empty()
    }

    /// Reads start tag `tag` before anything starts in it; `tables` is the count of tables
    /// started so far. Returns the scopes it nests in, to pass to [`Scopes::nested_end`] at its
    /// end tag.
    pub fn start_tag(&mut self, tag: &str, tables: usize) -> Vec<usize> {
        // Innermost first: ending a scope ends every scope opened inside it.
        for i in (0..self.implied.len()).rev() {
            let Some(open) = self.implied.get(i) else {
                continue;
            };
            if open.nested == 0 && open.rule.ended_by.contains(&tag) {
                let first = open.id;
                self.implied.truncate(i);
                for id in first..self.scopes.len() {
                    self.end(id, tables);
                }
            }
        }
        self.implied
            .iter_mut()
            .filter(|open| open.rule.unless_within.contains(&tag))
            .map(|open| {
                open.nested += 1;
                open.id
            })
            .collect()
    }

    /// The end of an element that [`Scopes::start_tag`] found nested in scopes `ids`.
    pub fn nested_end(&mut self, ids: &[usize]) {
        for open in self
            .implied
            .iter_mut()
            .filter(|open| ids.contains(&open.id))
        {
            open.nested = open.nested.saturating_sub(1);
        }
    }

    /// Opens a scope for element `tag`; returns its id, to pass to [`Scopes::end`].
    pub fn open(
        &mut self,
        tag: Option<&str>,
        hidden: Option<&'static str>,
        opted_out: bool,
        tables: usize,
    ) -> usize {
        let id = self.scopes.len();
        let hidden_depth = hidden.map(|why| {
            self.hidden_by.push(why);
            self.hidden_by.len() - 1
        });
        self.scopes.push(Scope {
            hidden_depth,
            first_table: opted_out.then_some(tables),
            ended: false,
        });
        if let Some(rule) = tag.and_then(implied) {
            self.implied.push(OpenImplied {
                id,
                rule,
                nested: 0,
            });
        }
        id
    }

    /// Ends scope `id` with `tables` tables started: what starts from here on is outside it.
    pub fn end(&mut self, id: usize, tables: usize) {
        let Some(scope) = self.scopes.get_mut(id).filter(|scope| !scope.ended) else {
            return;
        };
        scope.ended = true;
        let (hidden_depth, first_table) = (scope.hidden_depth, scope.first_table);
        // What opened inside the element ends with it; truncating leaves nothing of it behind.
        if let Some(depth) = hidden_depth {
            self.hidden_by.truncate(depth);
        }
        if let Some(first) = first_table {
            self.opted_out.push(first..tables);
        }
        self.implied.retain(|open| open.id != id);
    }

    /// Ordinals of the tables an opting-out element held, as sorted, merged ranges.
    pub fn opted_out(&mut self) -> impl Iterator<Item = Range<usize>> + '_ {
        self.opted_out.sort_by_key(|r| r.start);
        let mut ranges = self.opted_out.iter().cloned().peekable();
        std::iter::from_fn(move || {
            let mut merged = ranges.next()?;
            while let Some(next) = ranges.next_if(|r| r.start <= merged.end) {
                merged.end = merged.end.max(next.end);
            }
            Some(merged)
        })
    }
}

fn implied(tag: &str) -> Option<&'static Implied> {
    IMPLIED.iter().find(|rule| rule.tags.contains(&tag))
}

/// Whether an inline style hides its element: `display: none` or `visibility: hidden`.
pub(super) fn hides(style: &str) -> bool {
    let compact: String = style
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    compact.split(';').any(|declaration| {
        let declaration = declaration.trim_end_matches("!important");
        declaration == "display:none" || declaration == "visibility:hidden"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HIDDEN: Option<&str> = Some("hidden");

    #[test]
    fn a_block_ends_an_open_paragraph_and_what_it_holds() {
        let mut s = Scopes::default();
        let p = s.open(Some("p"), HIDDEN, false, 0);
        s.open(Some("span"), HIDDEN, true, 0);
        assert_eq!(s.hidden(), HIDDEN);
        assert!(s.start_tag("div", 0).is_empty());
        assert_eq!(s.hidden(), None);
        s.end(p, 1);
        assert_eq!(s.opted_out().collect::<Vec<_>>(), vec![0..0]);
    }

    #[test]
    fn a_nested_list_keeps_its_item_open() {
        let mut s = Scopes::default();
        s.open(Some("li"), HIDDEN, false, 0);
        let ul = s.start_tag("ul", 0);
        assert_eq!(ul.len(), 1);
        s.start_tag("li", 0);
        assert_eq!(s.hidden(), HIDDEN, "an item of the nested list");
        s.nested_end(&ul);
        s.start_tag("li", 0);
        assert_eq!(s.hidden(), None, "the next item of the outer list");
    }

    #[test]
    fn opted_out_ranges_merge() {
        let mut s = Scopes {
            opted_out: vec![4..6, 0..2, 1..3, 3..3],
            ..Scopes::default()
        };
        assert_eq!(s.opted_out().collect::<Vec<_>>(), vec![0..3, 4..6]);
    }
}
