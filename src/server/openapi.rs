//! `GET /api/openapi.json`: an OpenAPI 3.1 description of `/api`, generated from the
//! very types the handlers answer with ([`crate::api`]) and accept, so other programs
//! and API fuzzers can rely on it. Every `/api` route needs an entry in `operation`:
//! a test holds the two lists together, as `access.rs` does for the access rules.

use schemars::generate::{Contract, SchemaSettings};
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{json, Map, Value};

use super::access::{Rule, RULES};
use super::pins::PinsAnswer;
use crate::api::basemap::BaseProperties;
use crate::api::field::{
    AcceptRequest, DossierAnswer, InspectionDetail, MergeRequest, PhotoAnswer, ProposalAnswer,
    ProposalRequest, ProposalsAnswer, RejectRequest,
};
use crate::api::layers::{
    CellProperties, FeatureCollection, HotspotProperties, InstitutionProperties, PlaceProperties,
};
use crate::api::session::{LoginAnswer, LoginRequest, LogoutAnswer, MeAnswer, UnlockAnswer};
use crate::api::{
    AuditAnswer, ConfigAnswer, CoverageAnswer, DrawAnswer, ErrorAnswer, InspectionAnswer,
    PlanAnswer, SheetAnswer,
};
use crate::model::pin::Pin;
use crate::rules::Rules;

/// What one operation takes and gives, before its schemas are generated.
struct Operation {
    summary: &'static str,
    /// The query's struct, as a schema whose properties become query parameters.
    query: Option<Schema>,
    /// The JSON body's schema.
    body: Option<Schema>,
    /// A raw (non-JSON) body instead: its media types.
    raw_body: Option<&'static [&'static str]>,
    /// The success answer: media type and schema.
    answer: (&'static str, Schema),
    /// Other media types the success answer may have (same schema).
    answer_also: &'static [&'static str],
    /// Extra request headers the operation reads.
    idempotency_key: bool,
}

/// A schema waiting for a generator (answers are described as they are written,
/// requests as they are read).
type Schema = fn(&mut Generators) -> Value;

/// One generator for what the server writes, one for what it reads.
struct Generators {
    answers: SchemaGenerator,
    requests: SchemaGenerator,
}

fn answer<T: JsonSchema>(g: &mut Generators) -> Value {
    g.answers.subschema_for::<T>().to_value()
}

fn request<T: JsonSchema>(g: &mut Generators) -> Value {
    g.requests.subschema_for::<T>().to_value()
}

fn binary(_: &mut Generators) -> Value {
    json!({ "type": "string", "format": "binary" })
}

fn any_object(_: &mut Generators) -> Value {
    json!({ "type": "object" })
}

/// Any of the map's layers (which one depends on the path's `name`).
fn any_layer(g: &mut Generators) -> Value {
    json!({ "anyOf": [
        answer::<FeatureCollection<BaseProperties>>(g),
        answer::<FeatureCollection<CellProperties>>(g),
        answer::<FeatureCollection<HotspotProperties>>(g),
        answer::<FeatureCollection<PlaceProperties>>(g),
        answer::<FeatureCollection<InstitutionProperties>>(g),
        answer::<FeatureCollection<ProposalAnswer>>(g),
        answer::<FeatureCollection<crate::api::sites::ListProperties>>(g),
        answer::<FeatureCollection<Value>>(g),
    ]})
}

const JSON: &str = "application/json";

fn op(summary: &'static str, answer: Schema) -> Operation {
    Operation {
        summary,
        query: None,
        body: None,
        raw_body: None,
        answer: (JSON, answer),
        answer_also: &[],
        idempotency_key: false,
    }
}

/// The description of `method path`, or `None` for a route that is not under `/api`.
fn operation(method: &str, path: &str) -> Option<Operation> {
    use super::coverage::Period;
    use super::draw::DrawRequest;
    use super::inspections::InspectionRequest;
    use super::layers::LayerQuery;
    use super::plan::{PlanQuery, PlanRequest};
    let operation = match (method, path) {
        ("GET", "/api/config") => op("页面配置 The page's configuration", answer::<ConfigAnswer>),
        ("POST", "/api/login") => Operation {
            body: Some(request::<LoginRequest>),
            ..op(
                "登录 Sign in (sets the session cookie)",
                answer::<LoginAnswer>,
            )
        },
        ("POST", "/api/logout") => op("退出 Sign out", answer::<LogoutAnswer>),
        ("GET", "/api/me") => op("当前用户 Who is signed in", answer::<MeAnswer>),
        ("POST", "/api/users/{name}/unlock") => op(
            "解除锁定 Forget a user's failed sign-ins (leads)",
            answer::<UnlockAnswer>,
        ),
        ("GET", "/api/layers/{name}") => Operation {
            query: Some(request::<LayerQuery>),
            answer: ("application/geo+json", any_layer),
            ..op("地图图层 One map layer as GeoJSON", any_layer)
        },
        ("GET", "/api/tiles/{layer}/{z}/{x}/{y}") => Operation {
            answer: ("application/vnd.mapbox-vector-tile", binary),
            ..op("矢量瓦片 A vector tile of sites", binary)
        },
        ("GET", "/api/coverage") => Operation {
            query: Some(request::<Period>),
            ..op("网格覆盖率 Coverage per cell", answer::<CoverageAnswer>)
        },
        ("POST", "/api/plan") => Operation {
            body: Some(request::<PlanRequest>),
            ..op("排班 Plan a shift (leads)", answer::<PlanAnswer>)
        },
        ("POST", "/api/plan/{id}/publish") => op(
            "发布计划 Publish a draft plan so inspectors see it (leads)",
            answer::<PlanAnswer>,
        ),
        ("POST", "/api/campaign") => Operation {
            body: Some(request::<super::campaign::CampaignRequest>),
            ..op(
                "专项治理排期 Plan a campaign day by day, shift by shift (leads)",
                answer::<crate::campaign::township::CampaignOutput>,
            )
        },
        ("GET", "/api/campaign/progress") => Operation {
            query: Some(request::<super::campaign::ProgressQuery>),
            ..op(
                "专项治理进度 A saved campaign's progress per day and per cell (leads)",
                answer::<crate::campaign::progress::CampaignProgress>,
            )
        },
        ("POST", "/api/campaign/replan") => Operation {
            body: Some(request::<super::campaign::ReplanRequest>),
            ..op(
                "重排剩余 Keep a saved campaign's days up to today, plan the rest again (leads)",
                answer::<crate::campaign::replan::Replanned>,
            )
        },
        ("GET", "/api/plan") => Operation {
            query: Some(request::<PlanQuery>),
            ..op("当前计划 The plan this user may see", answer::<PlanAnswer>)
        },
        ("GET", "/api/plan/sheet/{team}") => Operation {
            query: Some(request::<PlanQuery>),
            ..op("路线单 A team's route sheet", answer::<SheetAnswer>)
        },
        ("POST", "/api/inspections") => Operation {
            body: Some(request::<InspectionRequest>),
            idempotency_key: true,
            ..op("记录检查 Record an inspection", answer::<InspectionAnswer>)
        },
        ("GET", "/api/inspections/{id}") => op(
            "检查记录 One inspection with its evidence and photos (own team; leads all)",
            answer::<InspectionDetail>,
        ),
        ("POST", "/api/inspections/{id}/photos") => Operation {
            raw_body: Some(&["image/jpeg", "image/png"]),
            ..op(
                "现场照片 Add a photo (JPEG or PNG, ≤ 2 MB, ≤ 10 per inspection) to an inspection",
                answer::<PhotoAnswer>,
            )
        },
        ("GET", "/api/photos/{sha256}") => Operation {
            answer: ("image/jpeg", binary),
            answer_also: &["image/png"],
            ..op("照片 A photo by its SHA-256", binary)
        },
        ("POST", "/api/sites/proposals") => Operation {
            body: Some(request::<ProposalRequest>),
            ..op(
                "摸排上报 Propose a site found in the street",
                answer::<ProposalAnswer>,
            )
        },
        ("GET", "/api/sites/proposals") => op(
            "摸排列表 Proposals (leads all; inspectors their own)",
            answer::<ProposalsAnswer>,
        ),
        ("POST", "/api/sites/proposals/{id}/photos") => Operation {
            raw_body: Some(&["image/jpeg", "image/png"]),
            ..op(
                "摸排照片 Add a photo to a proposal (its proposer or a lead)",
                answer::<PhotoAnswer>,
            )
        },
        ("POST", "/api/sites/proposals/{id}/accept") => Operation {
            body: Some(request::<AcceptRequest>),
            ..op(
                "采纳 Accept a proposal as a new site (leads)",
                answer::<ProposalAnswer>,
            )
        },
        ("POST", "/api/sites/proposals/{id}/merge") => Operation {
            body: Some(request::<MergeRequest>),
            ..op(
                "合并 Merge a proposal into a known site (leads)",
                answer::<ProposalAnswer>,
            )
        },
        ("POST", "/api/sites/proposals/{id}/reject") => Operation {
            body: Some(request::<RejectRequest>),
            ..op("驳回 Reject a proposal (leads)", answer::<ProposalAnswer>)
        },
        ("GET", "/api/sites/{id}/dossier") => op(
            "一家一册 A site's dossier: every inspection with its evidence",
            answer::<DossierAnswer>,
        ),
        ("POST", "/api/draw") => Operation {
            body: Some(request::<DrawRequest>),
            ..op("双随机抽取 A 双随机 draw (leads)", answer::<DrawAnswer>)
        },
        ("GET", "/api/export/{file}") => Operation {
            answer: ("application/octet-stream", binary),
            ..op("导出 An export: GPX, GeoJSON, xlsx or CSV", binary)
        },
        ("GET", "/api/rules") => op("规则 The township's rules", answer::<Rules>),
        ("GET", "/api/pins") => op("钉选 The lead's pins (leads)", answer::<PinsAnswer>),
        ("POST", "/api/pins") => Operation {
            body: Some(request::<Pin>),
            ..op(
                "钉选 Pin a site to a team or a day, must-visit, or exclude (leads)",
                answer::<PinsAnswer>,
            )
        },
        ("DELETE", "/api/pins/{site}") => Operation {
            query: Some(request::<super::pins::UnpinQuery>),
            ..op(
                "取消钉选 Remove a site's pins (leads)",
                answer::<PinsAnswer>,
            )
        },
        ("GET", "/api/audit") => Operation {
            query: Some(request::<super::audit::AuditQuery>),
            ..op("操作日志 The audit log (leads)", answer::<AuditAnswer>)
        },
        ("GET", "/api/openapi.json") => op("接口说明 This description", any_object),
        ("GET", "/api/users") => op(
            "用户管理 Every user (leads)",
            answer::<super::users::UsersAnswer>,
        ),
        ("POST", "/api/users") => Operation {
            body: Some(request::<super::users::NewUser>),
            ..op(
                "添加用户 Add a user with a one-time password (leads)",
                answer::<super::users::PasswordOnceAnswer>,
            )
        },
        ("PATCH", "/api/users/{name}") => Operation {
            body: Some(request::<super::users::UserPatch>),
            ..op(
                "修改用户 Change a user's role, team or state (leads)",
                answer::<super::users::UserRow>,
            )
        },
        ("POST", "/api/users/{name}/password-reset") => op(
            "重置密码 A new one-time password, shown once (leads)",
            answer::<super::users::PasswordOnceAnswer>,
        ),
        ("POST", "/api/me/password") => Operation {
            body: Some(request::<super::users::PasswordChange>),
            ..op(
                "修改密码 Change your own password",
                answer::<super::users::PasswordChanged>,
            )
        },
        ("GET", "/api/sweep/{cell}") => Operation {
            query: Some(request::<super::sweep::SweepQuery>),
            answer_also: &["application/gpx+xml"],
            ..op(
                "拉网式巡查路线 A cell's street sweep, by shift (JSON, or GPX with ?format=gpx)",
                answer::<super::sweep::SweepAnswer>,
            )
        },
        ("POST", "/api/sites") => Operation {
            body: Some(request::<crate::api::sites::SiteRequest>),
            ..op(
                "新增机构 Add an institution or a hotspot (WGS-84, GCJ-02 or BD-09; leads)",
                answer::<crate::api::sites::SiteAnswer>,
            )
        },
        ("PATCH", "/api/sites/{id}") => Operation {
            body: Some(request::<crate::api::sites::SitePatch>),
            ..op(
                "修改机构 Move, edit, close or reopen a site (leads)",
                answer::<crate::api::sites::SiteAnswer>,
            )
        },
        ("GET", "/api/sites/{id}") => op(
            "一家一册 A site's dossier: record, history, inspections, follow-ups, lists",
            answer::<crate::api::sites::SiteDossierAnswer>,
        ),
        _ => return None,
    };
    Some(operation)
}

/// The path's `{name}` parameters; tile numbers are integers.
fn path_parameters(path: &str) -> Vec<Value> {
    path.split('/')
        .filter_map(|part| part.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| {
            let schema = match name {
                "z" | "x" | "y" => json!({ "type": "integer", "minimum": 0 }),
                "id" if path.starts_with("/api/sites/{id}") => json!({ "type": "string" }),
                "id" => json!({ "type": "integer", "minimum": 0 }),
                "sha256" => json!({ "type": "string", "pattern": "^[0-9a-f]{64}$" }),
                _ => json!({ "type": "string" }),
            };
            json!({ "name": name, "in": "path", "required": true, "schema": schema })
        })
        .collect()
}

/// A query struct's properties as query parameters (all optional).
fn query_parameters(schema: &Value, g: &Generators) -> Vec<Value> {
    let resolved = resolve(schema, g);
    let Some(properties) = resolved.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    properties
        .iter()
        .map(|(name, schema)| {
            let mut schema = schema.clone();
            // A query parameter is absent rather than null.
            if let Some(Value::Array(types)) = schema.get_mut("type") {
                types.retain(|t| t != "null");
            }
            json!({ "name": name, "in": "query", "required": false, "schema": schema })
        })
        .collect()
}

/// The definition a `$ref` points to (or the schema itself).
fn resolve(schema: &Value, g: &Generators) -> Value {
    let name = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.rsplit('/').next());
    name.and_then(|n| g.requests.definitions().get(n).cloned())
        .unwrap_or_else(|| schema.clone())
}

/// Who may call `method path`, from the access table.
fn rule_of(method: &str, path: &str) -> Option<Rule> {
    RULES
        .iter()
        .find(|r| r.method == method && r.path == path)
        .map(|r| r.rule)
}

/// The error answers an operation may give, by who may call it.
fn error_statuses(rule: Option<Rule>) -> Vec<(&'static str, &'static str)> {
    let mut statuses = vec![
        (
            "400",
            "请求有误 The request is wrong (the message names the field)",
        ),
        ("404", "不存在 No such thing"),
        ("409", "冲突 In conflict with the workspace's state"),
        ("413", "过大 The body is too large"),
        ("429", "过于频繁 Too many attempts; wait"),
        ("503", "繁忙 The server is busy; try again"),
    ];
    if rule != Some(Rule::Public) {
        statuses.push(("401", "未登录 Not signed in"));
        statuses.push(("403", "无权限 Not allowed for this user"));
    }
    statuses
}

fn describe(method: &str, path: &str, o: &Operation, g: &mut Generators) -> Value {
    let mut parameters = path_parameters(path);
    if let Some(query) = o.query {
        let schema = query(g);
        parameters.extend(query_parameters(&schema, g));
    }
    if o.idempotency_key {
        parameters.push(json!({
            "name": "Idempotency-Key", "in": "header", "required": false,
            "description": "Sending the same key again gives the first answer instead of a second record.",
            "schema": { "type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$" },
        }));
    }
    let (media, schema) = o.answer;
    let schema = schema(g);
    let content: Map<String, Value> = std::iter::once(media)
        .chain(o.answer_also.iter().copied())
        .map(|m| (m.to_string(), json!({ "schema": schema })))
        .collect();
    let mut responses = Map::new();
    responses.insert(
        "200".into(),
        json!({ "description": "OK", "content": content }),
    );
    let error = answer::<ErrorAnswer>(g);
    for (status, text) in error_statuses(rule_of(method, path)) {
        responses.insert(
            status.into(),
            json!({ "description": text, "content": { JSON: { "schema": error } } }),
        );
    }
    let mut operation = json!({
        "summary": o.summary,
        "operationId": format!("{} {}", method.to_lowercase(), path),
        "parameters": parameters,
        "responses": responses,
    });
    if let Some(body) = o.body {
        operation["requestBody"] =
            json!({ "required": true, "content": { JSON: { "schema": body(g) } } });
    }
    if let Some(media) = o.raw_body {
        let content: Map<String, Value> = media
            .iter()
            .map(|m| (m.to_string(), json!({ "schema": binary(g) })))
            .collect();
        operation["requestBody"] = json!({ "required": true, "content": content });
    }
    if rule_of(method, path) != Some(Rule::Public) {
        operation["security"] = json!([{ "session": [] }]);
    }
    operation
}

/// The OpenAPI 3.1 document for `routes` (`(method, path)` pairs; non-`/api` ones are
/// left out).
pub fn document(routes: &[(&str, &str)], township: &str) -> Value {
    let settings = |contract| {
        SchemaSettings::draft2020_12().with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.meta_schema = None;
            s.contract = contract;
        })
    };
    let mut g = Generators {
        answers: settings(Contract::Serialize).into_generator(),
        requests: settings(Contract::Deserialize).into_generator(),
    };
    let mut paths = Map::new();
    for &(method, path) in routes {
        let Some(o) = operation(method, path) else {
            continue;
        };
        let item = paths.entry(path).or_insert_with(|| json!({}));
        item[method.to_lowercase()] = describe(method, path, &o, &mut g);
    }
    let mut schemas = g.requests.take_definitions(true);
    for (name, schema) in g.answers.take_definitions(true) {
        schemas.entry(name).or_insert(schema);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": format!("gridpatrol — {township}"),
            "version": env!("CARGO_PKG_VERSION"),
            "description": "校外培训机构巡查：网格覆盖、排班路线、检查记录、双随机抽取。Township inspection planning under the 双减 policy.",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "session": { "type": "apiKey", "in": "cookie", "name": super::auth::SESSION_COOKIE },
            },
        },
    })
}

/// `GET /api/openapi.json`.
pub async fn get_openapi(
    axum::extract::State(state): axum::extract::State<super::AppState>,
) -> axum::Json<Value> {
    axum::Json(document(&super::route_list(), state.data.township_name()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_api_route_is_described() {
        for (method, path) in super::super::route_list() {
            if path.starts_with("/api/") {
                assert!(
                    operation(method, path).is_some(),
                    "{method} {path} has no description"
                );
            }
        }
    }

    #[test]
    fn every_reference_resolves() {
        let doc = document(&super::super::route_list(), "测试街道");
        let text = doc.to_string();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        for part in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
            let name = part.split('"').next().unwrap();
            assert!(schemas.contains_key(name), "dangling $ref to {name}");
        }
        assert_eq!(
            doc["paths"]["/api/coverage"]["get"]["parameters"][0]["name"],
            "from"
        );
        assert!(doc["paths"]["/api/login"]["post"].get("security").is_none());
        assert!(doc["paths"]["/api/plan"]["post"]["requestBody"].is_object());
    }
}
