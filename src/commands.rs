//! The subcommands other than `demo`.

use std::io::BufRead;
use std::path::Path;
use tredegar_domain::AuditAction;

use anyhow::{Context, anyhow, bail};
use tredegar_db::{Db, audit, groups, tokens, users};
use tredegar_domain::contact::{Password, required_line};
use tredegar_domain::groups::{parse_group_name, slugify};
use tredegar_domain::{Email, Role};
use tredegar_web::{AppState, Clock, Config, random_token, token_hash};

use crate::DbArgs;
use crate::config::{self, FileConfig};

/// Open (and migrate) the database these options name.
pub async fn open(args: &DbArgs) -> anyhow::Result<(Db, FileConfig)> {
    let file = FileConfig::load(args.config.as_deref())?;
    let url = config::database_url(args.database_url.clone(), &file, args.data_dir.clone());
    let db = Db::connect(&url).await.with_context(|| format!("opening {}", redact(&url)))?;
    db.migrate().await?;
    Ok((db, file))
}

/// Never print a password that is part of a URL.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// What `serve` is told on its command line.
pub struct ServeArgs {
    pub listen: Option<String>,
    pub public_url: Option<String>,
    pub metrics_listen: Option<String>,
    pub smtp_url: Option<String>,
    pub mail_from: Option<String>,
}

pub async fn serve(args: DbArgs, serve: ServeArgs) -> anyhow::Result<()> {
    let (db, file) = open(&args).await?;
    let url = config::database_url(args.database_url.clone(), &file, args.data_dir.clone());
    // Held until the server stops: `restore` refuses while it is.
    let _serving = tredegar_db::serving(&url).context("marking the database as in use")?;
    let listen = serve.listen.or(file.listen.clone()).unwrap_or_else(|| config::DEFAULT_LISTEN.to_string());
    let listener = tokio::net::TcpListener::bind(&listen).await.with_context(|| format!("listening on {listen}"))?;
    let addr = listener.local_addr()?;
    let public_url = tredegar_web::public_url_for(addr, serve.public_url.or(file.public_url.clone()).as_deref()).map_err(|e| anyhow!(e))?;
    let defaults = Config::default();
    let config = Config {
        secure_cookies: public_url.starts_with("https://"),
        public_url: public_url.clone(),
        body_limit: file.body_limit_kib.map_or(defaults.body_limit, |k| k * 1024),
        login_attempts: file.login_attempts.unwrap_or(defaults.login_attempts),
        api_requests_per_minute: file.api_requests_per_minute,
        trusted_proxies: file.trusted_proxies.clone().unwrap_or_default(),
        metrics_token: std::env::var("TREDEGAR_METRICS_TOKEN").ok().filter(|t| !t.is_empty()).or(file.metrics_token.clone()),
        invitation_days: file.invitation_days.unwrap_or(defaults.invitation_days),
        header_timeout: file.header_timeout_seconds.map_or(defaults.header_timeout, std::time::Duration::from_secs),
        max_connections: file.max_connections.unwrap_or(defaults.max_connections),
        smtp_url: serve.smtp_url.or(file.smtp_url.clone()).filter(|u| !u.is_empty()),
        mail_from: serve.mail_from.or(file.mail_from.clone()).unwrap_or(defaults.mail_from),
        job_workers: file.job_workers.unwrap_or(defaults.job_workers),
        public_posts_per_address: file.public_posts_per_address.unwrap_or(defaults.public_posts_per_address),
        uploads_dir: config::data_dir(args.data_dir.clone(), &file).join("uploads"),
        import_max_bytes: file.import_max_mib.map_or(defaults.import_max_bytes, |m| m.saturating_mul(1024 * 1024)),
        document_max_bytes: file.document_max_mib.map_or(defaults.document_max_bytes, |m| m.saturating_mul(1024 * 1024)),
        ..defaults
    };
    if config.smtp_url.is_none() {
        tracing::warn!("no SMTP server is configured (TREDEGAR_SMTP_URL): email waits in the outbox until one is");
    }
    let mut tx = db.read().await?;
    let first_run = users::count(&mut tx).await? == 0;
    drop(tx);
    // Each connection is a file handle: make room for the cap and the database's own.
    let wanted = u64::try_from(config.max_connections).unwrap_or(u64::MAX).saturating_add(256);
    match rlimit::increase_nofile_limit(wanted) {
        Ok(got) if got < wanted => tracing::warn!(got, wanted, "the open-file limit is lower than max_connections needs"),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "could not raise the open-file limit"),
    }
    let state = AppState::new(db.clone(), config).map_err(|e| anyhow!(e))?;
    if let Some(metrics_listen) = serve.metrics_listen.or(file.metrics_listen.clone()) {
        let metrics = tokio::net::TcpListener::bind(&metrics_listen).await.with_context(|| format!("listening on {metrics_listen}"))?;
        tracing::info!(addr = %metrics.local_addr()?, "metrics are served here");
        tokio::spawn(tredegar_web::serve_metrics(metrics, state.clone()));
    }
    let shutdown = tredegar_web::shutdown_signal();
    tracing::info!(%addr, "Tredegar is listening");
    if first_run {
        println!("Tredegar is running. Open {public_url}/setup to name your group and create its first admin.");
    } else {
        println!("Tredegar is running. Open {public_url}/ to sign in.");
    }
    tredegar_web::serve_until(listener, state, shutdown).await?;
    db.close().await;
    Ok(())
}

/// The operator's scope in a group: the command line acting as its admin.
pub async fn operator(tx: &mut tredegar_db::Tx, group: &groups::Group) -> anyhow::Result<tredegar_db::Scope> {
    tredegar_db::Scope::for_operator(tx, &group.slug).await?.ok_or_else(|| anyhow!("the group '{}' has gone", group.name))
}

/// Find a group by its name (or slug).
pub async fn find_group(db: &Db, name: &str) -> anyhow::Result<groups::Group> {
    let mut tx = db.read().await?;
    groups::by_slug(&mut tx, &slugify(name)).await?.ok_or_else(|| anyhow!("there is no group called '{name}'"))
}

pub async fn group_create(args: DbArgs, name: &str, parent: Option<&str>) -> anyhow::Result<()> {
    let (db, _) = open(&args).await?;
    let (name, slug) = parse_group_name("name", name)?;
    let parent = match parent {
        Some(p) => Some(find_group(&db, p).await?.id),
        None => None,
    };
    let now = Clock.now();
    let mut tx = db.write().await?;
    let group = groups::create(&mut tx, &name, &slug, parent, now).await?;
    let operator = operator(&mut tx, &group).await?;
    audit::record(&mut tx, &operator, AuditAction::Group, &group.name, "group created", now).await?;
    tx.commit().await?;
    println!("Created group '{}' (/g/{})", group.name, group.slug);
    Ok(())
}

/// The password from stdin: in a terminal a prompt that does not echo it,
/// otherwise the first line (for scripts).
fn read_password() -> anyhow::Result<Password> {
    use std::io::IsTerminal;
    let line = if std::io::stdin().is_terminal() {
        rpassword::prompt_password(format!("Password (at least {} characters): ", Password::MIN_CHARS)).context("reading the password")?
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).context("reading the password from stdin")?;
        line
    };
    Ok(Password::parse("password", line.trim_end_matches(['\n', '\r']))?)
}

pub async fn user_create(args: DbArgs, email: &str, name: &str, group: &str, role: &str) -> anyhow::Result<()> {
    let email = Email::parse("--email", email)?;
    let name = required_line("--name", name, 120)?;
    let role = Role::parse(role)?;
    let (db, _) = open(&args).await?;
    let group = find_group(&db, group).await?;
    let mut tx = db.read().await?;
    let existing = users::by_email(&mut tx, &email.key()).await?;
    drop(tx);
    let now = Clock.now();
    let (user, made) = match existing {
        Some(u) => (u, false),
        None => {
            let hash = tredegar_web::auth::hash_password(read_password()?).await?;
            let mut tx = db.write().await?;
            let u = users::create(&mut tx, &email, &name, &hash, now).await?;
            tx.commit().await?;
            (u, true)
        }
    };
    let mut tx = db.write().await?;
    users::set_membership(&mut tx, group.id, user.id, role, now).await?;
    let operator = operator(&mut tx, &group).await?;
    audit::record(
        &mut tx,
        &operator,
        AuditAction::Role,
        &format!("user {}", user.id),
        &format!("{} made {} from the command line", user.name, role.label()),
        now,
    )
    .await?;
    tx.commit().await?;
    if !made {
        println!(
            "An account for {} already exists: its name and password are unchanged (to reset the password, use `tredegar user set-password --email {}`).",
            user.email, user.email
        );
    }
    println!("{} is now {} of '{}'", user.email, role.label().to_lowercase(), group.name);
    Ok(())
}

/// Give an account a new password (read like `user create` reads one) and
/// end all its sessions: how an operator resets a lost password.
pub async fn user_set_password(args: DbArgs, email: &str) -> anyhow::Result<()> {
    let email = Email::parse("--email", email)?;
    let (db, _) = open(&args).await?;
    let mut tx = db.read().await?;
    let user = users::by_email(&mut tx, &email.key()).await?.ok_or_else(|| anyhow!("there is no account with email {}", email.as_str()))?;
    drop(tx);
    let hash = tredegar_web::auth::hash_password(read_password()?).await?;
    let mut tx = db.write().await?;
    users::set_password(&mut tx, user.id, &hash).await?;
    tx.commit().await?;
    println!("New password set for {}; every session of theirs has ended.", user.email);
    Ok(())
}

pub async fn token_create(args: DbArgs, email: &str, group: &str, name: &str) -> anyhow::Result<()> {
    let email = Email::parse("--email", email)?;
    let (db, _) = open(&args).await?;
    let group = find_group(&db, group).await?;
    let mut tx = db.write().await?;
    let user = users::by_email(&mut tx, &email.key()).await?.ok_or_else(|| anyhow!("there is no user with email {}", email.as_str()))?;
    let Some(member) = tredegar_db::Scope::for_member(&mut tx, user.id, &group.slug).await? else {
        bail!("{} is not a member of '{}'", email.as_str(), group.name);
    };
    let name = required_line("--name", name, 100)?;
    let token = random_token()?;
    let now = Clock.now();
    let id = tokens::create(&mut tx, &member, &name, &token_hash(&token), now).await?;
    let operator = operator(&mut tx, &group).await?;
    let detail = format!("{name:?} made for user {}", user.id);
    audit::record(&mut tx, &operator, AuditAction::Token, &format!("API token {id}"), &detail, now).await?;
    tx.commit().await?;
    println!("{token}");
    Ok(())
}

/// Everything a group holds, as `DIR/<group>-<date>.zip`, readable by its owner only.
pub async fn export(args: DbArgs, group: &str, dir: &Path) -> anyhow::Result<()> {
    let (db, _) = open(&args).await?;
    let group = find_group(&db, group).await?;
    let now = Clock.now();
    std::fs::create_dir_all(dir).with_context(|| format!("making {}", dir.display()))?;
    let path = dir.join(format!("{}-{}.zip", group.slug, now.format("%Y-%m-%d-%H%M%S")));
    if path.exists() {
        bail!("{} already exists", path.display());
    }
    tredegar_db::owner_only(&path)?;
    let file = std::fs::OpenOptions::new().write(true).truncate(true).open(&path).with_context(|| format!("writing {}", path.display()))?;
    let mut tx = db.write().await?;
    let operator = operator(&mut tx, &group).await?;
    audit::record(&mut tx, &operator, AuditAction::Export, "everything", "the whole group, as a zip archive", now).await?;
    tx.commit().await?;
    let mut tx = db.read().await?;
    tredegar_db::export::write_archive(&mut tx, &operator, file, now).await?;
    println!("Wrote everything '{}' holds to {}", group.name, path.display());
    Ok(())
}

pub async fn backup(args: DbArgs, path: &Path) -> anyhow::Result<()> {
    sqlite_only(&args)?;
    let (db, _) = open(&args).await?;
    let audit = tredegar_db::audit_path(&path.to_string_lossy());
    for file in [path, Path::new(&audit)] {
        if file.exists() {
            bail!("{} already exists; choose a new file name", file.display());
        }
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty() && !d.is_dir()) {
        bail!("{} is not a folder that exists; make it first, or choose another", dir.display());
    }
    tredegar_db::backup::snapshot(&db, path).await?;
    println!("Backed up to {} and its audit log to {audit}", path.display());
    Ok(())
}

/// Remove each file name with each of these endings ("" for the file
/// itself, "-wal" and "-shm" for what SQLite makes beside it), if there.
fn remove_each(files: [&str; 2], endings: &[&str]) {
    for file in files {
        for ending in endings {
            let _ = std::fs::remove_file(format!("{file}{ending}"));
        }
    }
}

/// A staging copy's files, whole.
const STAGED: &[&str] = &["", "-wal", "-shm"];

/// Backup and restore are ours on SQLite; on PostgreSQL, pg_dump does it. Returns the URL.
fn sqlite_only(args: &DbArgs) -> anyhow::Result<String> {
    let file = FileConfig::load(args.config.as_deref())?;
    let url = config::database_url(args.database_url.clone(), &file, args.data_dir.clone());
    if !url.starts_with("sqlite:") {
        bail!("{}", tredegar_db::backup::POSTGRES_HOW_TO);
    }
    Ok(url)
}

pub async fn restore(args: DbArgs, path: &Path) -> anyhow::Result<()> {
    let url = sqlite_only(&args)?;
    let target = tredegar_db::sqlite_path(&url).ok_or_else(|| anyhow!("the database URL names no file"))?;
    if tredegar_db::is_served(target) {
        bail!("Tredegar is serving {target}: stop the server first, then restore");
    }
    // A backup is two files: the database, and its audit log beside it.
    let audit = tredegar_db::audit_path(&path.to_string_lossy());
    // Copy beside the target and check the copy is a Tredegar database; the
    // old database stays whole until the final renames.
    let staging = format!("{target}.restoring");
    let staging_audit = tredegar_db::audit_path(&staging);
    let _ = std::fs::remove_file(&staging_audit);
    std::fs::copy(path, &staging).with_context(|| format!("copying {}", path.display()))?;
    if Path::new(&audit).exists() {
        std::fs::copy(&audit, &staging_audit).with_context(|| format!("copying {audit}"))?;
    }
    for file in [&staging, &staging_audit] {
        tredegar_db::owner_only(Path::new(file))?;
    }
    let checked = async {
        let copy = Db::connect(&format!("sqlite://{staging}")).await?;
        let mut tx = copy.read().await?;
        let users = users::count(&mut tx).await;
        // Before the audit log had its own file, a backup was one file; since, its audit log must be there.
        let entries = audit::count_all(&mut tx).await;
        drop(tx);
        copy.close().await;
        Ok::<_, tredegar_db::DbError>((users?, entries))
    };
    let users = match checked.await {
        Ok((users, Ok(_))) => users,
        Ok((_, Err(_))) => {
            remove_each([&staging, &staging_audit], STAGED);
            bail!("{} has no audit log beside it: {audit} is missing or is not its log. A backup is both files", path.display());
        }
        Err(e) => {
            remove_each([&staging, &staging_audit], STAGED);
            bail!("{} is not a Tredegar backup: {e}", path.display());
        }
    };
    let target_audit = tredegar_db::audit_path(target);
    remove_each([target, &target_audit], &["-wal", "-shm"]);
    for (from, to) in [(staging_audit.as_str(), target_audit.as_str()), (staging.as_str(), target)] {
        std::fs::rename(from, to).with_context(|| format!("replacing {to}"))?;
        // What the check wrote to the copy's log goes with it; SQLite reads it back.
        let log = format!("{from}-wal");
        if Path::new(&log).exists() {
            std::fs::rename(&log, format!("{to}-wal")).with_context(|| format!("replacing {to}-wal"))?;
        }
    }
    remove_each([&staging, &staging_audit], STAGED);
    let db = Db::connect(&url).await?;
    db.migrate().await?;
    db.close().await;
    println!("Restored {} ({users} users) into {target}", path.display());
    Ok(())
}
