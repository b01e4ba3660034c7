//! The server's JSON answers (other than the map layers, in [`super::layers`]).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::coverage::CellCoverage;
use crate::model::bounds::LonLatBounds;
use crate::shift::{Shift, ShiftPlan, TeamRoute};
use crate::store::{AuditEntry, Inspection, InspectionResult};

/// What an office's tile server serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TileKind {
    /// Images (PNG, JPEG, WebP), 256 px.
    Raster,
    /// Vector tiles (MVT) in the OpenMapTiles schema (`water`, `park`, `landcover`,
    /// `building`, `transportation`), as tileserver-gl or martin serve an OSM extract.
    Vector,
}

impl TileKind {
    /// The kind a URL template names by its ending: `.pbf` and `.mvt` are vector
    /// tiles, anything else raster.
    ///
    /// ```
    /// use gridpatrol::api::TileKind;
    /// assert_eq!(TileKind::guess("http://10.0.0.5/osm/{z}/{x}/{y}.pbf"), TileKind::Vector);
    /// assert_eq!(TileKind::guess("http://10.0.0.5/img/{z}/{x}/{y}.png"), TileKind::Raster);
    /// ```
    pub fn guess(url: &str) -> Self {
        let path = url.split(['?', '#']).next().unwrap_or(url);
        if path.ends_with(".pbf") || path.ends_with(".mvt") {
            TileKind::Vector
        } else {
            TileKind::Raster
        }
    }
}

/// `GET /api/config`: what the page needs before it draws the map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ConfigAnswer {
    /// The township's name.
    pub township: String,
    /// The extent of everything in the township, WGS-84 `[west, south, east, north]`.
    pub bounds: LonLatBounds,
    /// The office's tile server, when one was given (`serve --tile-url`).
    pub tile_url: Option<String>,
    /// What that server serves.
    pub tile_kind: TileKind,
    /// The layers `GET /api/layers/{name}` answers, bottom to top.
    pub layers: Vec<String>,
}

/// One cell's coverage as the page shows it (shares, not percentages).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CoverageRow {
    /// The cell's id.
    pub cell_id: String,
    /// The cell's name.
    pub name: String,
    /// Its grid officer (网格员), if known.
    pub officer: Option<String>,
    /// Institutions in the cell.
    pub sites: usize,
    /// Institutions inspected inside the window.
    pub sites_inspected: usize,
    /// Institutions past their inspection interval at the window's end.
    pub sites_overdue: usize,
    /// `sites_inspected / sites` from 0 to 1; `null` for a cell without sites.
    pub coverage: Option<f64>,
    /// Share of the cell's streets swept, 0 to 1; `null` for a cell without streets.
    pub street_coverage: Option<f64>,
    /// Hotspots in the cell.
    pub hotspots: usize,
    /// Hotspots with a night check inside the window.
    pub hotspots_checked_night: usize,
    /// Metres of walkable street in the cell.
    pub street_m: f64,
    /// Metres of those streets swept (walked) inside the window.
    pub swept_m: f64,
    /// Evening checks inside the window (inspections in the evening shift, night
    /// checks of hotspots).
    pub evening_checks: usize,
    /// The overdue sites, never inspected first, then the oldest.
    pub overdue: Vec<crate::store::OverdueSite>,
    /// 举报 register: tip-offs not closed in the cell (by their site, else their place).
    pub open_tipoffs: usize,
    /// Of those, past their deadline.
    pub overdue_tipoffs: usize,
    /// Open 整改 checks, closures and 回头看 due by the window's last day.
    pub followups_due: usize,
    /// The latest inspection, night check or sweep in the window (local time,
    /// `YYYY-MM-DD HH:MM:SS`).
    pub last_activity: Option<String>,
}

impl From<&CellCoverage> for CoverageRow {
    fn from(c: &CellCoverage) -> Self {
        Self {
            cell_id: c.cell_id.clone(),
            name: c.cell_name.clone(),
            officer: c.officer.clone(),
            sites: c.sites_total,
            sites_inspected: c.sites_inspected,
            sites_overdue: c.sites_overdue,
            coverage: (c.sites_total > 0).then(|| c.sites_inspected as f64 / c.sites_total as f64),
            street_coverage: (c.street_m > 0.0).then(|| c.swept_pct / 100.0),
            hotspots: c.hotspots_total,
            hotspots_checked_night: c.hotspots_checked_night,
            street_m: (c.street_m * 10.0).round() / 10.0,
            swept_m: (c.swept_m * 10.0).round() / 10.0,
            evening_checks: c.evening_checks,
            overdue: Vec::new(),
            open_tipoffs: 0,
            overdue_tipoffs: 0,
            followups_due: 0,
            last_activity: c.last_activity.map(|t| t.to_string()),
        }
    }
}

/// `GET /api/coverage`: coverage per cell over a period (inclusive dates).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CoverageAnswer {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// One row per cell.
    pub cells: Vec<CoverageRow>,
}

/// A plan as the page shows it: the plan (each team with its colour), its id and
/// whether the viewer is a lead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PagePlan {
    /// The stored plan's id.
    pub id: i64,
    /// Whether inspectors see it (a lead's plan is a draft until published).
    pub published: bool,
    /// True when a lead is looking (inspectors see their own team only).
    pub viewer_is_lead: bool,
    /// The plan.
    #[serde(flatten)]
    pub plan: ShiftPlan,
}

/// `GET /api/plan` and `POST /api/plan`: the plan this user may see, or none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PlanAnswer {
    /// The plan; `null` when none, or none yet for this user.
    pub plan: Option<PagePlan>,
    /// When a night plan exists that this user may see only once its shift starts:
    /// from when (`YYYY-MM-DD HH:MM`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden_until: Option<String>,
}

/// `GET /api/plan/sheet/{team}`: one team's printable route sheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SheetAnswer {
    /// The township's name.
    pub township: String,
    /// The stored plan's id.
    pub plan_id: i64,
    /// The day planned.
    pub date: NaiveDate,
    /// The shift.
    pub shift: Shift,
    /// The team's route.
    pub team: TeamRoute,
}

/// An inspection as recorded (the answer kept under its `Idempotency-Key`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RecordedInspection {
    /// Its id in the workspace.
    pub id: i64,
    /// The site (or hotspot) inspected.
    pub site_id: String,
    /// When, township local time (`YYYY-MM-DD HH:MM:SS`).
    pub at: String,
    /// What was found.
    pub result: InspectionResult,
}

impl From<&Inspection> for RecordedInspection {
    fn from(i: &Inspection) -> Self {
        Self {
            id: i.id,
            site_id: i.site_id.clone(),
            at: i.at.to_string(),
            result: i.result,
        }
    }
}

/// The coverage of one cell, as the page refreshes it after a write.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CellBrief {
    /// The cell's id.
    pub id: String,
    /// The cell's name.
    pub name: String,
    /// Its coverage in the map's window, 0 to 1 (`null` without sites).
    pub coverage: Option<f64>,
}

impl From<&CoverageRow> for CellBrief {
    fn from(row: &CoverageRow) -> Self {
        Self {
            id: row.cell_id.clone(),
            name: row.name.clone(),
            coverage: row.coverage,
        }
    }
}

/// `POST /api/inspections`: the inspection and its cell's new coverage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct InspectionAnswer {
    /// What was recorded (or, for a repeated `Idempotency-Key`, what was recorded first).
    pub inspection: RecordedInspection,
    /// The site's cell, `null` for a site outside every cell.
    pub cell: Option<CellBrief>,
}

/// One site drawn by a 双随机 draw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DrawnSite {
    /// The site's id.
    pub id: String,
    /// Its name, when the site is still in the workspace.
    pub name: Option<String>,
    /// The stratum it was drawn from (its cell).
    pub cell: String,
    /// The inspector paired with it, if any.
    pub inspector: Option<String>,
    /// Everyone sent to it: the officers a draw from the registers drew (two or more),
    /// else the one inspector.
    #[serde(default)]
    pub officers: Vec<String>,
}

/// A draw as appended to the hash-chained draw log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DrawRecord {
    /// Its place in the log.
    pub seq: i64,
    /// The published seed it was drawn from.
    pub seed: String,
    /// Its hash (SHA-256, hex).
    pub hash: String,
    /// The previous entry's hash.
    pub prev_hash: String,
    /// The log's head after it (its own hash).
    pub head: String,
    /// The sites drawn.
    pub sites: Vec<DrawnSite>,
    /// The inspectors drawn, as many as asked.
    pub inspectors: Vec<String>,
    /// The last day to publish the result (draws from the registers).
    #[serde(default)]
    pub publish_by: Option<String>,
}

/// `POST /api/draw`: the draw made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DrawAnswer {
    /// The draw.
    pub draw: DrawRecord,
}

/// `GET /api/audit`: the audit log's entries in a period.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct AuditAnswer {
    /// Oldest first.
    pub entries: Vec<AuditEntry>,
}

/// Every error answer: `{"error": {"code", "message"}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ErrorAnswer {
    /// What went wrong.
    pub error: ErrorBody,
}

/// An error's code (stable, for programs) and message (for people).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ErrorBody {
    /// A stable code: `bad_request`, `unauthorized`, `forbidden`, `not_found`, ...
    pub code: String,
    /// What was wrong, naming the field.
    pub message: String,
}
