//! The site-wide picture from every file's result: which site each cookie is set for and on which
//! places (pages, the scripts they load, headers files), what loads without consent, coverage of
//! the policy pages, and the findings and inventory that follow. Pages that belong to no site are
//! gathered apart and reported; nothing found is dropped.

use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::file::{Facts, FileResult, HeaderCookie};
use super::{Outcome, Session, SiteCookies, Summary};
use crate::audit::{self, Found, ServiceLoad};
use crate::catalogue::SiteId;
use crate::diagnostic::{Diagnostic, ExitCode, Location, Place};
use crate::inventory::{FileFound, SiteInventory};
use crate::scan::{self, Consent, Controls, Lifetime, Placed, Sighting, Source};
use crate::storage::Storage;

/// What one site (or the pages of no site) sets, each cookie once with every place.
#[derive(Default)]
struct Bucket {
    /// Names and patterns set, with where they are stored.
    names: BTreeSet<(Storage, String)>,
    /// Each cookie (or each write with a built name), in the order first found.
    found: Vec<Found>,
    /// Position in `found`, the files and the places already counted, by cookie.
    index: HashMap<String, (usize, HashSet<String>, HashSet<Location>)>,
    /// Services loaded with nothing holding them back, with their places.
    unconditional: Vec<ServiceLoad>,
    /// Position in `unconditional` and the files already counted, by service.
    services: HashMap<usize, (usize, HashSet<String>)>,
}

impl Bucket {
    /// Adds a sighting at `location` (in the file `rel`); `loaded_by` are the pages that load that file, if it is a script.
    fn add(&mut self, rel: &str, location: &Location, sighting: &Sighting, loaded_by: &[Place]) {
        // A name is one finding however many places set it; writes with a built name are one per
        // file and way of writing, every place listed.
        let key = match (&sighting.name, &sighting.source) {
            (Some(name), _) => format!("{}\u{0}{name}", sighting.storage()),
            (None, Source::Script(api)) => format!(
                "{}\u{0}{api}\u{0}{}",
                location.file,
                sighting.shape.as_deref().unwrap_or_default()
            ),
            (None, _) => format!("{location}\u{0}{}", sighting.evidence),
        };
        if let Some(name) = &sighting.name {
            self.names.insert((sighting.storage(), name.clone()));
        }
        let sets = Place {
            location: location.clone(),
            role: "sets".to_owned(),
        };
        match self.index.get_mut(&key) {
            Some((i, files, locations)) => {
                let f = &mut self.found[*i];
                if locations.insert(location.clone()) {
                    f.count += 1;
                    f.places.push(sets);
                }
                if files.insert(location.file.clone()) {
                    f.places.extend(loaded_by.iter().cloned());
                }
                // Another write of the same cookie may state another lifetime: each is checked.
                let known = std::iter::once(&f.sighting)
                    .chain(f.others.iter().map(|p| &p.sighting))
                    .any(|s| s.lifetime == sighting.lifetime);
                if !known {
                    f.others.push(Placed {
                        location: location.clone(),
                        sighting: sighting.clone(),
                    });
                }
            }
            None => {
                self.index.insert(
                    key,
                    (
                        self.found.len(),
                        HashSet::from([location.file.clone()]),
                        HashSet::from([location.clone()]),
                    ),
                );
                let mut places = vec![sets];
                places.extend(loaded_by.iter().cloned());
                self.found.push(Found {
                    location: location.clone(),
                    rel: rel.to_owned(),
                    sighting: sighting.clone(),
                    places,
                    count: 1,
                    sites: Vec::new(),
                    others: Vec::new(),
                });
            }
        }
        if let (Source::Service(service, _), Consent::Unconditional) =
            (&sighting.source, sighting.consent)
        {
            let place = Place {
                location: location.clone(),
                role: "loads it".to_owned(),
            };
            match self.services.get_mut(service) {
                Some((i, files)) => {
                    if files.insert(location.file.clone()) {
                        self.unconditional[*i].places.push(place);
                        self.unconditional[*i]
                            .places
                            .extend(loaded_by.iter().cloned());
                    }
                }
                None => {
                    self.services.insert(
                        *service,
                        (
                            self.unconditional.len(),
                            HashSet::from([location.file.clone()]),
                        ),
                    );
                    let mut places = vec![place];
                    places.extend(loaded_by.iter().cloned());
                    self.unconditional.push(ServiceLoad {
                        service: *service,
                        location: location.clone(),
                        rel: rel.to_owned(),
                        evidence: sighting.evidence.clone(),
                        places,
                        sites: Vec::new(),
                    });
                }
            }
        }
    }
}

/// A page's `<script src>` of a file of the site.
struct Load {
    place: Place,
    gated: bool,
    controls: Controls,
}

/// Gathers every file's result into the run's outcome and the inventory of each site. Each
/// result is let go once read (what the reduction needs of it is kept), so results made
/// as they are gathered need never be all held at once.
pub(super) fn aggregate<R: Borrow<FileResult>>(
    session: &Session,
    results: impl IntoIterator<Item = R>,
    extra: Vec<Diagnostic>,
) -> (Outcome, Vec<SiteInventory>) {
    let (catalogue, layout, options) = (&session.catalogue, &session.layout, &session.options);
    let services = &session.services;
    let mut diagnostics = session.walk.clone();
    let mut summary = Summary {
        sites: catalogue.sites.len(),
        cookies: catalogue.cookies.len(),
        ..Summary::default()
    };
    let sites = catalogue.sites.len();
    // One bucket per site, and a last one for pages that belong to none.
    let outside = sites;
    let bucket_of = |site: Option<SiteId>| site.map_or(outside, |s| s.0);
    let mut buckets: Vec<Bucket> = (0..=sites).map(|_| Bucket::default()).collect();
    let mut covered = vec![BTreeSet::new(); sites];
    let mut shown: Vec<BTreeSet<(String, usize)>> = vec![BTreeSet::new(); sites];
    let mut policy_pages = vec![0usize; sites];
    let mut inventory = vec![SiteInventory::default(); sites];
    let mut policy_list = Vec::new();
    let mut unlisted = Vec::new();
    let mut loads: Vec<BTreeMap<String, Vec<Load>>> =
        (0..=sites).map(|_| BTreeMap::new()).collect();
    let mut scripts: Vec<(String, Vec<Placed>)> = Vec::new();
    let mut header_cookies: Vec<(String, HeaderCookie)> = Vec::new();
    for r in results {
        let r = r.borrow();
        summary.files += 1;
        diagnostics.extend(r.findings.iter().cloned());
        let page = match &r.facts {
            Facts::Other => continue,
            Facts::Script { sightings, .. } => {
                scripts.push((r.path.clone(), sightings.clone()));
                continue;
            }
            Facts::Headers { cookies } => {
                header_cookies.extend(cookies.iter().map(|h| (r.path.clone(), h.clone())));
                continue;
            }
            Facts::Page(page) => page,
        };
        summary.pages += 1;
        summary.tables += page.cookie_tables;
        let bucket = bucket_of(page.site);
        if let Some(site) = page.site {
            covered[site.0].extend(page.covered.iter().copied());
            shown[site.0].extend(page.shown.iter().cloned());
            policy_pages[site.0] += usize::from(page.cookie_tables > 0);
            diagnostics.extend(super::dates::stale(catalogue, &r.path, page));
            if page.cookie_tables > 0 {
                policy_list.push(r.path.clone());
            }
            if !page.sightings.is_empty() {
                inventory[site.0].places.push(FileFound {
                    file: layout.display(&r.path),
                    found: page.sightings.clone(),
                });
            }
        } else if page.sightings.is_empty() && !catalogue.pages.outside_sites(&r.path) {
            unlisted.push(layout.display(&r.path));
        }
        for Placed { location, sighting } in &page.sightings {
            buckets[bucket].add(&r.path, location, sighting, &[]);
        }
        for load in &page.scripts {
            loads[bucket]
                .entry(load.path.clone())
                .or_default()
                .push(Load {
                    place: Place {
                        location: load.location.clone(),
                        role: format!("loads {}", layout.display(&load.path)),
                    },
                    gated: load.gated,
                    controls: page.controls.clone(),
                });
        }
    }
    // A script sets its cookies for every site whose pages load it; one that no page loads, for the site whose folder holds it.
    for (path, sightings) in &scripts {
        let path = path.as_str();
        let loaders: Vec<usize> = (0..=sites)
            .filter(|&b| loads[b].contains_key(path))
            .collect();
        let targets = if loaders.is_empty() {
            if sightings.is_empty() {
                continue;
            }
            vec![bucket_of(catalogue.site_of(path))]
        } else {
            loaders
        };
        let display = layout.display(path);
        for b in targets {
            let page_loads = loads[b].get(path).map(Vec::as_slice).unwrap_or_default();
            let loaded_by: Vec<Place> = page_loads.iter().map(|l| l.place.clone()).collect();
            let adjusted: Vec<Placed> = sightings
                .iter()
                .map(|placed| {
                    let mut placed = placed.clone();
                    held_by_pages(&mut placed.sighting, page_loads);
                    placed
                })
                .collect();
            for Placed { location, sighting } in &adjusted {
                buckets[b].add(path, location, sighting, &loaded_by);
            }
            if b < sites && !adjusted.is_empty() {
                inventory[b].places.push(FileFound {
                    file: display.clone(),
                    found: adjusted,
                });
            }
        }
    }
    // Headers files set cookies for the sites they serve.
    for (id, site) in catalogue.site_ids() {
        let served: Vec<(&str, &HeaderCookie)> = header_cookies
            .iter()
            .filter(|(file, h)| scan::headers::serves(file, &h.pattern, &site.dir, &site.url))
            .map(|(file, h)| (file.as_str(), h))
            .collect();
        if let Some((_, first)) = served.first() {
            inventory[id.0].places.push(FileFound {
                file: first.location.file.clone(),
                found: served
                    .iter()
                    .map(|(_, h)| Placed {
                        location: h.location.clone(),
                        sighting: h.sighting.clone(),
                    })
                    .collect(),
            });
        }
        for (file, h) in served {
            buckets[id.0].add(file, &h.location, &h.sighting, &[]);
        }
    }
    // A header no site's pages get is reported, not dropped.
    for (file, h) in &header_cookies {
        let serves_a_site = catalogue
            .sites
            .iter()
            .any(|site| scan::headers::serves(file, &h.pattern, &site.dir, &site.url));
        if !serves_a_site {
            buckets[outside].add(file, &h.location, &h.sighting, &[]);
        }
    }

    // Every place that loads a script is now a place of what the script sets.
    drop(loads);
    drop(scripts);
    // A script or headers file shared by several sites is one finding naming them all.
    let groups = group(&buckets[..sites]);
    let unconditional = group_loads(&buckets[..sites]);
    let outside_found: Vec<Found> = buckets[outside].found.clone();
    diagnostics.extend(audit::undeclared(
        catalogue,
        services,
        &groups,
        options.policy.strict,
        session.cookie_db.as_ref(),
    ));
    let (dynamic, settled) = audit::dynamic(catalogue, &groups);
    diagnostics.extend(dynamic);
    diagnostics.extend(audit::durations(catalogue, services, &groups));
    diagnostics.extend(audit::consent(catalogue, services, &unconditional));
    diagnostics.extend(audit::outside(
        catalogue,
        services,
        &outside_found,
        &unlisted,
    ));
    diagnostics.extend(audit::catalogue_rules(catalogue, services));
    // A bad marker leaves a table out; saying the table is missing as well would be noise.
    if ExitCode::of(&diagnostics) != ExitCode::BadInput {
        diagnostics.extend(super::coverage::coverage(
            catalogue,
            &covered,
            &policy_pages,
            &layout.site_display,
        ));
        diagnostics.extend(super::parity::parity(
            catalogue,
            &shown,
            &policy_pages,
            &layout.site_display,
        ));
        // A declaration is seen when the files set it or a browser stored it.
        let site_of = |id: &str| {
            catalogue
                .site_ids()
                .find(|(_, s)| s.id == id)
                .map(|(s, _)| s)
        };
        let mut visited = Vec::new();
        for visit in options.browser.iter().flat_map(|b| &b.visits) {
            let Some(s) = site_of(&visit.site) else {
                continue;
            };
            if !visited.contains(&s) {
                visited.push(s);
            }
            for item in &visit.stored {
                buckets[s.0].names.insert((item.kind, item.name.clone()));
            }
        }
        let names: Vec<&BTreeSet<(Storage, String)>> =
            buckets[..sites].iter().map(|b| &b.names).collect();
        diagnostics.extend(audit::unseen(catalogue, &names, &settled, &visited));
    }
    diagnostics.extend(extra);
    let mut notes = Vec::new();
    if let Some(browser) = &options.browser {
        let judged = audit::stored(catalogue, browser);
        diagnostics = audit::join(catalogue, diagnostics, judged.findings);
        notes = judged.notes;
        summary.visited = browser
            .visits
            .iter()
            .filter(|v| v.pass == crate::stored::Pass::BeforeConsent)
            .count();
    }
    options.policy.apply(&mut diagnostics);
    let mut outcome = Outcome::failed(diagnostics, summary);
    outcome.notes = notes;
    outcome.stored = options
        .browser
        .iter()
        .flat_map(|b| b.items().cloned())
        .collect();
    outcome.policy_pages = policy_list;
    outcome.found = catalogue
        .site_ids()
        .map(|(s, site)| SiteCookies {
            site: site.id.clone(),
            cookies: audit::listed(services, &groups, s, options.policy.strict),
        })
        .collect();
    (outcome, inventory)
}

/// A script file's service sighting waits for consent when every page of the site that loads the
/// file holds it back (a parked `<script>`, or consent settings in the page's own code), and its
/// lifetime is the page's to say when a page sets it.
fn held_by_pages(sighting: &mut Sighting, loads: &[Load]) {
    let Source::Service(service, _) = sighting.source else {
        return;
    };
    if sighting.consent == Consent::Unconditional
        && !loads.is_empty()
        && loads
            .iter()
            .all(|l| l.gated || l.controls.consent.contains(&service))
    {
        sighting.consent = Consent::Waits;
    }
    if loads
        .iter()
        .any(|l| l.controls.lifetimes.contains(&service))
    {
        sighting.lifetime = Lifetime::Unknown;
    }
}

/// The sites' findings merged where a shared file makes one finding for several sites.
fn group(buckets: &[Bucket]) -> Vec<Found> {
    let mut groups: Vec<Found> = Vec::new();
    let mut group_of: HashMap<(Location, String), usize> = HashMap::new();
    // The places already in each group, as the buckets hold them: a site that loads a shared
    // script from every page would otherwise hold each place twice more.
    let mut places_of: Vec<HashSet<&Place>> = Vec::new();
    for (site, bucket) in buckets.iter().enumerate() {
        for f in &bucket.found {
            let key = (
                f.location.clone(),
                f.sighting
                    .name
                    .clone()
                    .unwrap_or_else(|| f.sighting.evidence.clone()),
            );
            let g = *group_of.entry(key).or_insert_with(|| {
                groups.push(Found {
                    sites: Vec::new(),
                    places: Vec::new(),
                    count: 0,
                    others: Vec::new(),
                    ..f.clone()
                });
                places_of.push(HashSet::new());
                groups.len() - 1
            });
            let group = &mut groups[g];
            // A file shared by sites is one place however many sites load it.
            group.count = group.count.max(f.count);
            for other in &f.others {
                if !group
                    .others
                    .iter()
                    .any(|p| p.sighting.lifetime == other.sighting.lifetime)
                {
                    group.others.push(other.clone());
                }
            }
            for place in &f.places {
                if places_of[g].insert(place) {
                    group.places.push(place.clone());
                }
            }
            group.sites.push(SiteId(site));
        }
    }
    groups
}

/// The sites' unconditional service loads, merged like [`group`].
fn group_loads(buckets: &[Bucket]) -> Vec<ServiceLoad> {
    let mut groups: Vec<ServiceLoad> = Vec::new();
    let mut group_of: HashMap<(Location, usize), usize> = HashMap::new();
    let mut places_of: Vec<HashSet<Place>> = Vec::new();
    for (site, bucket) in buckets.iter().enumerate() {
        for load in &bucket.unconditional {
            let g = *group_of
                .entry((load.location.clone(), load.service))
                .or_insert_with(|| {
                    groups.push(ServiceLoad {
                        sites: Vec::new(),
                        places: Vec::new(),
                        ..load.clone()
                    });
                    places_of.push(HashSet::new());
                    groups.len() - 1
                });
            let group = &mut groups[g];
            for place in &load.places {
                if places_of[g].insert(place.clone()) {
                    group.places.push(place.clone());
                }
            }
            group.sites.push(SiteId(site));
        }
    }
    groups
}
