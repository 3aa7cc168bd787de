//! The API driven by Parsons 6.1.0, the Python library organisers' tools use.
//! The test makes its own virtualenv (once, under the target directory).

use std::path::PathBuf;
use std::process::Command;

use tredegar_domain::Role;

use crate::helpers::{TestApp, python_with};

crate::on_both_backends!(parsons_works_against_tredegar);

/// A Python with Parsons 6.1.0: TREDEGAR_TEST_PYTHON if set, else a virtualenv made here.
fn parsons_python() -> PathBuf {
    match std::env::var("TREDEGAR_TEST_PYTHON") {
        Ok(p) => PathBuf::from(p),
        Err(_) => python_with("parsons==6.1.0", "parsons"),
    }
}

async fn parsons_works_against_tredegar(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let user = app.user(&group, "org@example.org", Role::Organiser).await;
    let token = app.token(&group, user).await;
    let base = format!("{}/api/v2", app.url);
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/parsons_client.py");
    let output =
        tokio::task::spawn_blocking(move || Command::new(parsons_python()).arg(script).arg(base).arg(token).output().expect("run python"))
            .await
            .expect("join");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "Parsons script failed\n{stdout}\n{stderr}");
    assert!(stdout.contains("all Parsons calls behaved"), "{stdout}");
}
