//! The domain model: plain data, no I/O. Every location is WGS-84 and the type says so.

pub mod bounds;
pub mod dates;
pub mod follow_up;
pub mod pin;
pub mod tipoff;

use chrono::NaiveDate;
use geo::{Point, Polygon, Rect};
use serde::{Deserialize, Serialize};

use crate::calendar::{OpeningHours, OpeningHoursError};

/// A geometry whose coordinates are WGS-84 longitude/latitude degrees (x = lon, y = lat).
///
/// Inputs in GCJ-02 or BD-09 are converted by [`crate::crs`] before they become `Wgs84`.
///
/// ```
/// use gridpatrol::Wgs84Point;
/// let p = Wgs84Point::new(116.3557, 39.9611);
/// assert_eq!(p.lon(), 116.3557);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Wgs84<G>(pub G);

/// A WGS-84 point.
pub type Wgs84Point = Wgs84<Point<f64>>;
/// A WGS-84 polygon (exterior ring counter-clockwise, as RFC 7946 asks, once normalised).
pub type Wgs84Polygon = Wgs84<Polygon<f64>>;

impl Wgs84Point {
    /// A point from longitude and latitude in degrees.
    pub fn new(lon: f64, lat: f64) -> Self {
        Wgs84(Point::new(lon, lat))
    }
    /// Longitude in degrees.
    pub fn lon(&self) -> f64 {
        self.0.x()
    }
    /// Latitude in degrees.
    pub fn lat(&self) -> f64 {
        self.0.y()
    }
    /// `(lon, lat)` in degrees.
    pub fn lon_lat(&self) -> (f64, f64) {
        (self.0.x(), self.0.y())
    }
}

/// Off-campus training (校外培训机构) or after-school care (托管机构 / 小饭桌).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InstitutionKind {
    /// 校外培训机构: off-campus training.
    Training,
    /// 托管机构 / 小饭桌: after-school care.
    Care,
}

/// Academic-subject tutoring (学科类) or not (非学科类).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    /// 学科类: academic subjects (the main target of 双减).
    Subject,
    /// 非学科类: arts, sports and the like.
    NonSubject,
}

/// Licence status: 有证有照 / 有照无证 / 无证无照.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Licence {
    /// 有证有照: school-running licence and business registration.
    Licensed,
    /// 有照无证: a business registration only, no school-running licence.
    RegisteredOnly,
    /// 无证无照: neither.
    Unlicensed,
}

impl Licence {
    /// The code used in files, the workspace and the API: `licensed`,
    /// `registered_only` or `unlicensed`.
    pub fn code(self) -> &'static str {
        match self {
            Licence::Licensed => "licensed",
            Licence::RegisteredOnly => "registered_only",
            Licence::Unlicensed => "unlicensed",
        }
    }
}

/// A site's opening hours where known: a weekly schedule with holidays and working days
/// (`周一至周五 16:00-21:00；周六、周日 08:00-20:00`, `Mo-Fr 16:00-21:00`, or a plain
/// `08:00-12:00,14:00-20:00` meaning every day), read by [`OpeningHours`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenHours(pub OpeningHours);

impl OpenHours {
    /// Reads opening hours; `None` when the text is not understood (use [`OpenHours::read`]
    /// to learn why).
    ///
    /// ```
    /// let h = gridpatrol::model::OpenHours::parse("08:00-12:00, 14:00-20:00").unwrap();
    /// assert_eq!(h.to_string(), "08:00-12:00,14:00-20:00");
    /// assert!(gridpatrol::model::OpenHours::parse("12:00-08:00 noon").is_none());
    /// ```
    pub fn parse(text: &str) -> Option<Self> {
        Self::read(text).ok()
    }

    /// Reads opening hours, or says which part of the text was not understood.
    pub fn read(text: &str) -> Result<Self, OpeningHoursError> {
        OpeningHours::parse(text).map(Self)
    }

    /// The schedule, to ask when the site is open on a date.
    pub fn schedule(&self) -> &OpeningHours {
        &self.0
    }
}

/// The OSM form, which [`OpenHours::parse`] reads back to the same schedule.
impl std::fmt::Display for OpenHours {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// An institution to inspect: a training business or a care business.
#[derive(Debug, Clone, PartialEq)]
pub struct Institution {
    /// The institution's id from the lead's list.
    pub id: String,
    /// Its name as registered or signposted.
    pub name: String,
    /// Training or care.
    pub kind: InstitutionKind,
    /// Known for training businesses; care businesses usually have none.
    pub subject: Option<Subject>,
    /// Its licence status.
    pub licence: Licence,
    /// The street address, if known.
    pub address: Option<String>,
    /// Where it is (the door, as near as known).
    pub location: Wgs84Point,
    /// Opening hours by weekday, local time, if known.
    pub open_hours: Option<OpenHours>,
    /// Complaints and tip-offs (投诉 / 举报) on record.
    pub complaints: u32,
    /// The last inspection date the lead's list gives (the workspace's records come on top).
    pub last_inspected: Option<NaiveDate>,
    /// Placed by the sample generator, not a real business.
    pub synthetic: bool,
}

/// A school (primary or secondary): nearby hidden tutoring raises a hotspot's score.
#[derive(Debug, Clone, PartialEq)]
pub struct School {
    /// The school's id from the lead's list.
    pub id: String,
    /// The school's name.
    pub name: String,
    /// Where it is (its gate, as near as known).
    pub location: Wgs84Point,
}

/// A grid cell (网格) owned by a grid officer (网格员).
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The cell's id from the lead's list.
    pub id: String,
    /// The cell's name.
    pub name: String,
    /// The grid officer (网格员) responsible, if known.
    pub officer: Option<String>,
    /// The cell's outline.
    pub area: Wgs84Polygon,
}

/// Where hidden tutoring moves: 商务楼宇 or 居民小区.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum HotspotKind {
    /// 写字楼: an office building.
    OfficeBuilding,
    /// 居民小区: a residential compound.
    ResidentialCompound,
}

/// An office building or residential compound that may need night checks.
#[derive(Debug, Clone, PartialEq)]
pub struct Hotspot {
    /// The hotspot's id from the lead's list.
    pub id: String,
    /// The hotspot's name.
    pub name: String,
    /// Office building or residential compound.
    pub kind: HotspotKind,
    /// The building's or compound's outline.
    pub area: Wgs84Polygon,
}

/// The township office (or another base) a team starts and ends its shift at.
#[derive(Debug, Clone, PartialEq)]
pub struct Depot {
    /// The depot's id.
    pub id: String,
    /// The depot's name (e.g. the township office).
    pub name: String,
    /// Where teams set off from.
    pub location: Wgs84Point,
}

/// Everything a township holds, as loaded from the lead's files or the workspace.
#[derive(Debug, Clone, Default)]
pub struct Township {
    /// The township's name (镇 / 街道).
    pub name: String,
    /// The township's extent (from its manifest): every site lies inside it.
    pub extent: Option<Extent>,
    /// Tutoring institutions to inspect.
    pub institutions: Vec<Institution>,
    /// Schools.
    pub schools: Vec<School>,
    /// Grid cells (网格).
    pub cells: Vec<Cell>,
    /// Hotspots for night checks.
    pub hotspots: Vec<Hotspot>,
    /// Depots teams start from.
    pub depots: Vec<Depot>,
}

/// The township's extent in WGS-84, used to reject coordinates that cannot be in it.
pub type Extent = Wgs84<Rect<f64>>;
