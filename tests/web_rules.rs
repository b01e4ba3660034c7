//! `GET /api/rules` through the real server: any signed-in user reads the township's
//! rules as the workspace holds them; without a session the answer is 401.

mod web_support;

use web_support::{get_json, Server, INSPECTOR_A};

#[test]
fn signed_in_users_read_the_workspace_s_rules() {
    let server = Server::start(&[]);
    let anonymous = reqwest::blocking::get(server.url("/api/rules")).unwrap();
    assert_eq!(anonymous.status(), 401);

    let client = server.client_as(INSPECTOR_A);
    let rules = get_json(&client, &server.url("/api/rules"));
    assert_eq!(
        serde_json::from_value::<gridpatrol::rules::Rules>(rules).unwrap(),
        gridpatrol::rules::Rules::default()
    );

    // Rules stored in the workspace (as `init --from` does) are what the API answers.
    let mut changed = gridpatrol::rules::Rules::default();
    changed.follow_ups.rectify_days = 10;
    gridpatrol::store::Workspace::open_existing(&server.dir.path().join("township.sqlite"))
        .unwrap()
        .set_rules(&changed)
        .unwrap();
    let rules = get_json(&client, &server.url("/api/rules"));
    assert_eq!(rules["follow_ups"]["rectify_days"], 10);
    assert_eq!(
        rules["findings"]["care"][0]["items"][1]["label"],
        "食品经营许可证"
    );
}
