//! The `replybox` command line: parses arguments and hands over to the library.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
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
