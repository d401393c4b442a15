//! Building again: a file whose bytes the previous output already holds is linked from there,
//! not written; with `--cache`, a file the build passes through as it is is not analysed again.
//! Neither ever changes what is built or reported.

#![cfg(unix)]

use std::os::unix::fs::MetadataExt;

use cookie_ledger::build::{self, Mode, Options, Outcome, Preview};
use cookie_ledger::diagnostic::ExitCode;

use crate::support::Project;

fn build(p: &Project, out: &str, cache: bool) -> Outcome {
    build::run(&Options {
        out: Some(p.path(out)),
        mode: Mode::Build,
        cache: cache.then(|| p.path(".cache")),
        ..Options::check(&p.path("catalogue.toml"), &p.path("site"))
    })
}

fn inode(p: &Project, rel: &str) -> u64 {
    std::fs::metadata(p.path(rel)).unwrap().ino()
}

/// The files of the site a build writes otherwise than it read them, sorted.
fn rewritten(p: &Project, out: &str) -> Vec<String> {
    let site = p.tree("site");
    let mut changed: Vec<String> = p
        .tree(out)
        .into_iter()
        .filter(|(rel, bytes)| site.get(rel) != Some(bytes))
        .map(|(rel, _)| rel)
        .collect();
    changed.sort();
    changed
}

#[test]
fn a_rebuild_links_every_file_that_did_not_change_and_writes_the_rest() {
    let p = Project::portals();
    let first = build(&p, "dist", false);
    assert_eq!(first.exit, ExitCode::Clean, "{:#?}", first.diagnostics);
    let built = p.tree("dist");
    let files = [
        "odwb/cookies.html",
        "datastro/index.html",
        "assets/consent.js",
        "assets/style.css",
    ];
    let before: Vec<u64> = files
        .iter()
        .map(|f| inode(&p, &format!("dist/{f}")))
        .collect();

    p.edit("site/datastro/index.html", "</main>", "<p>News.</p></main>");
    p.edit("site/assets/style.css", "body", "html, body");
    let again = build(&p, "dist", false);
    assert_eq!(again.exit, ExitCode::Clean, "{:#?}", again.diagnostics);
    let after: Vec<u64> = files
        .iter()
        .map(|f| inode(&p, &format!("dist/{f}")))
        .collect();
    // Unchanged: the same file, linked into the new output (a policy page, whose table the build
    // writes, included). Changed: written anew, with the new bytes.
    assert_eq!(after[0], before[0], "odwb/cookies.html was written again");
    assert_eq!(after[2], before[2], "assets/consent.js was written again");
    assert_ne!(after[1], before[1], "an edited page kept its old file");
    assert_ne!(
        after[3], before[3],
        "an edited stylesheet kept its old file"
    );
    assert!(p.read("dist/datastro/index.html").contains("<p>News.</p>"));
    assert!(p.read("dist/assets/style.css").contains("html, body"));
    // Nothing of the site itself is ever linked into the output: editing one never edits the other.
    for f in files {
        assert_ne!(
            inode(&p, &format!("site/{f}")),
            inode(&p, &format!("dist/{f}")),
            "{f}"
        );
        assert_eq!(
            std::fs::metadata(p.path(&format!("dist/{f}")))
                .unwrap()
                .nlink(),
            1,
            "{f}"
        );
    }
    // What is built is what a build into an empty folder writes.
    build(&p, "fresh", false);
    assert_eq!(p.tree("dist"), p.tree("fresh"));
    assert_ne!(p.tree("dist"), built);

    // A folder of the output turned into a link to the site's: nothing of the site is linked.
    std::fs::remove_dir_all(p.path("dist/assets")).unwrap();
    std::os::unix::fs::symlink("../site/assets", p.path("dist/assets")).unwrap();
    build(&p, "dist", false);
    for f in ["assets/consent.js", "assets/style.css"] {
        assert_ne!(
            inode(&p, &format!("site/{f}")),
            inode(&p, &format!("dist/{f}")),
            "{f}"
        );
        assert_eq!(
            std::fs::metadata(p.path(&format!("site/{f}")))
                .unwrap()
                .nlink(),
            1,
            "{f}"
        );
    }
}

#[test]
fn a_cached_build_analyses_only_what_it_rewrites_and_builds_the_same() {
    let p = Project::portals();
    let first = build(&p, "dist", true);
    assert_eq!(first.exit, ExitCode::Clean, "{:#?}", first.diagnostics);
    let again = build(&p, "dist", true);
    // Files passed through as they are come from the cache; the pages whose tables the build
    // writes are rewritten, so analysed again.
    assert_eq!(again.redone, rewritten(&p, "dist"));
    assert!(!again.redone.is_empty());
    assert_eq!(again.diagnostics, first.diagnostics);
    assert_eq!(
        format!("{:?}", again.inventory),
        format!("{:?}", first.inventory)
    );
    build(&p, "fresh", false);
    assert_eq!(p.tree("dist"), p.tree("fresh"));

    // An edit to a passed-through page: that page is analysed again, and its cookie found.
    p.edit(
        "site/datastro/index.html",
        "</main>",
        "<script>document.cookie = \"tracker=1\";</script></main>",
    );
    let drift = build(&p, "dist", true);
    assert_eq!(drift.exit, ExitCode::Drift);
    assert!(drift.redone.contains(&"datastro/index.html".to_owned()));
    assert!(
        drift
            .diagnostics
            .iter()
            .any(|d| d.message.contains("`tracker`")),
        "{:#?}",
        drift.diagnostics
    );
    // A check keeps a cache of its own: the build's results are not a check's.
    let check = build::run(&Options {
        cache: Some(p.path(".cache")),
        ..Options::check(&p.path("catalogue.toml"), &p.path("site"))
    });
    assert_eq!(check.summary.cached, 0);
    assert!(p.path(".cache/cookie-ledger-build.json").is_file());
    assert!(p.path(".cache/cookie-ledger-check.json").is_file());
}

#[test]
fn a_cached_preview_appends_its_script_to_pages_it_takes_from_the_cache() {
    let p = Project::portals();
    let preview = |out: &str, cache: bool| {
        build::run(&Options {
            preview: Some(Preview {
                append: "<script>/* preview */</script>".to_owned(),
            }),
            ..Options {
                out: Some(p.path(out)),
                mode: Mode::Build,
                cache: cache.then(|| p.path(".cache")),
                ..Options::check(&p.path("catalogue.toml"), &p.path("site"))
            }
        })
    };
    let first = preview("preview", true);
    assert!(first.wrote, "{:#?}", first.diagnostics);
    let again = preview("preview", true);
    assert!(again.summary.cached > 0);
    assert!(
        !again.redone.contains(&"datastro/index.html".to_owned()),
        "{:?}",
        again.redone
    );
    assert!(
        p.read("preview/datastro/index.html")
            .ends_with("<script>/* preview */</script>")
    );
    preview("fresh", false);
    assert_eq!(p.tree("preview"), p.tree("fresh"));
    assert!(p.path(".cache/cookie-ledger-preview.json").is_file());
}

#[test]
fn the_cache_never_lands_in_the_output() {
    let p = Project::portals();
    let run = p.run(&["build", "--out", "dist", "--cache", "dist/.cache"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stdout.contains("lies inside the output folder"),
        "{}",
        run.stdout
    );
    assert!(!p.path("dist").exists());
    // From the command line and the variable alike, a build uses it.
    let first = p.run(&["build", "--out", "dist", "--cache", ".cache"]);
    assert_eq!(first.code, 0, "{}", first.stdout);
    let second = p.run_in(
        "",
        &["build", "--out", "dist"],
        &[("COOKIE_LEDGER_CACHE", ".cache")],
    );
    assert_eq!(second.code, 0, "{}", second.stdout);
    assert!(
        second.stdout.contains("files from the cache"),
        "{}",
        second.stdout
    );
}
