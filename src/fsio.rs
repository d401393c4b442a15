//! Reading and writing files so that no input can hang, exhaust or overwrite anything: regular
//! files only (a FIFO is never opened for reading in a way that waits), bounded reads, copies that
//! check what they copy, and writes that go through a temporary sibling renamed into place.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The largest page, script or catalogue the tool reads: anything bigger is refused, not read.
pub const MAX_TEXT: u64 = 512 * 1024 * 1024;

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// It is not a regular file: a FIFO, a socket, a device, a folder.
    NotRegular(&'static str),
    /// It is larger than the limit (its size in bytes).
    TooLarge(u64),
    /// The system refused.
    Io(io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotRegular(kind) => write!(f, "it is {kind}, not a regular file"),
            ReadError::TooLarge(size) => write!(
                f,
                "it is {} MiB, more than the {} MiB the tool reads",
                size / (1024 * 1024),
                MAX_TEXT / (1024 * 1024)
            ),
            ReadError::Io(e) => write!(f, "{e}"),
        }
    }
}

/// Opens `path` for reading without waiting on a FIFO, and checks the handle is a regular file.
pub fn open_regular(path: &Path) -> Result<(File, u64), ReadError> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Opening a FIFO for reading blocks until a writer comes; non-blocking, it returns at once.
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    let file = options.open(path).map_err(ReadError::Io)?;
    let metadata = file.metadata().map_err(ReadError::Io)?;
    if !metadata.is_file() {
        return Err(ReadError::NotRegular(kind(&metadata.file_type())));
    }
    Ok((file, metadata.len()))
}

/// Reads the regular file at `path`, at most `limit` bytes.
pub fn read(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let (file, size) = open_regular(path)?;
    if size > limit {
        return Err(ReadError::TooLarge(size));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // The size may grow while reading: never read past the limit.
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Copies the regular file `from` to `to` (the kernel copies where it can).
pub fn copy(from: &Path, to: &Path) -> Result<u64, ReadError> {
    let (mut source, _) = open_regular(from)?;
    let mut target = File::create(to).map_err(ReadError::Io)?;
    io::copy(&mut source, &mut target).map_err(ReadError::Io)
}

/// What a file type is, in words, for messages.
pub fn kind(file_type: &fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
    }
    if file_type.is_dir() {
        "a folder"
    } else if file_type.is_symlink() {
        "a symbolic link"
    } else if file_type.is_file() {
        "a regular file"
    } else {
        "a special file"
    }
}

/// A sibling of `path` no other writer uses: `.<name>.<tag>-<pid>-<n>`.
pub fn sibling(path: &Path, tag: &str) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    path.with_file_name(format!(".{name}.{tag}-{}-{n}", std::process::id()))
}

/// Writes `bytes` to a temporary sibling of `path` and returns it, for [`commit`] to rename into place.
pub fn prepare(path: &Path, bytes: &[u8]) -> io::Result<PathBuf> {
    let temporary = sibling(path, "tmp");
    let written = File::create(&temporary).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    match written {
        Ok(()) => Ok(temporary),
        Err(e) => {
            let _ = fs::remove_file(&temporary);
            Err(e)
        }
    }
}

/// Renames a prepared temporary over `path`; a reader sees the old file or the new one, never half.
pub fn commit(temporary: &Path, path: &Path) -> io::Result<()> {
    fs::rename(temporary, path).inspect_err(|_| {
        let _ = fs::remove_file(temporary);
    })
}

/// Writes `bytes` to `path` through a temporary sibling.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let temporary = prepare(path, bytes)?;
    commit(&temporary, path)
}

/// Swaps two existing paths in one step where the system can (Linux `renameat2` with
/// `RENAME_EXCHANGE`); `Ok(false)` when it cannot, so the caller falls back.
pub fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
            Ok(()) => Ok(true),
            // Not supported by this kernel or file system.
            Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => Ok(false),
            Err(e) => Err(io::Error::from(e)),
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (a, b);
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_bounded_and_regular_only() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.txt");
        fs::write(&file, b"12345").unwrap();
        assert_eq!(read(&file, 5).unwrap(), b"12345");
        assert!(matches!(read(&file, 4), Err(ReadError::TooLarge(5))));
        assert!(matches!(
            read(dir.path(), 9),
            Err(ReadError::NotRegular("a folder"))
        ));
        #[cfg(unix)]
        {
            let fifo = dir.path().join("pipe");
            assert!(
                std::process::Command::new("mkfifo")
                    .arg(&fifo)
                    .status()
                    .unwrap()
                    .success()
            );
            // Returns at once instead of waiting for a writer.
            assert!(matches!(read(&fifo, 9), Err(ReadError::NotRegular(k)) if k.contains("FIFO")));
            assert!(matches!(
                read(Path::new("/dev/zero"), 9),
                Err(ReadError::NotRegular(_))
            ));
        }
    }

    #[test]
    fn exchange_swaps_or_says_it_cannot() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        fs::create_dir(&a).unwrap();
        fs::create_dir(&b).unwrap();
        fs::write(a.join("from-a"), "").unwrap();
        if exchange(&a, &b).unwrap() {
            assert!(b.join("from-a").exists() && !a.join("from-a").exists());
        }
        write_atomically(&dir.path().join("f"), b"x").unwrap();
        assert_eq!(fs::read(dir.path().join("f")).unwrap(), b"x");
        let leftovers = fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 3, "no temporary left behind");
    }
}
