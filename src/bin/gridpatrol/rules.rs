//! `gridpatrol rules`: the township's rules as the workspace holds them (or as a
//! township folder states them), in TOML or JSON.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, ValueEnum};
use gridpatrol::rules::Rules;

use crate::workspace::WorkspaceArg;

/// How to print the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Toml,
    Json,
}

#[derive(Args, Debug)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "toml")]
    pub format: RulesFormat,
    /// Read and check a township folder's rules (its rules.toml, or the `rules` key of
    /// its township.json) instead of the workspace's.
    #[arg(long, value_name = "DIR")]
    pub from: Option<PathBuf>,
    #[command(flatten)]
    pub ws: WorkspaceArg,
}

/// `gridpatrol rules`.
pub fn run(args: RulesArgs) -> Result<()> {
    let rules = match &args.from {
        Some(dir) => Rules::load_dir(dir)?,
        None => args.ws.open()?.rules()?,
    };
    match args.format {
        RulesFormat::Toml => out!("{}", rules.to_toml().trim_end()),
        RulesFormat::Json => out!("{}", serde_json::to_string_pretty(&rules)?),
    }
    Ok(())
}
