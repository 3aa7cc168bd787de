//! The job queue: a failing job is retried with growing waits, then kept as
//! failed for admins to see and send round again; two workers sharing one
//! database never claim the same job; `serve` stops its workers cleanly.

use std::collections::HashSet;

use reqwest::StatusCode;
use tredegar_db::outbox::{self, NewMessage};
use tredegar_db::{Db, jobs};
use tredegar_domain::jobs::{Backoff, JobKind};
use tredegar_domain::mail::MailKind;
use tredegar_domain::{JobId, Role};

use crate::helpers::TestApp;
use crate::mailbox::Mailbox;

crate::on_both_backends!(two_workers_never_claim_the_same_job);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_job_is_retried_with_backoff_then_kept_on_sqlite() {
    let mailbox = Mailbox::start();
    let app = TestApp::sqlite_with(quick_retries(&mailbox)).await;
    a_failing_job_is_retried_with_backoff_then_kept(app, mailbox).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_job_is_retried_with_backoff_then_kept_on_postgres() {
    let mailbox = Mailbox::start();
    if let Some(app) = TestApp::postgres_with(quick_retries(&mailbox)).await {
        a_failing_job_is_retried_with_backoff_then_kept(app, mailbox).await;
    }
}

const SLUG: &str = "brookfield-estate";

fn quick_retries(mailbox: &Mailbox) -> tredegar_web::Config {
    let backoff = Backoff { base: chrono::Duration::milliseconds(300), cap: chrono::Duration::seconds(2), attempts: 3 };
    tredegar_web::Config { job_backoff: backoff, job_poll: std::time::Duration::from_millis(50), ..mailbox.config() }
}

async fn a_failing_job_is_retried_with_backoff_then_kept(app: TestApp, mailbox: Mailbox) {
    let group = app.group("Brookfield Estate", None).await;
    let mut admin = app.signed_in(&group, "admin@example.org", Role::Admin).await;
    let now = chrono::Utc::now();
    let mut tx = app.db.write().await.unwrap();
    for to in ["flaky@example.org", "down@example.org", "broken@example.org"] {
        let m = NewMessage {
            group: Some(group.id),
            person: None,
            user: None,
            kind: MailKind::TestSend,
            to,
            subject: "Hello",
            text: "Hello",
            unsubscribe: false,
            calendar: None,
        };
        outbox::queue(&mut tx, &m, now).await.unwrap();
    }
    tx.commit().await.unwrap();

    // Refused once, then delivered on the next attempt, after the wait.
    mailbox.wait_for("flaky@example.org").await;
    let flaky = mailbox.attempts("flaky@example.org");
    assert_eq!(flaky.len(), 2);
    assert!(flaky[1] - flaky[0] >= 0.29, "the retry waited the backoff: {flaky:?}");

    // Refused for now, every time: three attempts, each wait twice the last, then failed and shown.
    let mut page = admin.email_settings(SLUG).await;
    for _ in 0..200 {
        if page.body.contains(">Failed</span>") && page.body.matches(">Failed</span>").count() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        page = admin.email_settings(SLUG).await;
    }
    let down = mailbox.attempts("down@example.org");
    assert_eq!(down.len(), 3, "{down:?}");
    assert!(down[1] - down[0] >= 0.29 && down[2] - down[1] >= 0.59, "waits double: {down:?}");
    assert!(
        page.body.contains("“Hello” to down@example.org") && page.body.contains("451") && page.body.contains("3 attempts"),
        "{}",
        page.body
    );
    // Refused for good (no such mailbox): one attempt, then failed at once.
    assert_eq!(mailbox.attempts("broken@example.org").len(), 1);
    assert!(page.body.contains("“Hello” to broken@example.org") && page.body.contains("550"), "{}", page.body);
    assert!(page.body.contains("<dd id=\"failed-count\">2</dd>") && page.body.contains("<dd id=\"sent-count\">1</dd>"), "{}", page.body);

    // An admin sends one round again: three more attempts. Asking twice is no error.
    let id = job_id_in(&page.body, "down@example.org");
    assert_eq!(admin.post_job_retry(SLUG, id, &[]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(admin.post_job_retry(SLUG, id, &[]).await.status(), StatusCode::SEE_OTHER);
    for _ in 0..200 {
        if mailbox.attempts("down@example.org").len() == 6 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(mailbox.attempts("down@example.org").len(), 6);
    // Another group's admin cannot.
    let other = app.group("Other Estate", None).await;
    let mut stranger = app.signed_in(&other, "stranger@example.org", Role::Admin).await;
    stranger.email_settings("other-estate").await;
    assert_eq!(stranger.post_job_retry("other-estate", id, &[]).await.status(), StatusCode::NOT_FOUND);
}

/// The id in the "Try again" button of the job that sends to `to`.
fn job_id_in(body: &str, to: &str) -> JobId {
    let item = body.split("<li>").find(|li| li.contains(to)).expect("the job");
    let at = item.find("/settings/email/jobs/").expect("a retry button") + "/settings/email/jobs/".len();
    item[at..at + 36].parse().unwrap()
}

async fn two_workers_never_claim_the_same_job(app: TestApp) {
    let second = Db::connect(&app.db_url).await.unwrap();
    // Due tomorrow, so the server's own workers leave them alone.
    let tomorrow = chrono::Utc::now() + chrono::Duration::days(1);
    let mut tx = app.db.write().await.unwrap();
    let mut made = HashSet::new();
    for _ in 0..300 {
        made.insert(jobs::enqueue(&mut tx, JobKind::Retention, None, "{}", tomorrow).await.unwrap());
    }
    tx.commit().await.unwrap();
    let later = tomorrow + chrono::Duration::hours(1);
    let worker = |db: Db| async move {
        let mut mine = Vec::new();
        loop {
            let batch = jobs::claim(&db, 7, later, chrono::Duration::hours(1)).await.unwrap();
            if batch.is_empty() {
                return mine;
            }
            mine.extend(batch.into_iter().map(|j| j.id));
            // Room for the other worker between claims, as real workers leave while they run a batch.
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
    };
    let (a, b) = tokio::join!(tokio::spawn(worker(app.db.clone())), tokio::spawn(worker(second)));
    let (a, b) = (a.unwrap(), b.unwrap());
    // The server's recurring jobs fall due before then too; only ours count.
    let (a, b): (Vec<JobId>, Vec<JobId>) =
        (a.into_iter().filter(|j| made.contains(j)).collect(), b.into_iter().filter(|j| made.contains(j)).collect());
    let claimed: Vec<JobId> = a.iter().chain(&b).copied().collect();
    let unique: HashSet<JobId> = claimed.iter().copied().collect();
    assert_eq!(claimed.len(), unique.len(), "a job was claimed twice");
    assert_eq!(unique, made, "every job was claimed");
    assert!(!a.is_empty() && !b.is_empty(), "both workers took part: {} and {}", a.len(), b.len());
}

#[test]
fn serve_stops_its_workers_cleanly_and_refuses_a_bad_smtp_url() {
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let bad = Command::new(env!("CARGO_BIN_EXE_tredegar"))
        .current_dir(dir.path())
        .args(["serve", "--listen", "127.0.0.1:0", "--smtp-url", "ftp://mail.example.org"])
        .env_remove("TREDEGAR_DATABASE_URL")
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("smtp_url must look like smtp://host:port"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );

    let mut server = Command::new(env!("CARGO_BIN_EXE_tredegar"))
        .current_dir(dir.path())
        .args(["serve", "--listen", "127.0.0.1:0", "--smtp-url", "smtp://127.0.0.1:1"])
        .env_remove("TREDEGAR_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut said = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(server.stdout.take().unwrap()), &mut said).unwrap();
    assert!(said.contains("Tredegar is running"), "{said}");
    let term = Command::new("kill").args(["-TERM", &server.id().to_string()]).status().unwrap();
    assert!(term.success());
    let out = server.wait_with_output().unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "serve ends cleanly on SIGTERM: {log}");
    assert!(!log.contains("panicked"), "{log}");
}
