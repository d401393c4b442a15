//! Path globs of the catalogue (`[pages]`, `set_in`, `[[allow]]`): `/`-separated paths relative
//! to the site folder, where `*` matches within one folder name, `**` any number of folders, and
//! `?` one character.

/// Whether `path` matches `glob`.
pub fn matches(glob: &str, path: &str) -> bool {
    let glob = glob.trim_start_matches("./").trim_start_matches('/');
    let path = path.trim_start_matches("./").trim_start_matches('/');
    let parts: Vec<&str> = glob.split('/').collect();
    let names: Vec<&str> = path.split('/').collect();
    segments(&parts, &names)
}

/// Iterative matching with one backtracking point per `**`, linear in practice and never exponential.
fn segments(parts: &[&str], names: &[&str]) -> bool {
    // Positions reachable in `names` after each glob part: a set, so `**` cannot blow up.
    let mut reachable = vec![false; names.len() + 1];
    reachable[0] = true;
    for part in parts {
        let mut next = vec![false; names.len() + 1];
        for i in 0..=names.len() {
            if !reachable[i] {
                continue;
            }
            if *part == "**" {
                for slot in next.iter_mut().skip(i) {
                    *slot = true;
                }
            } else if i < names.len() && name(part.as_bytes(), names[i].as_bytes()) {
                next[i + 1] = true;
            }
        }
        reachable = next;
    }
    reachable[names.len()]
}

/// One folder or file name against one glob part with `*` and `?`.
fn name(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == b'?' || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn stars_within_a_folder_double_stars_across() {
        assert!(matches("portals.html", "portals.html"));
        assert!(!matches("portals.html", "a/portals.html"));
        assert!(matches("distutils/*.html", "distutils/builtdist.html"));
        assert!(!matches("distutils/*.html", "distutils/x/builtdist.html"));
        assert!(matches("**/MathJax.js", "_static/mathjax/MathJax.js"));
        assert!(matches("**/MathJax.js", "MathJax.js"));
        assert!(matches("docs/**", "docs/a/b.html"));
        assert!(matches("/assets/?.js", "assets/a.js"));
        assert!(!matches("*.html", "a.htm"));
        let long = "a/".repeat(40) + "b";
        assert!(!matches(&"**/".repeat(40), &long), "no blow-up");
    }
}
