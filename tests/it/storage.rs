//! Storage: migrations agree across backends, writes never hit "database is
//! locked", and backup and restore work from the command line.

use std::collections::BTreeSet;
use std::process::Command;

use reqwest::StatusCode;
use serde_json::json;
use tredegar_db::{Backend, Db, DbError};
use tredegar_domain::Role;

use crate::helpers::{TestApp, postgres_admin_url};

crate::on_both_backends!(fifty_concurrent_writers_all_succeed, cli_groups_users_tokens_and_demo);

#[test]
fn both_backends_have_the_same_migrations() {
    let sqlite = Db::migration_versions(Backend::Sqlite);
    let postgres = Db::migration_versions(Backend::Postgres);
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, postgres);
}

/// SQLite's schema, with the audit log's attached file.
const SQLITE_MASTER: &str =
    "(SELECT type, name, tbl_name FROM main.sqlite_master UNION ALL SELECT type, name, tbl_name FROM audit.sqlite_master)";

/// Tables, columns and nullability, as each backend reports them.
pub async fn schema(db: &Db) -> BTreeSet<(String, String, bool)> {
    let rows: Vec<(String, String, bool)> = match db {
        Db::Sqlite { read, .. } => sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT m.name, p.name, p.\"notnull\" OR p.pk > 0 FROM {SQLITE_MASTER} m, pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%'",
        )))
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

/// Indexes made with CREATE INDEX: (table, index, column, position).
async fn indexes(db: &Db) -> BTreeSet<(String, String, String, i64)> {
    let rows: Vec<(String, String, String, i64)> = match db {
        Db::Sqlite { read, .. } => sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT m.name, il.name, ii.name, ii.seqno FROM {SQLITE_MASTER} m, pragma_index_list(m.name) il, pragma_index_info(il.name) ii \
             WHERE m.type = 'table' AND il.origin = 'c'",
        )))
        .fetch_all(read)
        .await
        .unwrap(),
        Db::Postgres(pool) => sqlx::query_as(
            "SELECT t.relname::text, i.relname::text, a.attname::text, (k.ord - 1)::bigint FROM pg_index x \
             JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid \
             JOIN pg_namespace n ON n.oid = t.relnamespace \
             JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord) ON TRUE \
             JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum \
             WHERE n.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
    };
    rows.into_iter().collect()
}

/// Foreign keys: (table, column, referenced table, on delete).
async fn foreign_keys(db: &Db) -> BTreeSet<(String, String, String, String)> {
    let rows: Vec<(String, String, String, String)> = match db {
        Db::Sqlite { read, .. } => sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT m.name, f.\"from\", f.\"table\", f.on_delete FROM {SQLITE_MASTER} m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table'",
        )))
        .fetch_all(read)
        .await
        .unwrap(),
        Db::Postgres(pool) => sqlx::query_as(
            "SELECT t.relname::text, a.attname::text, r.relname::text, \
             CASE c.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'r' THEN 'RESTRICT' ELSE 'NO ACTION' END \
             FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid \
             JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY (c.conkey) \
             JOIN pg_namespace n ON n.oid = t.relnamespace WHERE c.contype = 'f' AND n.nspname = 'public'",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
    };
    rows.into_iter().collect()
}

/// Triggers: (table, trigger).
async fn triggers(db: &Db) -> BTreeSet<(String, String)> {
    let rows: Vec<(String, String)> = match db {
        Db::Sqlite { read, .. } => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT tbl_name, name FROM {SQLITE_MASTER} WHERE type = 'trigger'")))
                .fetch_all(read)
                .await
                .unwrap()
        }
        Db::Postgres(pool) => sqlx::query_as(
            "SELECT event_object_table::text, trigger_name::text FROM information_schema.triggers WHERE trigger_schema = 'public'",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
    };
    rows.into_iter().collect()
}

#[tokio::test]
async fn both_backends_migrate_to_the_same_schema() {
    let sqlite = TestApp::sqlite().await;
    let Some(postgres) = TestApp::postgres().await else { return };
    let (a, b) = (schema(&sqlite.db).await, schema(&postgres.db).await);
    assert!(a.len() > 50, "{a:?}");
    assert_eq!(a, b, "tables, columns and nullability");
    let (a, b) = (indexes(&sqlite.db).await, indexes(&postgres.db).await);
    assert!(a.len() > 15, "{a:?}");
    assert_eq!(a, b, "indexes");
    let (a, b) = (foreign_keys(&sqlite.db).await, foreign_keys(&postgres.db).await);
    assert!(a.len() > 15, "{a:?}");
    assert_eq!(a, b, "foreign keys");
    let (t, u) = (triggers(&sqlite.db).await, triggers(&postgres.db).await);
    assert!(t.len() >= 6, "{t:?}");
    assert_eq!(t, u, "triggers");
    // Erasure is a real delete: every row that points at a person goes with them.
    for (table, column, to, on_delete) in &a {
        if to == "people" {
            assert!(on_delete == "CASCADE" || on_delete == "SET NULL", "{table}.{column} keeps a person's row after erasure");
        }
    }
    // Merging two people moves every row that points at the one merged
    // away; a table `people::merge` forgot would lose them with that person.
    let merge = include_str!("../../crates/db/src/people/write.rs");
    let merge = &merge[merge.find("pub async fn merge").unwrap_or(0)..];
    for (table, _, to, _) in &a {
        if to == "people" {
            assert!(merge.contains(&format!("\"{table}\"")) || merge.contains(&format!(" {table} ")), "people::merge moves {table}");
        }
    }
    // A `person_id` without a key to `people` is deleted by a trigger on
    // `people` (a derived table, where the key would slow every write), or is
    // the audit log's bare id, which erasure keeps on purpose.
    let by_trigger = [("person_terms", "person_terms_go_with_person")];
    for (table, ..) in schema(&sqlite.db).await.iter().filter(|(_, column, _)| column == "person_id") {
        if a.iter().any(|(t, column, to, _)| t == table && column == "person_id" && to == "people") || table == "audit_log" {
            continue;
        }
        let trigger = by_trigger.iter().find(|(t, _)| t == table).map(|(_, trigger)| trigger.to_string());
        let trigger = trigger.unwrap_or_else(|| panic!("{table}.person_id has no key to people and no trigger that erases it"));
        assert!(t.contains(&("people".to_string(), trigger.clone())), "{trigger} is on people");
    }
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

/// The binary, run with the loosest umask, so the files it makes show the modes it sets itself.
fn tredegar(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new("sh")
        .current_dir(dir)
        .args(["-c", "umask 000 && exec \"$0\" \"$@\"", env!("CARGO_BIN_EXE_tredegar")])
        .args(args)
        .env_remove("TREDEGAR_DATABASE_URL")
        .output()
        .unwrap()
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn backup_while_serving_then_restore() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let demo = tredegar(d, &["demo"]);
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    assert!(String::from_utf8_lossy(&demo.stdout).contains("residents of Brookfield Estate"));
    let mut server = Command::new(env!("CARGO_BIN_EXE_tredegar"))
        .current_dir(d)
        .args(["serve", "--listen", "localhost:0"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // It says where to go, as soon as it listens.
    let mut said = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(server.stdout.take().unwrap()), &mut said).unwrap();
    assert!(said.contains("Tredegar is running. Open http://") && said.contains("/ to sign in"), "{said}");
    let backup = tredegar(d, &["backup", "snapshot.db"]);
    let nowhere = tredegar(d, &["backup", "missing/snapshot.db"]);
    assert!(!nowhere.status.success() && String::from_utf8_lossy(&nowhere.stderr).contains("missing is not a folder that exists"));
    // Restoring under a running server would leave it writing to deleted files.
    let under = tredegar(d, &["restore", "snapshot.db"]);
    assert!(!under.status.success(), "{}", String::from_utf8_lossy(&under.stdout));
    assert!(String::from_utf8_lossy(&under.stderr).contains("stop the server first"), "{}", String::from_utf8_lossy(&under.stderr));
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(backup.status.success(), "{}", String::from_utf8_lossy(&backup.stderr));
    let again = tredegar(d, &["backup", "snapshot.db"]);
    assert!(!again.status.success() && String::from_utf8_lossy(&again.stderr).contains("already exists"));
    #[cfg(unix)]
    for file in [
        "tredegar-data/tredegar.db",
        "tredegar-data/tredegar.db-wal",
        "tredegar-data/tredegar.db-audit",
        "snapshot.db",
        "snapshot.db-audit",
    ] {
        let path = d.join(file);
        if path.exists() || !file.ends_with("-wal") {
            assert_eq!(mode(&path), 0o600, "{file} is the owner's alone");
        }
    }

    let made = tredegar(d, &["group", "create", "Made After Backup"]);
    assert!(made.status.success());
    let restored = tredegar(d, &["restore", "snapshot.db"]);
    assert!(restored.status.success(), "{}", String::from_utf8_lossy(&restored.stderr));
    let left: Vec<_> = std::fs::read_dir(d.join("tredegar-data")).unwrap().filter_map(|e| e.ok()?.file_name().into_string().ok()).collect();
    assert!(!left.iter().any(|f| f.contains(".restoring")), "the staging copy is cleared away: {left:?}");
    // The group made after the backup is gone; the demo group is back.
    let dup = tredegar(d, &["group", "create", "Made After Backup"]);
    assert!(dup.status.success(), "{}", String::from_utf8_lossy(&dup.stderr));
    let demo_again = tredegar(d, &["group", "create", "Brookfield Estate Residents"]);
    assert!(String::from_utf8_lossy(&demo_again.stderr).contains("already exists"));

    // A backup is two files; the database without its audit log is refused.
    std::fs::copy(d.join("snapshot.db"), d.join("lonely.db")).unwrap();
    let lonely = tredegar(d, &["restore", "lonely.db"]);
    assert!(!lonely.status.success());
    assert!(String::from_utf8_lossy(&lonely.stderr).contains("lonely.db-audit"), "{}", String::from_utf8_lossy(&lonely.stderr));
    assert!(!d.join("tredegar-data/tredegar.db.restoring").exists(), "the refused copy is cleared away");

    let junk = d.join("junk.db");
    std::fs::write(&junk, "not a database").unwrap();
    let bad = tredegar(d, &["restore", "junk.db"]);
    assert!(!bad.status.success());
    let still = tredegar(d, &["group", "create", "Brookfield Estate Residents"]);
    assert!(String::from_utf8_lossy(&still.stderr).contains("already exists"), "a bad restore leaves the database alone");
}

/// The command line against a test app's database, on either backend.
fn cli(app: &TestApp, dir: &std::path::Path, args: &[&str], stdin: &[u8]) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_tredegar"))
        .current_dir(dir)
        .args(args)
        .env("TREDEGAR_DATABASE_URL", &app.db_url)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

async fn cli_groups_users_tokens_and_demo(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let run = |args: &[&str], stdin: &[u8]| cli(&app, d, args, stdin);
    assert!(run(&["group", "create", "National"], b"").status.success());
    assert!(run(&["group", "create", "Riverside", "--parent", "National"], b"").status.success());
    let no_parent = run(&["group", "create", "Lost", "--parent", "Nowhere"], b"");
    assert!(String::from_utf8_lossy(&no_parent.stderr).contains("there is no group called 'Nowhere'"));
    let user = ["user", "create", "--email", "ann@example.org", "--name", "Ann", "--group", "Riverside", "--role", "admin"];
    let short = run(&user, b"short\n");
    assert!(!short.status.success() && String::from_utf8_lossy(&short.stderr).contains("at least 12 characters"));
    assert!(run(&user, b"a long enough password\n").status.success());
    let token = run(&["token", "create", "--email", "ann@example.org", "--group", "Riverside"], b"");
    assert!(token.status.success());
    let token = String::from_utf8_lossy(&token.stdout).trim().to_string();
    assert_eq!(token.len(), 64);
    // The token works against the running server, in its group and role.
    let (status, entry) = app.api(&token).get("").await;
    assert_eq!(status, StatusCode::OK, "{entry}");
    let not_member = run(&["token", "create", "--email", "ann@example.org", "--group", "National"], b"");
    assert!(String::from_utf8_lossy(&not_member.stderr).contains("is not a member"));
    let help = run(&["user", "create", "--help"], b"");
    assert!(String::from_utf8_lossy(&help.stdout).contains("password is read from stdin"));
    // An existing account: the role is set, and it says the password is unchanged.
    let again = run(&user, b"another password entirely\n");
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stdout).contains("already exists: its name and password are unchanged"));
    let mut tx = app.db.read().await.unwrap();
    let ann = tredegar_db::users::by_email(&mut tx, "ann@example.org").await.unwrap().unwrap();
    drop(tx);
    assert!(tredegar_web::auth::verify_password("a long enough password".into(), ann.password_hash.clone()).await, "password unchanged");
    // The last admin stays: the command line cannot demote her.
    let demote =
        run(&["user", "create", "--email", "ann@example.org", "--name", "Ann", "--group", "Riverside", "--role", "volunteer"], b"");
    assert!(!demote.status.success() && String::from_utf8_lossy(&demote.stderr).contains("at least one admin"), "{demote:?}");
    // An operator resets a lost password.
    let reset = run(&["user", "set-password", "--email", "ann@example.org"], b"a brand new long password\n");
    assert!(reset.status.success(), "{reset:?}");
    let mut tx = app.db.read().await.unwrap();
    let ann = tredegar_db::users::by_email(&mut tx, "ann@example.org").await.unwrap().unwrap();
    drop(tx);
    assert!(tredegar_web::auth::verify_password("a brand new long password".into(), ann.password_hash).await);
    let nobody = run(&["user", "set-password", "--email", "nobody@example.org"], b"a brand new long password\n");
    assert!(String::from_utf8_lossy(&nobody.stderr).contains("there is no account"));

    let demo = run(&["demo"], b"");
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    let said = String::from_utf8_lossy(&demo.stdout).to_string();
    assert!(said.contains("open http://127.0.0.1:8080/login") && said.contains("admin@brookfield.example.org"), "{said}");
    let again = run(&["demo"], b"");
    assert!(again.status.success(), "demo runs twice");
    assert!(String::from_utf8_lossy(&again.stdout).contains("demo --new-password"), "it says how to get a login back");
    let renewed = run(&["demo", "--new-password"], b"");
    let said = String::from_utf8_lossy(&renewed.stdout).to_string();
    let password = said.split("with the password ").nth(1).and_then(|r| r.split(' ').next()).expect("a password").to_string();
    let mut c = app.client();
    c.get(tredegar_web::paths::login()).await;
    let r = c.post_form(tredegar_web::paths::login(), &[("email", "admin@brookfield.example.org"), ("password", &password)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "the new password signs the admin in");
    let mut tx = app.db.read().await.unwrap();
    let demo_group = tredegar_db::groups::by_slug(&mut tx, "brookfield-estate-residents").await.unwrap().expect("the demo group");
    drop(tx);
    let organiser = app.user(&demo_group, "organiser@brookfield.example.org", Role::Organiser).await;
    let (_, people) = app.api(&app.token(&demo_group, organiser).await).get("people").await;
    // 55 residents, the 5 who asked for help, and the 2 members who offer it.
    assert_eq!(people["total_records"], 62, "the demo adds nobody twice");
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

/// The audit log moves to its own file in two steps of one file each (copy,
/// then drop the old table): a database stopped between them, or one from
/// before the move, finishes it at the next start, losing and doubling nothing.
#[tokio::test]
async fn the_audit_log_moves_to_its_own_file_whatever_stopped_it() {
    let app = TestApp::sqlite().await;
    let group = app.group("Brookfield Estate", None).await;
    let scope = app.scope(app.user(&group, "admin@example.org", Role::Admin).await, &group).await;
    let mut tx = app.db.write().await.unwrap();
    tredegar_db::audit::record(&mut tx, &scope, tredegar_domain::AuditAction::Export, "everything", "a test", chrono::Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let Db::Sqlite { write, .. } = &app.db else { panic!("sqlite") };
    let moved = || sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM audit.audit_log").fetch_one(write);
    let before = moved().await.unwrap();
    assert_eq!(before, 1);
    // As if stopped after the copy: the old table still holds every entry, and one more from before.
    sqlx::query("CREATE TABLE main.audit_log AS SELECT * FROM audit.audit_log").execute(write).await.unwrap();
    sqlx::query(
        "INSERT INTO main.audit_log (id, group_id, user_id, user_name, action, subject, detail, at, person_id) \
         SELECT randomblob(16), group_id, user_id, user_name, action, subject, 'from the old file', at, person_id FROM audit.audit_log LIMIT 1",
    )
    .execute(write)
    .await
    .unwrap();
    app.db.migrate().await.unwrap();
    assert_eq!(moved().await.unwrap(), before + 1, "nothing doubled, nothing lost");
    let old: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM main.sqlite_master WHERE name = 'audit_log'").fetch_one(write).await.unwrap();
    assert_eq!(old, 0, "the old table is gone");
    assert_eq!(crate::helpers::audited(&app, "from the old file").await, 1);
}
