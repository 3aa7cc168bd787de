//! Events end to end over HTTP with a real SMTP server: set one up, RSVP
//! on the public page, get the email with its calendar file, give up a
//! place so the waiting list moves, get the reminder, check people in at
//! the door and add a walk-in; the `.ics` files and the group's feed read
//! by a real iCalendar parser (Python's `icalendar`); only the group's
//! organisers and its door helpers see the list.

use std::process::{Command, Stdio};

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use tredegar_domain::Role;
use tredegar_domain::ladder::RungRule;
use tredegar_web::paths;

use crate::helpers::{Client, TestApp, id_of};
use crate::mailbox::Mailbox;

crate::with_mailbox!(an_event_is_rsvped_reminded_and_checked_in);
crate::on_both_backends!(events_and_attendances_in_the_api);

const SLUG: &str = "brookfield-estate";

/// A time as the group's form takes it (the group is in London).
fn local(at: chrono::DateTime<Utc>) -> String {
    at.with_timezone(&chrono_tz::Europe::London).format("%Y-%m-%dT%H:%M").to_string()
}

pub(crate) fn event_form(starts: chrono::DateTime<Utc>, capacity: &'static str) -> Vec<(&'static str, String)> {
    vec![
        ("title", "Brookfield residents' meeting".into()),
        ("kind", "meeting".into()),
        ("own_kind", String::new()),
        ("starts_at", local(starts)),
        ("ends_at", local(starts + Duration::hours(2))),
        ("location", "Brookfield Community Centre, Tredegar NP22 3AA".into()),
        ("description", "What we do about the damp.".into()),
        ("capacity", capacity.into()),
        ("remind_hours", "24".into()),
        ("campaign", String::new()),
        ("is_public", "yes".into()),
    ]
}

pub(crate) fn fields<'a>(form: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    form.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// Set up an event as the organiser; its id.
pub(crate) async fn set_up(org: &mut Client, form: &[(&'static str, String)]) -> String {
    org.events(SLUG).await;
    let made = org.post_events(SLUG, &fields(form)).await;
    assert_eq!(made.status(), StatusCode::SEE_OTHER, "{}", made.body);
    made.location.unwrap().split('?').next().unwrap().rsplit('/').next().unwrap().to_string()
}

fn rsvp<'a>(name: &'a str, email: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![("name", name), ("email", email), ("postcode", "NP22 3AA"), ("contact_by_fax", "")]
}

/// The VEVENTs of an iCalendar text, as Python's `icalendar` reads them.
fn parsed(ics: &str) -> Vec<serde_json::Value> {
    let python = crate::helpers::python_with("icalendar", "icalendar");
    let script = "import sys, json, icalendar\n\
        cal = icalendar.Calendar.from_ical(sys.stdin.read())\n\
        print(json.dumps([{'summary': str(e['SUMMARY']), 'location': str(e['LOCATION']), 'uid': str(e['UID']), \
        'start': e.decoded('DTSTART').isoformat(), 'end': e.decoded('DTEND').isoformat(), 'status': str(e.get('STATUS', ''))} \
        for e in cal.walk('VEVENT')]))";
    let mut child = Command::new(python).args(["-c", script]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), ics.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "icalendar could not read: {ics}");
    serde_json::from_slice(&out.stdout).unwrap()
}

async fn an_event_is_rsvped_reminded_and_checked_in(app: TestApp, mailbox: Mailbox) {
    let group = app.group("Brookfield Estate", None).await;
    let organiser = app.user(&group, "org@example.org", Role::Organiser).await;
    let mut org = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    // The organiser's problems are named.
    org.events(SLUG).await;
    let bad = org.post_events(SLUG, &[("title", ""), ("kind", "rave"), ("starts_at", "soon"), ("capacity", "none")]).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    for message in ["Title: must not be empty", "choose a kind of event", "must be a date and time", "whole number of places"] {
        assert!(bad.body.contains(message), "{message}: {}", bad.body);
    }
    let starts = (Utc::now() + Duration::days(3)).date_naive().and_hms_opt(18, 0, 0).unwrap().and_utc();
    let id = set_up(&mut org, &event_form(starts, "2")).await;

    // The public page: no sign-in, no script, the places left.
    let mut public = app.client();
    let page = public.get(paths::public_event(&id)).await;
    assert!(page.status() == StatusCode::OK && page.body.contains("2 left") && !page.body.contains("<script"), "{}", page.body);
    let post = paths::event_rsvp(&id);
    // Bad input is turned away, naming the problem; nothing is stored.
    let missing = public.post_form(&post, &[("name", ""), ("email", "x"), ("postcode", "")]).await;
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
    for message in ["Name: must not be empty", "Email: must look like", "Postcode: must not be empty"] {
        assert!(missing.body.contains(message), "{message}: {}", missing.body);
    }
    let control = public.post_form(&post, &rsvp("Ann\u{1b}", "ann@example.org")).await;
    assert!(control.status() == StatusCode::BAD_REQUEST && control.body.contains("control characters"), "{}", control.body);
    let mut bot = rsvp("Bot", "bot@example.org");
    bot.retain(|(k, _)| *k != "contact_by_fax");
    bot.push(("contact_by_fax", "buy now"));
    assert_eq!(public.post_form(&post, &bot).await.status(), StatusCode::BAD_REQUEST);

    // Two places: Ann and Bob are going, each emailed the details and the calendar file.
    let ann = public.post_form(&post, &[rsvp("Ann Jones", "ann@example.org"), vec![("comment", "I use a wheelchair")]].concat()).await;
    assert_eq!(ann.status(), StatusCode::SEE_OTHER, "a reload never RSVPs twice");
    assert!(public.follow(&ann).await.body.contains("check your email"));
    let mail = mailbox.wait_for("ann@example.org").await;
    assert_eq!(mail.subject, "You're going: Brookfield residents' meeting");
    assert!(mail.text.contains("Where: Brookfield Community Centre"), "{}", mail.text);
    let ics = mail.attachments.iter().find(|a| a.kind == "text/calendar").unwrap_or_else(|| panic!("no calendar file: {mail:?}"));
    assert_eq!(ics.filename.as_deref(), Some("event.ics"));
    let events = parsed(&ics.content);
    assert_eq!(events[0]["summary"], "Brookfield residents' meeting");
    assert_eq!(events[0]["start"], starts.format("%Y-%m-%dT%H:%M:%S+00:00").to_string());
    public.post_form(&post, &rsvp("Bob Price", "bob@example.org")).await;
    mailbox.wait_for("bob@example.org").await;
    // Saying so again changes nothing and sends nothing.
    public.post_form(&post, &rsvp("Bob Price", "bob@example.org")).await;
    // The third joins the waiting list.
    assert!(public.get(paths::public_event(&id)).await.body.contains("All taken: you can join the waiting list"));
    public.post_form(&post, &rsvp("Cai Evans", "cai@example.org")).await;
    let waiting = mailbox.wait_for("cai@example.org").await;
    assert!(waiting.subject.starts_with("On the waiting list") && waiting.attachments.is_empty(), "{waiting:?}");

    // A ticked box on a form anyone can fill never re-subscribes an address that is not subscribed.
    let api = app.api(&app.token(&group, organiser).await);
    let (_, made) = api.post("people", serde_json::json!({"person": {"given_name": "Una", "email_addresses": [{"address": "una@example.org", "status": "unsubscribed"}]}})).await;
    public.post_form(&post, &[rsvp("Una Price", "una@example.org"), vec![("consent", "yes")]].concat()).await;
    let (_, una) = api.get(&format!("people/{}", id_of(&made))).await;
    assert_eq!(una["email_addresses"][0]["status"], "unsubscribed", "{una}");
    assert_eq!(una["given_name"], "Una", "a stranger cannot rename a known person");
    // Ann can't come: the link shows a button (a mail scanner changes nothing); pressing it gives Cai the place.
    let cancel = mail.link("/cancel/").strip_prefix(&app.url).unwrap().to_string();
    let button = public.get(&cancel).await;
    assert!(button.status() == StatusCode::OK && button.body.contains("I can't come"), "{}", button.body);
    let forged = format!("{}0", cancel.trim_end_matches(|c: char| c.is_ascii_hexdigit()));
    assert_eq!(public.get(&forged).await.status(), StatusCode::NOT_FOUND);
    let done = public.post_form(&cancel, &[]).await;
    assert!(public.follow(&done).await.body.contains("Thank you for letting us know"));
    let promoted = mailbox.wait_for_nth("cai@example.org", 2).await;
    assert!(promoted.text.starts_with("Good news: a place has come free") && !promoted.attachments.is_empty(), "{}", promoted.text);

    // Moved to tomorrow: everyone on the list is told, with a new calendar
    // file for those going, and those going are reminded before the new time.
    let soon = Utc::now() + Duration::hours(23);
    org.event_edit(SLUG, &id).await;
    let moved = org.post_event_edit(SLUG, &id, &fields(&event_form(soon, "2"))).await;
    assert_eq!(moved.status(), StatusCode::SEE_OTHER, "{}", moved.body);
    mailbox.wait_for_nth("bob@example.org", 3).await;
    let subjects = |to: &str| mailbox.to(to).into_iter().map(|m| m.subject).collect::<Vec<_>>();
    let bob = mailbox.to("bob@example.org");
    let changed = bob.iter().find(|m| m.text.starts_with("The time or place of this event has changed")).expect("told of the change");
    assert_eq!(parsed(&changed.attachments[0].content)[0]["start"], soon.format("%Y-%m-%dT%H:%M:00+00:00").to_string());
    assert!(subjects("bob@example.org").contains(&"Reminder: Brookfield residents' meeting".to_string()));
    mailbox.wait_for_nth("cai@example.org", 4).await;
    assert!(subjects("cai@example.org").contains(&"Reminder: Brookfield residents' meeting".to_string()));
    let una = mailbox.wait_for_nth("una@example.org", 2).await;
    assert!(una.subject.starts_with("On the waiting list") && una.text.starts_with("The time or place"), "{una:?}");
    assert_eq!(mailbox.to("ann@example.org").len(), 1, "who can't come is neither told nor reminded");

    // It starts within the hour (no more reminders), so the door is open.
    let mut now_on = event_form(Utc::now() + Duration::minutes(50), "2");
    now_on.retain(|(k, _)| *k != "remind_hours");
    now_on.push(("remind_hours", "0".into()));
    org.event_edit(SLUG, &id).await;
    assert_eq!(org.post_event_edit(SLUG, &id, &fields(&now_on)).await.status(), StatusCode::SEE_OTHER);

    // The door: a volunteer may use it only once asked to help.
    let mut vol = app.signed_in(&group, "vol@example.org", Role::Volunteer).await;
    assert_eq!(vol.event_door(SLUG, &id).await.status(), StatusCode::FORBIDDEN);
    let volunteer = app.user(&group, "vol@example.org", Role::Volunteer).await;
    org.event(SLUG, &id).await;
    org.post_event_helpers(SLUG, &id, &[("user", &volunteer.to_string()), ("action", "add")]).await;
    assert!(vol.events(SLUG).await.body.contains("Brookfield residents&#39; meeting"));
    let door = vol.event_door(SLUG, &id).await;
    assert!(door.body.contains("Bob Price") && door.body.contains("Cai Evans") && !door.body.contains("Ann Jones"), "{}", door.body);
    let found = vol.get(format!("{}?q=evans+c", paths::event_door(SLUG, &id))).await;
    assert!(found.body.contains("Cai Evans") && !found.body.contains("Bob Price"), "{}", found.body);
    let cai = found.body.split("/door/").nth(1).unwrap().split('"').next().unwrap().to_string();
    // A rung earned by coming to a meeting.
    let mut tx = app.db.write().await.unwrap();
    let scope = app.scope(organiser, &group).await;
    tredegar_db::ladder::add_rung(&mut tx, &scope, "Came to a meeting", Some(&RungRule::Meetings { at_least: 1 }), None, Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let checked = vol.post_event_check_in(SLUG, &id, &cai, &[("came", "yes"), ("q", "evans")]).await;
    assert_eq!(checked.status(), StatusCode::SEE_OTHER);
    assert!(vol.follow(&checked).await.body.contains("<span id=\"came-count\">1</span>"));
    // A walk-in needs a way to keep in touch.
    let nameless = vol.post_event_walk_in(SLUG, &id, &[("name", "Dai Morgan"), ("email", ""), ("phone", "")]).await;
    assert!(
        nameless.status() == StatusCode::BAD_REQUEST && nameless.body.contains("an email address or a phone number"),
        "{}",
        nameless.body
    );
    let walked = vol.post_event_walk_in(SLUG, &id, &[("name", "Dai Morgan"), ("email", ""), ("phone", "07700 900123")]).await;
    assert_eq!(walked.status(), StatusCode::SEE_OTHER, "{}", walked.body);
    // A known person's email at the door changes nothing of theirs, and shows the name given.
    let typed = vol.post_event_walk_in(SLUG, &id, &[("name", "Mallory"), ("email", "ANN@example.org"), ("phone", "07700 900555")]).await;
    assert_eq!(typed.status(), StatusCode::SEE_OTHER, "{}", typed.body);
    let door = vol.event_door(SLUG, &id).await.body;
    assert!(door.contains("Mallory") && !door.contains("Ann Jones"), "{door}");
    // The helper sees names at the door, and nothing else.
    assert_eq!(vol.event(SLUG, &id).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(vol.event_attendees_csv(SLUG, &id).await.status(), StatusCode::NOT_FOUND);
    // Taken out of the group and asked back, they are no longer a helper.
    let scope = app.scope(app.user(&group, "admin@example.org", Role::Admin).await, &group).await;
    let mut tx = app.db.write().await.unwrap();
    tredegar_db::users::remove_membership(&mut tx, &scope, volunteer, Utc::now()).await.unwrap();
    tx.commit().await.unwrap();
    app.user(&group, "vol@example.org", Role::Volunteer).await;
    assert_eq!(vol.event_door(SLUG, &id).await.status(), StatusCode::FORBIDDEN);

    // The organiser's view: counts, who came, the walk-in; the list downloads (audited).
    let show = org.event(SLUG, &id).await;
    assert!(show.body.contains("<dd id=\"came-count\">3</dd>") && show.body.contains("walked in"), "{}", show.body);
    assert!(show.body.contains("Told us: I use a wheelchair"), "{}", show.body);
    let csv = org.event_attendees_csv(SLUG, &id).await;
    let row = csv.body.lines().find(|l| l.starts_with("Cai Evans,")).unwrap_or_else(|| panic!("{}", csv.body));
    let person = row.rsplit(',').next().unwrap().to_string();
    assert!(csv.body.lines().any(|l| l.starts_with("Dai Morgan,,07700 900123,going,")), "a walk-in's phone: {}", csv.body);
    let mut admin = app.signed_in(&group, "admin@example.org", Role::Admin).await;
    assert!(admin.audit(SLUG).await.body.contains("Brookfield residents&#39; meeting"));
    assert!(show.body.contains("(gave the name “Mallory” at the door)"), "{}", show.body);
    let ann = csv.body.lines().find(|l| l.starts_with("Ann Jones,")).unwrap().rsplit(',').next().unwrap().to_string();
    assert!(!org.person(SLUG, &ann).await.body.contains("07700 900555"), "the door adds nothing to a known record");
    // Cai's timeline has the event, and coming earned the rung.
    let timeline = org.person(SLUG, &person).await.body;
    assert!(timeline.contains("Came to <a") && timeline.contains("Came to a meeting"), "{timeline}");

    // The calendar file and the group's feed read as iCalendar.
    let one = reqwest::get(format!("{}{}", app.url, paths::event_ics(&id))).await.unwrap();
    assert!(one.headers()["content-type"].to_str().unwrap().starts_with("text/calendar"));
    let feed = reqwest::get(format!("{}{}", app.url, paths::events_feed(SLUG))).await.unwrap().text().await.unwrap();
    let feed = parsed(&feed);
    assert_eq!(feed.len(), 1);
    assert_eq!(feed[0]["uid"], parsed(&one.text().await.unwrap())[0]["uid"]);

    // Another group's organiser reaches none of it.
    let other = app.group("Other Estate", None).await;
    let mut stranger = app.signed_in(&other, "stranger@example.org", Role::Organiser).await;
    for path in [paths::event("other-estate", &id), paths::event_door("other-estate", &id), paths::event_attendees_csv("other-estate", &id)]
    {
        assert_eq!(stranger.get(&path).await.status(), StatusCode::NOT_FOUND, "{path}");
    }
    stranger.events("other-estate").await;
    let walk = stranger.post_event_walk_in("other-estate", &id, &[("name", "Eve"), ("phone", "07700 900999")]).await;
    assert_eq!(walk.status(), StatusCode::NOT_FOUND);
    assert!(!stranger.events("other-estate").await.body.contains("Brookfield residents"));
    stranger.events("other-estate").await;
    let calls_off = stranger.post_form(paths::event_call_off("other-estate", &id), &[]).await;
    assert_eq!(calls_off.status(), StatusCode::NOT_FOUND);

    // Called off: everyone on the list is told, the calendar says so, and it takes no more RSVPs.
    org.event(SLUG, &id).await;
    let off = org.post_form(paths::event_call_off(SLUG, &id), &[]).await;
    assert_eq!(off.status(), StatusCode::SEE_OTHER);
    assert!(org.follow(&off).await.body.contains("Called off."));
    let news = mailbox.wait_for_subject("bob@example.org", "Called off").await;
    assert!(news.text.contains("has been called off") && news.attachments.is_empty(), "{news:?}");
    let feed = reqwest::get(format!("{}{}", app.url, paths::events_feed(SLUG))).await.unwrap().text().await.unwrap();
    assert_eq!(parsed(&feed)[0]["status"], "CANCELLED");
    let late = public.post_form(&post, &rsvp("Late Comer", "late@example.org")).await;
    assert!(late.status() == StatusCode::BAD_REQUEST && late.body.contains("has been called off"), "{}", late.body);
}

async fn events_and_attendances_in_the_api(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let mut org = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    let organiser = app.user(&group, "org@example.org", Role::Organiser).await;
    let token = app.token(&group, organiser).await;
    let starts = Utc::now() + Duration::days(10);
    let id = set_up(&mut org, &event_form(starts, "")).await;
    let api = app.api(&token);
    // Ten days ahead: nobody can be marked as come yet.
    org.event_door(SLUG, &id).await;
    let early = org.post_event_walk_in(SLUG, &id, &[("name", "Eve Early"), ("phone", "07700 900321")]).await;
    assert!(early.status() == StatusCode::BAD_REQUEST && early.body.contains("can be marked from"), "{}", early.body);

    let (status, events) = api.get("events").await;
    assert_eq!(status, StatusCode::OK);
    let event = &events["_embedded"]["osdi:events"][0];
    assert_eq!(event["title"], "Brookfield residents' meeting");
    assert!(event["browser_url"].as_str().unwrap().ends_with(&format!("/e/{id}")), "{event}");
    let (_, filtered) = api.get("events?filter=title+eq+'Nothing'").await;
    assert_eq!(filtered["total_records"], 0);
    let (bad, said) = api.get("events?filter=colour+eq+'red'").await;
    assert!(bad == StatusCode::BAD_REQUEST && said["error"].as_str().unwrap().contains("colour"), "{said}");

    // The record-attendance helper embeds a person and upserts them.
    let body = serde_json::json!({"person": {"given_name": "Ann", "family_name": "Jones", "email_addresses": [{"address": "ann@example.org"}]}, "attended": true});
    let (status, recorded) = api.post(&format!("events/{id}/attendances"), body.clone()).await;
    assert_eq!(status, StatusCode::OK, "{recorded}");
    assert!(recorded["status"] == "accepted" && recorded["attended"] == true, "{recorded}");
    let (_, again) = api.post(&format!("events/{id}/attendances"), body).await;
    assert_eq!(id_of(&again), id_of(&recorded), "one attendance per person per event");
    let bad = serde_json::json!({"person": {"email_addresses": [{"address": "bo@example.org"}]}, "status": "maybe"});
    let (status, said) = api.post(&format!("events/{id}/attendances"), bad).await;
    assert!(status == StatusCode::BAD_REQUEST && said["error"].as_str().unwrap().contains("status"), "{said}");

    let person = recorded["_links"]["osdi:person"]["href"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
    let (_, listed) = api.get(&format!("events/{id}/attendances")).await;
    assert_eq!(listed["total_records"], 1);
    let (_, theirs) = api.get(&format!("people/{person}/attendances")).await;
    assert_eq!(id_of(&theirs["_embedded"]["osdi:attendances"][0]), id_of(&recorded));
    let (_, one) = api.get(&format!("events/{id}/attendances/{}", id_of(&recorded))).await;
    assert_eq!(one["_links"]["osdi:event"]["href"].as_str().unwrap().rsplit('/').next().unwrap(), id);

    // A volunteer's token reads events but no attendances; another group's token, neither.
    let volunteer = app.user(&group, "vol@example.org", Role::Volunteer).await;
    let vol = app.api(&app.token(&group, volunteer).await);
    assert_eq!(vol.get(&format!("events/{id}")).await.0, StatusCode::OK);
    assert_eq!(vol.get(&format!("events/{id}/attendances")).await.0, StatusCode::FORBIDDEN);
    let other = app.group("Other Estate", None).await;
    let stranger = app.user(&other, "stranger@example.org", Role::Organiser).await;
    let stranger = app.api(&app.token(&other, stranger).await);
    assert_eq!(stranger.get(&format!("events/{id}")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(stranger.get(&format!("events/{id}/attendances")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(stranger.get(&format!("people/{person}/attendances")).await.0, StatusCode::NOT_FOUND);
}
