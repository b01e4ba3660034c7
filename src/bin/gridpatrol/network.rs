//! `gridpatrol network ...`: look at the built network.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use gridpatrol::network::export::edges_geojson;

use crate::context::{build_network, load_osm, NetworkArgs};

/// Work with the road network.
#[derive(clap::Subcommand, Debug)]
pub enum NetworkCommand {
    /// Write the graph as GeoJSON: one LineString per directed edge.
    Export {
        #[command(flatten)]
        network: NetworkArgs,
        /// Output file (.geojson).
        #[arg(long, value_name = "FILE.geojson")]
        out: PathBuf,
    },
}

pub fn run(command: NetworkCommand) -> anyhow::Result<()> {
    match command {
        NetworkCommand::Export { network, out } => {
            let loaded = load_osm(network.osm.as_deref())?;
            let net = build_network(&loaded, network.profile)?;
            write_atomically(&out, &serde_json::to_vec(&edges_geojson(&net.graph))?)?;
            eprintln!(
                "wrote {} edges to {}",
                net.graph.edge_count(),
                out.display()
            );
            Ok(())
        }
    }
}

/// Writes to a temporary file beside `path`, then renames it: never half-written.
pub fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    tmp.write_all(bytes)
        .with_context(|| format!("cannot write {}", path.display()))?;
    tmp.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
