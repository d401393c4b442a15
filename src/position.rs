//! Turns byte offsets (what toml and lol_html report) into 1-based line:column positions.

/// Line starts of one text, for repeated offset look-ups.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text`; costs one scan for newlines.
    pub fn new(text: &[u8]) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// 1-based line and column (in characters) of byte `offset` in `text`.
    ///
    /// `text` must be the text the index was built from.
    pub fn line_col(&self, text: &[u8], offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        // A byte-order mark is not a character anyone sees.
        let start = if line == 0 && text.starts_with(b"\xEF\xBB\xBF") {
            3.min(offset)
        } else {
            self.starts[line]
        };
        // Columns count characters, as editors do; continuation bytes are not characters.
        let column = text[start..offset]
            .iter()
            .filter(|b| (**b & 0xC0) != 0x80)
            .count();
        (line + 1, column + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::LineIndex;

    #[test]
    fn offsets_map_to_lines_and_character_columns() {
        let text = "ab\nçd\n\nx".as_bytes();
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 0), (1, 1));
        assert_eq!(index.line_col(text, 2), (1, 3));
        assert_eq!(index.line_col(text, 3), (2, 1));
        // 'ç' is two bytes but one column.
        assert_eq!(index.line_col(text, 5), (2, 2));
        assert_eq!(index.line_col(text, 7), (3, 1));
        assert_eq!(index.line_col(text, 8), (4, 1));
        assert_eq!(index.line_col(text, 99), (4, 2));
        let bom = "\u{feff}ab".as_bytes();
        assert_eq!(LineIndex::new(bom).line_col(bom, 3), (1, 1));
        assert_eq!(LineIndex::new(bom).line_col(bom, 4), (1, 2));
    }
}
