//! Nothing is lost, nothing hangs: what `--out` and `--inventory` may replace, the swap and the
//! lock, and files a site should not hold (FIFOs, devices, links that leave it).

use std::fs;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{Project, Run, copy_dir, portals};

/// Runs the binary in `dir` with a deadline, so a hang fails the test instead of stalling it.
fn run_within(dir: &std::path::Path, args: &[&str], deadline: Duration) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cookie-ledger"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > deadline {
            let _ = child.kill();
            panic!("cookie-ledger {args:?} did not finish in {deadline:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    Run {
        code: output.status.code().unwrap(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[test]
fn out_never_replaces_the_project_the_site_or_the_catalogue() {
    let p = Project::portals();
    fs::rename(p.path("site"), p.path("public")).unwrap();
    fs::create_dir(p.path("work")).unwrap();
    let before = p.tree(".");
    let project = p.path(".");
    let project = project.to_str().unwrap();
    for out in [project, ".", "public", "public/out", "..", "templates", "/"] {
        let run = p.run(&["build", "--site", "public", "--out", out]);
        assert_eq!(run.code, 2, "--out {out}: {}", run.stdout);
        assert!(
            run.stdout.contains("error[unsafe-output]"),
            "--out {out}: {}",
            run.stdout
        );
        assert_eq!(before, p.tree("."), "--out {out} changed the project");
    }
    // The README's example from another folder: the project folder holds the catalogue.
    let run = run_within(
        &p.path("work"),
        &[
            "build",
            "--catalogue",
            "../catalogue.toml",
            "--site",
            "../public",
            "--out",
            "..",
        ],
        Duration::from_secs(30),
    );
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert_eq!(before, p.tree("."));
}

#[test]
fn a_folder_cookie_ledger_did_not_write_is_never_replaced() {
    let p = Project::portals();
    p.write("docs/notes.md", "my notes");
    let run = p.run(&["build", "--out", "docs"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("holds files that cookie-ledger did not write")
    );
    assert_eq!(p.read("docs/notes.md"), "my notes");
    // An empty folder, or one an earlier build wrote, is fine.
    fs::create_dir(p.path("empty")).unwrap();
    assert_eq!(p.run(&["build", "--out", "empty"]).code, 0);
    assert_eq!(p.run(&["build", "--out", "empty"]).code, 0);
    assert!(p.path("empty/odwb/cookies.html").exists());
}

#[test]
fn the_inventory_never_overwrites_what_the_run_reads_or_did_not_write() {
    let p = Project::portals();
    p.write("notes.json", "{\"mine\": true}");
    let catalogue = p.read("catalogue.toml");
    for inventory in [
        "catalogue.toml",
        "templates/eulerhermes-table.html",
        "site/inventory.json",
        "dist/inventory.json",
        "notes.json",
    ] {
        let run = p.run(&["build", "--out", "dist", "--inventory", inventory]);
        assert_eq!(run.code, 2, "--inventory {inventory}: {}", run.stdout);
        assert!(
            run.stdout.contains("error[unsafe-output]"),
            "{}",
            run.stdout
        );
    }
    assert_eq!(p.read("catalogue.toml"), catalogue);
    assert_eq!(p.read("notes.json"), "{\"mine\": true}");
    assert!(!p.path("dist").exists(), "a refused run writes nothing");
    // Its own inventory it may replace, build after build.
    assert_eq!(
        p.run(&["build", "--out", "dist", "--inventory", "inventory.json"])
            .code,
        0
    );
    assert_eq!(
        p.run(&["build", "--out", "dist", "--inventory", "inventory.json"])
            .code,
        0
    );
    assert!(
        p.read("inventory.json")
            .contains("\"generator\": \"cookie-ledger\"")
    );
}

#[test]
fn killed_builds_leave_nothing_behind_and_no_output_is_lost() {
    let p = Project::portals();
    assert_eq!(p.run(&["build", "--out", "dist"]).code, 0);
    let built = p.tree("dist");
    // What a kill can leave: a staging folder, and, between two renames, the output set aside.
    p.write(".dist.staging-4242/odwb/cookies.html", "half written");
    fs::rename(p.path("dist"), p.path(".dist.previous-4243")).unwrap();
    assert_eq!(
        p.run(&["check", "--out", "dist"]).code,
        0,
        "check writes nothing"
    );
    assert!(!p.path("dist").exists());
    assert_eq!(p.run(&["build", "--out", "dist"]).code, 0);
    assert_eq!(built, p.tree("dist"));
    let leftovers: Vec<String> = fs::read_dir(p.path("."))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging") || n.contains("previous") || n.contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn two_builds_of_one_output_never_run_at_once() {
    let p = Project::portals();
    assert_eq!(p.run(&["build", "--out", "dist"]).code, 0);
    let lock = fs::File::options()
        .write(true)
        .open(p.path(".dist.cookie-ledger"))
        .unwrap();
    lock.lock().unwrap();
    let run = p.run(&["build", "--out", "dist"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stdout.contains("another build is writing dist"),
        "{}",
        run.stdout
    );
    lock.unlock().unwrap();
    assert_eq!(p.run(&["build", "--out", "dist"]).code, 0);
}

#[cfg(unix)]
#[test]
fn fifos_devices_and_links_that_leave_the_site_are_refused_without_hanging() {
    use std::os::unix::fs::symlink;
    let p = Project::portals();
    assert!(
        Command::new("mkfifo")
            .arg(p.path("site/datastro/feed.html"))
            .status()
            .unwrap()
            .success()
    );
    symlink("/dev/zero", p.path("site/datastro/zero.html")).unwrap();
    p.write("outside/secret.txt", "not for publishing");
    symlink(
        p.path("outside/secret.txt"),
        p.path("site/assets/secret.txt"),
    )
    .unwrap();
    symlink(p.path("outside"), p.path("site/assets/elsewhere")).unwrap();
    // A link within the site is fine.
    symlink("style.css", p.path("site/assets/same.css")).unwrap();
    let run = run_within(
        &p.path("."),
        &["build", "--out", "dist"],
        Duration::from_secs(30),
    );
    assert_eq!(run.code, 2, "{}", run.stdout);
    for expected in [
        "feed.html is a FIFO (named pipe); a site holds only regular files and folders",
        "zero.html links to /dev/zero, outside the site folder",
        "secret.txt links to",
        "elsewhere links to",
    ] {
        assert!(run.stdout.contains(expected), "{expected}\n{}", run.stdout);
    }
    assert!(!p.path("dist").exists());
    fs::remove_file(p.path("site/datastro/feed.html")).unwrap();
    fs::remove_file(p.path("site/datastro/zero.html")).unwrap();
    fs::remove_file(p.path("site/assets/secret.txt")).unwrap();
    fs::remove_file(p.path("site/assets/elsewhere")).unwrap();
    assert_eq!(p.run(&["build", "--out", "dist"]).code, 0);
    assert_eq!(
        p.read("dist/assets/same.css"),
        p.read("site/assets/style.css")
    );
}

#[cfg(unix)]
#[test]
fn inputs_that_never_end_are_refused_not_read() {
    let p = Project::portals();
    for args in [
        ["check", "--catalogue", "/dev/zero"],
        ["check", "--cookie-db", "/dev/zero"],
    ] {
        let run = run_within(&p.path("."), &args, Duration::from_secs(30));
        assert_eq!(run.code, 2, "{args:?}: {}", run.stdout);
        assert!(
            run.stdout.contains("not a regular file"),
            "{args:?}: {}",
            run.stdout
        );
    }
}

#[test]
fn the_demo_builds_from_a_copy_anywhere() {
    // The guards compare resolved paths: a project reached through a link is the same project.
    let scratch = tempfile::tempdir().unwrap();
    copy_dir(&portals().join("site"), &scratch.path().join("real/site"));
    fs::copy(
        portals().join("catalogue.toml"),
        scratch.path().join("real/catalogue.toml"),
    )
    .unwrap();
    copy_dir(
        &portals().join("templates"),
        &scratch.path().join("real/templates"),
    );
    #[cfg(unix)]
    std::os::unix::fs::symlink(scratch.path().join("real"), scratch.path().join("link")).unwrap();
    #[cfg(unix)]
    {
        let run = run_within(
            &scratch.path().join("link"),
            &["build", "--out", "../real"],
            Duration::from_secs(30),
        );
        assert_eq!(run.code, 2, "{}", run.stdout);
        assert!(scratch.path().join("real/catalogue.toml").exists());
    }
}
