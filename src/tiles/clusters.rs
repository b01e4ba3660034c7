//! Sites gathered into bubbles, zoom by zoom, the way a map reader expects: at each
//! zoom, sites (and bubbles) closer than a few screen pixels become one bubble at their
//! mean position, counting what they hold. Built bottom up: zoom `max_zoom + 1` holds
//! every site alone; each zoom above gathers the items of the zoom below, greedily,
//! in a fixed order, so the same sites always give the same bubbles.

use rstar::primitives::GeomWithData;
use rstar::{RTree, AABB};

use super::{unit_mercator, TileId};
use crate::model::{Institution, Licence};

/// How sites are gathered.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClusterOptions {
    /// Items closer than this many screen pixels (CSS px, 512-px tiles) are gathered.
    pub radius_px: f64,
    /// A bubble holds at least this many sites; fewer stay drawn one by one.
    pub min_points: u32,
    /// The deepest zoom with bubbles; from the next one on, every site is alone.
    pub max_zoom: u8,
}

impl Default for ClusterOptions {
    /// 24 px, 5 sites, bubbles up to zoom 17: a building full of sites stays one
    /// bubble until the street scale.
    fn default() -> Self {
        Self {
            radius_px: 24.0,
            min_points: 5,
            max_zoom: 17,
        }
    }
}

/// Screen pixels across a zoom-0 world (MapLibre's 512-px tiles).
const WORLD_PX_AT_ZOOM_0: f64 = 512.0;

/// What the tiles need of a site.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterSite {
    /// The institution's id, written into its tile feature as `id`.
    pub id: String,
    /// Its licence status: written as `licence`, and tallied by the bubbles.
    pub licence: Licence,
}

/// A bubble of sites.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// Unique among all bubbles and above every site index.
    pub id: u64,
    /// Sites inside, at any depth of nested bubbles.
    pub count: u32,
    /// Of `count`, the sites with no licence at all (无证无照, the first to inspect).
    pub unlicensed: u32,
    /// Of `count`, the sites registered but without a school-running licence (有照无证).
    pub registered_only: u32,
    /// The zoom at which the bubble comes apart.
    pub expansion_zoom: u8,
}

/// A site alone (its index in the site list) or a bubble.
#[derive(Debug, Clone, PartialEq)]
pub enum ItemKind {
    /// One site, by its index in the site list.
    Site(usize),
    /// A bubble of several sites.
    Cluster(Cluster),
}

/// What the map draws at one zoom, at a [`unit_mercator`] position.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Where to draw it, in [`unit_mercator`] coordinates (a bubble: its sites' mean).
    pub position: [f64; 2],
    /// A site alone or a bubble.
    pub kind: ItemKind,
}

type Indexed = GeomWithData<[f64; 2], usize>;

/// The items of one zoom and a spatial index over them.
struct Level {
    items: Vec<Item>,
    index: RTree<Indexed>,
}

impl Level {
    fn new(items: Vec<Item>) -> Self {
        let index = RTree::bulk_load(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| Indexed::new(item.position, i))
                .collect(),
        );
        Self { items, index }
    }
}

/// The sites' bubbles at every zoom, ready to be cut into tiles.
pub struct SiteClusters {
    sites: Vec<ClusterSite>,
    /// Index = zoom, from 0 to `max_zoom + 1` (every site alone).
    levels: Vec<Level>,
}

impl Item {
    /// (sites, unlicensed, registered only) in this item.
    fn tally(&self, sites: &[ClusterSite]) -> (u32, u32, u32) {
        match &self.kind {
            ItemKind::Site(i) => match sites[*i].licence {
                Licence::Unlicensed => (1, 1, 0),
                Licence::RegisteredOnly => (1, 0, 1),
                Licence::Licensed => (1, 0, 0),
            },
            ItemKind::Cluster(c) => (c.count, c.unlicensed, c.registered_only),
        }
    }
}

impl SiteClusters {
    /// Gathers `institutions` at every zoom.
    pub fn new(institutions: &[Institution], options: ClusterOptions) -> Self {
        let sites: Vec<ClusterSite> = institutions
            .iter()
            .map(|i| ClusterSite {
                id: i.id.clone(),
                licence: i.licence,
            })
            .collect();
        let alone: Vec<Item> = institutions
            .iter()
            .enumerate()
            .map(|(i, site)| Item {
                position: unit_mercator(site.location.lon(), site.location.lat()),
                kind: ItemKind::Site(i),
            })
            .collect();
        let top = usize::from(options.max_zoom) + 1;
        let mut levels = vec![Level::new(alone)];
        let mut next_id = sites.len() as u64;
        for zoom in (0..top).rev() {
            let below = levels.last().expect("the bottom level is there");
            let items = gather(below, &sites, zoom as u8, options, &mut next_id);
            levels.push(Level::new(items));
        }
        levels.reverse();
        Self { sites, levels }
    }

    /// The site at `index` (as in [`ItemKind::Site`]).
    pub fn site(&self, index: usize) -> &ClusterSite {
        &self.sites[index]
    }

    /// How many sites there are.
    pub fn site_count(&self) -> usize {
        self.sites.len()
    }

    /// The items drawn at `zoom` (deeper zooms: every site alone).
    pub fn items_at(&self, zoom: u8) -> &[Item] {
        &self.level(zoom).items
    }

    fn level(&self, zoom: u8) -> &Level {
        &self.levels[usize::from(zoom).min(self.levels.len() - 1)]
    }

    /// The items whose position is in `tile` (west and north edges included, east and
    /// south excluded, so each item is in exactly one tile of its zoom).
    pub fn items_in(&self, tile: TileId) -> impl Iterator<Item = &Item> {
        let level = self.level(tile.z);
        let (nw, se) = tile.unit_bounds();
        level
            .index
            .locate_in_envelope(&AABB::from_corners(nw, se))
            .filter(move |g| g.geom()[0] < se[0] && g.geom()[1] < se[1])
            .map(|g| &level.items[g.data])
    }
}

/// The items of `zoom`, gathered from those of the zoom below.
fn gather(
    below: &Level,
    sites: &[ClusterSite],
    zoom: u8,
    options: ClusterOptions,
    next_id: &mut u64,
) -> Vec<Item> {
    let radius = options.radius_px / (WORLD_PX_AT_ZOOM_0 * f64::from(1u32 << zoom));
    let mut taken = vec![false; below.items.len()];
    let mut items = Vec::with_capacity(below.items.len());
    for (i, item) in below.items.iter().enumerate() {
        if taken[i] {
            continue;
        }
        taken[i] = true;
        let near: Vec<usize> = below
            .index
            .locate_within_distance(item.position, radius * radius)
            .map(|g| g.data)
            .filter(|&j| !taken[j])
            .collect();
        let mut tally = item.tally(sites);
        let mut sum = [
            item.position[0] * f64::from(tally.0),
            item.position[1] * f64::from(tally.0),
        ];
        for &j in &near {
            let (n, u, r) = below.items[j].tally(sites);
            tally = (tally.0 + n, tally.1 + u, tally.2 + r);
            sum[0] += below.items[j].position[0] * f64::from(n);
            sum[1] += below.items[j].position[1] * f64::from(n);
        }
        if near.is_empty() || tally.0 < options.min_points {
            // Too few to gather: this one goes up as it is; its neighbours get
            // their own turn.
            items.push(item.clone());
            continue;
        }
        for &j in &near {
            taken[j] = true;
        }
        let count = f64::from(tally.0);
        items.push(Item {
            position: [sum[0] / count, sum[1] / count],
            kind: ItemKind::Cluster(Cluster {
                id: *next_id,
                count: tally.0,
                unlicensed: tally.1,
                registered_only: tally.2,
                expansion_zoom: zoom + 1,
            }),
        });
        *next_id += 1;
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{InstitutionKind, Wgs84};
    use proptest::prelude::*;

    fn site(i: usize, lon: f64, lat: f64, licence: Licence) -> Institution {
        Institution {
            id: format!("S{i}"),
            name: format!("site {i}"),
            kind: InstitutionKind::Training,
            subject: None,
            licence,
            address: None,
            location: Wgs84::new(lon, lat),
            open_hours: None,
            complaints: 0,
            last_inspected: None,
            synthetic: true,
        }
    }

    /// Sites scattered over a few km around Haidian, some stacked in one building.
    fn township(offsets: &[(f64, f64, u8)]) -> Vec<Institution> {
        offsets
            .iter()
            .enumerate()
            .map(|(i, &(dx, dy, l))| {
                let licence = [
                    Licence::Licensed,
                    Licence::RegisteredOnly,
                    Licence::Unlicensed,
                ][usize::from(l % 3)];
                site(i, 116.35 + dx * 0.05, 39.96 + dy * 0.04, licence)
            })
            .collect()
    }

    fn offsets() -> impl Strategy<Value = Vec<(f64, f64, u8)>> {
        prop::collection::vec(
            prop_oneof![
                (0.0..1.0f64, 0.0..1.0f64, 0u8..3),
                // A building full of sites: a few metres apart.
                (0.5..0.5001f64, 0.5..0.5001f64, 0u8..3),
            ],
            0..300,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// At every zoom each site is counted exactly once, with its licence; every
        /// bubble holds at least `min_points` sites and comes apart one zoom deeper.
        #[test]
        fn every_zoom_counts_every_site_once(offsets in offsets()) {
            let sites = township(&offsets);
            let options = ClusterOptions::default();
            let clusters = SiteClusters::new(&sites, options);
            let total = sites.len() as u32;
            let unlicensed = sites.iter().filter(|s| s.licence == Licence::Unlicensed).count() as u32;
            let registered = sites.iter().filter(|s| s.licence == Licence::RegisteredOnly).count() as u32;
            let mut ids = std::collections::HashSet::new();
            for zoom in 0..=options.max_zoom + 1 {
                let mut sum = (0, 0, 0);
                for item in clusters.items_at(zoom) {
                    let t = item.tally(&clusters.sites);
                    sum = (sum.0 + t.0, sum.1 + t.1, sum.2 + t.2);
                    if let ItemKind::Cluster(c) = &item.kind {
                        prop_assert!(c.count >= options.min_points);
                        prop_assert!(c.expansion_zoom > zoom && c.expansion_zoom <= options.max_zoom + 1);
                        prop_assert!(c.id >= total as u64);
                        ids.insert(c.id);
                    }
                }
                prop_assert_eq!(sum, (total, unlicensed, registered), "zoom {}", zoom);
            }
            // Sites alone at the deepest zoom.
            prop_assert!(clusters.items_at(30).iter().all(|i| matches!(i.kind, ItemKind::Site(_))));
        }

        /// The tiles of a zoom share its items out: each in exactly one tile.
        #[test]
        fn tiles_share_out_the_items_of_their_zoom(offsets in offsets(), zoom in 9u8..19) {
            let sites = township(&offsets);
            let clusters = SiteClusters::new(&sites, ClusterOptions::default());
            let items = clusters.items_at(zoom);
            let mut seen = 0;
            let size = f64::from(1u32 << zoom);
            let tiles: std::collections::HashSet<(u32, u32)> = items
                .iter()
                .map(|i| ((i.position[0] * size) as u32, (i.position[1] * size) as u32))
                .collect();
            for (x, y) in tiles {
                let tile = TileId::new(zoom, x, y).unwrap();
                for item in clusters.items_in(tile) {
                    let (tx, ty) = tile.tile_xy(item.position);
                    prop_assert!((0..=4096).contains(&tx) && (0..=4096).contains(&ty));
                    seen += 1;
                }
            }
            prop_assert_eq!(seen, items.len());
        }
    }

    /// A building of eight sites is one bubble at the township's zoom and comes apart
    /// at its expansion zoom; a site far away stays alone.
    #[test]
    fn a_building_full_of_sites_is_one_bubble_until_its_expansion_zoom() {
        let mut sites: Vec<Institution> = (0..8)
            .map(|i| {
                let licence = if i < 3 {
                    Licence::Unlicensed
                } else {
                    Licence::Licensed
                };
                site(i, 116.35 + i as f64 * 1e-5, 39.96, licence)
            })
            .collect();
        sites.push(site(8, 116.40, 39.99, Licence::RegisteredOnly));
        let clusters = SiteClusters::new(&sites, ClusterOptions::default());
        let at14 = clusters.items_at(14);
        assert_eq!(at14.len(), 2);
        let bubble = at14
            .iter()
            .find_map(|i| match &i.kind {
                ItemKind::Cluster(c) => Some(c.clone()),
                ItemKind::Site(_) => None,
            })
            .expect("a bubble");
        assert_eq!(
            (bubble.count, bubble.unlicensed, bubble.registered_only),
            (8, 3, 0)
        );
        // The eight sites span 7e-5° (6 m): 24 px is 6 m near zoom 19, so they stay
        // together through zoom 17, the deepest with bubbles.
        assert_eq!(bubble.expansion_zoom, 18);
        assert_eq!(clusters.items_at(18).len(), 9);
        assert!(at14.iter().any(|i| i.kind == ItemKind::Site(8)));
    }

    #[test]
    fn no_sites_no_items() {
        let clusters = SiteClusters::new(&[], ClusterOptions::default());
        assert!(clusters.items_at(0).is_empty());
        assert_eq!(clusters.items_in(TileId::new(0, 0, 0).unwrap()).count(), 0);
    }
}
