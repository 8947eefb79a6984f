//! The `salesim` command; see `salesim --help` and `salesim::cli`.

fn main() -> std::process::ExitCode {
    salesim::cli::main()
}
