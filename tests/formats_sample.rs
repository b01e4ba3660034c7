//! The bundled sample township loads, from the embedded copy and from `data/` on disk,
//! with sensible contents; and it survives a GeoJSON write and re-read unchanged.

use std::collections::HashSet;
use std::path::Path;

use geo::{Area, Contains, Rect};
use gridpatrol::formats::{geojson, township, ReadOptions};
use gridpatrol::model::{InstitutionKind, Licence, Township};

fn sample() -> Township {
    township::load_sample().unwrap_or_else(|e| panic!("the bundled sample must load:\n{e}"))
}

#[test]
fn embedded_and_on_disk_samples_agree() {
    let embedded = sample();
    let disk = township::load_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("data").as_path())
        .unwrap_or_else(|e| panic!("data/ must load:\n{e}"));
    assert_eq!(embedded.name, disk.name);
    assert_eq!(embedded.institutions, disk.institutions);
    assert_eq!(embedded.cells, disk.cells);
    assert_eq!(embedded.hotspots, disk.hotspots);
}

#[test]
fn counts_are_sensible() {
    let t = sample();
    assert!(
        t.institutions.len() >= 100,
        "{} institutions",
        t.institutions.len()
    );
    assert!(!t.schools.is_empty());
    assert!(t.hotspots.len() >= 10, "{} hotspots", t.hotspots.len());
    assert_eq!(t.depots.len(), 1);
    let ids: HashSet<&str> = t.institutions.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(
        ids.len(),
        t.institutions.len(),
        "institution ids are unique"
    );
    let synthetic = t.institutions.iter().filter(|i| i.synthetic).count();
    assert!(
        synthetic < t.institutions.len(),
        "some institutions come from OSM"
    );
    let share = |l: Licence| {
        t.institutions
            .iter()
            .filter(|i| i.synthetic && i.licence == l)
            .count() as f64
            / synthetic as f64
    };
    assert!((0.10..=0.20).contains(&share(Licence::Unlicensed)));
    assert!((0.15..=0.25).contains(&share(Licence::RegisteredOnly)));
    assert!(t
        .institutions
        .iter()
        .any(|i| i.kind == InstitutionKind::Care));
    assert!(t.institutions.iter().any(|i| i.complaints > 0));
    assert!(t.institutions.iter().any(|i| i.open_hours.is_some()));
    assert!(t.institutions.iter().any(|i| i.last_inspected.is_some()));
}

#[test]
fn every_site_is_inside_the_extent() {
    let t = sample();
    let extent = t.extent.expect("the manifest gives an extent").0;
    for p in t
        .institutions
        .iter()
        .map(|i| &i.location)
        .chain(t.schools.iter().map(|s| &s.location))
    {
        assert!(
            extent.contains(&p.0) || on_edge(&extent, p.lon(), p.lat()),
            "{p:?}"
        );
    }
    for d in &t.depots {
        assert!(extent.contains(&d.location.0));
    }
}

fn on_edge(r: &Rect<f64>, lon: f64, lat: f64) -> bool {
    (r.min().x..=r.max().x).contains(&lon) && (r.min().y..=r.max().y).contains(&lat)
}

#[test]
fn synthetic_institutions_sit_inside_hotspots() {
    let t = sample();
    for i in t.institutions.iter().filter(|i| i.synthetic) {
        assert!(
            t.hotspots.iter().any(|h| h.area.0.contains(&i.location.0)),
            "{} {} is in no hotspot",
            i.id,
            i.name
        );
    }
}

#[test]
fn cells_tile_the_extent() {
    let t = sample();
    let extent = t.extent.unwrap().0;
    // Points on a fine lattice strictly inside the extent (off the 500 m grid lines)
    // each lie in exactly one cell: the cells cover the extent and do not overlap.
    let (w, h) = (extent.width(), extent.height());
    for i in 0..97 {
        for j in 0..89 {
            let x = extent.min().x + w * (f64::from(i) + 0.5) / 97.0;
            let y = extent.min().y + h * (f64::from(j) + 0.5) / 89.0;
            let p = geo::Point::new(x, y);
            let n = t.cells.iter().filter(|c| c.area.0.contains(&p)).count();
            assert_eq!(n, 1, "({x}, {y}) lies in {n} cells");
        }
    }
    let total: f64 = t.cells.iter().map(|c| c.area.0.unsigned_area()).sum();
    assert!((total - extent.unsigned_area()).abs() / extent.unsigned_area() < 1e-9);
    assert!(t.cells.iter().all(|c| c.officer.is_some()));
}

#[test]
fn layers_survive_a_geojson_round_trip() {
    let t = sample();
    let opts = ReadOptions {
        extent: t.extent,
        ..ReadOptions::default()
    };
    let text = geojson::write(&t.institutions).to_string();
    assert_eq!(
        geojson::read_institutions(text.as_bytes(), "i", &opts).unwrap(),
        t.institutions
    );
    let text = geojson::write(&t.hotspots).to_string();
    assert_eq!(
        geojson::read_hotspots(text.as_bytes(), "h", &opts).unwrap(),
        t.hotspots
    );
    let text = geojson::write(&t.cells).to_string();
    assert_eq!(
        geojson::read_cells(text.as_bytes(), "c", &opts).unwrap(),
        t.cells
    );
}
