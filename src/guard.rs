//! Turns a panic into a finding. No input should make the tool panic; if one does anyway, the run
//! reports an internal error with the place of the bug (exit 2), instead of a dead thread or a
//! crash that leaves the user guessing.

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use crate::diagnostic::{Diagnostic, Location, Rule};

thread_local! {
    /// Set while a guarded call runs on this thread: its panic is reported, not printed.
    static GUARDED: Cell<bool> = const { Cell::new(false) };
    /// What the last guarded panic said, and where.
    static LAST: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if GUARDED.with(Cell::get) {
                let place = info
                    .location()
                    .map(|l| format!(" at {}:{}", l.file(), l.line()))
                    .unwrap_or_default();
                let message = info
                    .payload()
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| info.payload().downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a panic".to_owned());
                LAST.with(|l| *l.borrow_mut() = Some(format!("{message}{place}")));
            } else {
                previous(info);
            }
        }));
    });
}

/// Runs `f`; a panic inside it comes back as an `internal-error` finding about `what` (such as
/// "site/a/index.html"), located there when `location` is given.
pub fn catch<T>(
    what: &str,
    location: Option<Location>,
    f: impl FnOnce() -> T,
) -> Result<T, Diagnostic> {
    install_hook();
    let was = GUARDED.with(|g| g.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(was));
    result.map_err(|_| {
        let detail = LAST
            .with(|l| l.borrow_mut().take())
            .unwrap_or_else(|| "a panic".to_owned());
        Diagnostic::new(
            Rule::InternalError,
            location,
            format!("internal error while reading {what}: {detail}"),
        )
        .with_help("this is a bug in cookie-ledger, not in your files: please report it with the file named here; nothing was written")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_finding_with_its_place() {
        let d = catch("page.html", None, || -> u8 { panic!("boom {}", 1) }).unwrap_err();
        assert_eq!(d.rule, Rule::InternalError);
        assert!(
            d.message.contains("boom 1 at src/guard.rs:"),
            "{}",
            d.message
        );
        assert_eq!(catch("x", None, || 7).unwrap(), 7);
    }
}
