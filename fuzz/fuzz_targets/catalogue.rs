//! The catalogue loader on any bytes: an error or a catalogue, never a panic; and a catalogue
//! that loads renders its tables (or says why not) without a panic either.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    cookie_ledger::fuzz::catalogue(data);
});
