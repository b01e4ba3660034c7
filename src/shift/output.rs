//! A plan written out: GeoJSON for the map, GPX per team for field devices, and a
//! summary for the terminal.

use chrono::NaiveDate;

use super::priority::{class_name, class_name_zh};
use super::read_back::{ShiftPlan, TeamRoute};
use super::Shift;
use crate::formats::gpx::{write_gpx, GpxWaypoint};
use crate::units::Seconds;

/// Route colours per team, in order: distinct on the base map and in print.
const TEAM_COLOURS: &[&str] = &[
    "#e65100", "#1565c0", "#2e7d32", "#6a1b9a", "#c62828", "#00838f", "#f9a825", "#4e342e",
];

/// The colour of the plan's `index`-th team (the palette repeats after eight).
///
/// ```
/// use gridpatrol::shift::output::team_colour;
/// assert_eq!(team_colour(0), team_colour(8));
/// assert_ne!(team_colour(0), team_colour(1));
/// ```
pub fn team_colour(index: usize) -> &'static str {
    TEAM_COLOURS[index % TEAM_COLOURS.len()]
}

impl ShiftPlan {
    /// The plan with every team coloured (plans stored before teams had colours).
    pub fn with_colours(mut self) -> Self {
        for (i, team) in self.teams.iter_mut().enumerate() {
            if team.color.is_empty() {
                team.color = team_colour(i).to_string();
            }
        }
        self
    }

    /// The plan as a GeoJSON FeatureCollection (RFC 7946, WGS-84): one LineString per
    /// team and one Point per stop, with the times and reasons as properties.
    pub fn to_geojson(&self) -> serde_json::Value {
        use serde_json::json;
        let mut features = Vec::new();
        for t in &self.teams {
            features.push(json!({
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": t.geometry},
                "properties": {
                    "layer": "route", "team": t.team, "color": t.color, "depot": t.depot_id,
                    "departure": t.departure, "return": t.return_at,
                    "stops": t.stops.len(), "distance_m": t.distance_m.round(),
                    "travel_s": t.travel_s.round(), "duration_s": t.duration_s.round(),
                },
            }));
            for v in &t.stops {
                features.push(json!({
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [v.site.lon, v.site.lat]},
                    "properties": {
                        "layer": "stop", "team": t.team, "color": t.color, "seq": v.seq,
                        "id": v.site.site_id, "name": v.site.name, "kind": v.site.kind,
                        "priority": v.site.class, "why": v.site.why.join("; "),
                        "arrival": v.arrival, "start": v.start, "departure": v.departure,
                    },
                }));
            }
        }
        json!({"type": "FeatureCollection", "features": features})
    }

    /// A readable summary for the terminal.
    pub fn summary_text(&self) -> String {
        self.summary_in(&English)
    }

    /// The plan as a lead reads it in Chinese: the headline, each team's stops with
    /// times, class and the metres walked to them, and what was not planned and why.
    pub fn summary_text_zh(&self) -> String {
        self.summary_in(&Chinese)
    }

    /// The summary's walk (headline, teams, stops, what was not planned), worded by `w`.
    fn summary_in(&self, w: &dyn Wording) -> String {
        let mut out = w.headline(self);
        for t in &self.teams {
            out.push_str(&w.team(t));
            for v in &t.stops {
                out.push_str(&w.stop(v));
            }
        }
        if !self.unassigned.is_empty() {
            out.push_str(&w.not_planned(self.unassigned.len()));
            for u in &self.unassigned {
                out.push_str(&w.unplanned(u));
            }
        }
        if let Some(f) = &self.from_now {
            out.push_str(&f.summary_text());
        }
        out
    }
}

/// The lines of a plan's summary in one language.
trait Wording {
    fn headline(&self, plan: &ShiftPlan) -> String;
    fn team(&self, t: &TeamRoute) -> String;
    fn stop(&self, v: &super::read_back::PlannedVisit) -> String;
    fn not_planned(&self, n: usize) -> String;
    fn unplanned(&self, u: &super::build::UnplannedSite) -> String;
}

struct English;
struct Chinese;

impl Wording for English {
    fn headline(&self, p: &ShiftPlan) -> String {
        let s = &p.summary;
        format!(
            "{} {} shift, {} profile: {} of {} sites planned for {} team(s) ({} with stops); mandatory {}/{}; {:.1} km, {} travelling\n",
            p.date,
            p.shift,
            p.profile,
            s.planned,
            s.candidates,
            s.teams,
            p.teams.len(),
            s.mandatory_planned,
            s.mandatory,
            s.distance_m / 1000.0,
            format_duration(s.travel_s),
        )
    }
    fn team(&self, t: &TeamRoute) -> String {
        let rest = t.break_.as_ref().map(|b| format!(", break {b}"));
        format!(
            "\nteam {} from {} {}-{} ({} stops, {:.1} km{})\n",
            t.team,
            t.depot_name,
            t.departure,
            t.return_at,
            t.stops.len(),
            t.distance_m / 1000.0,
            rest.unwrap_or_default(),
        )
    }
    fn stop(&self, v: &super::read_back::PlannedVisit) -> String {
        format!(
            "  {:>2}. {}-{} {:<10} {:<12} {} (+{:.0} m)\n",
            v.seq,
            v.start,
            v.departure,
            v.site.site_id,
            class_name(v.site.class),
            v.site.name,
            v.leg_distance_m
        )
    }
    fn not_planned(&self, n: usize) -> String {
        format!("\nnot planned ({n}):\n")
    }
    fn unplanned(&self, u: &super::build::UnplannedSite) -> String {
        let class = class_name(u.class);
        format!("  {:<10} {class:<12} {}: {}\n", u.site_id, u.name, u.detail)
    }
}

impl Wording for Chinese {
    fn headline(&self, p: &ShiftPlan) -> String {
        let s = &p.summary;
        let profile = match p.profile {
            crate::network::Profile::Drive => "驾车",
            crate::network::Profile::Walk => "步行",
        };
        format!(
            "{} {}（{profile}）：{} 个点位中安排 {} 个，{} 个小组（{} 个有任务）；必查 {}/{}；路程 {:.1} 公里，在途 {}\n",
            p.date,
            shift_zh(p.shift),
            s.candidates,
            s.planned,
            s.teams,
            p.teams.len(),
            s.mandatory_planned,
            s.mandatory,
            s.distance_m / 1000.0,
            minutes_zh(s.travel_s),
        )
    }
    fn team(&self, t: &TeamRoute) -> String {
        let rest = t.break_.as_ref().map(|b| format!("，休息 {b}"));
        format!(
            "\n{} 组 从 {} 出发 {}-{}（{} 个点位，{:.1} 公里{}）\n",
            t.team,
            t.depot_name,
            t.departure,
            t.return_at,
            t.stops.len(),
            t.distance_m / 1000.0,
            rest.unwrap_or_default(),
        )
    }
    fn stop(&self, v: &super::read_back::PlannedVisit) -> String {
        format!(
            "  {:>2}. {}-{} {:<10} {}  {}（步行 {:.0} 米）\n",
            v.seq,
            v.start,
            v.departure,
            v.site.site_id,
            class_name_zh(v.site.class),
            v.site.name,
            v.leg_distance_m
        )
    }
    fn not_planned(&self, n: usize) -> String {
        format!("\n未安排（{n} 个）：\n")
    }
    fn unplanned(&self, u: &super::build::UnplannedSite) -> String {
        let class = class_name_zh(u.class);
        let why = u.reason.describe_zh();
        format!("  {:<10} {class}  {}：{why}\n", u.site_id, u.name)
    }
}

fn shift_zh(shift: Shift) -> &'static str {
    match shift {
        Shift::Day => "日查",
        Shift::Evening => "晚查",
        Shift::Night => "夜查",
        Shift::Weekend => "周末查",
    }
}

fn minutes_zh(s: Seconds) -> String {
    let minutes = (s / 60.0).round() as i64;
    format!("{} 小时 {:02} 分", minutes / 60, minutes % 60)
}

impl TeamRoute {
    /// The route as GPX for a field device: stops as waypoints, streets as the track.
    pub fn to_gpx(&self, date: NaiveDate, shift: Shift) -> String {
        let stops: Vec<GpxWaypoint> = self
            .stops
            .iter()
            .map(|v| GpxWaypoint {
                lon: v.site.lon,
                lat: v.site.lat,
                name: format!("{}. {}", v.seq, v.site.name),
                description: format!("{} {} {}", v.start, v.site.site_id, v.site.why.join("; ")),
            })
            .collect();
        let line: Vec<(f64, f64)> = self.geometry.iter().map(|p| (p[0], p[1])).collect();
        write_gpx(&format!("{} {date} {shift}", self.team), &line, &stops)
    }
}

fn format_duration(s: Seconds) -> String {
    let minutes = (s / 60.0).round() as i64;
    format!("{} h {:02} min", minutes / 60, minutes % 60)
}
