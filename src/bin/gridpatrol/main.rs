//! The `gridpatrol` command line: parses arguments, calls the library, prints results.

use clap::{Parser, Subcommand};

mod serve;

/// Inspection planning for township leads (双减 校外培训 / 托管 检查).
#[derive(Parser)]
#[command(name = "gridpatrol", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the township map and its API in the browser.
    Serve(serve::ServeArgs),
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => serve::run(args),
    }
}
