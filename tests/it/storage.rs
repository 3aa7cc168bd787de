//! Storage: migrations agree across backends, writes never hit "database is
//! locked", and backup and restore work from the command line.

use std::collections::BTreeSet;
use std::process::Command;

use reqwest::StatusCode;
use serde_json::json;
use tredegar_db::{Backend, Db, DbError};
use tredegar_domain::Role;

use crate::helpers::{TestApp, postgres_admin_url};

crate::on_both_backends!(fifty_concurrent_writers_all_succeed);

#[test]
fn both_backends_have_the_same_migrations() {
    let sqlite = Db::migration_versions(Backend::Sqlite);
    let postgres = Db::migration_versions(Backend::Postgres);
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, postgres);
}

/// Tables, columns and nullability, as each backend reports them.
async fn schema(db: &Db) -> BTreeSet<(String, String, bool)> {
    let rows: Vec<(String, String, bool)> = match db {
        Db::Sqlite { read, .. } => sqlx::query_as(
            "SELECT m.name, p.name, p.\"notnull\" OR p.pk > 0 FROM sqlite_master m, pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%'",
        )
        .fetch_all(read)
        .await
        .unwrap(),
        Db::Postgres(pool) => sqlx::query_as(
            "SELECT table_name::text, column_name::text, is_nullable = 'NO' FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%'",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
    };
    rows.into_iter().collect()
}

#[tokio::test]
async fn both_backends_migrate_to_the_same_tables_and_columns() {
    let sqlite = TestApp::sqlite().await;
    let Some(postgres) = TestApp::postgres().await else { return };
    let (a, b) = (schema(&sqlite.db).await, schema(&postgres.db).await);
    assert!(a.len() > 50, "{a:?}");
    assert_eq!(a, b);
}

#[tokio::test]
async fn an_unknown_database_scheme_is_an_error_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("mysql://{}/x.db", dir.path().display());
    assert!(matches!(Db::connect(&url).await, Err(DbError::UnknownScheme(s)) if s == "mysql"));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

async fn fifty_concurrent_writers_all_succeed(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let user = app.user(&group, "org@example.org", Role::Organiser).await;
    let token = app.token(&group, user).await;
    let mut writers = Vec::new();
    for i in 0..50 {
        let api = app.api(&token);
        writers.push(tokio::spawn(async move {
            api.post("people", json!({"person": {"given_name": format!("Writer {i}"), "email_addresses": [{"address": format!("w{i}@example.org")}]}, "add_tags": []})).await
        }));
    }
    for w in writers {
        let (status, body) = w.await.unwrap();
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    assert_eq!(app.api(&token).get("people").await.1["total_records"], 50);
}

fn tredegar(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tredegar")).current_dir(dir).args(args).env_remove("TREDEGAR_DATABASE_URL").output().unwrap()
}

#[test]
fn backup_while_serving_then_restore() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let demo = tredegar(d, &["demo"]);
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    assert!(String::from_utf8_lossy(&demo.stdout).contains("residents of Brookfield Estate"));
    let mut server =
        Command::new(env!("CARGO_BIN_EXE_tredegar")).current_dir(d).args(["serve", "--listen", "127.0.0.1:0"]).spawn().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let backup = tredegar(d, &["backup", "snapshot.db"]);
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(backup.status.success(), "{}", String::from_utf8_lossy(&backup.stderr));
    let again = tredegar(d, &["backup", "snapshot.db"]);
    assert!(!again.status.success() && String::from_utf8_lossy(&again.stderr).contains("already exists"));

    let made = tredegar(d, &["group", "create", "Made After Backup"]);
    assert!(made.status.success());
    let restored = tredegar(d, &["restore", "snapshot.db"]);
    assert!(restored.status.success(), "{}", String::from_utf8_lossy(&restored.stderr));
    // The group made after the backup is gone; the demo group is back.
    let dup = tredegar(d, &["group", "create", "Made After Backup"]);
    assert!(dup.status.success(), "{}", String::from_utf8_lossy(&dup.stderr));
    let demo_again = tredegar(d, &["group", "create", "Brookfield Estate Residents"]);
    assert!(String::from_utf8_lossy(&demo_again.stderr).contains("already exists"));

    let junk = d.join("junk.db");
    std::fs::write(&junk, "not a database").unwrap();
    let bad = tredegar(d, &["restore", "junk.db"]);
    assert!(!bad.status.success());
    let still = tredegar(d, &["group", "create", "Brookfield Estate Residents"]);
    assert!(String::from_utf8_lossy(&still.stderr).contains("already exists"), "a bad restore leaves the database alone");
}

#[test]
fn cli_users_and_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(tredegar(d, &["group", "create", "National"]).status.success());
    assert!(tredegar(d, &["group", "create", "Riverside", "--parent", "National"]).status.success());
    let no_parent = tredegar(d, &["group", "create", "Lost", "--parent", "Nowhere"]);
    assert!(String::from_utf8_lossy(&no_parent.stderr).contains("there is no group called 'Nowhere'"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_tredegar"))
        .current_dir(d)
        .args(["user", "create", "--email", "ann@example.org", "--name", "Ann", "--group", "Riverside", "--role", "admin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"short\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("at least 12 characters"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_tredegar"))
        .current_dir(d)
        .args(["user", "create", "--email", "ann@example.org", "--name", "Ann", "--group", "Riverside", "--role", "admin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"a long enough password\n").unwrap();
    assert!(child.wait_with_output().unwrap().status.success());
    let token = tredegar(d, &["token", "create", "--email", "ann@example.org", "--group", "Riverside"]);
    assert!(token.status.success());
    assert_eq!(String::from_utf8_lossy(&token.stdout).trim().len(), 64);
    let not_member = tredegar(d, &["token", "create", "--email", "ann@example.org", "--group", "National"]);
    assert!(String::from_utf8_lossy(&not_member.stderr).contains("is not a member"));
    let help = tredegar(d, &["user", "create", "--help"]);
    assert!(String::from_utf8_lossy(&help.stdout).contains("Reads the password from stdin"));
}

#[test]
fn postgres_backups_point_to_pg_dump() {
    let Some(admin) = postgres_admin_url() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tredegar"))
        .current_dir(dir.path())
        .args(["backup", "x.dump", "--database-url", &admin])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump"));
}

#[test]
fn configuration_layers_file_then_environment_then_flags() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("tredegar.toml"), "data_dir = \"from-file\"\n").unwrap();
    assert!(tredegar(d, &["group", "create", "From File"]).status.success());
    assert!(d.join("from-file/tredegar.db").exists(), "the file's data_dir is used");

    let env = Command::new(env!("CARGO_BIN_EXE_tredegar"))
        .current_dir(d)
        .args(["group", "create", "From Env"])
        .env("TREDEGAR_DATA_DIR", d.join("from-env"))
        .env_remove("TREDEGAR_DATABASE_URL")
        .output()
        .unwrap();
    assert!(env.status.success());
    assert!(d.join("from-env/tredegar.db").exists(), "the environment beats the file");

    let url = format!("sqlite://{}", d.join("from-flag.db").display());
    let flag = Command::new(env!("CARGO_BIN_EXE_tredegar"))
        .current_dir(d)
        .args(["group", "create", "From Flag", "--database-url", &url])
        .env("TREDEGAR_DATA_DIR", d.join("from-env"))
        .output()
        .unwrap();
    assert!(flag.status.success());
    assert!(d.join("from-flag.db").exists(), "a flag beats both");

    std::fs::write(d.join("tredegar.toml"), "data_dri = \"typo\"\n").unwrap();
    let typo = tredegar(d, &["group", "create", "Typo"]);
    assert!(!typo.status.success());
    assert!(String::from_utf8_lossy(&typo.stderr).contains("unknown field `data_dri`"), "{}", String::from_utf8_lossy(&typo.stderr));
    std::fs::remove_file(d.join("tredegar.toml")).unwrap();
    let scheme = tredegar(d, &["group", "create", "X", "--database-url", "mysql://localhost/x"]);
    assert!(String::from_utf8_lossy(&scheme.stderr).contains("must start with sqlite:// or postgres://"));
}
