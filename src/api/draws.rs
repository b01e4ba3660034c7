//! Answers of the 双随机 registers: the officer register with the site register's tier
//! counts, and the draw log with each draw's publishable result.

use serde::{Deserialize, Serialize};

use crate::store::Officer;

/// `GET /api/officers`: the 执法检查人员名录库 and how the 检查对象名录库 splits by risk.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct OfficersAnswer {
    /// The officers, by name, with department and declared conflicts.
    pub officers: Vec<Officer>,
    /// Sites in each risk tier today (`high`, `medium`, `low`).
    pub tiers: std::collections::BTreeMap<String, usize>,
    /// The sampling ratio of each tier, percent, from the rules.
    pub ratios: std::collections::BTreeMap<String, f64>,
    /// Officers sent to each target.
    pub officers_per_target: u32,
}

/// `POST /api/officers`: an officer to add.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OfficerRequest {
    /// The officer's name.
    pub name: String,
    /// The department (市场监管, 教育, 消防…).
    pub department: String,
}

/// `POST /api/officers/conflicts`: a declared conflict (回避).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConflictRequest {
    /// The officer's name.
    pub officer: String,
    /// The site they must not inspect.
    pub site_id: String,
    /// Why, if said.
    pub reason: Option<String>,
}

/// One logged draw, as the draw panel lists it.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DrawSummary {
    /// Its place in the log.
    pub seq: i64,
    /// The published seed.
    pub seed: String,
    /// When it was made.
    pub at: String,
    /// Targets drawn.
    pub targets: usize,
    /// Drawn from the registers (tiers, two officers per target, recusal).
    pub register: bool,
    /// The last day to publish the result, when recorded.
    pub publish_by: Option<String>,
    /// Its hash: the log's head once it was made.
    pub hash: String,
}

/// `GET /api/draws`: every logged draw, newest first, and the log's head.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DrawsAnswer {
    /// The log's current head.
    pub head: String,
    /// The draws, newest first.
    pub draws: Vec<DrawSummary>,
}
