//! Replays every seed input of the fuzz targets and every input a fuzzer once found to crash or to be
//! slow (fuzz/regressions/) through the properties the fuzz targets check, on every `cargo test`.

use crate::support::root;

fn replay(target: &str, property: fn(&[u8])) {
    let mut replayed = 0;
    for folder in ["seeds", "regressions"] {
        let dir = root().join("fuzz").join(folder).join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            let caught = std::panic::catch_unwind(|| property(&data));
            assert!(
                caught.is_ok(),
                "{} fails the {target} property",
                path.display()
            );
            replayed += 1;
        }
    }
    assert!(replayed > 0, "no input for {target}");
}

#[test]
fn catalogue_inputs_never_panic() {
    replay("catalogue", cookie_ledger::fuzz::catalogue);
}

#[test]
fn page_inputs_give_the_same_result_at_any_chunking() {
    replay("page", cookie_ledger::fuzz::page);
}

#[test]
fn script_inputs_never_panic() {
    replay("js", cookie_ledger::fuzz::script);
}
