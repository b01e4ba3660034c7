//! The `gridpatrol` command line: parses arguments, calls the library, prints results.

mod context;
mod network;
mod route;

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
    /// Fastest route between two points, as JSON.
    Route(route::RouteArgs),
    /// The road network: export it as GeoJSON.
    #[command(subcommand)]
    Network(network::NetworkCommand),
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => serve::run(args),
        Command::Route(args) => route::run(args),
        Command::Network(command) => network::run(command),
    }
}
