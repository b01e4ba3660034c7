//! Matching a walked track to street pieces: a piece counts as swept when its midpoint
//! lies within the rules' `snapping.track_buffer_m` of a track segment running roughly
//! along it (within `snapping.track_max_angle_deg`), so a track crossing a street does
//! not sweep it.

use crate::model::bounds::LonLat;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};
use serde::Serialize;

use super::frame::{point_segment_m, LocalFrame};
use crate::rules::SnapRules;

/// Streets are cut into pieces at most this long, so "swept" is decided piece by piece.
pub const MAX_PIECE_M: f64 = 20.0;

/// A straight piece of street in WGS-84 `[lon, lat]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Segment {
    /// One end, `[lon, lat]` WGS-84 degrees.
    pub a: [f64; 2],
    /// The other end, `[lon, lat]` WGS-84 degrees.
    pub b: [f64; 2],
    /// Its length in metres.
    pub length_m: f64,
}

impl Segment {
    /// The midpoint `[lon, lat]`.
    pub fn midpoint(&self) -> [f64; 2] {
        [(self.a[0] + self.b[0]) / 2.0, (self.a[1] + self.b[1]) / 2.0]
    }
}

/// Cuts a polyline of `(lon, lat)` into pieces of at most [`MAX_PIECE_M`].
///
/// ```
/// use gridpatrol::model::bounds::LonLat;
/// let line = [LonLat::new(116.0, 40.0), LonLat::new(116.001, 40.0)];
/// let pieces = gridpatrol::spatial::track_matching::cut_line(&line);
/// assert_eq!(pieces.len(), 5); // 85 m in pieces of at most 20 m
/// ```
pub fn cut_line(points: &[LonLat]) -> Vec<Segment> {
    let mut out = Vec::new();
    for w in points.windows(2) {
        let len = w[0].distance_m(w[1]);
        if len <= 0.0 || !len.is_finite() {
            continue;
        }
        let n = (len / MAX_PIECE_M).ceil().max(1.0) as usize;
        let at = |k: usize| {
            let t = k as f64 / n as f64;
            [
                w[0].lon + t * (w[1].lon - w[0].lon),
                w[0].lat + t * (w[1].lat - w[0].lat),
            ]
        };
        for k in 0..n {
            out.push(Segment {
                a: at(k),
                b: at(k + 1),
                length_m: len / n as f64,
            });
        }
    }
    out
}

/// Street pieces indexed for matching tracks.
pub struct SegmentIndex {
    segments: Vec<Segment>,
    /// How close and how parallel a track must run (the township's snapping rules).
    buffer_m: f64,
    max_angle_deg: f64,
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
}

impl SegmentIndex {
    /// Indexes `segments` by bounding box, to match tracks within the `limits`.
    pub fn new(segments: Vec<Segment>, limits: &SnapRules) -> Self {
        let boxes = segments
            .iter()
            .enumerate()
            .map(|(i, s)| GeomWithData::new(Rectangle::from_corners(s.a, s.b), i))
            .collect();
        Self {
            segments,
            buffer_m: limits.track_buffer_m,
            max_angle_deg: limits.track_max_angle_deg,
            tree: RTree::bulk_load(boxes),
        }
    }

    /// Indices of the pieces swept by the track through `points` (`(lon, lat)`), sorted.
    pub fn swept_by(&self, points: &[LonLat]) -> Vec<usize> {
        let mut hit = vec![false; self.segments.len()];
        for w in points.windows(2) {
            let frame = LocalFrame::at(w[0].lon, w[0].lat);
            let [dx, dy] = frame.deg(self.buffer_m);
            let lo = [w[0].lon.min(w[1].lon) - dx, w[0].lat.min(w[1].lat) - dy];
            let hi = [w[0].lon.max(w[1].lon) + dx, w[0].lat.max(w[1].lat) + dy];
            let (ta, tb) = (frame.xy(w[0].lon, w[0].lat), frame.xy(w[1].lon, w[1].lat));
            if ta == tb {
                continue;
            }
            for c in self
                .tree
                .locate_in_envelope_intersecting(&AABB::from_corners(lo, hi))
            {
                if !hit[c.data] && self.runs_along(&self.segments[c.data], &frame, ta, tb) {
                    hit[c.data] = true;
                }
            }
        }
        hit.iter()
            .enumerate()
            .filter(|(_, h)| **h)
            .map(|(i, _)| i)
            .collect()
    }

    fn runs_along(&self, s: &Segment, frame: &LocalFrame, ta: [f64; 2], tb: [f64; 2]) -> bool {
        let m = s.midpoint();
        if point_segment_m(frame.xy(m[0], m[1]), ta, tb) > self.buffer_m {
            return false;
        }
        let (sa, sb) = (frame.xy(s.a[0], s.a[1]), frame.xy(s.b[0], s.b[1]));
        let u = [sb[0] - sa[0], sb[1] - sa[1]];
        let v = [tb[0] - ta[0], tb[1] - ta[1]];
        let (nu, nv) = (
            (u[0] * u[0] + u[1] * u[1]).sqrt(),
            (v[0] * v[0] + v[1] * v[1]).sqrt(),
        );
        if nu == 0.0 || nv == 0.0 {
            return false;
        }
        // Undirected: walking either way along the street sweeps it.
        let cos = ((u[0] * v[0] + u[1] * v[1]) / (nu * nv)).abs();
        cos >= self.max_angle_deg.to_radians().cos()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(lon, lat)` pairs as a line.
    fn line(points: &[(f64, f64)]) -> Vec<LonLat> {
        points
            .iter()
            .map(|&(lon, lat)| LonLat::new(lon, lat))
            .collect()
    }

    fn street() -> SegmentIndex {
        // An east-west street of ~170 m and a north-south one crossing its middle.
        let mut s = cut_line(&line(&[(116.0, 40.0), (116.002, 40.0)]));
        s.extend(cut_line(&line(&[(116.001, 39.999), (116.001, 40.001)])));
        SegmentIndex::new(s, &SnapRules::default())
    }

    #[test]
    fn walking_along_sweeps_crossing_does_not() {
        let idx = street();
        let ew = cut_line(&line(&[(116.0, 40.0), (116.002, 40.0)])).len();
        // Walk 8 m north of the east-west street, westwards, over its whole length.
        let off = 8.0 / M;
        let swept = idx.swept_by(&line(&[(116.0021, 40.0 + off), (115.9999, 40.0 + off)]));
        assert_eq!(swept, (0..ew).collect::<Vec<_>>());
        // Crossing the north-south street sweeps none of it.
        assert!(swept.iter().all(|&i| i < ew));
        // 30 m away sweeps nothing.
        assert!(idx
            .swept_by(&line(&[
                (116.0, 40.0 + 30.0 / M),
                (116.002, 40.0 + 30.0 / M)
            ]))
            .is_empty());
    }

    const M: f64 = crate::spatial::M_PER_DEG;

    #[test]
    fn pieces_are_short_and_add_up() {
        let pts = line(&[(116.0, 40.0), (116.003, 40.001), (116.0031, 40.0011)]);
        let pieces = cut_line(&pts);
        let total: f64 = pieces.iter().map(|p| p.length_m).sum();
        let direct = pts[0].distance_m(pts[1]) + pts[1].distance_m(pts[2]);
        assert!((total - direct).abs() < 1e-6);
        assert!(pieces.iter().all(|p| p.length_m <= MAX_PIECE_M + 1e-9));
    }
}
