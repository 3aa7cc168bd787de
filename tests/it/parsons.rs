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
    // A petition with one signature, for the petition read methods.
    let text = tredegar_domain::petitions::PetitionText {
        title: "Save Brookfield Estate".into(),
        body: "Repair our homes.".into(),
        target: "The council".into(),
        goal: 100,
        ends_on: None,
        campaign: None,
        consent_wording: "Keep me updated".into(),
        frame_ancestors: Vec::new(),
    };
    let mut tx = app.db.write().await.unwrap();
    let petition = tredegar_db::petitions::create(&mut tx, &app.scope(user, &group).await, &text, chrono::Utc::now()).await.unwrap();
    tx.commit().await.unwrap();
    let body = serde_json::json!({"person": {"given_name": "Ann", "email_addresses": [{"address": "ann@example.org"}]}, "comments": "Fix the damp"});
    let (_, signed) = app.api(&token).post(&format!("petitions/{petition}/signatures"), body).await;
    let signer = signed["_links"]["osdi:person"]["href"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
    // An event the signer came to, for the event read methods.
    let starts = chrono::Utc::now() + chrono::Duration::days(7);
    let text = tredegar_domain::events::EventText {
        kind: tredegar_domain::events::EventKind::Meeting,
        title: "Residents' meeting".into(),
        description: String::new(),
        starts_at: starts,
        ends_at: starts + chrono::Duration::hours(2),
        location: "The community centre".into(),
        capacity: None,
        is_public: true,
        remind_hours: 0,
        campaign: None,
    };
    let mut tx = app.db.write().await.unwrap();
    let event = tredegar_db::events::create(&mut tx, &app.scope(user, &group).await, &text, chrono::Utc::now()).await.unwrap();
    tx.commit().await.unwrap();
    let came = serde_json::json!({"person": {"email_addresses": [{"address": "ann@example.org"}]}, "attended": true});
    assert_eq!(app.api(&token).post(&format!("events/{event}/attendances"), came).await.0, reqwest::StatusCode::OK);
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/parsons_client.py");
    let output = tokio::task::spawn_blocking(move || {
        Command::new(parsons_python())
            .arg(script)
            .arg(base)
            .arg(token)
            .arg(petition.to_string())
            .arg(signer)
            .arg(event.to_string())
            .output()
            .expect("run python")
    })
    .await
    .expect("join");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "Parsons script failed\n{stdout}\n{stderr}");
    assert!(stdout.contains("all Parsons calls behaved"), "{stdout}");
}
