//! Mutual aid as people use it, in Chromium at 360 px: a resident asks for
//! help with no login; a coordinator offers the need to a volunteer; the
//! volunteer sees where only once they say yes; marks it done and leaves a
//! card; the resident says how it went with the card's code.

use fantoccini::Locator;
use tredegar_domain::Role;
use tredegar_web::paths;

use crate::browser::Browser;
use crate::helpers::{PASSWORD, TestApp};

crate::on_both_backends!(a_resident_asks_and_a_volunteer_helps_on_a_phone);

const SLUG: &str = "brookfield-estate";

pub(crate) async fn sign_in(b: &Browser, app: &TestApp, email: &str) {
    b.client.delete_all_cookies().await.unwrap();
    b.client.goto(&format!("{}{}", app.url, paths::login())).await.unwrap();
    b.fill("email", email).await;
    b.fill("password", PASSWORD).await;
    b.go(Locator::Css("form button.primary")).await;
}

async fn a_resident_asks_and_a_volunteer_helps_on_a_phone(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let mut org = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    org.get(paths::needs(SLUG)).await;
    org.post_form(paths::aid_categories(SLUG), &[("name", "Groceries")]).await;
    let page = org.get(paths::needs(SLUG)).await;
    let at = page.body.find(&format!("{}/", paths::aid_categories(SLUG))).unwrap();
    let groceries = page.body[at..].split('"').next().unwrap().rsplit('/').next().unwrap().to_string();
    app.user(&group, "vol@example.org", Role::Volunteer).await;
    let mut vol = app.signed_in(&group, "vol@example.org", Role::Volunteer).await;
    vol.get(paths::helping(SLUG)).await;
    let offered = vol.post_form(paths::helping(SLUG), &[("categories", &groceries), ("days", "0"), ("days", "3"), ("days", "5")]).await;
    assert_eq!(offered.status(), reqwest::StatusCode::SEE_OTHER, "{}", offered.body);

    let Some(b) = Browser::start().await else { return };
    // The resident: no login, one form.
    b.client.goto(&format!("{}{}", app.url, paths::ask_for_help(SLUG))).await.unwrap();
    b.fits_a_phone().await;
    b.click(&format!("#category option[value='{groceries}']")).await;
    b.fill("description", "Shopping for the week, please").await;
    b.click("#urgency-this_week").await;
    b.fill("name", "Gwen Morgan").await;
    b.fill("address", "Flat 4, Bevan Court").await;
    b.fill("postcode", "NP22 3AB").await;
    b.fill("phone", "07700 900301").await;
    b.go(Locator::Css("form button.primary")).await;
    assert!(b.text().await.contains("We have your request"), "{}", b.text().await);
    b.fits_a_phone().await;

    // The coordinator offers it to the volunteer.
    sign_in(&b, &app, "org@example.org").await;
    b.client.goto(&format!("{}{}", app.url, paths::needs(SLUG))).await.unwrap();
    b.fits_a_phone().await;
    b.go(Locator::LinkText("Groceries")).await;
    let page = b.text().await;
    assert!(page.contains("Flat 4, Bevan Court") && page.contains("Who could help"), "{page}");
    b.fits_a_phone().await;
    b.go(Locator::Css("ol.cards form button")).await;
    assert!(b.text().await.contains("Offered"), "{}", b.text().await);

    // The volunteer sees what, not where; says yes; then sees where.
    sign_in(&b, &app, "vol@example.org").await;
    b.client.goto(&format!("{}{}", app.url, paths::helping(SLUG))).await.unwrap();
    b.fits_a_phone().await;
    b.go(Locator::Css("ul.cards a")).await;
    let before = b.text().await;
    assert!(before.contains("Shopping for the week") && !before.contains("Flat 4") && !before.contains("07700"), "{before}");
    b.fits_a_phone().await;
    b.go(Locator::XPath("//button[contains(., 'do it')]")).await;
    let after = b.text().await;
    assert!(after.contains("Flat 4, Bevan Court") && after.contains("07700 900301") && after.contains("Gwen Morgan"), "{after}");
    b.fits_a_phone().await;
    if let Ok(png) = b.client.screenshot().await {
        let _ = std::fs::write(std::env::temp_dir().join("tredegar-need-360.png"), png);
    }
    let need = b.client.current_url().await.unwrap().to_string();

    // Done: Gwen gave no email, so the volunteer gets a card with a code to leave.
    b.go(Locator::XPath("//button[normalize-space(.)='Done']")).await;
    let card = b.text().await;
    assert!(card.contains("How did we do?") && card.contains("Leave this with them"), "{card}");
    b.fits_a_phone().await;
    let code = b.client.find(Locator::Css("p.code strong")).await.unwrap().text().await.unwrap();

    // Gwen, with no login, says how it went and that she would like to get involved.
    b.client.delete_all_cookies().await.unwrap();
    b.client.goto(&format!("{}{}", app.url, paths::help_feedback(SLUG))).await.unwrap();
    b.fits_a_phone().await;
    b.fill("code", &code.to_lowercase()).await;
    b.click("#how").await;
    b.fill("note", "Lovely, and on time").await;
    b.click("#involve").await;
    b.go(Locator::Css("form button.primary")).await;
    assert!(b.text().await.contains("Thank you."), "{}", b.text().await);
    b.fits_a_phone().await;

    // The coordinator reads it on the need's page, marked as by card.
    sign_in(&b, &app, "org@example.org").await;
    b.client.goto(&need).await.unwrap();
    let page = b.text().await;
    assert!(
        page.contains("It went well") && page.contains("Lovely, and on time") && page.contains("by a card a member left with them"),
        "{page}"
    );
    b.fits_a_phone().await;
    b.client.clone().close().await.unwrap();
}
