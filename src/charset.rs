//! Which character encoding a page is in, as a browser decides it: a byte-order mark, else a
//! `<meta charset>` (or `http-equiv="Content-Type"`) among its first 1024 bytes, else UTF-8 (what
//! static site generators write) when the bytes are UTF-8, else windows-1252 (browsers' fallback
//! for Western pages). Pages are read and written in their own encoding, so a table never adds
//! UTF-8 bytes to a Latin-1 page; one in an encoding that is not ASCII-compatible (UTF-16) is
//! refused, never half read.

use encoding_rs::Encoding;
use lol_html::AsciiCompatibleEncoding;

/// A page's encoding, when the tool can read and rewrite it.
#[derive(Clone, Copy, Debug)]
pub struct Charset {
    /// The encoding.
    pub encoding: &'static Encoding,
}

impl Charset {
    /// The encoding as lol_html takes it.
    pub fn for_rewriter(self) -> AsciiCompatibleEncoding {
        AsciiCompatibleEncoding::new(self.encoding).unwrap_or_else(AsciiCompatibleEncoding::utf_8)
    }

    /// Whether it is UTF-8.
    pub fn is_utf8(self) -> bool {
        self.encoding == encoding_rs::UTF_8
    }

    /// `text` as a page in this encoding holds it once written and read back: characters the
    /// encoding lacks become numeric character references (`&#322;`), as the rewriter writes them.
    pub fn round_trip(self, text: &str) -> String {
        if self.is_utf8() {
            return text.to_owned();
        }
        let (bytes, _, _) = self.encoding.encode(text);
        self.decode(&bytes)
    }

    /// Bytes of this encoding as text.
    pub fn decode(self, bytes: &[u8]) -> String {
        self.encoding
            .decode_without_bom_handling(bytes)
            .0
            .into_owned()
    }

    /// How many bytes `text` takes in this encoding.
    pub fn byte_len(self, text: &str) -> usize {
        if self.is_utf8() || text.is_ascii() {
            return text.len();
        }
        self.encoding.encode(text).0.len()
    }
}

/// The encoding of a page, or why it cannot be read.
pub fn of(page: &[u8]) -> Result<Charset, String> {
    if page.starts_with(b"\xEF\xBB\xBF") {
        return Ok(Charset {
            encoding: encoding_rs::UTF_8,
        });
    }
    if page.starts_with(b"\xFF\xFE") || page.starts_with(b"\xFE\xFF") {
        return Err("the page is UTF-16 (it starts with a UTF-16 byte-order mark)".into());
    }
    let head = &page[..page.len().min(1024)];
    // UTF-16 without a mark: ASCII text in it has a NUL byte beside every character.
    let nuls = head.iter().filter(|&&b| b == 0).count();
    if head.len() >= 8 && nuls * 4 >= head.len() {
        return Err("the page holds NUL bytes beside its characters, as UTF-16 does".into());
    }
    let Some(label) = prescan(head) else {
        return Ok(undeclared(page));
    };
    let Some(encoding) = Encoding::for_label(label.as_bytes()) else {
        // An unknown label: browsers go on as if there were none.
        return Ok(undeclared(page));
    };
    // A page that declares UTF-16 in ASCII bytes is not UTF-16: browsers read it as UTF-8.
    if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
        return Ok(Charset {
            encoding: encoding_rs::UTF_8,
        });
    }
    if encoding == encoding_rs::X_USER_DEFINED {
        return Ok(Charset {
            encoding: encoding_rs::WINDOWS_1252,
        });
    }
    if AsciiCompatibleEncoding::new(encoding).is_none() {
        return Err(format!(
            "the page declares {}, which cannot be rewritten without changing bytes it does not mean to",
            encoding.name()
        ));
    }
    Ok(Charset { encoding })
}

/// A page that declares nothing: UTF-8 if its bytes are, else windows-1252, as browsers fall back.
fn undeclared(page: &[u8]) -> Charset {
    let encoding = if std::str::from_utf8(page).is_ok() {
        encoding_rs::UTF_8
    } else {
        encoding_rs::WINDOWS_1252
    };
    Charset { encoding }
}

/// The charset a `<meta>` among `head` declares, the way the HTML standard's prescan finds it.
fn prescan(head: &[u8]) -> Option<String> {
    let mut i = 0;
    while i < head.len() {
        let rest = &head[i..];
        if rest.starts_with(b"<!--") {
            i += find(&rest[4..], b"-->").map_or(rest.len(), |n| n + 7);
            continue;
        }
        if rest.len() > 5
            && rest[..5].eq_ignore_ascii_case(b"<meta")
            && matches!(rest[5], b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/')
        {
            let (attributes, used) = attributes(&rest[5..]);
            i += 5 + used;
            let value = |name: &str| {
                attributes
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.as_str())
            };
            if let Some(charset) = value("charset") {
                return Some(charset.trim().to_owned());
            }
            if value("http-equiv").is_some_and(|v| v.trim().eq_ignore_ascii_case("content-type"))
                && let Some(content) = value("content")
                && let Some(charset) = content_charset(content)
            {
                return Some(charset);
            }
            continue;
        }
        if rest.first() == Some(&b'<')
            && rest
                .get(1)
                .is_some_and(|b| b.is_ascii_alphabetic() || matches!(b, b'/' | b'!' | b'?'))
        {
            i += find(rest, b">").map_or(rest.len(), |n| n + 1);
            continue;
        }
        i += 1;
    }
    None
}

/// The attributes of a tag from just after its name, lower-cased names; and how many bytes they took.
fn attributes(bytes: &[u8]) -> (Vec<(String, String)>, usize) {
    let mut found = Vec::new();
    let mut i = 0;
    let space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/');
    loop {
        while i < bytes.len() && space(bytes[i]) {
            i += 1;
        }
        if i >= bytes.len() || bytes[i] == b'>' {
            return (found, (i + 1).min(bytes.len()));
        }
        let start = i;
        while i < bytes.len() && !space(bytes[i]) && bytes[i] != b'=' && bytes[i] != b'>' {
            i += 1;
        }
        let name = String::from_utf8_lossy(&bytes[start..i]).to_ascii_lowercase();
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r' | b'\x0c') {
            i += 1;
        }
        let mut value = String::new();
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r' | b'\x0c') {
                i += 1;
            }
            match bytes.get(i) {
                Some(&q) if q == b'"' || q == b'\'' => {
                    let end = bytes[i + 1..]
                        .iter()
                        .position(|&b| b == q)
                        .map_or(bytes.len(), |n| i + 1 + n);
                    value = String::from_utf8_lossy(&bytes[i + 1..end]).into_owned();
                    i = (end + 1).min(bytes.len());
                }
                _ => {
                    let start = i;
                    while i < bytes.len() && !space(bytes[i]) && bytes[i] != b'>' {
                        i += 1;
                    }
                    value = String::from_utf8_lossy(&bytes[start..i]).into_owned();
                }
            }
        }
        if !name.is_empty() {
            found.push((name, value));
        }
        if i == start {
            i += 1;
        }
    }
}

/// `text/html; charset=ISO-8859-1` -> `ISO-8859-1`.
fn content_charset(content: &str) -> Option<String> {
    let lower = content.to_ascii_lowercase();
    let at = lower.find("charset")?;
    let rest = content[at + 7..]
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let rest = rest.trim_start_matches(['"', '\'']);
    let end = rest
        .find(|c: char| c == ';' || c == '"' || c == '\'' || c.is_whitespace())
        .unwrap_or(rest.len());
    (end > 0).then(|| rest[..end].to_owned())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(page: &[u8]) -> Result<&'static str, String> {
        of(page).map(|c| c.encoding.name())
    }

    #[test]
    fn the_declared_charset_wins_as_in_browsers() {
        assert_eq!(name(b"<html>x"), Ok("UTF-8"));
        assert_eq!(name(b"<meta charset=\"iso-8859-1\">"), Ok("windows-1252"));
        assert_eq!(
            name(b"<!doctype html><head><META CHARSET=latin1>"),
            Ok("windows-1252")
        );
        assert_eq!(
            name(b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1250\">"),
            Ok("windows-1250")
        );
        assert_eq!(
            name(b"<!-- <meta charset=koi8-r> --><meta charset=utf-8>"),
            Ok("UTF-8")
        );
        assert_eq!(name(b"<meta charset=\"utf-16\">"), Ok("UTF-8"));
        assert_eq!(name(b"<meta charset=\"no-such\">"), Ok("UTF-8"));
        assert_eq!(
            name(b"<p>caf\xe9"),
            Ok("windows-1252"),
            "undeclared and not UTF-8"
        );
        assert_eq!(name("<p>café".as_bytes()), Ok("UTF-8"));
        assert_eq!(name(b"<meta charset=\"shift_jis\">"), Ok("Shift_JIS"));
        assert!(name(b"\xFF\xFE<\0h\0").is_err());
        assert!(
            name(
                "<html><body>UTF-16 sans mark"
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes)
                    .collect::<Vec<u8>>()
                    .as_slice()
            )
            .is_err()
        );
        assert!(name(b"<meta charset=\"iso-2022-jp\">").is_err());
    }

    #[test]
    fn text_round_trips_through_the_page_encoding() {
        let latin = of(b"<meta charset=latin1>").unwrap();
        assert_eq!(latin.round_trip("nécessaires"), "nécessaires");
        assert_eq!(latin.round_trip("Łódź"), "&#321;ódź".replace("ź", "&#378;"));
        assert_eq!(latin.byte_len("né"), 2);
    }
}
