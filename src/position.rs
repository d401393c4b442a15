//! Turns byte offsets (what toml and lol_html report) into 1-based line:column positions.

use std::sync::OnceLock;

/// Bytes per block of the character counts, which keep every look-up short on a long line.
const BLOCK: usize = 256;

/// Line starts of one text, for repeated offset look-ups; each look-up costs a binary search and
/// at most two blocks of counting, however long the line (a minified page is one line).
///
/// The index is built on the first look-up: most pages and scripts have nothing to place.
pub struct LineIndex {
    /// Whether columns count UTF-8 characters (else bytes, as in single-byte encodings).
    utf8: bool,
    built: OnceLock<Built>,
}

/// What one scan of the text yields.
struct Built {
    starts: Vec<usize>,
    /// Characters before each block: `blocks[k]` counts those in the first `k * BLOCK` bytes.
    blocks: Vec<usize>,
}

impl Built {
    fn new(text: &[u8], utf8: bool) -> Self {
        // A line ends at LF, CR LF, or a CR alone, as HTML and editors read them.
        let mut starts = vec![0];
        starts.extend(
            memchr::memchr2_iter(b'\n', b'\r', text)
                .filter(|&i| text[i] == b'\n' || text.get(i + 1) != Some(&b'\n'))
                .map(|i| i + 1),
        );
        let mut blocks = Vec::new();
        if utf8 {
            blocks.reserve(text.len() / BLOCK + 2);
            let mut before = 0;
            for block in text.chunks(BLOCK) {
                blocks.push(before);
                before += characters(block);
            }
            blocks.push(before);
        }
        Built { starts, blocks }
    }

    /// Characters in `text[..offset]`.
    fn characters_before(&self, text: &[u8], offset: usize) -> usize {
        let block = offset / BLOCK;
        self.blocks.get(block).copied().unwrap_or_default()
            + characters(&text[(block * BLOCK).min(offset)..offset])
    }
}

impl Default for LineIndex {
    fn default() -> Self {
        LineIndex::new()
    }
}

impl LineIndex {
    /// An index of a UTF-8 text, whose columns count characters.
    pub fn new() -> Self {
        LineIndex::for_encoding(true)
    }

    /// An index of a text in a single-byte or other non-UTF-8 encoding when `utf8` is false: its
    /// columns count bytes.
    pub fn for_encoding(utf8: bool) -> Self {
        LineIndex {
            utf8,
            built: OnceLock::new(),
        }
    }

    /// 1-based line and column (in characters) of byte `offset` in `text`.
    ///
    /// `text` must be the text the index was made for; the first call scans it once.
    pub fn line_col(&self, text: &[u8], offset: usize) -> (usize, usize) {
        let built = self.built.get_or_init(|| Built::new(text, self.utf8));
        let offset = offset.min(text.len());
        let line = built.starts.partition_point(|&s| s <= offset) - 1;
        // A byte-order mark is not a character anyone sees.
        let start = if line == 0 && text.starts_with(b"\xEF\xBB\xBF") {
            3.min(offset)
        } else {
            built.starts[line]
        };
        let column = if self.utf8 {
            built.characters_before(text, offset) - built.characters_before(text, start)
        } else {
            offset - start
        };
        (line + 1, column + 1)
    }
}

/// Columns count characters, as editors do; UTF-8 continuation bytes are not characters.
fn characters(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| (**b & 0xC0) != 0x80).count()
}

#[cfg(test)]
mod tests {
    use super::LineIndex;

    #[test]
    fn offsets_map_to_lines_and_character_columns() {
        let text = "ab\nçd\n\nx".as_bytes();
        let index = LineIndex::new();
        assert_eq!(index.line_col(text, 0), (1, 1));
        assert_eq!(index.line_col(text, 2), (1, 3));
        assert_eq!(index.line_col(text, 3), (2, 1));
        // 'ç' is two bytes but one column.
        assert_eq!(index.line_col(text, 5), (2, 2));
        assert_eq!(index.line_col(text, 7), (3, 1));
        assert_eq!(index.line_col(text, 8), (4, 1));
        assert_eq!(index.line_col(text, 99), (4, 2));
        let bom = "\u{feff}ab".as_bytes();
        assert_eq!(LineIndex::new().line_col(bom, 3), (1, 1));
        assert_eq!(LineIndex::new().line_col(bom, 4), (1, 2));
    }

    #[test]
    fn a_carriage_return_alone_ends_a_line_too() {
        let text = b"a\rb\r\nc\nd";
        let index = LineIndex::new();
        assert_eq!(index.line_col(text, 2), (2, 1));
        assert_eq!(index.line_col(text, 5), (3, 1));
        assert_eq!(index.line_col(text, 7), (4, 1));
    }

    #[test]
    fn long_lines_count_the_same_through_the_blocks() {
        let line = "é".repeat(1000) + "x";
        let text = line.as_bytes();
        let index = LineIndex::new();
        for offset in [0, 2, 255 * 2, 256 * 2, 1000 * 2, 1001 * 2] {
            let expected = text[..offset.min(text.len())]
                .iter()
                .filter(|b| (**b & 0xC0) != 0x80)
                .count();
            assert_eq!(index.line_col(text, offset), (1, expected + 1));
        }
        let latin = b"caf\xe9 x";
        assert_eq!(LineIndex::for_encoding(false).line_col(latin, 5), (1, 6));
    }
}
