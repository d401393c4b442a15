//! Pages are read and written in the encoding they declare: a Latin-1 page gets Latin-1 table
//! bytes and passes; a page the tool cannot read (UTF-16) is refused, never skipped in silence.

use crate::support::Project;

/// The demo's French ODWB policy page, saved as Latin-1 (windows-1252) and declared so.
fn latin1_page(p: &Project) {
    let text = p
        .read("site/odwb/fr/cookies.html")
        .replace("<meta charset=\"utf-8\">", "<meta charset=\"iso-8859-1\">");
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
    assert!(!unmappable);
    p.write("site/odwb/fr/cookies.html", bytes);
}

#[test]
fn a_latin1_page_gets_latin1_tables_and_passes() {
    let p = Project::portals();
    latin1_page(&p);
    let run = p.run(&["build", "--out", "dist"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let out = std::fs::read(p.path("dist/odwb/fr/cookies.html")).unwrap();
    let has = |needle: &[u8]| out.windows(needle.len()).any(|w| w == needle);
    assert!(
        has(b"n\xe9cessaires"),
        "the French caption in Latin-1 bytes"
    );
    assert!(!has("nécessaires".as_bytes()), "no UTF-8 in a Latin-1 page");
    // Building the output again changes nothing, and checking it finds nothing.
    assert_eq!(
        p.run(&["build", "--site", "dist", "--out", "again"]).code,
        0
    );
    assert_eq!(
        std::fs::read(p.path("again/odwb/fr/cookies.html")).unwrap(),
        out
    );
    assert_eq!(p.run(&["check", "--site", "dist"]).code, 0);
}

#[test]
fn characters_a_page_encoding_lacks_become_references_and_still_pass() {
    let p = Project::portals();
    latin1_page(&p);
    p.edit(
        "catalogue.toml",
        "purpose.fr = \"Récupérer des données via des appels API\"",
        "purpose.fr = \"Récupérer des données via des appels API (Łódź)\"",
    );
    assert_eq!(p.run(&["build", "--out", "dist"]).code, 0);
    let out = std::fs::read(p.path("dist/odwb/fr/cookies.html")).unwrap();
    let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&out);
    assert!(
        text.contains("(&#321;\u{f3}d&#378;)"),
        "numeric references in the Latin-1 page"
    );
    assert_eq!(p.run(&["check", "--site", "dist"]).code, 0);
    assert_eq!(
        p.run(&["check", "--out", "dist"]).code,
        0,
        "the output is what a build writes"
    );
}

#[test]
fn a_utf16_page_is_refused_not_skipped() {
    for with_mark in [true, false] {
        let p = Project::portals();
        let text = p.read("site/odwb/cookies.html");
        let mut bytes: Vec<u8> = if with_mark {
            vec![0xFF, 0xFE]
        } else {
            Vec::new()
        };
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        p.write("site/odwb/cookies.html", bytes);
        let run = p.run(&["build", "--out", "dist"]);
        assert_eq!(run.code, 2, "{}", run.stdout);
        assert!(
            run.stdout.contains(
                "site/odwb/cookies.html:1:1: error[unsupported-file]: cannot read the page: "
            ),
            "{}",
            run.stdout
        );
        assert!(!p.path("dist").exists());
    }
}

#[test]
fn a_write_in_a_latin1_script_is_placed_in_the_page_bytes() {
    let p = Project::portals();
    let mut page = b"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"windows-1252\"></head><body>\n<p>caf\xe9 cr\xe8me</p><script>var s = \"d\xe9j\xe0\"; document.cookie = \"latin=1\";</script>\n</body></html>\n".to_vec();
    page.extend_from_slice(b"");
    p.write("site/datastro/latin.html", page);
    let run = p.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    // Column 42 counts the bytes (one per character) before `document` on line 2.
    assert!(
        run.stdout.contains("site/datastro/latin.html:2:42: error[undeclared-cookie]: a script (document.cookie) sets cookie `latin`"),
        "{}",
        run.stdout
    );
}

#[test]
fn an_undeclared_page_that_is_not_utf8_is_read_as_browsers_read_it() {
    let p = Project::portals();
    let text = p
        .read("site/odwb/fr/cookies.html")
        .replace("  <meta charset=\"utf-8\">\n", "");
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
    p.write("site/odwb/fr/cookies.html", bytes);
    assert_eq!(p.run(&["build", "--out", "dist"]).code, 0);
    let out = std::fs::read(p.path("dist/odwb/fr/cookies.html")).unwrap();
    assert!(
        std::str::from_utf8(&out).is_err(),
        "no UTF-8 mixed into a Latin-1 page"
    );
    let has = |needle: &[u8]| out.windows(needle.len()).any(|w| w == needle);
    assert!(has(b"n\xe9cessaires"));
}
