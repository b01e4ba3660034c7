//! A tip-off list's unknown columns (联系人, 联系电话) are kept on the site and shown in
//! the site layer the page reads, and the list's missing columns leave the rest alone.

mod web_support;

use web_support::{Server, LEAD};

#[test]
fn extra_attributes_show_on_the_site_in_the_api() {
    let server = Server::start(&[]);
    let lead = server.client_as(LEAD);
    let before = web_support::get_json(&lead, &server.url("/api/layers/institutions"));
    let site = |layer: &serde_json::Value| {
        layer["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["properties"]["id"] == "S000")
            .unwrap()["properties"]
            .clone()
    };
    let old = site(&before);
    assert!(old["extra"].is_null(), "{old}");
    let lon_lat = (
        before["features"][0]["geometry"]["coordinates"][0]
            .as_f64()
            .unwrap(),
        before["features"][0]["geometry"]["coordinates"][1]
            .as_f64()
            .unwrap(),
    );
    assert_eq!(before["features"][0]["properties"]["id"], "S000");
    let tips = server.dir.path().join("tips.geojson");
    let feature = serde_json::json!({"type": "FeatureCollection", "features": [{
        "type": "Feature",
        "properties": {"id": "S000", "name": old["name"], "kind": old["kind"], "licence": old["licence"],
                       "联系人": "王老师", "联系电话": "13900000000"},
        "geometry": {"type": "Point", "coordinates": [lon_lat.0, lon_lat.1]}}]});
    std::fs::write(&tips, feature.to_string()).unwrap();
    let ws = server.dir.path().join("township.sqlite");
    let said = web_support::gridpatrol(
        &[
            "import",
            "institutions",
            tips.to_str().unwrap(),
            "--crs",
            "wgs84",
            "--workspace",
            ws.to_str().unwrap(),
        ],
        "",
    );
    assert!(said.contains("updated 1"), "{said}");
    // The server notices another process's write within its recheck (0.5 s).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let after = loop {
        let now = site(&web_support::get_json(
            &lead,
            &server.url("/api/layers/institutions"),
        ));
        if !now["extra"].is_null() || std::time::Instant::now() > deadline {
            break now;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert_eq!(after["extra"]["联系人"], "王老师", "{after}");
    assert_eq!(after["extra"]["联系电话"], "13900000000");
    for kept in ["open_hours", "address", "complaints", "subject"] {
        assert_eq!(after[kept], old[kept], "{kept} changed");
    }
    server.stop_gracefully();
}
