//! `gridpatrol user add NAME --role lead|inspector [--team T]`: adds a person who may
//! sign in to the web page. The password is read from stdin, never from the command line.

use std::io::BufRead;
use std::path::PathBuf;

use anyhow::{bail, Context};
use gridpatrol::store::{Role, Workspace};

/// Manage the people who may sign in.
#[derive(clap::Args)]
pub struct UserArgs {
    #[command(subcommand)]
    command: UserCommand,
}

#[derive(clap::Subcommand)]
enum UserCommand {
    /// Add a user; the password is read from stdin (one line).
    Add {
        /// The user name (no spaces).
        name: String,
        /// `lead` (plans, draws, sees everything) or `inspector` (sees the own team's plan).
        #[arg(long)]
        role: String,
        /// The inspector's team.
        #[arg(long)]
        team: Option<String>,
        /// The workspace file.
        #[arg(long, env = "GRIDPATROL_WORKSPACE", default_value = gridpatrol::store::DEFAULT_WORKSPACE)]
        workspace: PathBuf,
        /// Read the password from stdin without prompting (for scripts).
        #[arg(long)]
        password_stdin: bool,
    },
}

pub fn run(args: UserArgs) -> anyhow::Result<()> {
    match args.command {
        UserCommand::Add {
            name,
            role,
            team,
            workspace,
            password_stdin,
        } => add(&name, &role, team.as_deref(), &workspace, password_stdin),
    }
}

fn add(
    name: &str,
    role: &str,
    team: Option<&str>,
    workspace: &std::path::Path,
    password_stdin: bool,
) -> anyhow::Result<()> {
    let role: Role = role.parse().context("--role")?;
    if role == Role::Inspector && team.is_none() {
        bail!("an inspector needs --team (they see only their own team's plan)");
    }
    if !password_stdin {
        eprintln!("password for {name} (one line on stdin):");
    }
    let mut password = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut password)
        .context("reading the password from stdin")?;
    let password = password.trim_end_matches(['\r', '\n']);
    if password.is_empty() {
        bail!("no password on stdin");
    }
    let mut ws = Workspace::open(workspace)
        .with_context(|| format!("opening workspace {}", workspace.display()))?;
    let user = ws.user_add(name, password, role, team)?;
    println!(
        "added {} ({}{}) to {}",
        user.username,
        role.as_str(),
        user.team_id
            .as_deref()
            .map(|t| format!(", team {t}"))
            .unwrap_or_default(),
        workspace.display()
    );
    Ok(())
}
