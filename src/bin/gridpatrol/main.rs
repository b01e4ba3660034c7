//! The `gridpatrol` command line: parses arguments, calls the library, prints results.

/// `println!` that hands a write error back (`?`) instead of panicking: a closed pipe
/// (`gridpatrol ledger | head`) then ends the command quietly (see `main`).
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout(), $($arg)*)?
    }};
}

mod audit;
mod backup;
mod calendar;
mod campaign;
mod context;
mod coverage;
mod draw;
mod export;
mod inspect;
mod ledger;
mod locale;
mod matrix;
mod network;
mod pin;
mod plan;
mod route;
mod rules;
mod sources;
mod sweep;
mod workspace;

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
    /// Travel durations and lengths between sites (CSV id,lon,lat), as JSON.
    Matrix(matrix::MatrixArgs),
    /// The road network: export it as GeoJSON.
    #[command(subcommand)]
    Network(network::NetworkCommand),
    /// Plan a shift: which sites each team visits, in what order, on the streets.
    Plan(plan::PlanArgs),
    /// A campaign (专项治理) over days: every institution, tip-off, follow-up and hotspot by its day.
    #[command(subcommand)]
    Campaign(campaign::CampaignCommand),
    /// Working days, holidays and 调休: show a year, or add next year's notice.
    #[command(subcommand)]
    Calendar(calendar::CalendarCommand),
    /// The lead's pins: keep a site to a team or a day, must-visit, or leave it out.
    #[command(subcommand)]
    Pin(pin::PinCommand),
    /// Create a workspace from the bundled sample or from a folder with township.json.
    Init(workspace::InitArgs),
    /// Import institutions, schools, cells, hotspots or depots (update by id).
    Import(workspace::ImportArgs),
    /// Record an inspection (or a hotspot's night check).
    Inspect(inspect::InspectArgs),
    /// Record a GPX track or a completed route as swept streets.
    RecordTrack(inspect::RecordTrackArgs),
    /// Coverage per cell over a campaign window.
    Coverage(coverage::CoverageArgs),
    /// Score hotspots for night checks, with each score's parts.
    Hotspots(coverage::HotspotsArgs),
    /// 双随机: draw targets and inspectors from a published seed; `draw verify`.
    Draw(draw::DrawArgs),
    /// Write the ledger (台账) as CSV or xlsx.
    Ledger(ledger::LedgerArgs),
    /// Write the weekly or monthly per-cell bulletin.
    Report(ledger::ReportArgs),
    /// Export the white/black list or a layer as GeoJSON.
    Export(export::ExportArgs),
    /// Manage users of the web page.
    User(workspace::UserArgs),
    /// Show the township's rules (shift windows, visit times, overdue days, checklists).
    Rules(rules::RulesArgs),
    /// 拉网式 sweep: a walking route covering every street of a grid cell.
    Sweep(sweep::SweepArgs),
    /// Who did what: the append-only audit log, as text or CSV.
    Audit(audit::AuditArgs),
    /// Copy the workspace while it is in use (SQLite online backup), checked.
    Backup(backup::BackupArgs),
    /// Replace the workspace with a backup, after checking the backup is sound.
    Restore(backup::RestoreArgs),
}

fn main() -> std::process::ExitCode {
    match run(Cli::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        // `gridpatrol sweep --list-cells | head`: the reader has all it wanted.
        Err(e) if is_broken_pipe(&e) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}{e:#}", locale::pick("错误：", "Error: "));
            std::process::ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => serve::run(args),
        Command::Route(args) => route::run(args),
        Command::Matrix(args) => matrix::run(args),
        Command::Network(command) => network::run(command),
        Command::Plan(a) => plan::run(a),
        Command::Campaign(c) => campaign::run(c),
        Command::Pin(c) => pin::run(c),
        Command::Calendar(c) => calendar::run(c),
        Command::Init(a) => workspace::init(a),
        Command::Import(a) => workspace::import(a),
        Command::Inspect(a) => inspect::inspect(a),
        Command::RecordTrack(a) => inspect::record_track(a),
        Command::Coverage(a) => coverage::coverage(a),
        Command::Hotspots(a) => coverage::hotspots(a),
        Command::Draw(a) => draw::run(a),
        Command::Ledger(a) => ledger::ledger(a),
        Command::Report(a) => ledger::report(a),
        Command::Export(a) => export::export(a),
        Command::User(a) => workspace::user(a),
        Command::Rules(a) => rules::run(a),
        Command::Sweep(args) => sweep::run(args),
        Command::Audit(a) => audit::audit(a),
        Command::Backup(a) => backup::backup(a),
        Command::Restore(a) => backup::restore(a),
    }
}
