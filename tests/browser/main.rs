//! Tests that drive a real headless Chromium: `cookie-ledger audit` on fixture sites, every
//! audit rule's fixture, and the preview as an editor uses it. Without a browser they are reported as ignored, with the reason, and
//! never as passed; in CI (`CI` set, where `.ci/run` installs Chromium) they fail instead.

use std::path::Path;
use std::process::ExitCode;
use std::sync::{Mutex, PoisonError};

use cookie_ledger::diagnostic::Rule;
use cookie_ledger::visit::Auditor;
use libtest_mimic::{Arguments, Failed, Trial};

mod audit;
#[cfg(feature = "serve")]
mod preview;
// Not every helper of the preview's server is needed here.
#[allow(dead_code)]
#[cfg(feature = "serve")]
#[path = "../it/server.rs"]
mod server;
mod tab;
// The helpers the integration tests use; not every one is needed here.
#[allow(dead_code)]
#[path = "../it/rules.rs"]
mod rules;
#[allow(dead_code)]
#[path = "../it/support.rs"]
mod support;

/// The one browser of this test binary; each audit in it runs in fresh browser contexts. Held
/// for the length of a run, which also keeps the working folder the run's own.
static BROWSER: Mutex<Option<Auditor>> = Mutex::new(None);

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let mut missing = cookie_ledger::chrome::find(None).err();
    if missing.is_none() {
        match Auditor::launch(None) {
            Ok(auditor) => {
                *BROWSER.lock().unwrap_or_else(PoisonError::into_inner) = Some(auditor);
                let _ = support::IN_PROCESS.set(audit_in_process);
            }
            Err(d) => missing = Some(d.message),
        }
    }
    let in_ci = std::env::var_os("CI").is_some();
    if let Some(reason) = &missing {
        if in_ci {
            eprintln!("error: the browser tests need Chromium in CI: {reason}");
        } else {
            eprintln!("note: the browser tests are ignored: {reason}");
        }
    }
    let needs_browser = |trial: Trial| match &missing {
        // Failing, not ignored: CI must run them.
        Some(reason) if in_ci => {
            let reason = reason.clone();
            Trial::test(trial.name().to_owned(), move || Err(Failed::from(reason)))
        }
        Some(_) => trial.with_ignored_flag(true),
        None => trial,
    };
    let test = |name: &str, f: fn()| Trial::test(name.to_owned(), move || run(f));
    let mut trials = vec![
        needs_browser(test(
            "audit::what_a_tag_manager_loads_at_run_time_is_seen_with_its_setter_and_line",
            audit::what_a_tag_manager_loads_at_run_time_is_seen_with_its_setter_and_line,
        )),
        needs_browser(test(
            "audit::offline_lets_no_request_leave_and_lists_each_one_it_refused",
            audit::offline_lets_no_request_leave_and_lists_each_one_it_refused,
        )),
        needs_browser(test(
            "audit::the_catalogue_names_the_banner_buttons_and_an_empty_selector_is_bad_input",
            audit::the_catalogue_names_the_banner_buttons_and_an_empty_selector_is_bad_input,
        )),
        needs_browser(test(
            "audit::an_alert_on_the_page_does_not_hold_the_audit",
            audit::an_alert_on_the_page_does_not_hold_the_audit,
        )),
        needs_browser(test(
            "audit::web_storage_that_needs_consent_is_held_to_it_like_a_cookie",
            audit::web_storage_that_needs_consent_is_held_to_it_like_a_cookie,
        )),
        needs_browser(test(
            "audit::vanilla_cookieconsent_is_pressed_by_the_built_in_selectors",
            audit::vanilla_cookieconsent_is_pressed_by_the_built_in_selectors,
        )),
        needs_browser(test(
            "audit::the_inventory_records_what_the_files_set_and_which_pass_stored_it",
            audit::the_inventory_records_what_the_files_set_and_which_pass_stored_it,
        )),
        needs_browser(test(
            "audit::what_the_browser_stores_is_never_hidden_behind_a_static_finding",
            audit::what_the_browser_stores_is_never_hidden_behind_a_static_finding,
        )),
        needs_browser(test(
            "audit::mkdocs_material_keeps_its_consent_in_local_storage_and_waits_for_it",
            audit::mkdocs_material_keeps_its_consent_in_local_storage_and_waits_for_it,
        )),
        needs_browser(test(
            "audit::a_hidden_or_covered_button_is_never_taken_for_the_visitors_choice",
            audit::a_hidden_or_covered_button_is_never_taken_for_the_visitors_choice,
        )),
        needs_browser(test(
            "audit::each_item_is_credited_to_the_write_that_stored_it",
            audit::each_item_is_credited_to_the_write_that_stored_it,
        )),
        needs_browser(test(
            "audit::a_frame_of_a_subdomain_in_the_pages_process_has_its_storage_read",
            audit::a_frame_of_a_subdomain_in_the_pages_process_has_its_storage_read,
        )),
        needs_browser(test(
            "audit::a_cookie_a_header_sets_keeps_its_partition_as_a_real_server_gives_it",
            audit::a_cookie_a_header_sets_keeps_its_partition_as_a_real_server_gives_it,
        )),
        test(
            "audit::a_browser_that_is_not_there_is_bad_input_with_the_way_to_name_one",
            audit::a_browser_that_is_not_there_is_bad_input_with_the_way_to_name_one,
        ),
        needs_browser(test(
            "audit::init_with_the_audit_adds_what_only_a_browser_sees",
            audit::init_with_the_audit_adds_what_only_a_browser_sees,
        )),
        test(
            "audit::init_with_the_audit_and_no_browser_writes_nothing",
            audit::init_with_the_audit_and_no_browser_writes_nothing,
        ),
    ];
    #[cfg(feature = "serve")]
    trials.push(needs_browser(test(
        "preview::an_editor_sees_each_edit_the_findings_and_the_recovery_in_the_browser",
        preview::an_editor_sees_each_edit_the_findings_and_the_recovery_in_the_browser,
    )));
    #[cfg(feature = "serve")]
    trials.push(needs_browser(test(
        "preview::the_dashboard_reads_well_to_a_screen_reader_and_a_keyboard",
        preview::the_dashboard_reads_well_to_a_screen_reader_and_a_keyboard,
    )));
    #[cfg(feature = "serve")]
    trials.push(needs_browser(test(
        "preview::the_live_audit_says_what_the_viewed_page_stores_before_consent",
        preview::the_live_audit_says_what_the_viewed_page_stores_before_consent,
    )));
    trials.push(test(
        "tab::base64_decodes_what_it_is_given",
        tab::base64_decodes_what_it_is_given,
    ));
    for rule in Rule::ALL
        .iter()
        .copied()
        .filter(|r| rules::is_audit(r.id()))
    {
        trials.push(needs_browser(Trial::test(
            format!("rules::{}_fixture_raises_it_alone", rule.id()),
            move || run(move || rules::raises_it_alone(rule)),
        )));
    }
    let code = libtest_mimic::run(&args, trials).exit_code();
    // Closes the browser and removes its profile.
    BROWSER
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take();
    code
}

/// Runs an `audit` command line in `dir` with the shared browser, as the binary would (leaves
/// anything else, and a run that names its own `--chrome`, to the binary).
fn audit_in_process(dir: &Path, args: &[&str]) -> Option<support::Run> {
    if args.first() != Some(&"audit") || args.contains(&"--chrome") {
        return None;
    }
    let browser = BROWSER.lock().unwrap_or_else(PoisonError::into_inner);
    let auditor = browser.as_ref()?;
    let _back = WorkingFolder::enter(dir);
    let mut out = Vec::new();
    let mut err = Vec::new();
    let code = cookie_ledger::cli::run_in_browser(
        std::iter::once("cookie-ledger").chain(args.iter().copied()),
        &mut out,
        &mut err,
        auditor,
    );
    Some(support::Run {
        code,
        stdout: String::from_utf8(out).expect("utf-8 stdout"),
        stderr: String::from_utf8(err).expect("utf-8 stderr"),
    })
}

/// The process's working folder moved to a run's folder, and back when dropped (a failing run
/// included).
struct WorkingFolder(std::path::PathBuf);

impl WorkingFolder {
    fn enter(dir: &Path) -> WorkingFolder {
        let back = std::env::current_dir().expect("a working folder");
        std::env::set_current_dir(dir).expect("the project folder");
        WorkingFolder(back)
    }
}

impl Drop for WorkingFolder {
    fn drop(&mut self) {
        let _ = std::env::set_current_dir(&self.0);
    }
}

/// Runs a test written with assertions; a panic is its failure, with the message.
fn run(test: impl FnOnce() + std::panic::UnwindSafe) -> Result<(), Failed> {
    std::panic::catch_unwind(test).map_err(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "the test panicked".to_owned());
        Failed::from(message)
    })
}
