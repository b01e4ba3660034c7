//! Which cell holds a point: an rstar tree of cell bounding boxes, then an exact
//! point-in-polygon test on the few candidates.

use geo::{BoundingRect, Contains, Intersects, Point};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::RTree;

use crate::model::Wgs84Polygon;

/// Finds the cell (by index into the slice it was built from) containing a point.
///
/// ```
/// use geo::{LineString, Polygon};
/// use gridpatrol::{spatial::CellLocator, Wgs84};
/// let sq = |x: f64| Wgs84(Polygon::new(LineString::from(vec![(x, 0.0), (x + 1.0, 0.0), (x + 1.0, 1.0), (x, 1.0), (x, 0.0)]), vec![]));
/// let cells = [sq(0.0), sq(1.0)];
/// let loc = CellLocator::new(&cells);
/// assert_eq!(loc.locate(1.5, 0.5), Some(1));
/// assert_eq!(loc.locate(5.0, 0.5), None);
/// ```
pub struct CellLocator<'a> {
    polygons: &'a [Wgs84Polygon],
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
}

impl<'a> CellLocator<'a> {
    /// Indexes `polygons` by their bounding boxes.
    pub fn new(polygons: &'a [Wgs84Polygon]) -> Self {
        let boxes = polygons
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let r = p.0.bounding_rect()?;
                Some(GeomWithData::new(
                    Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    i,
                ))
            })
            .collect();
        Self {
            polygons,
            tree: RTree::bulk_load(boxes),
        }
    }

    /// The lowest-index polygon containing `(lon, lat)`; a point on a shared border goes
    /// to the polygon whose interior holds it, else to the first whose border it touches.
    pub fn locate(&self, lon: f64, lat: f64) -> Option<usize> {
        let p = Point::new(lon, lat);
        let mut touching = None;
        let mut inside = None;
        for c in self.tree.locate_all_at_point(&[lon, lat]) {
            let i = c.data;
            let poly = &self.polygons[i].0;
            if poly.contains(&p) {
                inside = Some(inside.map_or(i, |j: usize| j.min(i)));
            } else if poly.intersects(&p) {
                touching = Some(touching.map_or(i, |j: usize| j.min(i)));
            }
        }
        inside.or(touching)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, Polygon};
    use proptest::prelude::*;

    fn grid(n: usize) -> Vec<Wgs84Polygon> {
        let mut out = Vec::new();
        for i in 0..n {
            for j in 0..n {
                let (x, y) = (i as f64 * 0.01, j as f64 * 0.01);
                out.push(crate::Wgs84(Polygon::new(
                    LineString::from(vec![
                        (x, y),
                        (x + 0.01, y),
                        (x + 0.005, y + 0.006),
                        (x + 0.01, y + 0.01),
                        (x, y + 0.01),
                        (x, y),
                    ]),
                    vec![],
                )));
            }
        }
        out
    }

    proptest! {
        #[test]
        fn matches_brute_force(lon in -0.005f64..0.105, lat in -0.005f64..0.105) {
            let cells = grid(10);
            let loc = CellLocator::new(&cells);
            let p = Point::new(lon, lat);
            let brute = cells.iter().position(|c| c.0.contains(&p))
                .or_else(|| cells.iter().position(|c| c.0.intersects(&p)));
            prop_assert_eq!(loc.locate(lon, lat), brute);
        }
    }
}
