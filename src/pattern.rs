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

#[cfg(test)]
mod tests {
    use super::matches;

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
