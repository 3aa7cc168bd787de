//! Email through a real SMTP server on loopback: broadcasts reach only the
//! subscribed and carry a one-click unsubscribe that needs no sign-in; mail
//! waits in the outbox without SMTP, and admins are told; passwords are reset
//! by a single-use link; overdue follow-ups are emailed once, in the group's
//! own wording.

use reqwest::StatusCode;
use tredegar_db::follow_ups::{self, NewFollowUp};
use tredegar_db::lists;
use tredegar_domain::jobs::JobKind;
use tredegar_domain::segments::{ListKind, Node};
use tredegar_domain::{PersonId, Role};

use crate::helpers::{PASSWORD, TestApp};
use crate::mailbox::Mailbox;

crate::with_mailbox!(
    a_broadcast_reaches_only_the_subscribed,
    an_unsubscribe_reaches_a_shared_child_groups_person,
    a_forgotten_password_is_reset_by_email,
    overdue_follow_ups_are_emailed_once
);

mod without_smtp {
    crate::on_both_backends!(mail_waits_without_smtp_and_admins_are_told);
    use super::mail_waits_without_smtp_and_admins_are_told;
}

const SLUG: &str = "brookfield-estate";

/// A static list of the named people (by id), made by the organiser.
async fn static_list(app: &TestApp, scope: &tredegar_db::Scope, name: &str, people: &[&str]) -> String {
    let now = chrono::Utc::now();
    let mut tx = app.db.write().await.unwrap();
    let id = lists::create(&mut tx, scope, name, ListKind::Static, &Node::default(), now).await.unwrap();
    let people: Vec<PersonId> = people.iter().map(|p| p.parse().unwrap()).collect();
    lists::add_people(&mut tx, scope, id, &people, now).await.unwrap();
    tx.commit().await.unwrap();
    id.to_string()
}

async fn person(api: &crate::helpers::Api, given: &str, email: &str, status: &str) -> String {
    let body = serde_json::json!({"person": {"given_name": given, "email_addresses": [{"address": email, "status": status}]}});
    let (s, p) = api.post("people", body).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    crate::helpers::id_of(&p)
}

/// The path of a link on this app.
fn path_of<'a>(app: &TestApp, link: &'a str) -> &'a str {
    link.strip_prefix(&app.url).unwrap_or_else(|| panic!("{link} is not on {}", app.url))
}

async fn a_broadcast_reaches_only_the_subscribed(app: TestApp, mailbox: Mailbox) {
    let group = app.group("Brookfield Estate", None).await;
    let organiser = app.user(&group, "org@example.org", Role::Organiser).await;
    let api = app.api(&app.token(&group, organiser).await);
    let ann = person(&api, "Ann", "ann@example.org", "subscribed").await;
    let bob = person(&api, "Bob", "bob@example.org", "unsubscribed").await;
    person(&api, "Cai", "cai@example.org", "subscribed").await;
    let dan = person(&api, "Dan", "dan.broken@example.org", "subscribed").await;
    let scope = app.scope(organiser, &group).await;
    let list = static_list(&app, &scope, "Block A", &[&ann, &bob, &dan]).await;
    let mut org = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    org.broadcasts(SLUG).await;

    let bad = org.post_broadcasts(SLUG, &[("list", &list), ("subject", ""), ("body", "Meeting on Thursday")]).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("Subject: must not be empty") && bad.body.contains("Meeting on Thursday"), "{}", bad.body);
    let body = "Rent strike meeting on Thursday at 7pm in the community hall.\n\nDetails: https://brookfield.test/meeting";
    let made = org.post_broadcasts(SLUG, &[("list", &list), ("subject", "Rent strike meeting"), ("body", body)]).await;
    assert_eq!(made.status(), StatusCode::SEE_OTHER, "{}", made.body);
    let preview = org.follow(&made).await;
    assert!(preview.body.contains("it would reach <strong>2</strong> people"), "Bob is not subscribed: {}", preview.body);
    let id = made.location.clone().unwrap().rsplit('/').next().unwrap().to_string();

    // A test goes to the organiser's own address, as it will look.
    assert_eq!(org.post_broadcast_test(SLUG, &id, &[]).await.status(), StatusCode::SEE_OTHER);
    let test = mailbox.wait_for("org@example.org").await;
    assert_eq!(test.subject, "[Test] Rent strike meeting");
    assert!(test.text.contains("community hall") && test.text.contains("/unsubscribe/"), "{}", test.text);

    assert_eq!(org.post_broadcast_send(SLUG, &id, &[]).await.status(), StatusCode::SEE_OTHER);
    let mail = mailbox.wait_for("ann@example.org").await;
    assert_eq!(mail.subject, "Rent strike meeting");
    assert_eq!(mail.headers["From"], "Brookfield Residents <organise@brookfield.test>");
    let link = mail.link("/unsubscribe/");
    assert_eq!(mail.headers["List-Unsubscribe"], format!("<{link}>"));
    assert_eq!(mail.headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click");
    assert!(mail.text.contains("You get this because you are in touch with Brookfield Estate"), "{}", mail.text);
    assert!(mail.html.contains("<a href=\"https://brookfield.test/meeting\">"), "{}", mail.html);
    // The organiser sees it go; nobody else on the list or off it gets it.
    let mut sent = org.broadcast(SLUG, &id).await;
    for _ in 0..100 {
        if sent.body.contains("<dd id=\"sent-count\">1</dd>") && sent.body.contains("<dd id=\"failed-count\">1</dd>") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        sent = org.broadcast(SLUG, &id).await;
    }
    assert!(sent.body.contains("<dd id=\"waiting-count\">0</dd>") && sent.body.contains("<dd id=\"failed-count\">1</dd>"), "{}", sent.body);
    // Dan's mail server said there is no such mailbox: tried once, and his address is marked bouncing.
    assert_eq!(mailbox.attempts("dan.broken@example.org").len(), 1);
    let (_, dan_now) = api.get(&format!("people/{dan}")).await;
    assert_eq!(dan_now["email_addresses"][0]["status"], "bouncing");
    assert!(mailbox.to("bob@example.org").is_empty() && mailbox.to("cai@example.org").is_empty());
    let again = org.post_broadcast_send(SLUG, &id, &[]).await;
    assert!(again.status() == StatusCode::BAD_REQUEST && again.body.contains("has been sent already"), "{}", again.body);
    let changed = org.post_broadcast_edit(SLUG, &id, &[("list", &list), ("subject", "Changed"), ("body", "x")]).await;
    assert_eq!(changed.status(), StatusCode::BAD_REQUEST, "a sent broadcast stays as it went");

    // One step, no sign-in: the link unsubscribes, and says so.
    let mut stranger = app.client();
    let page = stranger.get(path_of(&app, &link)).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.body.contains("You will get no more emails from Brookfield Estate"), "{}", page.body);
    let (_, ann_now) = api.get(&format!("people/{ann}")).await;
    assert_eq!(ann_now["email_addresses"][0]["status"], "unsubscribed");
    let timeline = org.person(SLUG, &ann).await;
    assert!(
        timeline.body.contains("Unsubscribed ann@example.org by the link in “Rent strike meeting” from Brookfield Estate"),
        "{}",
        timeline.body
    );
    assert!(timeline.body.contains("themselves, by a link in an email"), "{}", timeline.body);
    // The mail program's one-click POST (RFC 8058) works too, and again changes nothing more.
    let one_click = app
        .client()
        .http
        .post(&link)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(one_click.status(), StatusCode::OK);
    let tampered = format!("{}0", path_of(&app, &link).trim_end_matches(|c: char| c.is_ascii_hexdigit()));
    assert_eq!(stranger.get(&tampered).await.status(), StatusCode::NOT_FOUND);
    let test_link = test.link("/unsubscribe/");
    let test_page = stranger.get(path_of(&app, &test_link)).await;
    assert!(test_page.body.contains("nobody to unsubscribe"), "{}", test_page.body);

    // Now nobody on the list is subscribed.
    let next = org.post_broadcasts(SLUG, &[("list", &list), ("subject", "Next"), ("body", "Again")]).await;
    assert!(org.follow(&next).await.body.contains("it would reach <strong>0</strong> people"));
}

async fn an_unsubscribe_reaches_a_shared_child_groups_person(app: TestApp, mailbox: Mailbox) {
    let parent = app.group("Brookfield Estate", None).await;
    let child = app.group("Brookfield Youth", Some(parent.id)).await;
    let child_admin = app.user(&child, "youth@example.org", Role::Admin).await;
    let child_scope = app.scope(child_admin, &child).await;
    let mut tx = app.db.write().await.unwrap();
    tredegar_db::groups::set_sharing(&mut tx, &child_scope, true).await.unwrap();
    tx.commit().await.unwrap();
    let child_api = app.api(&app.token(&child, child_admin).await);
    let yasmin = person(&child_api, "Yasmin", "yasmin@example.org", "subscribed").await;
    let organiser = app.user(&parent, "org@example.org", Role::Organiser).await;
    let now = chrono::Utc::now();
    let mut tx = app.db.write().await.unwrap();
    let everyone =
        lists::create(&mut tx, &app.scope(organiser, &parent).await, "Everyone", ListKind::Segment, &Node::default(), now).await.unwrap();
    tx.commit().await.unwrap();
    let mut org = app.signed_in(&parent, "org@example.org", Role::Organiser).await;
    org.broadcasts(SLUG).await;
    let made = org.post_broadcasts(SLUG, &[("list", &everyone.to_string()), ("subject", "Estate news"), ("body", "News")]).await;
    let id = made.location.clone().unwrap().rsplit('/').next().unwrap().to_string();
    assert!(org.follow(&made).await.body.contains("it would reach <strong>1</strong> person"));
    org.post_broadcast_send(SLUG, &id, &[]).await;
    let link = mailbox.wait_for("yasmin@example.org").await.link("/unsubscribe/");
    let page = app.client().get(path_of(&app, &link)).await;
    assert!(page.body.contains("You will get no more emails from Brookfield Estate"), "{}", page.body);
    let (_, now_yasmin) = child_api.get(&format!("people/{yasmin}")).await;
    assert_eq!(now_yasmin["email_addresses"][0]["status"], "unsubscribed", "her own group's record says so");
    let mut youth = app.signed_in(&child, "youth@example.org", Role::Admin).await;
    let timeline = youth.person("brookfield-youth", &yasmin).await;
    assert!(
        timeline.body.contains("Unsubscribed yasmin@example.org by the link in “Estate news” from Brookfield Estate"),
        "{}",
        timeline.body
    );
}

async fn mail_waits_without_smtp_and_admins_are_told(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let organiser = app.user(&group, "org@example.org", Role::Organiser).await;
    let api = app.api(&app.token(&group, organiser).await);
    let ann = person(&api, "Ann", "ann@example.org", "subscribed").await;
    let list = static_list(&app, &app.scope(organiser, &group).await, "Block A", &[&ann]).await;
    let mut org = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    let index = org.broadcasts(SLUG).await;
    assert!(index.body.contains("no SMTP server configured"), "{}", index.body);
    let made = org.post_broadcasts(SLUG, &[("list", &list), ("subject", "Hello"), ("body", "Hello all")]).await;
    let id = made.location.clone().unwrap().rsplit('/').next().unwrap().to_string();
    assert_eq!(org.post_broadcast_send(SLUG, &id, &[]).await.status(), StatusCode::SEE_OTHER);
    let mut admin = app.signed_in(&group, "admin@example.org", Role::Admin).await;
    let mut page = admin.email_settings(SLUG).await;
    for _ in 0..100 {
        if page.body.contains("<dd id=\"waiting-count\">1</dd>") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        page = admin.email_settings(SLUG).await;
    }
    assert!(page.body.contains("No SMTP server is configured") && page.body.contains("1 email waits in the outbox"), "{}", page.body);
    let dashboard = admin.dashboard(SLUG).await;
    assert!(dashboard.body.contains("1 email is waiting to be sent"), "{}", dashboard.body);
    assert!(!org.dashboard(SLUG).await.body.contains("waiting to be sent"), "only admins are told");
    let forgot = app.client().forgot_password().await;
    assert!(forgot.body.contains("tredegar user set-password"), "{}", forgot.body);
}

async fn a_forgotten_password_is_reset_by_email(app: TestApp, mailbox: Mailbox) {
    let group = app.group("Brookfield Estate", None).await;
    let mut before = app.signed_in(&group, "member@example.org", Role::Organiser).await;
    // Someone guessed at the password until the account was locked.
    let mut guesser = app.client();
    guesser.login().await;
    for _ in 0..6 {
        guesser.post_login(&[("email", "member@example.org"), ("password", "wrong guess here")]).await;
    }
    assert_eq!(
        guesser.post_login(&[("email", "member@example.org"), ("password", PASSWORD)]).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    let mut visitor = app.client();
    assert!(visitor.forgot_password().await.body.contains("Email me a link"));
    let bad = visitor.post_forgot_password(&[("email", "not an address")]).await;
    assert!(bad.status() == StatusCode::BAD_REQUEST && bad.body.contains("Email"), "{}", bad.body);
    // An unknown address gets the same answer, and no email.
    let unknown = visitor.post_forgot_password(&[("email", "nobody@example.org")]).await;
    let known = visitor.post_forgot_password(&[("email", "Member@Example.org")]).await;
    assert_eq!((unknown.status(), unknown.location.clone()), (known.status(), known.location.clone()));
    let mail = mailbox.wait_for("member@example.org").await;
    assert_eq!(mail.subject, "Set a new Tredegar password");
    assert!(mail.text.contains("within an hour"));
    let link = mail.link("/reset-password/");
    let path = path_of(&app, &link).to_string();
    let form = visitor.get(&path).await;
    assert!(form.status() == StatusCode::OK && form.body.contains("Choose a new password"), "{}", form.body);
    let short = visitor.post_form(&path, &[("new_password", "short")]).await;
    assert!(short.status() == StatusCode::BAD_REQUEST && short.body.contains("New password"), "{}", short.body);
    let done = visitor.post_form(&path, &[("new_password", "a brand new passphrase")]).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert!(done.location.unwrap().contains("notice=password-reset"));
    // Single use; every session of the account ended; the new password works, the old one not.
    assert_eq!(visitor.get(&path).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(visitor.post_form(&path, &[("new_password", "another new passphrase")]).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(before.dashboard(SLUG).await.status(), StatusCode::SEE_OTHER, "the old session has ended");
    let mut c = app.client();
    c.login().await;
    // Resetting by the emailed link lifted the lock.
    assert_eq!(c.post_login(&[("email", "member@example.org"), ("password", PASSWORD)]).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        c.post_login(&[("email", "member@example.org"), ("password", "a brand new passphrase")]).await.status(),
        StatusCode::SEE_OTHER
    );
    // Nobody can fill the inbox: three links an account in a window, then 429.
    visitor.post_forgot_password(&[("email", "member@example.org")]).await;
    visitor.post_forgot_password(&[("email", "member@example.org")]).await;
    let flood = visitor.post_forgot_password(&[("email", "member@example.org")]).await;
    assert_eq!(flood.status(), StatusCode::TOO_MANY_REQUESTS);
    // An hour later a link no longer works.
    let second = mailbox.wait_for_nth("member@example.org", 2).await;
    app.execute_at("UPDATE password_resets SET expires_at = $1", chrono::Utc::now() - chrono::Duration::minutes(1)).await;
    assert_eq!(visitor.get(path_of(&app, &second.link("/reset-password/"))).await.status(), StatusCode::NOT_FOUND);
}

async fn overdue_follow_ups_are_emailed_once(app: TestApp, mailbox: Mailbox) {
    let group = app.group("Brookfield Estate", None).await;
    let admin = app.user(&group, "admin@example.org", Role::Admin).await;
    let mut page = app.signed_in(&group, "admin@example.org", Role::Admin).await;
    let api = app.api(&app.token(&group, admin).await);
    let ann = person(&api, "Ann", "ann@example.org", "subscribed").await;

    // The group words it; a wrong placeholder or a missing link is named.
    page.email_settings(SLUG).await;
    let kind = "follow_ups_due";
    let typo = page.post_email_template(SLUG, kind, &[("subject", "Hi {nmae}"), ("body", "{follow_ups}\n{link}")]).await;
    assert!(typo.status() == StatusCode::BAD_REQUEST && typo.body.contains("{nmae} is not a placeholder"), "{}", typo.body);
    let no_link = page.post_email_template(SLUG, kind, &[("subject", "Hi {name}"), ("body", "{follow_ups}")]).await;
    assert!(no_link.status() == StatusCode::BAD_REQUEST && no_link.body.contains("must keep {link}"), "{}", no_link.body);
    let body = "Still to do in {group}:\n{follow_ups}\n\nMark them done: {link}";
    let saved = page.post_email_template(SLUG, kind, &[("subject", "Overdue for {name}"), ("body", body)]).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER, "{}", saved.body);
    assert!(page.email_settings(SLUG).await.body.contains("Your wording"));

    // The run at start-up must be over first: a run that began before the
    // follow-up existed would, on finishing, push the job an hour on.
    wait_until_scheduled(&app, JobKind::FollowUpsDue).await;
    let scope = app.scope(admin, &group).await;
    let yesterday = chrono::Utc::now().date_naive() - chrono::Duration::days(1);
    let mut tx = app.db.write().await.unwrap();
    let f =
        NewFollowUp { person: ann.parse().unwrap(), conversation: None, assignee: admin, what: "Ask about the repairs", due_on: yesterday };
    follow_ups::add(&mut tx, &scope, &f, chrono::Utc::now()).await.unwrap();
    tx.commit().await.unwrap();
    // One a volunteer took on while Ann was theirs, and Ann since taken off
    // them: they may no longer see her, and are not emailed about her.
    let volunteer = app.user(&group, "vol@example.org", Role::Volunteer).await;
    let mut tx = app.db.write().await.unwrap();
    tredegar_db::people::assign(&mut tx, &scope, f.person, volunteer, chrono::Utc::now()).await.unwrap();
    let theirs = NewFollowUp { assignee: volunteer, what: "Ring Ann back", ..f };
    follow_ups::add(&mut tx, &scope, &theirs, chrono::Utc::now()).await.unwrap();
    tredegar_db::sql::Sql::new("DELETE FROM assignments").execute(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    // The hourly job, brought forward.
    tredegar_db::jobs::run_now(&app.db, JobKind::FollowUpsDue, chrono::Utc::now()).await.unwrap();
    let mail = mailbox.wait_for("admin@example.org").await;
    assert_eq!(mail.subject, "Overdue for admin@example.org");
    assert!(
        mail.text.contains("Still to do in Brookfield Estate") && mail.text.contains("- Ann: Ask about the repairs (due "),
        "{}",
        mail.text
    );
    assert!(mail.link("/follow-ups").ends_with(&tredegar_web::paths::follow_ups(SLUG)));
    // It runs again (it recurs) and says nothing more about the same follow-up.
    tredegar_db::jobs::run_now(&app.db, JobKind::FollowUpsDue, chrono::Utc::now()).await.unwrap();
    wait_until_scheduled(&app, JobKind::FollowUpsDue).await;
    assert_eq!(mailbox.to("admin@example.org").len(), 1);
    assert_eq!(crate::helpers::count(&app, "SELECT COUNT(*) FROM outbox WHERE to_address = 'vol@example.org'").await, 0);
    assert_eq!(
        crate::helpers::count(&app, "SELECT COUNT(*) FROM follow_ups WHERE reminded_at IS NULL").await,
        0,
        "and not looked at again"
    );
}

/// Wait until the recurring job has run and is due again in the future.
pub async fn wait_until_scheduled(app: &TestApp, kind: JobKind) {
    for _ in 0..200 {
        let mut tx = app.db.read().await.unwrap();
        let due: Option<chrono::DateTime<chrono::Utc>> = match &mut tx {
            tredegar_db::Tx::Sqlite(c) => sqlx::query_scalar("SELECT run_at FROM jobs WHERE unique_key = $1")
                .bind(kind.as_str())
                .fetch_optional(&mut **c)
                .await
                .unwrap(),
            tredegar_db::Tx::Postgres(c) => sqlx::query_scalar("SELECT run_at FROM jobs WHERE unique_key = $1")
                .bind(kind.as_str())
                .fetch_optional(&mut **c)
                .await
                .unwrap(),
        };
        if due.is_some_and(|d| d > chrono::Utc::now() + chrono::Duration::minutes(30)) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the {kind} job did not run");
}

mod isolation {
    crate::on_both_backends!(broadcasts_and_email_settings_stay_in_their_group, broadcasts_page_newest_first);
    use super::{broadcasts_and_email_settings_stay_in_their_group, broadcasts_page_newest_first};
}

/// Years of broadcasts are all reachable, fifty a page, newest first: the
/// list used to stop at the newest 200 without saying so.
async fn broadcasts_page_newest_first(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let organiser = app.user(&group, "org@example.org", Role::Organiser).await;
    let scope = app.scope(organiser, &group).await;
    let list: tredegar_domain::ListId = static_list(&app, &scope, "Block A", &[]).await.parse().unwrap();
    let start = chrono::Utc::now() - chrono::Duration::days(60);
    let mut tx = app.db.write().await.unwrap();
    for n in 1..=51 {
        let at = start + chrono::Duration::days(n);
        tredegar_db::broadcasts::create(&mut tx, &scope, list, &format!("Meeting #{n:03}"), "Come along", at).await.unwrap();
    }
    tx.commit().await.unwrap();
    let mut org = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    let first = org.broadcasts(SLUG).await;
    assert!(first.body.contains("Meeting #051") && first.body.contains("Meeting #002"), "{}", first.body);
    assert!(!first.body.contains("Meeting #001") && first.body.contains("Page 1 of 2"), "{}", first.body);
    assert!(first.body.contains("?page=2\" rel=\"next\""), "{}", first.body);
    let second = org.get(format!("/g/{SLUG}/broadcasts?page=2")).await;
    assert!(second.body.contains("Meeting #001") && !second.body.contains("Meeting #002"), "{}", second.body);
    assert!(second.body.contains("Page 2 of 2") && !second.body.contains("No broadcasts yet"), "{}", second.body);
    let past = org.get(format!("/g/{SLUG}/broadcasts?page=9")).await;
    assert!(past.body.contains("?page=2\" rel=\"prev\"") && !past.body.contains("No broadcasts yet"), "{}", past.body);
}

/// Another group's organiser, and a volunteer of this one, reach no
/// broadcast, and only admins reach the email settings.
async fn broadcasts_and_email_settings_stay_in_their_group(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let organiser = app.user(&group, "org@example.org", Role::Organiser).await;
    let api = app.api(&app.token(&group, organiser).await);
    let ann = person(&api, "Ann", "ann@example.org", "subscribed").await;
    let list = static_list(&app, &app.scope(organiser, &group).await, "Block A", &[&ann]).await;
    let mut org = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    org.broadcasts(SLUG).await;
    let made = org.post_broadcasts(SLUG, &[("list", &list), ("subject", "Hello"), ("body", "Hello all")]).await;
    let id = made.location.clone().unwrap().rsplit('/').next().unwrap().to_string();
    assert_eq!(org.email_settings(SLUG).await.status(), StatusCode::NOT_FOUND, "email settings are for admins");

    let other = app.group("Other Estate", None).await;
    let mut stranger = app.signed_in(&other, "stranger@example.org", Role::Admin).await;
    stranger.broadcasts("other-estate").await;
    assert_eq!(stranger.broadcast("other-estate", &id).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(stranger.post_broadcast_send("other-estate", &id, &[]).await.status(), StatusCode::NOT_FOUND);
    let theirs = stranger.post_broadcasts("other-estate", &[("list", &list), ("subject", "Hi"), ("body", "Hi")]).await;
    assert!(theirs.status() == StatusCode::BAD_REQUEST && theirs.body.contains("To: choose one of the group"), "{}", theirs.body);
    let mut volunteer = app.signed_in(&group, "vol@example.org", Role::Volunteer).await;
    assert_eq!(volunteer.broadcasts(SLUG).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(volunteer.broadcast(SLUG, &id).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(org.broadcast(SLUG, &id).await.status(), StatusCode::OK, "the draft is untouched");
}
