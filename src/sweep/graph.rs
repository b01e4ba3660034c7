//! The sweep's undirected multigraph: street pieces inside a cell are *required*
//! (they must be walked), pieces around it are *optional* connectors (walked only to
//! get from one required piece to another; that walking is deadheading).
//!
//! [`SweepGraph::from_road`] builds it from the walking [`RoadGraph`]: the two
//! directions of a street (`twin` edges) become one undirected edge, and every edge is
//! cut where it crosses the cell boundary, so the inside part is required and the
//! outside parts are optional.

use geo::line_intersection::{line_intersection, LineIntersection};
use geo::{BoundingRect, Coord, Intersects, Line, LineString, Point, Polygon, Rect};

use super::SweepError;
use crate::network::RoadGraph;
use crate::units::{haversine_m, Metres};

/// One undirected street piece between two nodes.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepEdge {
    /// Index of the node at the geometry's first point.
    pub from: usize,
    /// Index of the node at the geometry's last point.
    pub to: usize,
    /// Walking length along the geometry (haversine, metres).
    pub length_m: Metres,
    /// Inside the cell: the sweep must walk it at least once.
    pub required: bool,
    /// The street's name (from the way's `name` tag), to group shift directions by street.
    pub name: Option<String>,
    /// The OpenStreetMap way it belongs to (0 for hand-built graphs).
    pub way_id: i64,
    /// WGS-84 `(lon, lat)` coordinates from the `from` node to the `to` node.
    pub geometry: LineString<f64>,
}

/// The undirected multigraph a sweep is planned on (adjacency stored compactly).
#[derive(Debug, Clone)]
pub struct SweepGraph {
    nodes: Vec<Coord<f64>>,
    edges: Vec<SweepEdge>,
    adj_start: Vec<usize>,
    adj: Vec<(u32, u32)>,
}

/// How [`SweepGraph::from_road`] picks the edges around the cell.
#[derive(Debug, Clone)]
pub struct ClipOptions {
    /// Optional connectors are taken within this distance of the cell's bounding box.
    pub margin_m: Metres,
    /// A point the graph must also reach (the start), enlarging the box.
    pub include: Option<Coord<f64>>,
}

impl Default for ClipOptions {
    fn default() -> Self {
        Self {
            margin_m: 300.0,
            include: None,
        }
    }
}

/// Ways a sweep walks along but is not asked to cover: stairs, indoor corridors,
/// platforms, and ways not built yet.
pub fn is_sweepable_highway(highway: &str) -> bool {
    !matches!(
        highway,
        "steps" | "corridor" | "elevator" | "platform" | "proposed" | "construction" | "bus_stop"
    )
}

impl SweepGraph {
    /// A graph from node coordinates and edges; fails on an edge naming a missing node
    /// or with a negative or non-finite length.
    pub fn new(nodes: Vec<Coord<f64>>, edges: Vec<SweepEdge>) -> Result<Self, SweepError> {
        let n = nodes.len();
        let mut degree = vec![0usize; n + 1];
        for (i, e) in edges.iter().enumerate() {
            if e.from >= n || e.to >= n {
                return Err(SweepError::InvalidGraph(format!(
                    "edge {i} joins node {} and {} but there are {n} nodes",
                    e.from, e.to
                )));
            }
            if !(e.length_m.is_finite() && e.length_m >= 0.0) {
                return Err(SweepError::InvalidGraph(format!(
                    "edge {i} has length {} m",
                    e.length_m
                )));
            }
            degree[e.from] += 1;
            degree[e.to] += 1;
        }
        let mut adj_start = vec![0usize; n + 1];
        for v in 0..n {
            adj_start[v + 1] = adj_start[v] + degree[v];
        }
        let mut fill = adj_start.clone();
        let mut adj = vec![(0u32, 0u32); adj_start[n]];
        for (i, e) in edges.iter().enumerate() {
            adj[fill[e.from]] = (e.to as u32, i as u32);
            fill[e.from] += 1;
            adj[fill[e.to]] = (e.from as u32, i as u32);
            fill[e.to] += 1;
        }
        Ok(Self {
            nodes,
            edges,
            adj_start,
            adj,
        })
    }

    /// Number of nodes; node indices run `0..node_count()`.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Number of edges, required and optional; edge indices run `0..edge_count()`.
    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }

    /// The `(lon, lat)` of node `v`.
    pub fn node(&self, v: usize) -> Coord<f64> {
        self.nodes[v]
    }

    /// Edge `e` (an index below [`SweepGraph::edge_count`]).
    pub fn edge(&self, e: usize) -> &SweepEdge {
        &self.edges[e]
    }

    /// Every edge, indexed as in [`SweepGraph::edge`].
    pub fn edges(&self) -> &[SweepEdge] {
        &self.edges
    }

    /// `(neighbour, edge)` pairs at `v`; a self-loop appears twice.
    pub fn neighbours(&self, v: usize) -> &[(u32, u32)] {
        &self.adj[self.adj_start[v]..self.adj_start[v + 1]]
    }

    /// The total length of the required edges.
    pub fn required_m(&self) -> Metres {
        self.edges
            .iter()
            .filter(|e| e.required)
            .map(|e| e.length_m)
            .sum()
    }

    /// The node nearest to `p` (straight-line) among those `keep` accepts.
    pub fn nearest_node(
        &self,
        p: Coord<f64>,
        keep: impl Fn(usize) -> bool,
    ) -> Option<(usize, Metres)> {
        (0..self.nodes.len())
            .filter(|&v| keep(v))
            .map(|v| {
                (
                    v,
                    haversine_m((p.x, p.y), (self.nodes[v].x, self.nodes[v].y)),
                )
            })
            .min_by(|a, b| a.1.total_cmp(&b.1))
    }

    /// The sweep graph of a cell: walkable street pieces inside `area` are required,
    /// those around it (see [`ClipOptions`]) optional.
    pub fn from_road(road: &RoadGraph, area: &Polygon<f64>, options: &ClipOptions) -> Self {
        let region = region_rect(area, options);
        let area_rect = area.bounding_rect();
        let rings: Vec<Line<f64>> = std::iter::once(area.exterior())
            .chain(area.interiors())
            .flat_map(|r| r.lines())
            .collect();
        let mut builder = Builder::new(road.node_count());
        for e in road.edge_indices() {
            let data = &road[e];
            // One undirected edge per street piece: skip the higher-numbered twin.
            if data.twin.is_some_and(|t| t.index() < e.index()) {
                continue;
            }
            let line = &data.geometry.0;
            let Some(bbox) = line.bounding_rect() else {
                continue;
            };
            if !bbox.intersects(&region) {
                continue;
            }
            let Some((a, b)) = road.edge_endpoints(e) else {
                continue;
            };
            let sweepable = is_sweepable_highway(&data.highway);
            let pieces = match area_rect {
                Some(r) if r.intersects(&bbox) => split_by_area(line, area, &rings, &bbox),
                _ => vec![(line.clone(), false)],
            };
            builder.add_pieces(
                (a.index(), road[a].location.0.into()),
                (b.index(), road[b].location.0.into()),
                pieces,
                data,
                sweepable,
            );
        }
        builder.finish()
    }
}

fn region_rect(area: &Polygon<f64>, options: &ClipOptions) -> Rect<f64> {
    let mut coords: Vec<Coord<f64>> = area.exterior().coords().copied().collect();
    coords.extend(options.include);
    let (mut min, mut max) = (coords[0], coords[0]);
    for c in &coords {
        min = Coord {
            x: min.x.min(c.x),
            y: min.y.min(c.y),
        };
        max = Coord {
            x: max.x.max(c.x),
            y: max.y.max(c.y),
        };
    }
    let dy = options.margin_m / 111_195.0;
    let dx = dy / ((min.y + max.y) / 2.0).to_radians().cos().max(0.01);
    Rect::new(
        Coord {
            x: min.x - dx,
            y: min.y - dy,
        },
        Coord {
            x: max.x + dx,
            y: max.y + dy,
        },
    )
}

/// Cuts `line` where it crosses the area's boundary; each piece says whether it lies
/// inside (closed polygon: a piece along the boundary counts as inside).
fn split_by_area(
    line: &LineString<f64>,
    area: &Polygon<f64>,
    rings: &[Line<f64>],
    bbox: &Rect<f64>,
) -> Vec<(LineString<f64>, bool)> {
    let near: Vec<Line<f64>> = rings
        .iter()
        .filter(|r| r.bounding_rect().intersects(bbox))
        .copied()
        .collect();
    let mut pieces: Vec<Vec<Coord<f64>>> = vec![vec![line.0[0]]];
    for seg in line.lines() {
        let mut cuts: Vec<f64> = Vec::new();
        for ring in &near {
            match line_intersection(seg, *ring) {
                Some(LineIntersection::SinglePoint { intersection, .. }) => {
                    cuts.push(param(seg, intersection));
                }
                Some(LineIntersection::Collinear { intersection }) => {
                    cuts.push(param(seg, intersection.start));
                    cuts.push(param(seg, intersection.end));
                }
                None => {}
            }
        }
        cuts.retain(|t| *t > 1e-9 && *t < 1.0 - 1e-9);
        cuts.sort_by(f64::total_cmp);
        cuts.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
        for t in cuts {
            let c = seg.start + seg.delta() * t;
            if let Some(last) = pieces.last_mut() {
                last.push(c);
            }
            pieces.push(vec![c]);
        }
        if let Some(last) = pieces.last_mut() {
            last.push(seg.end);
        }
    }
    let mut out: Vec<(LineString<f64>, bool)> = Vec::new();
    for coords in pieces {
        let inside = area.intersects(&midpoint(&coords));
        match out.last_mut() {
            // Merge with the previous piece when on the same side (a touching cut).
            Some((prev, prev_inside)) if *prev_inside == inside => {
                prev.0.extend(coords.into_iter().skip(1));
            }
            _ => out.push((LineString::new(coords), inside)),
        }
    }
    out
}

fn param(seg: Line<f64>, c: Coord<f64>) -> f64 {
    let d = seg.delta();
    let len2 = d.x * d.x + d.y * d.y;
    if len2 == 0.0 {
        return 0.0;
    }
    ((c.x - seg.start.x) * d.x + (c.y - seg.start.y) * d.y) / len2
}

/// The point halfway along a polyline (planar, in degrees: enough to classify it).
fn midpoint(coords: &[Coord<f64>]) -> Point<f64> {
    let seg_len =
        |a: &Coord<f64>, b: &Coord<f64>| ((b.x - a.x).powi(2) + (b.y - a.y).powi(2)).sqrt();
    let total: f64 = coords.windows(2).map(|w| seg_len(&w[0], &w[1])).sum();
    let mut left = total / 2.0;
    for w in coords.windows(2) {
        let l = seg_len(&w[0], &w[1]);
        if l >= left && l > 0.0 {
            let t = left / l;
            return Point::from(w[0] + (w[1] - w[0]) * t);
        }
        left -= l;
    }
    Point::from(coords[0])
}

fn polyline_m(line: &LineString<f64>) -> Metres {
    line.lines()
        .map(|l| haversine_m((l.start.x, l.start.y), (l.end.x, l.end.y)))
        .sum()
}

/// Collects nodes (road junctions plus cut points) and edges while clipping.
struct Builder {
    road_to_node: Vec<u32>,
    nodes: Vec<Coord<f64>>,
    edges: Vec<SweepEdge>,
}

impl Builder {
    fn new(road_nodes: usize) -> Self {
        Self {
            road_to_node: vec![u32::MAX; road_nodes],
            nodes: Vec::new(),
            edges: Vec::new(),
        }
    }

    fn road_node(&mut self, index: usize, at: Coord<f64>) -> usize {
        if self.road_to_node[index] == u32::MAX {
            self.road_to_node[index] = self.nodes.len() as u32;
            self.nodes.push(at);
        }
        self.road_to_node[index] as usize
    }

    fn add_pieces(
        &mut self,
        a: (usize, Coord<f64>),
        b: (usize, Coord<f64>),
        pieces: Vec<(LineString<f64>, bool)>,
        data: &crate::network::EdgeData,
        sweepable: bool,
    ) {
        let from = self.road_node(a.0, a.1);
        let to = self.road_node(b.0, b.1);
        // Piece lengths follow the geometry, scaled so they add up to the edge's length.
        let geo_total: f64 = pieces.iter().map(|(l, _)| polyline_m(l)).sum();
        let count = pieces.len();
        let mut at = from;
        for (i, (line, inside)) in pieces.into_iter().enumerate() {
            let next = if i + 1 == count {
                to
            } else {
                self.nodes.push(*line.0.last().unwrap_or(&a.1));
                self.nodes.len() - 1
            };
            let length_m = if geo_total > 0.0 {
                data.length_m * polyline_m(&line) / geo_total
            } else {
                data.length_m / count as f64
            };
            self.edges.push(SweepEdge {
                from: at,
                to: next,
                length_m,
                required: inside && sweepable,
                name: data.name.clone(),
                way_id: data.way_id,
                geometry: line,
            });
            at = next;
        }
    }

    fn finish(self) -> SweepGraph {
        // Indices and lengths were produced here, so `new` cannot fail on them; fall
        // back to an empty graph rather than panic if that ever changes.
        SweepGraph::new(self.nodes, self.edges).unwrap_or_else(|_| SweepGraph {
            nodes: Vec::new(),
            edges: Vec::new(),
            adj_start: vec![0],
            adj: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Wgs84;
    use crate::network::{EdgeData, NodeData};
    use geo::{polygon, BooleanOps, MultiLineString};

    fn road_with(lines: &[Vec<(f64, f64)>]) -> RoadGraph {
        let mut g = RoadGraph::new();
        for (i, l) in lines.iter().enumerate() {
            let a = g.add_node(NodeData {
                osm_id: 2 * i as i64,
                location: crate::Wgs84Point::new(l[0].0, l[0].1),
                control: Default::default(),
            });
            let last = l[l.len() - 1];
            let b = g.add_node(NodeData {
                osm_id: 2 * i as i64 + 1,
                location: crate::Wgs84Point::new(last.0, last.1),
                control: Default::default(),
            });
            let geometry = LineString::from(l.clone());
            let length_m = polyline_m(&geometry);
            let data = EdgeData {
                way_id: i as i64,
                highway: "residential".into(),
                name: Some(format!("street {i}")),
                length_m,
                duration_s: length_m / 1.25,
                geometry: Wgs84(geometry.clone()),
                twin: None,
                destination_only: false,
                passes_signal: false,
            };
            let e1 = g.add_edge(a, b, data.clone());
            let mut back = data;
            back.geometry = Wgs84(LineString::from(
                l.iter().rev().copied().collect::<Vec<_>>(),
            ));
            let e2 = g.add_edge(b, a, back);
            g[e1].twin = Some(e2);
            g[e2].twin = Some(e1);
        }
        g
    }

    fn square() -> Polygon<f64> {
        polygon![(x: 116.0, y: 40.0), (x: 116.01, y: 40.0), (x: 116.01, y: 40.01), (x: 116.0, y: 40.01)]
    }

    #[test]
    fn twins_become_one_edge_and_crossings_are_cut() {
        let road = road_with(&[
            vec![(115.995, 40.005), (116.005, 40.005)], // enters
            vec![(116.002, 40.002), (116.004, 40.004)], // inside
            vec![(115.99, 40.02), (115.995, 40.02)],    // far outside
            vec![(115.999, 40.003), (116.003, 40.003), (116.02, 40.003)], // through
        ]);
        let g = SweepGraph::from_road(&road, &square(), &ClipOptions::default());
        // enters: 2 pieces; inside: 1; far: dropped (beyond the margin); through: 3.
        assert_eq!(g.edge_count(), 6);
        assert_eq!(g.edges().iter().filter(|e| e.required).count(), 3);
        // Required length agrees with geo's own clipping of the same lines.
        let lines: Vec<LineString<f64>> = road
            .edge_indices()
            .filter(|e| road[*e].twin.is_some_and(|t| t.index() > e.index()))
            .map(|e| road[e].geometry.0.clone())
            .collect();
        let clipped = square().clip(&MultiLineString::new(lines), false);
        let expected: f64 = clipped.0.iter().map(polyline_m).sum();
        assert!(
            (g.required_m() - expected).abs() < 0.01,
            "{} vs {expected}",
            g.required_m()
        );
        // Pieces chain: consecutive pieces share their cut node.
        for e in g.edges() {
            assert_eq!(e.geometry.0[0], g.node(e.from));
            assert_eq!(*e.geometry.0.last().unwrap(), g.node(e.to));
        }
    }

    #[test]
    fn steps_are_never_required() {
        let mut road = road_with(&[vec![(116.002, 40.002), (116.004, 40.004)]]);
        for e in road.edge_indices().collect::<Vec<_>>() {
            road[e].highway = "steps".into();
        }
        let g = SweepGraph::from_road(&road, &square(), &ClipOptions::default());
        assert_eq!(g.edge_count(), 1);
        assert_eq!(g.required_m(), 0.0);
    }

    #[test]
    fn bad_edges_are_rejected() {
        let edge = SweepEdge {
            from: 0,
            to: 3,
            length_m: 1.0,
            required: true,
            name: None,
            way_id: 0,
            geometry: LineString::new(vec![]),
        };
        assert!(SweepGraph::new(vec![Coord::zero(); 2], vec![edge]).is_err());
    }
}
