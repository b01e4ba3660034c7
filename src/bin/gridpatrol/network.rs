//! `gridpatrol network ...`: look at the built network.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use gridpatrol::network::export::write_edges_geojson;

use crate::context::{build_network, load_roads, NetworkArgs};

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
            let loaded = load_roads(network.osm.as_deref())?;
            let net = build_network(&loaded, network.profile)?;
            // The extract is not needed any more: its memory goes before the writing.
            drop(loaded);
            write_atomically(&out, |w| write_edges_geojson(&net.graph, w))?;
            eprintln!(
                "wrote {} edges to {}",
                net.graph.edge_count(),
                out.display()
            );
            Ok(())
        }
    }
}

/// Writes through `write` into a temporary file beside `path`, synced, then renamed
/// over `path`: a reader sees the old file or the whole new one, never half of it.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let cannot_write = || format!("cannot write {}", path.display());
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    let mut buffered = BufWriter::with_capacity(1 << 20, tmp.as_file_mut());
    write(&mut buffered).with_context(cannot_write)?;
    buffered.flush().with_context(cannot_write)?;
    drop(buffered);
    tmp.as_file().sync_all().with_context(cannot_write)?;
    tmp.persist(path).with_context(cannot_write)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_writer_failing_half_way_leaves_the_earlier_file_and_no_temporary_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("graph.geojson");
        std::fs::write(&path, "earlier").unwrap();
        let err = write_atomically(&path, |w| {
            w.write_all(&[b'x'; 3 << 20])?;
            Err(std::io::Error::other("disk full"))
        })
        .unwrap_err();
        assert!(format!("{err:#}").contains("disk full"), "{err:#}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "earlier");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        write_atomically(&path, |w| w.write_all(b"new")).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
