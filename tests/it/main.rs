//! Integration tests: one binary, one module per area, each running the real binary or library on real fixture sites.

mod catalogue_errors;
mod chunking;
mod demo;
mod docs;
mod encodings;
mod export;
mod fixtures;
mod formats;
mod injection;
mod markers;
mod output;
mod safety;
mod scan;
mod seeds;
mod serve;
mod soup;
mod support;
