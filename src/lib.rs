//! cookie-ledger keeps a website's cookie policy tables true to one catalogue.
//!
//! Data flows one way: [`catalogue`] -> [`render`] -> [`inject`] -> [`readback`] -> [`verify`] -> [`report`],
//! with [`build`] driving the pages through it in parallel, and `visit` holding what a real
//! browser stores against the same catalogue (`cookie-ledger audit`).

pub mod audit;
pub mod build;
pub mod catalogue;
pub mod cdp;
pub mod charset;
#[cfg(feature = "audit")]
pub mod chrome;
pub mod cli;
pub mod config;
pub mod dashboard;
pub mod diagnostic;
pub mod diff;
pub mod export;
pub mod fsio;
pub mod fuzz;
pub mod glob;
pub mod guard;
pub mod history;
pub mod html;
pub mod import;
pub mod init;
pub mod inject;
pub mod inventory;
pub mod labels;
pub mod page;
pub mod pattern;
pub mod position;
pub mod readback;
pub mod render;
pub mod report;
pub mod scan;
#[cfg(feature = "serve")]
pub mod serve;
pub mod storage;
pub mod stored;
pub mod verify;
#[cfg(feature = "audit")]
pub mod visit;
