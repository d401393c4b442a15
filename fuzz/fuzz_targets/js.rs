//! The JavaScript scan on any text: never a panic; libFuzzer's timeout catches a slow input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    cookie_ledger::fuzz::script(data);
});
