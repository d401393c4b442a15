//! Tests that drive a real headless Chromium: `cookie-ledger audit` on fixture sites, and every
//! audit rule's fixture. Without a browser they are reported as ignored, with the reason, and
//! never as passed; in CI (`CI` set, where `.ci/run` installs Chromium) they fail instead.

use std::process::ExitCode;

use cookie_ledger::diagnostic::Rule;
use libtest_mimic::{Arguments, Failed, Trial};

mod audit;
// The helpers the integration tests use; not every one is needed here.
#[allow(dead_code)]
#[path = "../it/rules.rs"]
mod rules;
#[allow(dead_code)]
#[path = "../it/support.rs"]
mod support;

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let missing = cookie_ledger::chrome::find(None).err();
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
        test(
            "audit::a_browser_that_is_not_there_is_bad_input_with_the_way_to_name_one",
            audit::a_browser_that_is_not_there_is_bad_input_with_the_way_to_name_one,
        ),
    ];
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
    libtest_mimic::run(&args, trials).exit_code()
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
