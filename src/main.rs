//! The `cookie-ledger` command: build or check a site against its cookie catalogue.

fn main() {
    let stdout = std::io::stdout();
    let terminal = cookie_ledger::cli::colours_suit(&stdout);
    let code = cookie_ledger::cli::run(
        std::env::args_os(),
        &mut stdout.lock(),
        &mut std::io::stderr(),
        terminal,
    );
    std::process::exit(code);
}
