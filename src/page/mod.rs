//! One page, one streaming pass: inject the tables, read the output back, verify it.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use lol_html::HtmlRewriter;
use serde::{Deserialize, Serialize};
use similar::TextDiff;

use crate::catalogue::{Catalogue, SiteId};
use crate::charset::{self, Charset};
use crate::diagnostic::{Diagnostic, Location, Rule};
use crate::inject::{Injected, Marker};
use crate::position::LineIndex;
use crate::readback::{self, MarkerSeen, Readback};
use crate::render::Tables;
use crate::scan::services::{Services, TagKind};
use crate::scan::{self, Controls, Placed, Sighting};
use crate::verify::{self, SeenMarker, SeenTable};

mod local;
mod passes;

pub use local::local_path;
use local::local_script;
use passes::{has_marker, inject_and_read};

/// What a page pass needs that every page shares.
pub struct Context<'a> {
    /// The validated catalogue.
    pub catalogue: &'a Catalogue,
    /// The services to recognise: the catalogue's own, then those the tool knows.
    pub services: &'a Services,
    /// Every rendered table.
    pub tables: &'a Tables,
    /// Report markers whose existing content differs from what they will get (check mode).
    pub report_stale_markers: bool,
    /// HTML appended to every page (the preview's reload script); never set by `build` or `check`.
    pub append: Option<&'a str>,
    /// The command that brings the output up to date, for help texts.
    pub build_command: &'a str,
}

/// The result of one page pass.
#[derive(Debug, Default)]
pub struct PageResult {
    /// The new page, or `None` when it comes out byte for byte as it went in.
    pub output: Option<Vec<u8>>,
    /// Findings, located in the input page.
    pub findings: Vec<Diagnostic>,
    /// What the page tells about its site.
    pub facts: PageFacts,
}

/// What a page tells the site-wide reduction: its site, its tables, what it sets and loads.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PageFacts {
    /// The site the page belongs to.
    pub site: Option<SiteId>,
    /// Visible cookie tables on the page.
    pub cookie_tables: usize,
    /// Catalogue cookies that the page's tables list.
    pub covered: Vec<usize>,
    /// The (language, category index) of each table it shows.
    #[serde(default)]
    pub shown: Vec<(String, usize)>,
    /// Cookies the page sets, where and how.
    pub sightings: Vec<Placed>,
    /// Scripts of the site the page loads.
    pub scripts: Vec<ScriptLoad>,
    /// What the page's inline code says about the services it loads.
    pub controls: Controls,
    /// For a page with a cookie table, the newest date it states (`<time datetime>` visitors
    /// see, whole days), where; nothing for other pages.
    #[serde(default)]
    pub dates: Vec<(Location, String)>,
}

/// A script of the site that a page loads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScriptLoad {
    /// Its `/`-separated path in the site folder.
    pub path: String,
    /// Whether a consent manager holds the `<script>` back.
    pub gated: bool,
    /// Where the `<script>` tag is.
    pub location: Location,
}

/// Processes one page: `rel` is its `/`-separated path in the site, `display` its path for messages.
///
/// `chunk_size` is how many bytes are fed to the parser at a time; any size gives the same result.
pub fn process(
    ctx: &Context,
    rel: &str,
    display: &str,
    input: &[u8],
    chunk_size: usize,
) -> PageResult {
    let site = ctx.catalogue.site_of(rel);
    let charset = match charset::of(input) {
        Ok(charset) => charset,
        Err(reason) => {
            let d = Diagnostic::new(
                Rule::UnsupportedFile,
                Some(Location::new(display, (1, 1))),
                format!("cannot read the page: {reason}"),
            )
            .with_help("save it as UTF-8, or in another encoding that keeps ASCII as it is, declared with <meta charset>");
            return PageResult {
                findings: vec![d],
                facts: PageFacts {
                    site,
                    ..PageFacts::default()
                },
                output: None,
            };
        }
    };
    let injected = Rc::new(RefCell::new(Injected::default()));
    let read = Rc::new(RefCell::new(Readback::default()));
    let mut reader =
        HtmlRewriter::new(readback::settings(Rc::clone(&read), charset), |_: &[u8]| {});
    // A page with no marker attribute anywhere in its bytes (an attribute name is never an
    // entity, and every encoding read here keeps ASCII as it is) has nothing to inject: it is
    // read back as it is, in one pass instead of two.
    let (output, written, read_error) = if ctx.append.is_none() && !has_marker(input) {
        let read = input
            .chunks(chunk_size.max(1))
            .try_for_each(|chunk| reader.write(chunk));
        (None, Ok(()), read.err())
    } else {
        let (output, written, read_error) = inject_and_read(
            ctx,
            site,
            charset,
            &injected,
            &mut reader,
            input,
            chunk_size,
        );
        ((output != input).then_some(output), written, read_error)
    };
    let read_result = match read_error {
        Some(e) => Err(e),
        None => reader.end(),
    };

    let index = LineIndex::for_encoding(charset.is_utf8());
    let at = |offset: usize| Location::new(display, index.line_col(input, offset));
    let injected = injected.take();
    if let Err(e) = written.and(read_result) {
        // Nothing on a page that cannot be parsed was checked: its tables, or what it sets.
        let d = Diagnostic::new(
            Rule::UnsupportedFile,
            Some(at(0)),
            format!("cannot parse the page as HTML: {e}"),
        )
        .with_help("fix the page's markup; nothing on it was checked");
        return PageResult {
            findings: vec![d],
            facts: PageFacts {
                site,
                ..PageFacts::default()
            },
            output: None,
        };
    }
    let mut read = read.take();
    read.finish();

    let unclosed = injected
        .markers
        .iter()
        .filter(|m| m.table.is_some() && m.inner_end.is_none())
        .map(|m| {
            let message = "the marker has no end tag, so its table would replace the rest of the page";
            let help = "close the marker right after its start tag, such as <div data-cookie-table=\"...\"></div>";
            (m.start, message.to_owned(), help.to_owned())
        });
    let mut findings: Vec<Diagnostic> = injected
        .errors
        .iter()
        .cloned()
        .chain(unclosed)
        .map(|(offset, message, help)| {
            Diagnostic::new(Rule::BadMarker, Some(at(offset)), message).with_help(help)
        })
        .collect();
    let growth = Growth::new(&injected.markers, &read.markers);
    let to_input = |offset: usize| growth.input_offset(offset);
    for (offset, place) in &read.dead_markers {
        let d = Diagnostic::new(
            Rule::HiddenMarker,
            Some(at(to_input(*offset))),
            format!("marker sits inside {place}, so it gets no table and visitors see none"),
        );
        findings.push(d.with_help(format!("move the marker out of {place}")));
    }
    // A bad marker already stops the run; its neighbours' content says nothing more.
    if ctx.report_stale_markers && !findings.iter().any(|d| d.rule == Rule::BadMarker) {
        findings.extend(stale_markers(
            input,
            charset,
            &injected.markers,
            ctx.tables,
            &at,
            ctx.build_command,
        ));
    }

    let markers: Vec<SeenMarker> = injected
        .markers
        .iter()
        .zip(&read.markers)
        .map(|(m, seen)| SeenMarker {
            location: at(m.start),
            key: m.table.as_ref().map(|(key, _)| key.clone()),
            hidden: seen.hidden,
        })
        .collect();
    let tables: Vec<SeenTable> = read
        .tables
        .iter()
        .map(|t| {
            let place = |offset: usize| match t.marker {
                // Read-back and injection see the same markers unless the input was bad (nested markers).
                Some(k) => at(injected
                    .markers
                    .get(k)
                    .map_or(to_input(offset), |m| m.start)),
                None => at(to_input(offset)),
            };
            SeenTable {
                location: place(t.offset),
                marker: t.marker,
                hidden: t.hidden,
                ignored: t.ignored,
                rows: t
                    .rows
                    .iter()
                    .map(|r| (place(r.offset), r.cells.clone()))
                    .collect(),
            }
        })
        .collect();
    let verdict = verify::page(
        ctx.catalogue,
        site,
        read.page_lang.as_deref(),
        display,
        &markers,
        &tables,
        !ctx.catalogue.pages.no_cookie_tables(rel),
    );
    findings.extend(verdict.findings);

    let located = |sighting: Sighting| Placed {
        location: at(to_input(sighting.offset)),
        sighting,
    };
    let services = ctx.services;
    let mut controls = Controls::default();
    let mut found: Vec<(Sighting, bool)> = Vec::new();
    let mut dynamic_loads = Vec::new();
    for script in &read.inline_scripts {
        let kind = scan::ScriptKind {
            gated: script.gated,
            classic_inline: !script.module,
        };
        let mut scan = scan::script(services, &script.code, script.offset, kind);
        if script.at_element {
            for s in &mut scan.sightings {
                s.offset = script.offset;
            }
            for r in &mut scan.script_refs {
                r.0 = script.offset;
            }
        } else if !charset.is_utf8() {
            in_page_bytes(charset, script, &mut scan.sightings);
        }
        controls.extend(&scan.controls);
        let guarded = scan.guarded;
        found.extend(scan.sightings.into_iter().map(|s| (s, guarded)));
        // A script file named in a string may be loaded by this code at run time.
        for (offset, path) in scan.script_refs {
            dynamic_loads.push((offset, path, script.gated));
        }
    }
    let mut scripts = Vec::new();
    for (offset, url, gated) in dynamic_loads {
        if let Some(path) = local_script(ctx, site, rel, &url) {
            scripts.push(ScriptLoad {
                path,
                gated,
                location: at(to_input(offset)),
            });
        }
    }
    // Services whose tags on this page are all held back: their inline configuration
    // (`gtag('config', ...)`) runs nothing until the tag loads.
    let mut held_tags: BTreeMap<usize, bool> = BTreeMap::new();
    for tag in &read.tags {
        let from_tag = scan::tag(services, tag);
        for s in &from_tag {
            if let scan::Source::Service(service, _) = s.source {
                let held = held_tags.entry(service).or_insert(true);
                *held &= s.consent != scan::Consent::Unconditional;
            }
        }
        found.extend(from_tag.into_iter().map(|s| (s, false)));
        if tag.kind == TagKind::Script
            && let Some(path) = local_script(ctx, site, rel, &tag.url)
        {
            scripts.push(ScriptLoad {
                path,
                gated: tag.gated,
                location: at(to_input(tag.offset)),
            });
        }
    }
    // Consent mode or a consent manager anywhere on the page holds back what the page loads.
    let mut sightings: Vec<Placed> = found
        .into_iter()
        .map(|(mut s, guarded)| {
            controls.apply(&mut s, guarded);
            if let scan::Source::Service(service, _) = s.source
                && held_tags.get(&service) == Some(&true)
                && s.consent == scan::Consent::Unconditional
            {
                s.consent = scan::Consent::Waits;
            }
            located(s)
        })
        .collect();
    for (offset, content) in &read.meta_cookies {
        let evidence = format!("<meta http-equiv=\"Set-Cookie\" content=\"{content}\">");
        sightings.extend(scan::set_cookie(content, *offset, evidence).map(located));
    }
    sightings.sort_by(|a, b| a.location.cmp(&b.location));
    // Only a policy page's newest date is ever held against the catalogue's: a site of many
    // dated pages keeps one date per policy page, not every date of every page.
    let newest = if verdict.cookie_tables > 0 {
        read.dates
            .iter()
            .filter_map(|(offset, datetime)| {
                crate::catalogue::changed::stated(datetime).map(|date| (*offset, date))
            })
            .max_by(|a, b| a.1.cmp(&b.1))
    } else {
        None
    };
    let dates = newest
        .map(|(offset, date)| (at(to_input(offset)), date))
        .into_iter()
        .collect();

    PageResult {
        output,
        findings,
        facts: PageFacts {
            site,
            cookie_tables: verdict.cookie_tables,
            covered: verdict.covered.into_iter().collect(),
            shown: verdict.shown.into_iter().collect(),
            sightings,
            scripts,
            controls,
            dates,
        },
    }
}

/// Turns sighting offsets within an inline script's decoded text into offsets in the page's own
/// bytes, one pass in order.
fn in_page_bytes(charset: Charset, script: &readback::InlineScript, sightings: &mut [Sighting]) {
    let mut order: Vec<usize> = (0..sightings.len()).collect();
    order.sort_by_key(|&k| sightings[k].offset);
    let (mut chars_done, mut bytes_done) = (0usize, 0usize);
    for k in order {
        let within = sightings[k].offset.saturating_sub(script.offset);
        let within = within.min(script.code.len());
        let mut within = within.max(chars_done);
        while !script.code.is_char_boundary(within) {
            within -= 1;
        }
        bytes_done += charset.byte_len(&script.code[chars_done..within]);
        chars_done = within;
        sightings[k].offset = script.offset + bytes_done;
    }
}

/// Maps an output offset outside markers back to the input: subtract what the markers closed before it added.
///
/// Markers' output end offsets with the growth up to each, sorted: a look-up is a binary search.
struct Growth {
    ends: Vec<(usize, isize)>,
}

impl Growth {
    fn new(markers: &[Marker], seen: &[MarkerSeen]) -> Growth {
        let mut ends: Vec<(usize, isize)> = markers
            .iter()
            .zip(seen)
            .filter_map(|(m, s)| s.end.map(|end| (end, m.growth())))
            .collect();
        ends.sort_by_key(|(end, _)| *end);
        let mut total = 0;
        for (_, growth) in &mut ends {
            total += *growth;
            *growth = total;
        }
        Growth { ends }
    }

    fn input_offset(&self, offset: usize) -> usize {
        let closed = self.ends.partition_point(|(end, _)| *end <= offset);
        let growth = closed.checked_sub(1).map_or(0, |k| self.ends[k].1);
        offset.saturating_add_signed(-growth)
    }
}

/// Markers that already hold something other than their table: the page as it stands says something else.
fn stale_markers(
    input: &[u8],
    charset: Charset,
    markers: &[Marker],
    tables: &Tables,
    at: &dyn Fn(usize) -> Location,
    build_command: &str,
) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for marker in markers {
        let (Some((key, _)), Some(end)) = (&marker.table, marker.inner_end) else {
            continue;
        };
        let old = charset.decode(&input[marker.inner_start..end]);
        let Some(new) = tables.get(key) else { continue };
        // What the page holds once written in its encoding, characters it lacks as references.
        let new = charset.round_trip(new);
        if old.trim().is_empty() || old == new {
            continue;
        }
        let diff = TextDiff::from_lines(new.as_str(), old.as_str())
            .unified_diff()
            .context_radius(3)
            .header(
                "what the build puts in the marker",
                "what the marker holds now",
            )
            .to_string();
        let d = Diagnostic::new(
            Rule::StaleTable,
            Some(at(marker.start)),
            "the table under this marker is not what the catalogue renders",
        );
        findings.push(
            d.with_help(format!("run `{build_command}` and publish its output"))
                .with_diff(diff),
        );
    }
    findings
}
