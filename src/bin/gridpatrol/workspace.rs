//! `gridpatrol init`, `gridpatrol import`, `gridpatrol user`, and the `--workspace`
//! option every command shares.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use gridpatrol::store::{ImportKind, ImportReport, Role, Workspace, DEFAULT_WORKSPACE};
use gridpatrol::Crs;

use crate::sources;

/// The workspace to use. Default: `./gridpatrol-workspace.sqlite`, created from the
/// bundled sample township on first use.
#[derive(Args, Debug, Clone)]
pub struct WorkspaceArg {
    /// The workspace file (SQLite).
    #[arg(long, value_name = "FILE", default_value = DEFAULT_WORKSPACE)]
    pub workspace: PathBuf,
}

impl WorkspaceArg {
    /// Opens the workspace, creating it from the bundled sample when it does not exist.
    pub fn open(&self) -> Result<Workspace> {
        if !self.workspace.exists() {
            eprintln!(
                "creating workspace {} from the bundled sample township",
                self.workspace.display()
            );
            create(&self.workspace, None)?;
        }
        Workspace::open_existing(&self.workspace)
            .with_context(|| format!("opening {}", self.workspace.display()))
    }
}

#[derive(Args, Debug)]
pub struct InitArgs {
    #[command(flatten)]
    pub ws: WorkspaceArg,
    /// A folder with a `township.json` manifest (default: the bundled sample).
    #[arg(long, value_name = "DIR")]
    pub from: Option<PathBuf>,
    /// Replace an existing workspace file.
    #[arg(long)]
    pub force: bool,
}

/// `gridpatrol init`.
pub fn init(args: InitArgs) -> Result<()> {
    let path = &args.ws.workspace;
    if path.exists() && !args.force {
        bail!(
            "{} exists already (use --force to replace it)",
            path.display()
        );
    }
    create(path, args.from.as_deref())?;
    let ws = Workspace::open_existing(path)?;
    let c = ws.counts()?;
    out!(
        "workspace {}: {} institutions, {} schools, {} cells, {} hotspots, {} depots, {} street segments",
        path.display(),
        c.sites,
        c.schools,
        c.cells,
        c.hotspots,
        c.depots,
        c.street_segments
    );
    Ok(())
}

/// Builds a workspace next to `path` and renames it into place, so a failed init
/// leaves nothing behind (and never a half-filled workspace).
fn create(path: &Path, from: Option<&Path>) -> Result<()> {
    let township = match from {
        Some(dir) => sources::township_from_dir(dir)?,
        None => sources::sample_township()?,
    };
    let streets = sources::street_lines(&township, from)?;
    let zone = sources::time_zone(from)?;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = tempfile::Builder::new()
        .prefix(".gridpatrol-init-")
        .suffix(".sqlite")
        .tempfile_in(dir)?;
    let tmp_path = tmp.path().to_path_buf();
    {
        let mut ws = Workspace::open(&tmp_path)?;
        ws.import_township(&township)?;
        ws.replace_streets(&streets)?;
        ws.set_time_zone(&zone)?;
    } // closing the last connection folds the WAL back into the file
    tmp.persist(path)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// Which layer `gridpatrol import` reads.
#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum Layer {
    Institutions,
    Schools,
    Cells,
    Hotspots,
    Depots,
}

/// The coordinate system of an input file.
#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum CrsArg {
    Wgs84,
    Gcj02,
    Bd09,
}

impl From<CrsArg> for Crs {
    fn from(c: CrsArg) -> Self {
        match c {
            CrsArg::Wgs84 => Crs::Wgs84,
            CrsArg::Gcj02 => Crs::Gcj02,
            CrsArg::Bd09 => Crs::Bd09,
        }
    }
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The layer the file holds.
    pub layer: Layer,
    /// A CSV or GeoJSON file.
    pub file: PathBuf,
    /// The file's coordinate system (高德/腾讯: gcj02, 百度: bd09, GPS/OSM: wgs84).
    #[arg(long, value_enum)]
    pub crs: CrsArg,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub ws: WorkspaceArg,
}

/// `gridpatrol import LAYER FILE --crs ...`: all of the file or none of it.
pub fn import(args: ImportArgs) -> Result<()> {
    let bytes =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let name = args.file.display().to_string();
    let mut ws = args.ws.open()?;
    let crs: Crs = args.crs.into();
    // Checked against the township's extent (stored at init) while reading, so an
    // out-of-extent row fails the whole file with its line named.
    let extent = ws.extent()?;
    let (kind, report) = match args.layer {
        Layer::Institutions => (
            ImportKind::Institutions,
            ws.import_institutions(&sources::read_layer(&bytes, &name, crs, extent)?)?,
        ),
        Layer::Schools => (
            ImportKind::Schools,
            ws.import_schools(&sources::read_layer(&bytes, &name, crs, extent)?)?,
        ),
        Layer::Cells => (
            ImportKind::Cells,
            ws.import_cells(&sources::read_layer(&bytes, &name, crs, extent)?)?,
        ),
        Layer::Hotspots => (
            ImportKind::Hotspots,
            ws.import_hotspots(&sources::read_layer(&bytes, &name, crs, extent)?)?,
        ),
        Layer::Depots => (
            ImportKind::Depots,
            ws.import_depots(&sources::read_layer(&bytes, &name, crs, extent)?)?,
        ),
    };
    print_report(kind, &report, args.json)
}

fn print_report(kind: ImportKind, r: &ImportReport, json: bool) -> Result<()> {
    if json {
        out!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({"layer": kind, "added": r.added, "updated": r.updated, "unchanged": r.unchanged, "rejected": r.rejected})
            )?
        );
        return Ok(());
    }
    out!(
        "{}: added {}, updated {}, unchanged {}, rejected {}",
        serde_json::to_value(kind)?.as_str().unwrap_or("layer"),
        r.added,
        r.updated,
        r.unchanged,
        r.rejected.len()
    );
    for x in &r.rejected {
        out!("  rejected {}: {}", x.id, x.problem);
    }
    Ok(())
}

#[derive(Args, Debug)]
pub struct UserArgs {
    #[command(subcommand)]
    pub action: UserAction,
    #[command(flatten)]
    pub ws: WorkspaceArg,
}

#[derive(Subcommand, Debug)]
pub enum UserAction {
    /// Add a user; the password is read from the first line of standard input.
    Add {
        username: String,
        #[arg(long, value_parser = ["lead", "inspector"])]
        role: String,
        #[arg(long)]
        team: Option<String>,
        /// Accepted for scripts: the password is always read from stdin.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users.
    List,
}

/// `gridpatrol user add|list`.
pub fn user(args: UserArgs) -> Result<()> {
    let mut ws = args.ws.open()?;
    match args.action {
        UserAction::Add {
            username,
            role,
            team,
            password_stdin: _,
        } => {
            let mut password = String::new();
            std::io::stdin().read_line(&mut password)?;
            let role: Role = role.parse()?;
            ws.user_add(
                &username,
                password.trim_end_matches(['\r', '\n']),
                role,
                team.as_deref(),
            )?;
            out!("user {username} added ({})", role.as_str());
        }
        UserAction::List => {
            for u in ws.users()? {
                out!(
                    "{}\t{}\t{}",
                    u.username,
                    u.role.as_str(),
                    u.team_id.unwrap_or_default()
                );
            }
        }
    }
    Ok(())
}
