//! Which pages a visit stands for: pages that load the same scripts, frames, embeds and
//! other hosts' images, and run the same inline code, store the same things, so one visit of
//! each group tells for all of them. Policy pages (with a cookie table marker) are visited
//! each; `--pages all` visits every page.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::path::Path;

use std::cell::RefCell;
use std::rc::Rc;

use lol_html::{HtmlRewriter, Settings, element, text};

/// What a page loads and runs, as far as its own markup says.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Signature {
    /// The site (index) the page belongs to: a visit stands only for pages of its own site.
    pub site: usize,
    /// Absolute URLs of scripts, frames, embeds and other hosts' images.
    loads: BTreeSet<String>,
    /// Hashes of its inline scripts' text.
    inline: BTreeSet<u64>,
    /// Whether it holds a cookie table marker.
    pub policy: bool,
}

/// The signature of the page at `path`, visited at `url`; `None` when it cannot be read.
pub fn signature(path: &Path, url: &str) -> Option<Signature> {
    let bytes = crate::fsio::read(path, crate::fsio::MAX_TEXT).ok()?;
    let found = Rc::new(RefCell::new(Signature::default()));
    let origin = super::route::origin(url);
    // Records the absolute URL of `raw`; `other_hosts` keeps only those of another host.
    let adder = |other_hosts: bool| {
        let (found, origin, url) = (Rc::clone(&found), origin.clone(), url.to_owned());
        move |raw: Option<String>| {
            if let Some(raw) = raw.filter(|r| !r.trim().is_empty()) {
                let absolute = resolve(&url, raw.trim());
                if !other_hosts || !absolute.starts_with(&origin) {
                    found.borrow_mut().loads.insert(absolute);
                }
            }
        }
    };
    let (add_src, add_data, add_image) = (adder(false), adder(false), adder(true));
    let (policy, code) = (Rc::clone(&found), Rc::clone(&found));
    let mut script = String::new();
    let settings = Settings::new()
        .append_element_content_handler(element!(
            "script[src], iframe[src], embed[src]",
            move |e| {
                add_src(e.get_attribute("src"));
                Ok(())
            }
        ))
        .append_element_content_handler(element!("object[data]", move |e| {
            add_data(e.get_attribute("data"));
            Ok(())
        }))
        .append_element_content_handler(element!("img[src]", move |e| {
            add_image(e.get_attribute("src"));
            Ok(())
        }))
        .append_element_content_handler(element!("[data-cookie-table]", move |_| {
            policy.borrow_mut().policy = true;
            Ok(())
        }))
        .append_element_content_handler(text!("script", move |t| {
            script.push_str(t.as_str());
            if t.last_in_text_node() {
                if !script.trim().is_empty() {
                    let mut hasher = DefaultHasher::new();
                    script.hash(&mut hasher);
                    code.borrow_mut().inline.insert(hasher.finish());
                }
                script.clear();
            }
            Ok(())
        }));
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    // A page the parser refuses is its own group: it is visited.
    if rewriter
        .write(&bytes)
        .and_then(|()| rewriter.end())
        .is_err()
    {
        return None;
    }
    let signature = found.borrow().clone();
    Some(signature)
}

/// `href` as an absolute URL, from the page at `base`.
fn resolve(base: &str, href: &str) -> String {
    let href = href.split('#').next().unwrap_or_default();
    if href.contains("://") || href.starts_with("data:") {
        return href.to_owned();
    }
    let scheme = base.split("://").next().unwrap_or("https");
    if let Some(rest) = href.strip_prefix("//") {
        return format!("{scheme}://{rest}");
    }
    let origin = super::route::origin(base);
    let base_path = &base[origin.len()..];
    let mut parts: Vec<&str> = if href.starts_with('/') {
        Vec::new()
    } else {
        let folder = base_path.rsplit_once('/').map_or("", |(f, _)| f);
        folder.split('/').filter(|p| !p.is_empty()).collect()
    };
    for part in href.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    format!("{origin}/{}", parts.join("/"))
}

/// The pages to visit, as indices into `signatures`, each with how many pages it stands for:
/// every policy page and every page whose signature is unknown alone, the first page of each
/// other signature for its group. With `all`, every page alone.
pub fn choose(signatures: &[Option<Signature>], all: bool) -> Vec<(usize, usize)> {
    if all {
        return (0..signatures.len()).map(|i| (i, 1)).collect();
    }
    let mut chosen: Vec<(usize, usize)> = Vec::new();
    let mut group_of: HashMap<&Signature, usize> = HashMap::new();
    for (i, signature) in signatures.iter().enumerate() {
        match signature {
            Some(s) if !s.policy => match group_of.get(s) {
                Some(&g) => chosen[g].1 += 1,
                None => {
                    group_of.insert(s, chosen.len());
                    chosen.push((i, 1));
                }
            },
            _ => chosen.push((i, 1)),
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_resolve_as_a_browser_resolves_them() {
        let page = "https://www.odwb.be/fr/cookies.html";
        assert_eq!(
            resolve(page, "../../assets/consent.js"),
            "https://www.odwb.be/assets/consent.js"
        );
        assert_eq!(resolve(page, "app.js"), "https://www.odwb.be/fr/app.js");
        assert_eq!(resolve(page, "/x.js#top"), "https://www.odwb.be/x.js");
        assert_eq!(
            resolve(page, "//cdn.example/a.js"),
            "https://cdn.example/a.js"
        );
        assert_eq!(
            resolve(page, "https://t.example/p.gif"),
            "https://t.example/p.gif"
        );
    }

    #[test]
    fn pages_that_load_the_same_share_a_visit_and_policy_pages_are_visited_each() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, body: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, body).unwrap();
            path
        };
        let pages = [
            (
                write("a.html", "<script src=\"../s.js\"></script><p>one</p>"),
                "https://x.example/d/a.html",
            ),
            (
                write(
                    "b.html",
                    "<script src=\"/s.js\"></script><p>two</p><img src=\"logo.png\">",
                ),
                "https://x.example/d/b.html",
            ),
            (
                write(
                    "c.html",
                    "<script src=\"/s.js\"></script><img src=\"https://t.example/p.gif\">",
                ),
                "https://x.example/c.html",
            ),
            (
                write("d.html", "<script>track()</script>"),
                "https://x.example/d.html",
            ),
            (
                write(
                    "e.html",
                    "<div data-cookie-table=\"necessary\"></div><script src=\"/s.js\"></script>",
                ),
                "https://x.example/e.html",
            ),
            (
                write(
                    "f.html",
                    "<div data-cookie-table=\"necessary\"></div><script src=\"/s.js\"></script>",
                ),
                "https://x.example/f.html",
            ),
        ];
        let signatures: Vec<Option<Signature>> =
            pages.iter().map(|(p, u)| signature(p, u)).collect();
        // a and b load the same script (their own images do not count); c adds a pixel; d
        // runs its own code; e and f are policy pages.
        assert_eq!(
            choose(&signatures, false),
            [(0, 2), (2, 1), (3, 1), (4, 1), (5, 1)]
        );
        assert_eq!(choose(&signatures, true).len(), 6);
    }
}
