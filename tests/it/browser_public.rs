//! The public forms on a phone: a neighbour signs a petition and confirms it
//! from the email, and RSVPs to an event and is checked in at the door.

use fantoccini::Locator;

use crate::browser::Browser;
use crate::helpers::TestApp;
use crate::mailbox::Mailbox;

crate::with_mailbox!(a_neighbour_signs_and_confirms_a_petition_on_a_phone, a_neighbour_rsvps_and_is_checked_in_at_the_door);

async fn a_neighbour_signs_and_confirms_a_petition_on_a_phone(app: TestApp, mailbox: Mailbox) {
    let group = app.group("Brookfield Estate", None).await;
    let organiser = app.user(&group, "org@example.org", tredegar_domain::Role::Organiser).await;
    let text = tredegar_domain::petitions::PetitionText {
        title: "Repair Brookfield Estate, don't demolish it".into(),
        body: "We ask the council to repair our homes instead of knocking them down.".into(),
        target: "Blaenau Gwent County Borough Council".into(),
        goal: 500,
        ends_on: None,
        campaign: None,
        consent_wording: "Keep me updated about the estate by email".into(),
        frame_ancestors: Vec::new(),
    };
    let mut tx = app.db.write().await.unwrap();
    let id = tredegar_db::petitions::create(&mut tx, &app.scope(organiser, &group).await, &text, chrono::Utc::now()).await.unwrap();
    tx.commit().await.unwrap();

    let Some(b) = Browser::start().await else { return };
    b.client.goto(&format!("{}{}", app.url, tredegar_web::paths::public_petition(id))).await.unwrap();
    let page = b.text().await;
    assert!(page.contains("0 of 500 signatures") && page.contains("To: Blaenau Gwent County Borough Council"), "{page}");
    b.fits_a_phone().await;
    // A mistake is named, and what was typed stays.
    b.fill("name", "Gwen Morgan").await;
    b.fill("email", "gwen.example.org").await;
    b.go(Locator::Css("form button.primary")).await;
    let page = b.text().await;
    assert!(page.contains("There is a problem") && page.contains("Email: must look like name@example.org"), "{page}");
    b.fits_a_phone().await;
    let email = b.client.find(Locator::Id("email")).await.unwrap();
    email.clear().await.unwrap();
    email.send_keys("gwen@example.org").await.unwrap();
    b.fill("postcode", "NP22 3AB").await;
    b.go(Locator::Css("form button.primary")).await;
    assert!(b.text().await.contains("Nearly done: check your email"), "{}", b.text().await);

    let link = mailbox.wait_for("gwen@example.org").await.link("/confirm/");
    b.client.goto(&link).await.unwrap();
    b.fits_a_phone().await;
    b.go(Locator::Css("form button.primary")).await;
    let page = b.text().await;
    assert!(page.contains("Thank you: your signature counts") && page.contains("1 of 500 signatures"), "{page}");
    b.fits_a_phone().await;
    b.client.clone().close().await.unwrap();
}

/// A neighbour says they're coming on a phone; the email arrives; at the
/// door, the volunteer helping finds them by name and marks them as come.
async fn a_neighbour_rsvps_and_is_checked_in_at_the_door(app: TestApp, mailbox: Mailbox) {
    let group = app.group("Brookfield Estate", None).await;
    let organiser = app.user(&group, "org@example.org", tredegar_domain::Role::Organiser).await;
    let volunteer = app.user(&group, "vol@example.org", tredegar_domain::Role::Volunteer).await;
    let starts = chrono::Utc::now() + chrono::Duration::hours(2);
    let text = tredegar_domain::events::EventText {
        kind: tredegar_domain::events::EventKind::Meeting,
        title: "Residents' meeting about the lifts".into(),
        description: "Tea and a crèche.".into(),
        starts_at: starts,
        ends_at: starts + chrono::Duration::hours(2),
        location: "Brookfield Community Centre".into(),
        capacity: Some(40),
        is_public: true,
        remind_hours: 0,
        campaign: None,
    };
    let scope = app.scope(organiser, &group).await;
    let mut tx = app.db.write().await.unwrap();
    let id = tredegar_db::events::create(&mut tx, &scope, &text, chrono::Utc::now()).await.unwrap();
    tredegar_db::events::add_helper(&mut tx, &scope, id, volunteer).await.unwrap();
    tx.commit().await.unwrap();

    let Some(b) = Browser::start().await else { return };
    b.client.goto(&format!("{}{}", app.url, tredegar_web::paths::public_event(id))).await.unwrap();
    let page = b.text().await;
    assert!(page.contains("Brookfield Community Centre") && page.contains("40 left"), "{page}");
    b.fits_a_phone().await;
    b.fill("name", "Gwen Morgan").await;
    b.fill("email", "gwen@example.org").await;
    b.fill("postcode", "NP22 3AB").await;
    b.go(Locator::Css("form button.primary")).await;
    assert!(b.text().await.contains("Thank you: check your email"), "{}", b.text().await);
    b.fits_a_phone().await;
    assert!(mailbox.wait_for("gwen@example.org").await.subject.starts_with("You're going"));

    b.client.goto(&format!("{}/login", app.url)).await.unwrap();
    b.fill("email", "vol@example.org").await;
    b.fill("password", crate::helpers::PASSWORD).await;
    b.go(Locator::Css("form button.primary")).await;
    b.client.goto(&format!("{}{}", app.url, tredegar_web::paths::events("brookfield-estate"))).await.unwrap();
    b.go(Locator::LinkText("Door list")).await;
    b.fill("q", "gwen").await;
    b.go(Locator::Css("form[role=search] button")).await;
    b.fits_a_phone().await;
    b.go(Locator::Css("#door-list button.primary")).await;
    let page = b.text().await;
    assert!(page.contains("1 came") && page.contains("Came"), "{page}");
    b.fits_a_phone().await;
    b.client.clone().close().await.unwrap();
}
