//! The page pass on any bytes: never a panic, and any chunking gives the same output and findings.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    cookie_ledger::fuzz::page(data);
});
