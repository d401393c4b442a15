//! Cookie name patterns: `*` matches any run of characters, anchored at both ends (`_ga_*`, `_pk_id.*`).

/// Whether `name` is `pattern`, or an instance of it.
pub fn matches(pattern: &str, name: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// Whether some cookie name matches both `a` and `b` (names or patterns): `_pk_id.*` and
/// `_pk_id.1` overlap, `_ga` and `_ga_*` do not. Quadratic in the lengths, never exponential.
pub fn overlap(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    // reach[i][j]: the first i bytes of `a` and the first j of `b` can match one and the same text.
    let width = b.len() + 1;
    let mut reach = vec![false; (a.len() + 1) * width];
    reach[0] = true;
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            if !reach[i * width + j] {
                continue;
            }
            let (x, y) = (a.get(i).copied(), b.get(j).copied());
            let mut mark = |i: usize, j: usize| reach[i * width + j] = true;
            // A star may match nothing more, or take one more byte that the other side gives.
            if x == Some(b'*') {
                mark(i + 1, j);
                if y.is_some() {
                    mark(i, j + 1);
                }
            }
            if y == Some(b'*') {
                mark(i, j + 1);
                if x.is_some() && x != Some(b'*') {
                    mark(i + 1, j);
                }
            }
            if let (Some(x), Some(y)) = (x, y)
                && x == y
                && x != b'*'
            {
                mark(i + 1, j + 1);
            }
        }
    }
    reach[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::{matches, overlap};

    #[test]
    fn patterns_overlap_when_one_name_fits_both() {
        assert!(overlap("_pk_id.*", "_pk_id.1"));
        assert!(overlap("_pk_id.1", "_pk_id.*"));
        assert!(overlap("_ga*", "_ga_*"));
        assert!(overlap("*_session", "rack_*"));
        assert!(overlap("a", "a"));
        assert!(!overlap("_ga", "_ga_*"));
        assert!(!overlap("a*b", "c*"));
        assert!(!overlap("sessionid", "csrftoken"));
        assert!(overlap("*", "anything"));
    }

    #[test]
    fn star_matches_any_run_anchored_at_both_ends() {
        assert!(matches("sessionid", "sessionid"));
        assert!(!matches("sessionid", "sessionid2"));
        assert!(matches("_ga_*", "_ga_G-ABC123"));
        assert!(matches("_ga_*", "_ga_"));
        assert!(!matches("_ga_*", "_ga"));
        assert!(!matches("_ga_*", "x_ga_1"));
        assert!(matches("_pk_id.*", "_pk_id.1.a2b3"));
        assert!(matches("*_session", "rack_session"));
        assert!(matches("a*b*c", "aXbYc"));
        assert!(!matches("a*b*c", "aXcYb"));
        assert!(!matches("ab*ba", "aba"), "the two ends may not overlap");
        assert!(matches("*", "anything"));
    }
}
