//! Test helpers: temporary projects, running the binary, redacting, golden files.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The frozen copy of the demo's portals that tests read in place (see [`Project::portals`]).
pub fn portals() -> PathBuf {
    root().join("tests/fixtures/portals")
}

/// The `cookie-ledger.toml` of every test project: its pages are in `site/`.
pub const LAYOUT: &str = "# Where this test project keeps its pages.\nsite = \"site\"\n";

/// Runs `cookie-ledger ARGS` in a folder within this process instead of in a child, when a
/// test binary sets it and it takes the command (the browser tests, which share one browser);
/// `None` leaves the command to the binary.
pub static IN_PROCESS: std::sync::OnceLock<InProcess> = std::sync::OnceLock::new();

/// Runs a command line in a folder within the test process, or leaves it (`None`).
pub type InProcess = fn(&Path, &[&str]) -> Option<Run>;

/// A throw-away project folder that the binary runs in.
pub struct Project {
    dir: TempDir,
}

/// What a run of the binary gave.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout with timings and temp paths replaced, for exact comparison.
    pub fn report(&self) -> String {
        redact(&self.stdout)
    }
}

impl Project {
    /// An empty project whose `cookie-ledger.toml` says its pages are in `site/` (the tool
    /// assumes no folder name; a build names its output with `--out`).
    pub fn empty() -> Project {
        let p = Project {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        p.write("cookie-ledger.toml", LAYOUT);
        p
    }

    /// A copy of the live demo: catalogue.toml, cookie-ledger.toml, templates/ and site/. Only for
    /// what must hold whatever the demo says; tests of behaviour use [`Project::portals`].
    pub fn demo() -> Project {
        let p = Project::empty();
        for file in ["catalogue.toml", "cookie-ledger.toml"] {
            fs::copy(root().join(file), p.path(file)).unwrap();
        }
        copy_dir(&root().join("templates"), &p.path("templates"));
        copy_dir(&root().join("site"), &p.path("site"));
        p
    }

    /// A copy of `tests/fixtures/portals/`: the five portals of the demo, frozen as they were
    /// when these tests were written (catalogue.toml, templates/ and site/).
    pub fn portals() -> Project {
        Project::fixture("portals")
    }

    /// A copy of `tests/fixtures/<name>/`, with the fixture's own `cookie-ledger.toml` if it
    /// has one.
    pub fn fixture(name: &str) -> Project {
        let p = Project::empty();
        copy_dir(&root().join("tests/fixtures").join(name), p.dir.path());
        p
    }

    /// A path inside the project.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes `contents` to `rel`, creating folders.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }

    /// Reads `rel` as text.
    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Replaces the one occurrence of `from` in `rel` with `to`.
    pub fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert_eq!(
            text.matches(from).count(),
            1,
            "`{from}` must occur once in {rel}"
        );
        self.write(rel, text.replacen(from, to, 1));
    }

    /// Runs git in the project, as a person would, with a throw-away identity.
    pub fn git(&self, args: &[&str]) {
        let status = Command::new("git")
            .args(["-c", "user.name=Test", "-c", "user.email=test@example.org"])
            .args(args)
            .current_dir(self.path(""))
            .status()
            .expect("git runs");
        assert!(status.success(), "git {args:?}");
    }

    /// Runs `cookie-ledger ARGS` in the project, without colours.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_in("", args, &[])
    }

    /// Runs `cookie-ledger ARGS` in the project's folder `dir`, with the environment variables
    /// `vars` and without colours.
    pub fn run_in(&self, dir: &str, args: &[&str], vars: &[(&str, &str)]) -> Run {
        if vars.is_empty()
            && let Some(run) = IN_PROCESS
                .get()
                .and_then(|run| run(&self.dir.path().join(dir), args))
        {
            return run;
        }
        let output: Output = Command::new(env!("CARGO_BIN_EXE_cookie-ledger"))
            .args(args)
            .current_dir(self.dir.path().join(dir))
            .env("NO_COLOR", "1")
            .env_remove("CI")
            .envs(vars.iter().copied())
            .output()
            .expect("the binary runs");
        Run {
            code: output.status.code().expect("exit code"),
            stdout: String::from_utf8(output.stdout).expect("utf-8 stdout"),
            stderr: String::from_utf8(output.stderr).expect("utf-8 stderr"),
        }
    }

    /// Every file under `rel`, by `/`-separated path.
    pub fn tree(&self, rel: &str) -> BTreeMap<String, Vec<u8>> {
        tree(&self.path(rel))
    }
}

/// Every file under `dir`, by `/`-separated path relative to it.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Copies `from` into `to` recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Replaces the summary line's timing, which changes from run to run.
pub fn redact(text: &str) -> String {
    text.lines()
        .map(|line| match line.rfind(" in ") {
            Some(i)
                if (line.starts_with("build: ")
                    || line.starts_with("check: ")
                    || line.starts_with("audit: "))
                    && line.ends_with('s') =>
            {
                format!("{} in [TIME]", &line[..i])
            }
            _ => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// Compares `actual` with the golden file `rel` (under tests/); `UPDATE_GOLDEN=1` rewrites it, except in CI.
pub fn golden(rel: &str, actual: &str) {
    let path = root().join("tests").join(rel);
    if std::env::var_os("UPDATE_GOLDEN").is_some() && std::env::var_os("CI").is_none() {
        fs::write(&path, actual).unwrap();
        return;
    }
    let expected = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if expected != actual {
        let diff = similar::TextDiff::from_lines(&expected, actual)
            .unified_diff()
            .header("golden", "actual")
            .to_string();
        panic!(
            "{rel} differs from the output (UPDATE_GOLDEN=1 rewrites it; review the change):\n{diff}"
        );
    }
}
