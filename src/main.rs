//! `tredegar`: the one binary. `serve` runs the web app; the other commands
//! are for first setup and scripts. Everything an organiser does is in the web UI.

mod commands;
mod config;
mod demo;
mod import;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// mimalloc for Rust's allocations: with glibc's malloc they were a sixth of
/// an API page's CPU (see BENCHMARKS.md, api-people). SQLite keeps the C one.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "tredegar", version, about = "Self-hosted community organising: people, relationships, campaigns and mutual aid.")]
struct Cli {
    #[command(flatten)]
    db: DbArgs,
    #[command(subcommand)]
    command: Command,
}

/// Where the data is. Every command takes these.
#[derive(Args, Clone)]
pub struct DbArgs {
    /// sqlite://PATH or postgres://USER@HOST/DB [default: sqlite://DATA_DIR/tredegar.db]
    #[arg(long, env = "TREDEGAR_DATABASE_URL", global = true)]
    database_url: Option<String>,
    /// Directory for the embedded SQLite database [default: ./tredegar-data]
    #[arg(long, env = "TREDEGAR_DATA_DIR", global = true)]
    data_dir: Option<PathBuf>,
    /// Configuration file [default: ./tredegar.toml, if it exists]
    #[arg(long, env = "TREDEGAR_CONFIG", global = true)]
    config: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (migrates the database first).
    Serve {
        /// Address to listen on, as host:port [default: 127.0.0.1:8080]
        #[arg(long, env = "TREDEGAR_LISTEN")]
        listen: Option<String>,
        /// Public base URL of every link (https://... turns on Secure cookies); needed
        /// unless listening on a loopback address
        #[arg(long, env = "TREDEGAR_PUBLIC_URL")]
        public_url: Option<String>,
        /// Serve /metrics on this separate address (for example 127.0.0.1:9090)
        #[arg(long, env = "TREDEGAR_METRICS_LISTEN")]
        metrics_listen: Option<String>,
        /// Send email through this SMTP server: smtp://HOST:PORT, or smtps://USER:PASSWORD@HOST:465
        /// [default: none; email waits in the outbox]
        #[arg(long, env = "TREDEGAR_SMTP_URL", hide_env_values = true)]
        smtp_url: Option<String>,
        /// The From address of every email, e.g. "Brookfield Residents <organise@example.org>"
        #[arg(long, env = "TREDEGAR_MAIL_FROM")]
        mail_from: Option<String>,
        /// Log as JSON lines instead of text
        #[arg(long, env = "TREDEGAR_LOG_JSON")]
        log_json: bool,
    },
    /// Manage groups.
    #[command(subcommand)]
    Group(GroupCommand),
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Import from a file.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Write everything a group holds to DIR as one zip archive of CSV files, with a README.
    Export {
        /// Name of the group
        #[arg(long)]
        group: String,
        /// Folder to write the archive into
        dir: PathBuf,
    },
    /// Write a consistent snapshot of the database to PATH, safe while the server runs.
    Backup { path: PathBuf },
    /// Replace the database with a snapshot made by `backup`. Stop the server first.
    Restore { path: PathBuf },
    /// Fill a group with a realistic demo: an estate's blocks and flats, residents, tags and a campaign.
    Demo {
        /// The group to fill (made if missing)
        #[arg(long, default_value = "Brookfield Estate Residents")]
        group: String,
        /// Already filled? Give the demo accounts a new password and print it
        #[arg(long)]
        new_password: bool,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// People from a CSV: an electoral register, an Action Network or NationBuilder export, or any CSV with a mapping.
    /// Importing the same file again creates nobody twice, and carries on an import that was cut short.
    People(import::PeopleArgs),
    /// Postcode centres (`postcode,latitude,longitude`, as converted from the ONS Postcode Directory), so mutual aid can measure distances.
    Postcodes(import::PostcodesArgs),
    /// Representatives: Democracy Club's candidates CSV, or any CSV of name, party, ward or constituency, body and email.
    /// Loading the same people again updates them; it never duplicates anyone.
    Representatives(import::RepresentativesArgs),
}

#[derive(Subcommand)]
enum GroupCommand {
    /// Create a group, optionally inside a parent group.
    Create {
        name: String,
        /// Name of the parent group
        #[arg(long)]
        parent: Option<String>,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user with a role in a group (the password is read from stdin, or prompted for in a terminal);
    /// for an existing account, only set the role.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Name of the group
        #[arg(long)]
        group: String,
        /// admin, organiser or volunteer
        #[arg(long)]
        role: String,
    },
    /// Set a new password for an account (read from stdin, or prompted for in a terminal) and end its sessions.
    SetPassword {
        #[arg(long)]
        email: String,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Print a new API token for a user's membership of a group. Only its hash is stored.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        group: String,
        /// What it is for, as the group's tokens page lists it.
        #[arg(long, default_value = "command line")]
        name: String,
    },
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let log_json = matches!(cli.command, Command::Serve { log_json: true, .. });
    init_logging(log_json);
    let result = match cli.command {
        Command::Serve { listen, public_url, metrics_listen, smtp_url, mail_from, .. } => {
            commands::serve(cli.db, commands::ServeArgs { listen, public_url, metrics_listen, smtp_url, mail_from }).await
        }
        Command::Group(GroupCommand::Create { name, parent }) => commands::group_create(cli.db, &name, parent.as_deref()).await,
        Command::User(UserCommand::Create { email, name, group, role }) => {
            commands::user_create(cli.db, &email, &name, &group, &role).await
        }
        Command::User(UserCommand::SetPassword { email }) => commands::user_set_password(cli.db, &email).await,
        Command::Token(TokenCommand::Create { email, group, name }) => commands::token_create(cli.db, &email, &group, &name).await,
        Command::Import(ImportCommand::People(args)) => import::people(cli.db, args).await,
        Command::Import(ImportCommand::Postcodes(args)) => import::postcodes(cli.db, args).await,
        Command::Import(ImportCommand::Representatives(args)) => import::representatives(cli.db, args).await,
        Command::Export { group, dir } => commands::export(cli.db, &group, &dir).await,
        Command::Backup { path } => commands::backup(cli.db, &path).await,
        Command::Restore { path } => commands::restore(cli.db, &path).await,
        Command::Demo { group, new_password } => demo::run(cli.db, &group, new_password).await,
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn init_logging(json: bool) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("TREDEGAR_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}
