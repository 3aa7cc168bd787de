//! A real SMTP server on loopback for the tests that send email: aiosmtpd,
//! run by `smtp_sink.py` from a virtualenv. Messages it accepts are read
//! back as JSON: envelope, headers, and the decoded text and HTML parts.

use std::collections::HashMap;
use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde::Deserialize;
use tredegar_web::Config;

use crate::helpers::{TestApp, test_config};

pub struct Mailbox {
    server: Child,
    port: u16,
    dir: tempfile::TempDir,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Mail {
    pub to: Vec<String>,
    pub subject: String,
    pub headers: HashMap<String, String>,
    pub text: String,
    pub html: String,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Attachment {
    pub filename: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    pub content: String,
}

impl Mail {
    /// The first web address in the text that contains `part`.
    pub fn link(&self, part: &str) -> String {
        self.text
            .split_whitespace()
            .find(|w| w.starts_with("http") && w.contains(part))
            .unwrap_or_else(|| panic!("no link with {part} in: {}", self.text))
            .to_string()
    }
}

impl Mailbox {
    pub fn start() -> Mailbox {
        let python = crate::helpers::python_with("aiosmtpd", "aiosmtpd");
        let dir = tempfile::tempdir().unwrap();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/smtp_sink.py");
        let mut server = Command::new(python).arg(script).arg(dir.path()).stdout(Stdio::piped()).spawn().unwrap();
        let mut line = String::new();
        std::io::BufReader::new(server.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let port = line.trim().parse().unwrap_or_else(|_| panic!("the SMTP sink did not start: {line:?}"));
        Mailbox { server, port, dir }
    }

    pub fn smtp_url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The test config, sending through this server.
    pub fn config(&self) -> Config {
        Config { smtp_url: Some(self.smtp_url()), mail_from: "Brookfield Residents <organise@brookfield.test>".into(), ..test_config() }
    }

    pub async fn sqlite(&self) -> TestApp {
        TestApp::sqlite_with(self.config()).await
    }

    pub async fn postgres(&self) -> Option<TestApp> {
        TestApp::postgres_with(self.config()).await
    }

    /// Every message accepted so far, oldest first.
    pub fn all(&self) -> Vec<Mail> {
        let mut files: Vec<_> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        files.iter().map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()).collect()
    }

    /// Messages to this address so far.
    pub fn to(&self, address: &str) -> Vec<Mail> {
        self.all().into_iter().filter(|m| m.to.iter().any(|t| t == address)).collect()
    }

    /// The `n`th message to this address (from 1), once it has come.
    pub async fn wait_for_nth(&self, address: &str, n: usize) -> Mail {
        for _ in 0..400 {
            if let Some(m) = self.to(address).into_iter().nth(n - 1) {
                return m;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no message {n} to {address} arrived; got {:?}", self.all().iter().map(|m| (&m.to, &m.subject)).collect::<Vec<_>>());
    }

    /// The first message to this address whose subject starts so, once it has come.
    pub async fn wait_for_subject(&self, address: &str, subject: &str) -> Mail {
        for _ in 0..400 {
            if let Some(m) = self.to(address).into_iter().find(|m| m.subject.starts_with(subject)) {
                return m;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no message '{subject}' to {address} arrived");
    }

    pub async fn wait_for(&self, address: &str) -> Mail {
        self.wait_for_nth(address, 1).await
    }

    /// When each delivery to this address was tried, in seconds since the epoch.
    pub fn attempts(&self, address: &str) -> Vec<f64> {
        let log = std::fs::read_to_string(self.dir.path().join("attempts.log")).unwrap_or_default();
        log.lines().filter_map(|l| l.split_once(' ')).filter(|(_, to)| *to == address).map(|(at, _)| at.parse().unwrap()).collect()
    }
}

impl Drop for Mailbox {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

/// Run each named `async fn(TestApp, Mailbox)` on SQLite and PostgreSQL,
/// each with its own SMTP server (in `with_mail::sqlite` and
/// `with_mail::postgres`, beside any `on_both_backends!` tests).
#[macro_export]
macro_rules! with_mailbox {
    ($($name:ident),* $(,)?) => {
        mod with_mail {
            mod sqlite {
                $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let mailbox = $crate::mailbox::Mailbox::start();
                    super::super::$name(mailbox.sqlite().await, mailbox).await
                })*
            }
            mod postgres {
                $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let mailbox = $crate::mailbox::Mailbox::start();
                    if let Some(app) = mailbox.postgres().await {
                        super::super::$name(app, mailbox).await
                    }
                })*
            }
        }
    };
}
