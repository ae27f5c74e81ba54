//! The `replybox` command line: parses arguments and hands over to the library.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use replybox::admin::accounts::{self, Role};
use replybox::config::Config;
use replybox::http;
use replybox::state::AppState;
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
    /// Print the widget's sizes as served (the budget is 12,000 bytes gzipped); fails over budget.
    WidgetSize,
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
    if let Some(Command::WidgetSize) = cli.command {
        return widget_size();
    }
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
        Command::WidgetSize => widget_size(),
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
    http::serve(state, listener, http::shutdown_signal()).await
}

/// The widget's loader, script and style together must stay within this many bytes gzipped.
const WIDGET_BUDGET: usize = 12_000;

fn widget_size() -> anyhow::Result<()> {
    println!(
        "{:<10} {:>8} {:>8} {:>8}",
        "file", "source", "served", "gzip-9"
    );
    let mut total = (0, 0, 0);
    for (name, source, served, gzipped) in replybox::assets::widget_sizes() {
        println!("{name:<10} {source:>8} {served:>8} {gzipped:>8}");
        total = (total.0 + source, total.1 + served, total.2 + gzipped);
    }
    println!(
        "{:<10} {:>8} {:>8} {:>8}  (budget {WIDGET_BUDGET})",
        "total", total.0, total.1, total.2
    );
    anyhow::ensure!(
        total.2 <= WIDGET_BUDGET,
        "the widget is {} bytes over its budget",
        total.2 - WIDGET_BUDGET
    );
    Ok(())
}
