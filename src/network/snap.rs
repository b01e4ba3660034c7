//! Snapping sites onto the network: an `rstar` R-tree over every edge segment, in a
//! local metric projection (equirectangular around the network's centre, accurate to a
//! fraction of a percent across a township), finds the nearest point on the nearest
//! edge. Sites farther than the limit are [`SnapError::Unreachable`], never routed
//! through the air.

use petgraph::graph::EdgeIndex;
use rstar::primitives::{GeomWithData, Line};
use rstar::RTree;

use super::RoadGraph;
use crate::model::Wgs84Point;
use crate::units::{haversine_m, Metres, EARTH_RADIUS_M};

/// The default snapping limit.
pub const DEFAULT_MAX_SNAP_M: Metres = crate::rules::DEFAULT_MAX_SITE_TO_STREET_M;

/// A point placed on the network: on edge `edge`, `offset_m` metres from its source.
///
/// Two-way streets are indexed by one of their two directed edges; routing uses the
/// edge's `twin` to leave or arrive the other way (on the twin the offset is
/// `length_m - offset_m`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snap {
    /// The directed edge the point lies on (one of a twin pair, see above).
    pub edge: EdgeIndex,
    /// Metres along the edge from its source node, `0..=length_m`.
    pub offset_m: Metres,
    /// The snapped point on the street.
    pub point: Wgs84Point,
    /// Distance from the original point to the street.
    pub snap_m: Metres,
}

/// Why a point could not be snapped.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum SnapError {
    /// The nearest street is beyond the snapping limit; the point is not routed through
    /// the air.
    #[error("unreachable: the nearest street is {snap_m:.0} m away (limit {max_snap_m:.0} m)")]
    Unreachable {
        /// Distance from the point to the nearest street, in metres.
        snap_m: Metres,
        /// The limit that was exceeded, in metres.
        max_snap_m: Metres,
    },
    /// The graph has no edge at all, so nothing can be snapped.
    #[error("the network has no edges to snap to")]
    EmptyNetwork,
}

/// Equirectangular projection around a centre, in metres.
#[derive(Debug, Clone, Copy, PartialEq)]
struct LocalProjection {
    lon0: f64,
    lat0: f64,
    m_per_deg_lon: f64,
    m_per_deg_lat: f64,
}

impl LocalProjection {
    fn around(lon0: f64, lat0: f64) -> Self {
        let m_per_deg_lat = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;
        Self {
            lon0,
            lat0,
            m_per_deg_lon: m_per_deg_lat * lat0.to_radians().cos(),
            m_per_deg_lat,
        }
    }
    fn to_xy(self, lon: f64, lat: f64) -> [f64; 2] {
        [
            (lon - self.lon0) * self.m_per_deg_lon,
            (lat - self.lat0) * self.m_per_deg_lat,
        ]
    }
    fn to_lon_lat(self, xy: [f64; 2]) -> (f64, f64) {
        (
            self.lon0 + xy[0] / self.m_per_deg_lon,
            self.lat0 + xy[1] / self.m_per_deg_lat,
        )
    }
}

/// Which piece of which edge a segment is.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Segment {
    edge: EdgeIndex,
    /// Metres along the edge before this segment starts.
    before_m: Metres,
    /// The segment's own (haversine) length.
    length_m: Metres,
}

/// The R-tree over edge segments.
#[derive(Debug, Clone)]
pub struct SnapIndex {
    tree: RTree<GeomWithData<Line<[f64; 2]>, Segment>>,
    projection: LocalProjection,
}

impl SnapIndex {
    /// Indexes every edge (one of each twin pair) of the graph.
    pub fn new(graph: &RoadGraph) -> Self {
        let projection = centre(graph);
        let mut segments = Vec::new();
        for e in graph.edge_indices() {
            let data = &graph[e];
            if data.twin.is_some_and(|t| t < e) {
                continue;
            }
            let mut before_m = 0.0;
            for w in data.geometry.0 .0.windows(2) {
                let length_m = haversine_m((w[0].x, w[0].y), (w[1].x, w[1].y));
                let line = Line::new(
                    projection.to_xy(w[0].x, w[0].y),
                    projection.to_xy(w[1].x, w[1].y),
                );
                segments.push(GeomWithData::new(
                    line,
                    Segment {
                        edge: e,
                        before_m,
                        length_m,
                    },
                ));
                before_m += length_m;
            }
        }
        Self {
            tree: RTree::bulk_load(segments),
            projection,
        }
    }

    /// Snaps `point` to the nearest point on the nearest edge, or fails when that is
    /// farther than `max_snap_m`.
    pub fn snap(
        &self,
        graph: &RoadGraph,
        point: Wgs84Point,
        max_snap_m: Metres,
    ) -> Result<Snap, SnapError> {
        self.snap_where(graph, point, max_snap_m, |_| true)
    }

    /// Like [`SnapIndex::snap`], onto the nearest edge `usable` accepts (it is asked about
    /// the indexed edge of a twin pair). When no usable edge lies within `max_snap_m`,
    /// the point goes to the nearest edge of all, as `snap` would: a router can then
    /// tell the place is cut off rather than move it far away.
    pub fn snap_where(
        &self,
        graph: &RoadGraph,
        point: Wgs84Point,
        max_snap_m: Metres,
        usable: impl Fn(EdgeIndex) -> bool,
    ) -> Result<Snap, SnapError> {
        let query = self.projection.to_xy(point.lon(), point.lat());
        // The projection is good to a fraction of a percent: a little slack keeps every
        // edge within the limit in view.
        let horizon_m = max_snap_m * 1.01 + 1.0;
        let mut nearest = None;
        for (segment, distance_2) in self.tree.nearest_neighbor_iter_with_distance_2(&query) {
            if distance_2.sqrt() > horizon_m {
                break;
            }
            if usable(segment.data.edge) {
                return self.snap_onto(graph, point, query, segment, max_snap_m);
            }
            nearest.get_or_insert(segment);
        }
        let nearest = match nearest {
            Some(segment) => segment,
            None => self
                .tree
                .nearest_neighbor(&query)
                .ok_or(SnapError::EmptyNetwork)?,
        };
        self.snap_onto(graph, point, query, nearest, max_snap_m)
    }

    /// `point` (at `query` in the projection) placed on `segment`.
    fn snap_onto(
        &self,
        graph: &RoadGraph,
        point: Wgs84Point,
        query: [f64; 2],
        segment: &GeomWithData<Line<[f64; 2]>, Segment>,
        max_snap_m: Metres,
    ) -> Result<Snap, SnapError> {
        let line = segment.geom();
        let on = line.nearest_point(&query);
        let seg = segment.data;
        let seg_len_xy = line.length_2().sqrt();
        let t = if seg_len_xy > 0.0 {
            ((on[0] - line.from[0]).hypot(on[1] - line.from[1]) / seg_len_xy).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let (lon, lat) = self.projection.to_lon_lat(on);
        let snapped = Wgs84Point::new(lon, lat);
        let snap_m = haversine_m(point.lon_lat(), snapped.lon_lat());
        if snap_m > max_snap_m {
            return Err(SnapError::Unreachable { snap_m, max_snap_m });
        }
        let edge_len = graph[seg.edge].length_m;
        let offset_m = (seg.before_m + t * seg.length_m).clamp(0.0, edge_len);
        Ok(Snap {
            edge: seg.edge,
            offset_m,
            point: snapped,
            snap_m,
        })
    }
}

/// The projection centre: the middle of the nodes' bounding box.
fn centre(graph: &RoadGraph) -> LocalProjection {
    let (mut lo, mut hi) = ((f64::MAX, f64::MAX), (f64::MIN, f64::MIN));
    for n in graph.node_weights() {
        let (x, y) = n.location.lon_lat();
        lo = (lo.0.min(x), lo.1.min(y));
        hi = (hi.0.max(x), hi.1.max(y));
    }
    if lo.0 > hi.0 {
        return LocalProjection::around(0.0, 0.0);
    }
    LocalProjection::around((lo.0 + hi.0) / 2.0, (lo.1 + hi.1) / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::{build::tests::plus, Profile, RoadNetwork};

    fn net(profile: Profile) -> RoadNetwork {
        RoadNetwork::build(&plus(), profile).unwrap()
    }

    #[test]
    fn snaps_mid_edge_not_to_the_nearest_node() {
        let n = net(Profile::Drive);
        // 30 m south of the street 1-2-3, a third of the way from node 1 to node 2.
        let p = Wgs84Point::new(116.350_333, 39.959_73);
        let s = n.snap(p, 500.0).unwrap();
        assert!((s.snap_m - 30.0).abs() < 0.5, "{s:?}");
        assert!((s.point.lat() - 39.96).abs() < 1e-7);
        let e = &n.graph[s.edge];
        assert_eq!(e.name.as_deref(), Some("东街"));
        let (a, _) = n.graph.edge_endpoints(s.edge).unwrap();
        let from_a = haversine_m(n.graph[a].location.lon_lat(), s.point.lon_lat());
        assert!(
            (s.offset_m - from_a).abs() < 0.05,
            "{} vs {from_a}",
            s.offset_m
        );
    }

    #[test]
    fn too_far_is_unreachable() {
        let n = net(Profile::Walk);
        let err = n.snap(Wgs84Point::new(116.36, 39.96), 500.0).unwrap_err();
        match err {
            SnapError::Unreachable { snap_m, .. } => {
                assert!((snap_m - 596.0).abs() < 5.0, "{snap_m}")
            }
            other => panic!("{other:?}"),
        }
        assert!(n.snap(Wgs84Point::new(116.36, 39.96), 1000.0).is_ok());
    }

    #[test]
    fn one_way_edge_is_indexed_in_its_own_direction() {
        let n = net(Profile::Drive);
        // Just east of the one-way 4 -> 2 -> 5, between 4 and 2.
        let s = n
            .snap(Wgs84Point::new(116.351_05, 39.959_5), 500.0)
            .unwrap();
        let e = &n.graph[s.edge];
        assert_eq!(e.twin, None);
        let (a, b) = n.graph.edge_endpoints(s.edge).unwrap();
        assert_eq!((n.graph[a].osm_id, n.graph[b].osm_id), (4, 2));
        assert!((s.offset_m - e.length_m / 2.0).abs() < 0.5);
    }
}
