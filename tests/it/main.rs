//! Integration tests: one binary, one module per area, each running the real binary or library on real fixture sites.

mod cache;
mod catalogue_errors;
mod chunking;
mod consent;
mod dashboard;
mod demo;
mod diff;
mod docs;
mod encodings;
mod evidence;
mod export;
mod findings;
mod fixtures;
mod formats;
mod fuzzed;
mod import;
mod init;
mod injection;
mod languages;
mod libraries;
mod markers;
mod output;
mod real;
mod rebuild;
mod review;
mod rules;
mod safety;
mod scan;
mod seeds;
#[cfg(feature = "serve")]
mod serve;
#[cfg(feature = "serve")]
mod server;
mod shards;
mod soup;
mod storage;
mod support;
mod updated;
