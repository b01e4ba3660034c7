//! `gridpatrol officer add|list|conflict`: the 执法检查人员名录库 a 双随机 draw from the
//! registers (`gridpatrol draw --register`) sends officers from.

use anyhow::Result;
use clap::Subcommand;

use crate::workspace::WorkspaceArg;

#[derive(Subcommand, Debug)]
pub enum OfficerCommand {
    /// Add an officer with their department.
    Add {
        /// The officer's name.
        name: String,
        /// The department (市场监管, 教育, 消防…).
        #[arg(long)]
        department: String,
        #[command(flatten)]
        ws: WorkspaceArg,
    },
    /// List the officers, their departments and declared conflicts.
    List {
        #[command(flatten)]
        ws: WorkspaceArg,
    },
    /// Declare that an officer must not inspect a site (回避).
    Conflict {
        /// The officer's name.
        name: String,
        /// The site's id.
        site: String,
        /// Why (亲属开办, 曾任职…).
        #[arg(long)]
        reason: Option<String>,
        #[command(flatten)]
        ws: WorkspaceArg,
    },
}

/// `gridpatrol officer ...`.
pub fn run(command: OfficerCommand) -> Result<()> {
    match command {
        OfficerCommand::Add {
            name,
            department,
            ws,
        } => {
            let o = ws.open()?.officer_add(&name, &department)?;
            out!("officer {} ({}) added", o.name, o.department);
        }
        OfficerCommand::List { ws } => {
            for o in ws.open()?.officers()? {
                let conflicts = if o.conflicts.is_empty() {
                    "-".to_string()
                } else {
                    o.conflicts.join(",")
                };
                out!("{}\t{}\t{}", o.name, o.department, conflicts);
            }
        }
        OfficerCommand::Conflict {
            name,
            site,
            reason,
            ws,
        } => {
            ws.open()?
                .officer_conflict_add(&name, &site, reason.as_deref())?;
            out!("officer {name} recused from {site}");
        }
    }
    Ok(())
}
