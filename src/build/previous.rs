//! A build never writes bytes that did not change: a file whose bytes the previous output
//! already holds is hard-linked from it into the staging folder. The previous output is the
//! tool's own and is removed once the new one is in, so each linked file ends with one name.
//!
//! A file is linked only when that leaves the new output exactly as a build into an empty
//! folder would make it, and tied to nothing else: reached without a symbolic link (one could
//! lead into the site), with no other name, and with the permissions a file written now gets.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::fsio::{self, ReadError};

/// A build's previous output folder, whose files the new output may link.
#[derive(Debug)]
pub(super) struct Previous {
    /// The folder, with no symbolic link in its path.
    root: PathBuf,
    /// The permission bits a file written now gets (the process's umask applied).
    mode: u32,
}

impl Previous {
    /// The output folder `out`, when there is one, for a build that writes into `staging`
    /// (where a file is written, and removed, to learn what permissions a new file gets).
    pub fn find(out: &Path, staging: &Path) -> Option<Previous> {
        // An output that is itself a symbolic link is replaced as a link: the folder it leads
        // to stays, so its files must not be shared.
        if !fs::symlink_metadata(out).is_ok_and(|m| m.is_dir()) {
            return None;
        }
        let root = out.canonicalize().ok()?;
        let probe = fsio::sibling(&staging.join("probe"), "mode");
        fs::write(&probe, b"").ok()?;
        let mode = fs::symlink_metadata(&probe).map(|m| mode(&m));
        let _ = fs::remove_file(&probe);
        Some(Previous {
            root,
            mode: mode.ok()?,
        })
    }

    /// The previous output's file at `rel` when linking it is sound: a regular file of `len`
    /// bytes, reached through no symbolic link, with no other name and a new file's permissions.
    fn file(&self, rel: &str, len: u64) -> Option<PathBuf> {
        let path = self.root.join(rel);
        let metadata = fs::symlink_metadata(&path).ok()?;
        let sound = metadata.is_file()
            && metadata.len() == len
            && alone(&metadata)
            && mode(&metadata) == self.mode
            // A folder on the way that is a symbolic link would lead elsewhere, perhaps into the site.
            && path.canonicalize().is_ok_and(|real| real == path);
        sound.then_some(path)
    }

    /// Writes `bytes` to `to`, or links the previous output's file at `rel` when it holds
    /// exactly `bytes`. `Ok(true)` when it linked.
    pub fn write(this: Option<&Previous>, rel: &str, to: &Path, bytes: &[u8]) -> io::Result<bool> {
        if let Some(from) = this.and_then(|p| p.file(rel, bytes.len() as u64))
            && same(&from, bytes.len() as u64, &mut &bytes[..])
            && fs::hard_link(&from, to).is_ok()
        {
            return Ok(true);
        }
        fs::write(to, bytes).map(|()| false)
    }

    /// Copies the regular file `from` to `to`, or links the previous output's file at `rel`
    /// when it holds the same bytes. `Ok(true)` when it linked.
    pub fn copy(
        this: Option<&Previous>,
        rel: &str,
        from: &Path,
        to: &Path,
    ) -> Result<bool, ReadError> {
        let Some(this) = this else {
            return fsio::copy(from, to).map(|_| false);
        };
        let (mut source, len) = fsio::open_regular(from)?;
        if let Some(previous) = this.file(rel, len)
            && same(&previous, len, &mut source)
            && fs::hard_link(&previous, to).is_ok()
        {
            return Ok(true);
        }
        fsio::copy(from, to).map(|_| false)
    }
}

/// Whether the file at `path` (of `len` bytes) holds exactly what `other` reads, compared a
/// block at a time so that a large file is never held whole, and a small one costs no more
/// than its size.
fn same(path: &Path, len: u64, other: &mut dyn Read) -> bool {
    let Ok(mut file) = File::open(path) else {
        return false;
    };
    // One byte more than the file: a longer `other` shows within the first block.
    let block = usize::try_from(len).map_or(BLOCK, |len| len.saturating_add(1).min(BLOCK));
    let (mut a, mut b) = (vec![0; block], vec![0; block]);
    loop {
        let (Ok(n), Ok(m)) = (fill(&mut file, &mut a), fill(other, &mut b)) else {
            return false;
        };
        if a[..n] != b[..m] {
            return false;
        }
        if n == 0 {
            return true;
        }
    }
}

/// The most bytes compared at a time.
const BLOCK: usize = 64 * 1024;

/// Reads until `buffer` is full or the end: the count read.
fn fill(from: &mut dyn Read, buffer: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match from.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Whether a file has one name: linking one with others would tie the output to them.
fn alone(metadata: &fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        metadata.nlink() == 1
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        true
    }
}

/// A file's permission bits (0 where the system has none).
fn mode(metadata: &fs::Metadata) -> u32 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        metadata.permissions().mode() & 0o7777
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        0
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};

    use super::*;

    fn ino(path: &Path) -> u64 {
        fs::metadata(path).unwrap().ino()
    }

    #[test]
    fn only_a_file_of_the_same_bytes_one_name_and_a_new_files_mode_is_linked() {
        let dir = tempfile::tempdir().unwrap();
        let (out, staging) = (dir.path().join("out"), dir.path().join("staging"));
        fs::create_dir_all(out.join("sub")).unwrap();
        fs::create_dir_all(&staging).unwrap();
        fs::write(out.join("same.html"), b"<p>same</p>").unwrap();
        let previous = Previous::find(&out, &staging).unwrap();
        assert_eq!(
            fs::read_dir(&staging).unwrap().count(),
            0,
            "the probe is removed"
        );

        let to = staging.join("same.html");
        assert!(Previous::write(Some(&previous), "same.html", &to, b"<p>same</p>").unwrap());
        assert_eq!(ino(&to), ino(&out.join("same.html")));
        fs::remove_file(out.join("same.html")).unwrap();
        fs::rename(&to, out.join("same.html")).unwrap();

        // Other bytes, of the same length or not, and a file that is not there: written.
        for (name, rel, bytes) in [
            ("a", "same.html", &b"<p>diff</p>"[..]),
            ("b", "same.html", b"<p>longer</p>"),
            ("c", "none.html", b"<p>same</p>"),
        ] {
            let to = staging.join(name);
            assert!(
                !Previous::write(Some(&previous), rel, &to, bytes).unwrap(),
                "{name}"
            );
            assert_eq!(fs::read(&to).unwrap(), bytes);
        }
        assert!(!Previous::write(None, "same.html", &staging.join("d"), b"<p>same</p>").unwrap());

        // A file with another name, or other permissions: written, never linked.
        fs::write(out.join("shared.html"), b"<p>same</p>").unwrap();
        fs::hard_link(out.join("shared.html"), dir.path().join("elsewhere.html")).unwrap();
        assert!(
            !Previous::write(
                Some(&previous),
                "shared.html",
                &staging.join("e"),
                b"<p>same</p>"
            )
            .unwrap()
        );
        fs::write(out.join("private.html"), b"<p>same</p>").unwrap();
        fs::set_permissions(out.join("private.html"), fs::Permissions::from_mode(0o600)).unwrap();
        let to = staging.join("f");
        assert!(!Previous::write(Some(&previous), "private.html", &to, b"<p>same</p>").unwrap());
        assert_eq!(
            fs::metadata(&to).unwrap().permissions().mode() & 0o777,
            previous.mode
        );

        // Through a folder that is a symbolic link (here into a "site"): written, never linked.
        let site = dir.path().join("site");
        fs::create_dir_all(&site).unwrap();
        fs::write(site.join("app.js"), b"app()").unwrap();
        std::os::unix::fs::symlink(&site, out.join("assets")).unwrap();
        let to = staging.join("g");
        assert!(!Previous::write(Some(&previous), "assets/app.js", &to, b"app()").unwrap());
        assert_ne!(ino(&to), ino(&site.join("app.js")));
        let to = staging.join("h");
        assert!(
            !Previous::copy(Some(&previous), "assets/app.js", &site.join("app.js"), &to).unwrap()
        );
        assert_ne!(ino(&to), ino(&site.join("app.js")));

        // A copy: linked from the previous file when the source holds the same bytes.
        fs::write(out.join("sub/style.css"), b"body{}").unwrap();
        fs::write(dir.path().join("style.css"), b"body{}").unwrap();
        let to = staging.join("i");
        assert!(
            Previous::copy(
                Some(&previous),
                "sub/style.css",
                &dir.path().join("style.css"),
                &to
            )
            .unwrap()
        );
        fs::write(dir.path().join("style.css"), b"html{}").unwrap();
        let to = staging.join("j");
        assert!(
            !Previous::copy(
                Some(&previous),
                "sub/style.css",
                &dir.path().join("style.css"),
                &to
            )
            .unwrap()
        );
        assert_eq!(fs::read(&to).unwrap(), b"html{}");
    }

    #[test]
    fn files_are_compared_a_block_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        fs::write(dir.path().join("big"), &big).unwrap();
        let big_len = big.len() as u64;
        assert!(same(&dir.path().join("big"), big_len, &mut &big[..]));
        let mut other = big.clone();
        other[150_000] ^= 1;
        assert!(!same(&dir.path().join("big"), big_len, &mut &other[..]));
        assert!(!same(
            &dir.path().join("big"),
            big_len,
            &mut &big[..199_999]
        ));
        assert!(!same(&dir.path().join("none"), big_len, &mut &big[..]));
        // A small file: a longer reader is told apart within the one block.
        fs::write(dir.path().join("small"), b"abc").unwrap();
        assert!(same(&dir.path().join("small"), 3, &mut &b"abc"[..]));
        assert!(!same(&dir.path().join("small"), 3, &mut &b"abcd"[..]));
    }
}
