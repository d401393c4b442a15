//! The `cookie-ledger` command: build or check a site against its cookie catalogue.

use std::io::IsTerminal;

fn main() {
    let stdout = std::io::stdout();
    let terminal = stdout.is_terminal();
    let code = cookie_ledger::cli::run(
        std::env::args_os(),
        &mut stdout.lock(),
        &mut std::io::stderr(),
        terminal,
    );
    std::process::exit(code);
}
