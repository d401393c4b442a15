//! Every value the sites' tables give, counted: per cookie, per field and language, which
//! site said what and where. A site's own value is what most of its pages say; the shared
//! value is what most sites say (ties go to the site named first).

use std::collections::BTreeMap;

use super::SiteInput;
use super::read::Table;
use crate::catalogue::Duration;
use crate::diagnostic::Location;
use crate::labels::{self, Column};
use crate::storage::Storage;
use crate::verify::cell_names;

use super::category::classify;

/// Who said one value, and where.
#[derive(Debug)]
pub(super) struct Tally<T> {
    votes: Vec<(usize, T, Location)>,
}

impl<T> Default for Tally<T> {
    fn default() -> Self {
        Tally { votes: Vec::new() }
    }
}

/// One value and the sites and places that say it.
#[derive(Debug)]
pub(super) struct Group<'a, T> {
    /// The value.
    pub(super) value: &'a T,
    /// The sites whose own value it is, in site order.
    pub(super) sites: Vec<usize>,
    /// Every place that says it, the outvoted pages of other sites included.
    pub(super) places: Vec<&'a Location>,
}

impl<T: PartialEq> Tally<T> {
    fn add(&mut self, site: usize, value: T, at: &Location) {
        self.votes.push((site, value, at.clone()));
    }

    /// Whether no page said anything.
    pub(super) fn is_empty(&self) -> bool {
        self.votes.is_empty()
    }

    /// Each site's own value: what most of its pages say, the first said on a tie.
    pub(super) fn by_site(&self) -> BTreeMap<usize, &T> {
        let mut sites: BTreeMap<usize, Vec<(&T, usize)>> = BTreeMap::new();
        for (site, value, _) in &self.votes {
            let counts = sites.entry(*site).or_default();
            match counts.iter_mut().find(|(v, _)| *v == value) {
                Some((_, n)) => *n += 1,
                None => counts.push((value, 1)),
            }
        }
        sites
            .into_iter()
            .map(|(site, counts)| {
                let best = counts.iter().map(|(_, n)| *n).max().unwrap_or(0);
                let value = counts.iter().find(|(_, n)| *n == best).map(|(v, _)| *v);
                (site, value.expect("a site with votes has a value"))
            })
            .collect()
    }

    /// The values sites hold, the shared one (most sites, the first site's on a tie) first.
    pub(super) fn groups(&self) -> Vec<Group<'_, T>> {
        let mut groups: Vec<Group<'_, T>> = Vec::new();
        for (site, value) in self.by_site() {
            match groups.iter_mut().find(|g| g.value == value) {
                Some(g) => g.sites.push(site),
                None => groups.push(Group {
                    value,
                    sites: vec![site],
                    places: Vec::new(),
                }),
            }
        }
        for (_, value, at) in &self.votes {
            if let Some(g) = groups.iter_mut().find(|g| g.value == value) {
                g.places.push(at);
            }
        }
        // Stable: equal counts keep the order of their first site.
        groups.sort_by_key(|g| std::cmp::Reverse(g.sites.len()));
        groups
    }
}

/// A duration cell: read into a duration, or text the tool cannot read.
#[derive(Debug, PartialEq)]
pub(super) enum Said {
    Read(Duration),
    Unread(String),
}

/// Everything said of one cookie (a row's names) across the sites.
#[derive(Debug, Default)]
pub(super) struct Entry {
    pub(super) names: Vec<String>,
    /// The sites that list it, in site order.
    pub(super) sites: Vec<usize>,
    pub(super) provider: Tally<String>,
    pub(super) function: BTreeMap<String, Tally<String>>,
    pub(super) purpose: BTreeMap<String, Tally<String>>,
    pub(super) duration: Tally<Said>,
    pub(super) kind: Tally<Storage>,
    pub(super) category: Tally<String>,
    /// Where it is listed.
    pub(super) places: Vec<Location>,
}

/// A category the tables show, by id.
#[derive(Debug, Default)]
pub(super) struct CategoryVote {
    pub(super) id: String,
    /// Titles per language.
    pub(super) title: BTreeMap<String, Tally<String>>,
}

/// What every table of every site says.
#[derive(Debug, Default)]
pub(super) struct Votes {
    pub(super) cookies: Vec<Entry>,
    pub(super) categories: Vec<CategoryVote>,
    /// Per site, the languages of its pages with tables, the most used first.
    pub(super) languages: Vec<Vec<String>>,
    /// Per site, the languages of its other pages, which show no table.
    pub(super) untabled: Vec<Vec<String>>,
    /// Rows and cells not imported, with why and where.
    pub(super) skipped: Vec<String>,
}

/// Counts every table of every site.
pub(super) fn count(sites: &[SiteInput]) -> Votes {
    let mut votes = Votes::default();
    for (s, site) in sites.iter().enumerate() {
        let mut used: Vec<(String, usize)> = Vec::new();
        let mut other: Vec<String> = Vec::new();
        for page in &site.pages {
            let mut previous: Option<(String, String)> = None;
            for table in &page.tables {
                // A page language the tool has no words for gives way to its header's.
                let known = |l: &&str| labels::words(labels::primary(l)).is_some();
                let lang = page
                    .lang
                    .as_deref()
                    .filter(known)
                    .or(table.header_lang.as_deref())
                    .map_or_else(|| "en".to_owned(), normalise_tag);
                match used.iter_mut().find(|(l, _)| *l == lang) {
                    Some((_, n)) => *n += 1,
                    None => used.push((lang.clone(), 1)),
                }
                previous = votes.table(s, &lang, table, previous);
            }
            if page.tables.is_empty()
                && let Some(lang) = page.lang.as_deref().map(normalise_tag)
                && !other.contains(&lang)
            {
                other.push(lang);
            }
        }
        used.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
        let languages: Vec<String> = used.into_iter().map(|(l, _)| l).collect();
        other.retain(|l| !languages.contains(l));
        votes.languages.push(languages);
        votes.untabled.push(other);
    }
    votes
}

impl Votes {
    /// Counts one table of site `site` in `lang`; `previous` is the (category id, title) of
    /// the table before it on the page, which a table with no heading of its own continues.
    /// Returns this table's last category.
    fn table(
        &mut self,
        site: usize,
        lang: &str,
        table: &Table,
        previous: Option<(String, String)>,
    ) -> Option<(String, String)> {
        let at = |column: Column| table.columns.iter().position(|c| *c == Some(column));
        let names_at = at(Column::Names).expect("a cookie table has a names column");
        let words = labels::words(lang)
            .or_else(|| table.header_lang.as_deref().and_then(labels::words))
            .or_else(|| labels::words("en"));
        let mut category = table
            .headings
            .last()
            .or(table.title.as_ref())
            .map(|title| (classify(title), title.clone()))
            .or(previous);
        if let Some((id, title)) = &category {
            self.title(id, lang, title, site, &table.location);
        }
        for (column, label) in table.columns.iter().zip(&table.labels) {
            if column.is_none() && !label.is_empty() {
                self.skipped.push(format!(
                    "{}: the column `{label}` is not one a catalogue holds; its cells are not imported",
                    table.location
                ));
            }
        }
        for (place, cells) in &table.rows {
            let filled = cells.iter().filter(|c| !c.is_empty()).count();
            let names = cell_names(cells.get(names_at).map_or("", String::as_str));
            if filled == 0 {
                continue;
            }
            if names.is_empty() && filled == 1 {
                // A group heading: the rows after it are of its category.
                let title = cells.iter().find(|c| !c.is_empty()).expect("one filled");
                category = Some((classify(title), title.clone()));
                self.title(&classify(title), lang, title, site, place);
                continue;
            }
            if names.is_empty() {
                self.skipped.push(format!(
                    "{}: a row names no cookie ({}); it is not imported, and check reports it until the page names the cookie",
                    place,
                    cells.iter().filter(|c| !c.is_empty()).cloned().collect::<Vec<_>>().join(" | ")
                ));
                continue;
            }
            let entry = self.entry(&names);
            if !entry.sites.contains(&site) {
                entry.sites.push(site);
            }
            entry.places.push(place.clone());
            let cell = |column: Column| {
                at(column)
                    .and_then(|i| cells.get(i))
                    .filter(|c| !c.is_empty())
            };
            if let Some(provider) = cell(Column::Provider) {
                entry.provider.add(site, provider.clone(), place);
            }
            if let Some(function) = cell(Column::Function) {
                let tally = entry.function.entry(lang.to_owned()).or_default();
                tally.add(site, function.clone(), place);
            }
            if let Some(purpose) = cell(Column::Purpose) {
                let tally = entry.purpose.entry(lang.to_owned()).or_default();
                tally.add(site, purpose.clone(), place);
            }
            if let Some(text) = cell(Column::Duration) {
                let said = words
                    .and_then(|w| Duration::read(text, w))
                    .map_or_else(|| Said::Unread(text.clone()), Said::Read);
                entry.duration.add(site, said, place);
            }
            if let Some((id, _)) = &category {
                entry.category.add(site, id.clone(), place);
            }
            if let Some(text) = cell(Column::Kind) {
                let kind = Storage::ALL.into_iter().find(|k| {
                    words.is_some_and(|w| w.kind(*k).to_lowercase() == text.to_lowercase())
                });
                match kind {
                    Some(kind) => entry.kind.add(site, kind, place),
                    None => self.skipped.push(format!(
                        "{}: the type `{text}` is not a kind of storage the tool knows in `{lang}`; the entry is imported as a cookie",
                        place
                    )),
                }
            }
        }
        category
    }

    /// The entry for `names`: the one listing any of them, else a new one.
    fn entry(&mut self, names: &[String]) -> &mut Entry {
        let at = self
            .cookies
            .iter()
            .position(|e| e.names.iter().any(|n| names.contains(n)));
        let at = match at {
            Some(at) => {
                for name in names {
                    if !self.cookies[at].names.contains(name) {
                        self.cookies[at].names.push(name.clone());
                    }
                }
                at
            }
            None => {
                self.cookies.push(Entry {
                    names: names.to_vec(),
                    ..Entry::default()
                });
                self.cookies.len() - 1
            }
        };
        &mut self.cookies[at]
    }

    fn title(&mut self, id: &str, lang: &str, title: &str, site: usize, at: &Location) {
        let category = match self.categories.iter().position(|c| c.id == id) {
            Some(i) => &mut self.categories[i],
            None => {
                self.categories.push(CategoryVote {
                    id: id.to_owned(),
                    ..CategoryVote::default()
                });
                self.categories.last_mut().expect("just pushed")
            }
        };
        category
            .title
            .entry(lang.to_owned())
            .or_default()
            .add(site, title.to_owned(), at);
    }
}

/// The languages of a site's pages that the tool has words for, the most used first.
pub(super) fn page_languages(site: &SiteInput) -> Vec<String> {
    let mut used: Vec<(String, usize)> = Vec::new();
    for lang in site.pages.iter().filter_map(|p| p.lang.as_deref()) {
        if labels::words(labels::primary(lang)).is_none() {
            continue;
        }
        let lang = normalise_tag(lang);
        match used.iter_mut().find(|(l, _)| *l == lang) {
            Some((_, n)) => *n += 1,
            None => used.push((lang, 1)),
        }
    }
    used.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    used.into_iter().map(|(l, _)| l).collect()
}

/// A language tag as catalogues write it: `nl-BE`, `pt-BR`, `en`.
fn normalise_tag(tag: &str) -> String {
    let mut parts = tag.trim().split(['-', '_']);
    let language = parts.next().unwrap_or("").to_ascii_lowercase();
    let rest: Vec<String> = parts
        .map(|p| {
            if p.len() == 2 {
                p.to_ascii_uppercase()
            } else {
                p.to_ascii_lowercase()
            }
        })
        .collect();
    std::iter::once(language)
        .chain(rest)
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settles_ties_for_the_first_site_and_counts_sites_not_pages() {
        let at = Location::new("p.html", (1, 1));
        let mut tally = Tally::default();
        // Site 0 says "a" on three pages; sites 1 and 2 say "b": two sites outvote one.
        for _ in 0..3 {
            tally.add(0, "a".to_owned(), &at);
        }
        tally.add(1, "b".to_owned(), &at);
        tally.add(2, "b".to_owned(), &at);
        let groups = tally.groups();
        assert_eq!(groups[0].value, "b");
        assert_eq!(groups[0].sites, [1, 2]);
        assert_eq!(groups[1].places.len(), 3);
        let mut tie = Tally::default();
        tie.add(1, "x".to_owned(), &at);
        tie.add(0, "y".to_owned(), &at);
        assert_eq!(tie.groups()[0].value, "y", "site 0 comes first");
    }

    #[test]
    fn writes_language_tags_as_catalogues_do() {
        assert_eq!(normalise_tag("nl-be"), "nl-BE");
        assert_eq!(normalise_tag("EN_gb"), "en-GB");
        assert_eq!(normalise_tag("fr"), "fr");
    }
}
