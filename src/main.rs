//! The `replybox` command line: parses arguments and hands over to the library.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use replybox::admin::accounts::{self, Role};
use replybox::app::{self, AppState};
use replybox::config::Config;
use replybox::store::Db;
use replybox::telemetry;

/// A self-hosted comment service.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    /// The configuration file.
    #[arg(
        long,
        global = true,
        env = "REPLYBOX_CONFIG",
        default_value = "config.toml"
    )]
    config: PathBuf,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the widget, the API and the admin pages (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Manage accounts for the admin pages.
    #[command(subcommand)]
    Admin(AdminCommand),
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Create an account; the password is read from standard input (one line).
    Add {
        /// Login name.
        name: String,
        /// Read the password from standard input (required: passwords never go on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
        /// `admin` (every site, the default) or `moderator` (the sites given with --sites).
        #[arg(long, default_value = "admin")]
        role: String,
        /// Comma-separated site ids a moderator may act on.
        #[arg(long, value_delimiter = ',')]
        sites: Vec<String>,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let config =
        Config::load(&cli.config).with_context(|| format!("loading {}", cli.config.display()))?;
    telemetry::init_logging(&config.log);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Migrate => {
            let db = Db::connect(&config.database).await?;
            db.migrate().await?;
            tracing::info!(engine = db.engine(), "migrations applied");
            Ok(())
        }
        Command::Admin(AdminCommand::Add {
            name,
            password_stdin: _,
            role,
            sites,
        }) => {
            let role = Role::parse(&role).context("--role is admin or moderator")?;
            for site in &sites {
                anyhow::ensure!(
                    config.sites.iter().any(|s| &s.id == site),
                    "no site {site:?} in the configuration"
                );
            }
            let mut password = String::new();
            std::io::stdin()
                .read_line(&mut password)
                .context("reading the password from standard input")?;
            let password = password.trim_end_matches(['\n', '\r']).to_string();
            let db = Db::connect(&config.database).await?;
            db.migrate().await?;
            accounts::add(&db, &name, password, role, &sites).await?;
            println!("created {role:?} account {name:?}");
            Ok(())
        }
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let listen = config.server.listen;
    tracing::info!(database = ?config.database.url, sites = config.sites.len(), "starting");
    let state = AppState::start(config).await?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    tracing::info!(
        engine = state.db.engine(),
        "replybox listening on http://{listen}"
    );
    app::serve(state, listener, app::shutdown_signal()).await
}
