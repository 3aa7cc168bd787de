//! A campaign's asks of representatives: an invitation to an action emailed
//! to one representative's official address over real SMTP and recorded for
//! another without one; whether they came, from the event's check-in; a
//! reply recorded into their record; and the scorecard's turn-ups against
//! invitations.

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use tredegar_domain::Role;
use tredegar_web::paths;

use crate::helpers::{TestApp, count};
use crate::mailbox::Mailbox;
use crate::places::made;
use crate::representatives::add_campaign;

crate::with_mailbox!(an_invitation_is_emailed_and_its_turn_up_and_reply_are_kept, a_representative_signs_a_pledge_by_the_link_sent_to_them);

const SLUG: &str = "brookfield-estate";

async fn an_invitation_is_emailed_and_its_turn_up_and_reply_are_kept(app: TestApp, mailbox: Mailbox) {
    let group = app.group("Brookfield Estate", None).await;
    let organiser = app.user(&group, "org@example.org", Role::Organiser).await;
    let api = app.api(&app.token(&group, organiser).await);
    let mut org = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    let campaign = add_campaign(&mut org, "Stop the demolition", false).await;
    org.get(paths::representatives(SLUG)).await;
    let dai = made(
        &org.post_form(
            paths::representatives(SLUG),
            &[("name", "Cllr Dai Morgan"), ("kind", "councillor"), ("email", "dai.morgan@example.gov.uk")],
        )
        .await,
    );
    let ann = made(&org.post_form(paths::representatives(SLUG), &[("name", "Cllr Ann Hughes"), ("kind", "councillor")]).await);
    api.person("Dai", "dai.personal@example.org").await;
    org.representative(SLUG, &dai).await;
    org.post_form(paths::representative_person(SLUG, &dai), &[("email", "dai.personal@example.org")]).await;
    let mut form = crate::events::event_form(Utc::now() + Duration::minutes(30), "");
    form.retain(|(k, _)| *k != "campaign");
    form.push(("campaign", campaign.clone()));
    let event = crate::events::set_up(&mut org, &form).await;

    // Bad input names each field; nothing is asked.
    org.get(paths::campaign_asks(SLUG, &campaign)).await;
    let bad = org.post_form(paths::campaign_asks(SLUG, &campaign), &[("kind", "invitation"), ("subject", ""), ("body", "")]).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    for said in ["Who: choose at least one", "Event: choose the action", "Subject: must not be empty", "Body: must not be empty"] {
        assert!(bad.body.contains(said), "{said}: {}", bad.body);
    }
    let ask = [
        ("kind", "invitation"),
        ("representatives", dai.as_str()),
        ("representatives", ann.as_str()),
        ("event", event.as_str()),
        ("subject", "Come to the residents' meeting"),
        ("body", "Dear councillor,\n\nResidents of Brookfield invite you to hear them on Thursday."),
        ("send", "on"),
    ];
    let r = org.post_form(paths::campaign_asks(SLUG, &campaign), &ask).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.body);
    let mail = mailbox.wait_for_subject("dai.morgan@example.gov.uk", "Come to the residents' meeting").await;
    assert!(mail.text.contains("Residents of Brookfield invite you"), "{}", mail.text);
    let page = org.get(paths::campaign_asks(SLUG, &campaign)).await;
    assert!(page.body.contains("sent some other way") && page.body.contains("Not checked in"), "{}", page.body);

    // Dai comes: checked in, his ask says so; his scorecard counts it against the invitation.
    let body = serde_json::json!({"person": {"email_addresses": [{"address": "dai.personal@example.org"}]}, "attended": true});
    assert_eq!(api.post(&format!("events/{event}/attendances"), body).await.0, StatusCode::OK);
    let page = org.get(paths::campaign_asks(SLUG, &campaign)).await;
    assert!(page.body.contains("<span class=\"badge ok\">Came</span>"), "{}", page.body);
    let card = org.get(format!("{}?focus=campaign:{campaign}", paths::representative(SLUG, &dai))).await;
    assert!(card.body.contains("<dd>1 <small>invitations: 1</small></dd>"), "{}", card.body);

    // His reply: bad input named, then recorded, and in his record.
    let reply_to: String = page.body.split("/asks/").nth(1).unwrap().chars().take(36).collect();
    let bad = org.post_form(paths::campaign_ask_reply(SLUG, &campaign, &reply_to), &[("replied_on", "2199-01-01"), ("reply", "")]).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("is in the future") && bad.body.contains("say what they said"), "{}", bad.body);
    let early =
        org.post_form(paths::campaign_ask_reply(SLUG, &campaign, &reply_to), &[("replied_on", "2020-01-01"), ("reply", "Before")]).await;
    assert!(early.status() == StatusCode::BAD_REQUEST && early.body.contains("is before they were asked"), "{}", early.body);
    let today = Utc::now().format("%Y-%m-%d").to_string();
    let r =
        org.post_form(paths::campaign_ask_reply(SLUG, &campaign, &reply_to), &[("replied_on", &today), ("reply", "I will be there")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = org.get(paths::campaign_asks(SLUG, &campaign)).await;
    assert!(page.body.contains("I will be there"));
    let timeline = org.get(paths::campaign_timeline(SLUG, &campaign)).await;
    assert!(
        timeline.body.contains("Cllr Dai Morgan replied to “Come to the residents&#39; meeting”")
            || timeline.body.contains("Cllr Dai Morgan replied to “Come to the residents' meeting”"),
        "{}",
        timeline.body
    );
    let replied = page.body.matches("Record their reply").count();
    assert_eq!(replied, 1, "one ask still waits for its reply");

    // Another group can neither ask on this campaign nor record a reply.
    let other = app.group("Heol Las Tenants", None).await;
    let mut them = app.signed_in(&other, "theirs@example.org", Role::Organiser).await;
    assert_eq!(them.get(paths::campaign_asks("heol-las-tenants", &campaign)).await.status(), StatusCode::NOT_FOUND);
    them.campaigns("heol-las-tenants").await;
    let r = them
        .post_form(paths::campaign_ask_reply("heol-las-tenants", &campaign, &reply_to), &[("replied_on", &today), ("reply", "Forged")])
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = them.post_form(paths::campaign_asks("heol-las-tenants", &campaign), &ask).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

async fn a_representative_signs_a_pledge_by_the_link_sent_to_them(app: TestApp, mailbox: Mailbox) {
    let group = app.group("Brookfield Estate", None).await;
    let mut org = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    let campaign = add_campaign(&mut org, "Stop the demolition", false).await;
    org.get(paths::representatives(SLUG)).await;
    let dai = made(
        &org.post_form(
            paths::representatives(SLUG),
            &[("name", "Cllr Dai Morgan"), ("kind", "councillor"), ("email", "dai.morgan@example.gov.uk")],
        )
        .await,
    );
    let ann = made(&org.post_form(paths::representatives(SLUG), &[("name", "Cllr Ann Hughes"), ("kind", "councillor")]).await);
    org.get(paths::campaign_asks(SLUG, &campaign)).await;
    let ask = [
        ("kind", "pledge"),
        ("representatives", dai.as_str()),
        ("representatives", ann.as_str()),
        ("subject", "Will you oppose the demolition?"),
        ("body", "I will oppose the demolition of Bevan Court"),
        ("send", "on"),
    ];
    assert_eq!(org.post_form(paths::campaign_asks(SLUG, &campaign), &ask).await.status(), StatusCode::SEE_OTHER);
    let mail = mailbox.wait_for_subject("dai.morgan@example.gov.uk", "Will you oppose the demolition?").await;
    assert!(
        mail.text.contains("I will oppose the demolition of Bevan Court") && mail.text.contains("campaigning on “Stop the demolition”"),
        "{}",
        mail.text
    );
    let link = mail.link("/sign/");
    let path = link.strip_prefix(&app.url).unwrap_or(&link).to_string();

    // Anyone with a wrong or altered link finds nothing.
    let mut stranger = app.client();
    let last = if path.ends_with('0') { "1" } else { "0" };
    let forged = format!("{}{last}", &path[..path.len() - 1]);
    assert_eq!(stranger.get(&forged).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(stranger.post_form(&forged, &[]).await.status(), StatusCode::NOT_FOUND);

    // Dai follows his link and signs: it is his pledge now, once.
    let mut dai_browser = app.client();
    let page = dai_browser.get(&path).await;
    assert!(
        page.body.contains("I will oppose the demolition of Bevan Court") && page.body.contains("I, Cllr Dai Morgan, sign this pledge"),
        "{}",
        page.body
    );
    let signed = dai_browser.post_form(&path, &[]).await;
    assert!(signed.body.contains("Signed. Thank you."), "{}", signed.body);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM pledges WHERE text = 'I will oppose the demolition of Bevan Court'").await, 1);
    let again = dai_browser.post_form(&path, &[]).await;
    assert!(again.body.contains("cannot be signed twice"), "{}", again.body);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM pledges").await, 1);
    let rep = org.get(paths::representative(SLUG, &dai)).await;
    assert!(rep.body.contains("I will oppose the demolition of Bevan Court") && rep.body.contains("Not yet rated"), "{}", rep.body);
    let asks_page = org.get(paths::campaign_asks(SLUG, &campaign)).await;
    assert!(asks_page.body.contains("Signed the pledge"), "{}", asks_page.body);
    // A signature is never overwritten by a reply recorded after it.
    let ask_id: String = path.rsplit('/').next().unwrap().split('.').next().unwrap().to_string();
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let r =
        org.post_form(paths::campaign_ask_reply(SLUG, &campaign, &ask_id), &[("replied_on", &today), ("reply", "Refused to sign")]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM asks WHERE reply = 'Signed the pledge'").await, 1);
    // The signing link is in no export: its text is not kept once sent.
    assert_eq!(count(&app, "SELECT COUNT(*) FROM outbox WHERE kind = 'pledge_sign'").await, 1);
    let bad = [
        ("kind", "pledge"),
        ("representatives", dai.as_str()),
        ("subject", "S"),
        ("body", "I will \u{202e}oppose\u{202c} it"),
        ("send", "on"),
    ];
    let r = org.post_form(paths::campaign_asks(SLUG, &campaign), &bad).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.body.contains("invisible or text-direction characters"), "{}", r.body);
    // Ann has no official email: noted as asked another way, with no link to sign.
    assert!(mailbox.to("ann@example.gov.uk").is_empty());
    assert!(asks_page.body.contains("sent some other way"));
}
