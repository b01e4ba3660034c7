//! `gridpatrol init`, `gridpatrol import`, `gridpatrol user`, and the `--workspace`
//! option every command shares.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use gridpatrol::formats::SiteLayer;
use gridpatrol::store::{
    Account, AccountChange, ImportKind, ImportOptions, ImportReport, Importable, Role, Workspace,
    DEFAULT_WORKSPACE,
};
use gridpatrol::Crs;

use crate::sources;

/// The workspace to use. Default: `./gridpatrol-workspace.sqlite`, created from the
/// bundled sample township on first use.
#[derive(Args, Debug, Clone)]
pub struct WorkspaceArg {
    /// The workspace file (SQLite). Also accepted after a subcommand
    /// (`user add NAME --workspace FILE`).
    #[arg(long, value_name = "FILE", default_value = DEFAULT_WORKSPACE, global = true)]
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
    /// The day the township's campaign data begin (YYYY-MM-DD): inspections dated
    /// before it are refused (default: 2021-07-24, when the 双减 campaign began).
    #[arg(long, value_name = "DATE")]
    pub campaign_start: Option<chrono::NaiveDate>,
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
    let mut ws = Workspace::open_existing(path)?;
    if let Some(day) = args.campaign_start {
        ws.set_campaign_start(day)?;
    }
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
    let rules = match from {
        Some(dir) => gridpatrol::rules::Rules::load_dir(dir)?,
        None => gridpatrol::rules::Rules::default(),
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
        ws.set_rules(&rules)?;
        ws.import_township(&township)?;
        ws.replace_streets(&streets)?;
        ws.set_time_zone(&zone)?;
        if let Some(file) = sources::calendar_file(from)? {
            ws.add_calendar_file(file)?;
        }
        // Planning and serving use the folder's own streets without --osm.
        if let Some(extract) = from.map(sources::township_extract).transpose()?.flatten() {
            let at = extract.canonicalize().unwrap_or(extract);
            ws.set_meta(crate::context::OSM_EXTRACT_KEY, &at.to_string_lossy())?;
        }
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
    /// Show what the import would change, field by field, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Overwrite records whose name and place both change (otherwise taken for another
    /// site under a colliding id, and the whole import is refused).
    #[arg(long)]
    pub replace: bool,
    #[command(flatten)]
    pub ws: WorkspaceArg,
}

/// `gridpatrol import LAYER FILE --crs ...`: all of the file or none of it; a known id
/// gets only the fields the file gives.
pub fn import(args: ImportArgs) -> Result<()> {
    let report = match args.layer {
        Layer::Institutions => import_layer::<gridpatrol::model::Institution>(&args)?,
        Layer::Schools => import_layer::<gridpatrol::model::School>(&args)?,
        Layer::Cells => import_layer::<gridpatrol::model::Cell>(&args)?,
        Layer::Hotspots => import_layer::<gridpatrol::model::Hotspot>(&args)?,
        Layer::Depots => import_layer::<gridpatrol::model::Depot>(&args)?,
    };
    if !report.1.conflicts.is_empty() && !args.replace {
        print_report(report.0, &report.1, args.json, args.dry_run)?;
        bail!(
            "{}: {} record(s) would change both name and place (another site under the same id?); nothing imported. Check the ids, or pass --replace to overwrite them",
            args.file.display(),
            report.1.conflicts.len()
        );
    }
    print_report(report.0, &report.1, args.json, args.dry_run)
}

fn import_layer<T: SiteLayer + Importable>(
    args: &ImportArgs,
) -> Result<(ImportKind, ImportReport)> {
    let bytes =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let name = args.file.display().to_string();
    let mut ws = args.ws.open()?;
    // Checked against the township's extent (stored at init) while reading, so an
    // out-of-extent row fails the whole file with its line named.
    let extent = ws.extent()?;
    let items = sources::read_layer_items::<T>(&bytes, &name, args.crs.into(), extent)?;
    let opts = ImportOptions {
        replace: args.replace,
        dry_run: args.dry_run,
    };
    Ok((T::KIND, ws.import_items(&items, opts)?))
}

fn print_report(kind: ImportKind, r: &ImportReport, json: bool, dry_run: bool) -> Result<()> {
    if json {
        let mut v = serde_json::to_value(r)?;
        v["layer"] = serde_json::to_value(kind)?;
        v["dry_run"] = dry_run.into();
        out!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    out!(
        "{}{}: added {}, updated {}, unchanged {}, rejected {}",
        if dry_run {
            "dry run, nothing written: "
        } else {
            ""
        },
        serde_json::to_value(kind)?.as_str().unwrap_or("layer"),
        r.added,
        r.updated,
        r.unchanged,
        r.rejected.len()
    );
    for c in &r.changes {
        out!(
            "  changed {} {}: {:?} -> {:?}",
            c.id,
            c.field,
            c.before,
            c.after
        );
    }
    for x in &r.conflicts {
        out!("  refused {}: {}", x.id, x.problem);
    }
    for x in &r.rejected {
        out!("  rejected {}: {}", x.id, x.problem);
    }
    if !r.kept_columns.is_empty() {
        out!("  kept as extra attributes: {}", r.kept_columns.join(", "));
    }
    if !r.ignored_columns.is_empty() {
        out!("  ignored columns: {}", r.ignored_columns.join(", "));
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
    /// List users (name, role, team, state).
    List,
    /// Change a user's role or team (`--team ""` takes them off any team).
    Set {
        username: String,
        #[arg(long, value_parser = ["lead", "inspector"])]
        role: Option<String>,
        #[arg(long)]
        team: Option<String>,
    },
    /// Disable a user: no sign-in, sessions end, records stay.
    Disable { username: String },
    /// Enable a disabled user again.
    Enable { username: String },
    /// Give a user a new one-time password (printed once; to be changed at sign-in).
    ResetPassword { username: String },
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
            for a in ws.accounts()? {
                let state = match (a.disabled, a.must_change_password) {
                    (true, _) => "disabled",
                    (false, true) => "must-change-password",
                    (false, false) => "active",
                };
                out!(
                    "{}\t{}\t{}\t{state}",
                    a.user.username,
                    a.user.role.as_str(),
                    a.user.team_id.unwrap_or_default()
                );
            }
        }
        UserAction::Set {
            username,
            role,
            team,
        } => {
            let change = AccountChange {
                role: role.as_deref().map(str::parse).transpose()?,
                team: team.map(|t| Some(t).filter(|t| !t.trim().is_empty())),
                disabled: None,
            };
            show_account(&ws.account_change(&username, &change)?)?;
        }
        UserAction::Disable { username } => set_disabled(&mut ws, &username, true)?,
        UserAction::Enable { username } => set_disabled(&mut ws, &username, false)?,
        UserAction::ResetPassword { username } => {
            let password = ws.account_reset_password(&username)?;
            out!("{password}");
            eprintln!("one-time password for {username}: shown once, to be changed at sign-in");
        }
    }
    Ok(())
}

fn set_disabled(ws: &mut Workspace, username: &str, disabled: bool) -> Result<()> {
    let change = AccountChange {
        disabled: Some(disabled),
        ..AccountChange::default()
    };
    show_account(&ws.account_change(username, &change)?)
}

fn show_account(a: &Account) -> Result<()> {
    out!(
        "user {} is {} of team {}{}",
        a.user.username,
        a.user.role.as_str(),
        a.user.team_id.as_deref().unwrap_or("-"),
        if a.disabled { ", disabled" } else { "" }
    );
    Ok(())
}
