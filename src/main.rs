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
    /// Import comments from another system's export into a site (one transaction; re-running
    /// the same file changes nothing).
    Import {
        /// The site (an id from the configuration).
        #[arg(long)]
        site: String,
        /// wxr, disqus, isso, remark42 or comentario (guessed from the file when left out).
        #[arg(long)]
        format: Option<String>,
        /// Print what would be imported; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Rewrite page links starting with OLD to start with NEW (repeatable), e.g.
        /// `--map-url https://old.example.com/=/`.
        #[arg(long = "map-url", value_name = "OLD=NEW")]
        map_url: Vec<String>,
        /// Keep pingbacks and trackbacks (skipped by default).
        #[arg(long)]
        pingbacks: bool,
        /// The export file.
        file: PathBuf,
    },
    /// Copy the SQLite database, consistently, while replybox serves it (PostgreSQL: pg_dump).
    Backup {
        /// The file to write (must not exist).
        #[arg(long)]
        out: PathBuf,
    },
    /// Export a site's comments as JSON (every field replybox holds) or WordPress WXR 1.2.
    Export {
        /// The site.
        #[arg(long)]
        site: String,
        /// json or wxr.
        #[arg(long, default_value = "json")]
        format: String,
        /// Where to write (standard output when left out).
        #[arg(long)]
        out: Option<PathBuf>,
    },
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
        Command::Import {
            site,
            format,
            dry_run,
            map_url,
            pingbacks,
            file,
        } => {
            let options = replybox::import::Options {
                dry_run,
                map_url: map_url
                    .iter()
                    .map(|m| replybox::import::Options::map(m))
                    .collect::<anyhow::Result<_>>()?,
                pingbacks,
            };
            import(&config, &site, format.as_deref(), &options, &file).await
        }
        Command::Backup { out } => {
            let bytes =
                replybox::store::backup::sqlite_copy(config.database.url.expose(), &out).await?;
            eprintln!("backed up to {} ({bytes} bytes)", out.display());
            Ok(())
        }
        Command::Export { site, format, out } => export(&config, &site, &format, out).await,
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

/// Binds first, answering 503 `starting` (on `/readyz` as everywhere) while migrations run, so
/// a balancer or service manager sees an instance that is coming up rather than a refused port.
async fn serve(config: Config) -> anyhow::Result<()> {
    let listen = config.server.listen;
    tracing::info!(database = ?config.database.url, sites = config.sites.len(), "starting");
    let listener = std::net::TcpListener::bind(listen)
        .with_context(|| format!("cannot listen on {listen}"))?;
    listener.set_nonblocking(true)?;
    let while_starting = replybox::readiness::answer_starting(listener.try_clone()?)?;
    let state = AppState::start(config).await;
    while_starting.finish().await;
    let state = state?;
    tracing::info!(
        engine = state.db.engine(),
        "replybox listening on http://{listen}"
    );
    let listener = tokio::net::TcpListener::from_std(listener)?;
    http::serve(state, listener, http::shutdown_signal()).await
}

/// `replybox import`: a progress bar on a terminal (by bytes read), the summary at the end.
async fn import(
    config: &Config,
    site_id: &str,
    format: Option<&str>,
    options: &replybox::import::Options,
    file: &std::path::Path,
) -> anyhow::Result<()> {
    use replybox::import::{self, Format};
    use std::io::Read;
    let sites = replybox::sites::Sites::from_config(config);
    let site = sites
        .get(site_id)
        .map_err(|_| anyhow::anyhow!("no site {site_id:?} in the configuration"))?;
    let mut opened =
        std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))?;
    let length = opened.metadata().map(|m| m.len()).unwrap_or(0);
    let mut head = vec![0; 4096];
    let read = opened.read(&mut head)?;
    head.truncate(read);
    let format = match format {
        Some(word) => Format::parse(word).with_context(|| {
            format!("--format {word:?}: use wxr, disqus, isso, remark42 or comentario")
        })?,
        None => Format::sniff(&head).context(
            "cannot tell the file's format: give --format wxr|disqus|isso|remark42|comentario",
        )?,
    };
    let progress = indicatif::ProgressBar::new(length);
    progress.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {bytes}/{total_bytes} [{bar:30}] {percent:>3}% {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let reader = std::io::Cursor::new(head).chain(progress.wrap_read(opened));
    let db = Db::connect(&config.database).await?;
    db.migrate().await?;
    let mut comments = 0u64;
    let counter = progress.clone();
    let summary = import::run(
        &db,
        &site,
        format,
        options,
        Box::new(std::io::BufReader::with_capacity(256 * 1024, reader)),
        move || {
            comments += 1;
            if comments % 1000 == 0 {
                counter.set_message(format!("{comments} comments"));
            }
        },
    )
    .await;
    progress.finish_and_clear();
    let summary = summary?;
    print!("{}", summary.report(options.dry_run));
    Ok(())
}

/// `replybox export`
async fn export(
    config: &Config,
    site_id: &str,
    format: &str,
    out: Option<PathBuf>,
) -> anyhow::Result<()> {
    use replybox::export::{self, Format};
    use std::io::Write;
    let format = Format::parse(format).context("--format is json or wxr")?;
    let sites = replybox::sites::Sites::from_config(config);
    let site = sites
        .get(site_id)
        .map_err(|_| anyhow::anyhow!("no site {site_id:?} in the configuration"))?;
    let db = Db::connect(&config.database).await?;
    db.migrate().await?;
    let mut writer: Box<dyn Write + Send> = match &out {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout())),
    };
    let count = export::write(&db, &site, format, &mut writer).await?;
    writer.flush()?;
    if out.is_some() {
        eprintln!("exported {count} comments");
    }
    Ok(())
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
    let (_, source, served, gzipped) = replybox::assets::moderator_tools_size();
    println!(
        "{:<10} {source:>8} {served:>8} {gzipped:>8}  (moderators only, loaded on demand: not counted)",
        "moderate.js"
    );
    anyhow::ensure!(
        total.2 <= WIDGET_BUDGET,
        "the widget is {} bytes over its budget",
        total.2 - WIDGET_BUDGET
    );
    Ok(())
}
