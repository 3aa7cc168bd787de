//! Petitions end to end over HTTP with a real SMTP server: set one up, sign
//! on the public page, get the email, follow the link, see the count rise,
//! sign again, hit the rate limit; every bad input turned away with a clear
//! message; the signer becomes a person with the signature on their
//! timeline; only the group's organisers see the signatures.

use reqwest::StatusCode;
use tredegar_domain::Role;
use tredegar_web::paths;

use crate::helpers::TestApp;
use crate::mailbox::Mailbox;

crate::with_mailbox!(a_petition_is_signed_confirmed_and_counted);

const SLUG: &str = "brookfield-estate";

/// Start a petition as the organiser; its id.
async fn start(org: &mut crate::helpers::Client, frames: &str) -> String {
    org.petitions(SLUG).await;
    let made = org
        .post_petitions(
            SLUG,
            &[
                ("title", "Save Brookfield Estate"),
                ("target", "Blaenau Gwent Council"),
                ("body", "Stop the demolition of Brookfield Estate.\nRepair our homes instead."),
                ("goal", "500"),
                ("ends_on", ""),
                ("campaign", ""),
                ("consent_wording", "Keep me updated about the estate by email"),
                ("frame_ancestors", frames),
            ],
        )
        .await;
    assert_eq!(made.status(), StatusCode::SEE_OTHER, "{}", made.body);
    made.location.unwrap().split('?').next().unwrap().rsplit('/').next().unwrap().to_string()
}

fn form<'a>(name: &'a str, email: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![("name", name), ("email", email), ("postcode", "NP22 3AA"), ("comment", "Our homes"), ("contact_by_fax", "")]
}

async fn a_petition_is_signed_confirmed_and_counted(app: TestApp, mailbox: Mailbox) {
    let group = app.group("Brookfield Estate", None).await;
    let mut org = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    // The organiser's problems are named.
    org.petitions(SLUG).await;
    let bad = org.post_petitions(SLUG, &[("title", "Save it"), ("goal", "lots"), ("frame_ancestors", "http://x.org")]).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    for message in ["Goal: must be a whole number", "must start with https://", "must not be empty"] {
        assert!(bad.body.contains(message), "{message}: {}", bad.body);
    }
    let id = start(&mut org, "https://www.brookfield.test").await;

    // The public page: no sign-in, no script, a progress bar, framed only where allowed.
    let mut public = app.client();
    let page = public.get(paths::public_petition(&id)).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.body.contains("To: <strong>Blaenau Gwent Council</strong>") && page.body.contains("<progress max=\"500\" value=\"0\""));
    assert!(page.body.contains("name=\"consent\" value=\"yes\">") && !page.body.contains("<script"), "consent is not pre-ticked");
    let raw = reqwest::get(format!("{}{}", app.url, paths::public_petition(&id))).await.unwrap();
    let csp = raw.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("frame-ancestors https://www.brookfield.test;"), "{csp}");
    let dashboard = reqwest::get(format!("{}/login", app.url)).await.unwrap();
    assert!(dashboard.headers()["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));

    // Bad input is turned away, naming the problem; nothing is stored.
    let sign = paths::petition_sign(&id);
    let missing = public.post_form(&sign, &[("name", ""), ("email", "x"), ("postcode", "")]).await;
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
    for message in ["Name: must not be empty", "Email: must look like", "Postcode: must not be empty"] {
        assert!(missing.body.contains(message), "{message}: {}", missing.body);
    }
    let control = public.post_form(&sign, &[("name", "Ann\u{7}"), ("email", "ann@example.org"), ("postcode", "NP22 3AA")]).await;
    assert!(control.status() == StatusCode::BAD_REQUEST && control.body.contains("control characters"), "{}", control.body);
    let mut bot = form("Bot", "bot@example.org");
    bot.retain(|(k, _)| *k != "contact_by_fax");
    bot.push(("contact_by_fax", "http://spam.example"));
    let trapped = public.post_form(&sign, &bot).await;
    assert!(trapped.status() == StatusCode::BAD_REQUEST && trapped.body.contains("could not take that signature"), "{}", trapped.body);
    assert!(trapped.body.contains("name=\"contact_by_fax\" tabindex=\"-1\" autocomplete=\"off\" value=\"\""), "the trap comes back empty");
    let (status, said) = post_huge(&app, &sign, 10 * 1024 * 1024).await;
    assert!(status.starts_with("HTTP/1.1 413") && said.contains("too large"), "{status} {said}");
    assert!(mailbox.to("bot@example.org").is_empty());

    // Sign: an email with a single-use link; the count waits for it.
    let signed = public.post_form(&sign, &[form("Siân Davies", "sian@example.org"), vec![("consent", "yes")]].concat()).await;
    assert_eq!(signed.status(), StatusCode::SEE_OTHER, "a reload never signs twice");
    let signed = public.follow(&signed).await;
    assert!(signed.body.contains("Nearly done: check your email"), "{}", signed.body);
    let mail = mailbox.wait_for("sian@example.org").await;
    assert_eq!(mail.subject, "Please confirm your signature: Save Brookfield Estate");
    assert!(mail.text.starts_with("Hello Siân,") && mail.text.contains("You also asked to be kept up to date"), "{}", mail.text);
    let link = mail.link("/confirm/");
    let path = link.strip_prefix(&app.url).unwrap().to_string();
    let count = |body: &str| body.split("<strong id=\"count\">").nth(1).and_then(|s| s.split('<').next()).unwrap().to_string();
    assert_eq!(count(&public.get(paths::public_petition(&id)).await.body), "0");
    // Following the link (as a mail scanner would) changes nothing; the button confirms.
    let button = public.get(&path).await;
    assert!(button.status() == StatusCode::OK && button.body.contains("Confirm my signature"), "{}", button.body);
    assert_eq!(count(&public.get(paths::public_petition(&id)).await.body), "0");
    let confirmed = public.post_form(&path, &[]).await;
    assert_eq!(confirmed.status(), StatusCode::SEE_OTHER);
    let confirmed = public.follow(&confirmed).await;
    assert!(confirmed.body.contains("your signature counts"), "{}", confirmed.body);
    assert_eq!(count(&confirmed.body), "1");
    let json: serde_json::Value = reqwest::get(format!("{}{}", app.url, paths::petition_count(&id))).await.unwrap().json().await.unwrap();
    assert_eq!(json["total_signatures"], 1);
    let counted = reqwest::get(format!("{}{}", app.url, paths::petition_count(&id))).await.unwrap();
    assert_eq!(counted.headers()["cache-control"], "public, max-age=5");
    let missing = reqwest::get(format!("{}{}", app.url, paths::petition_count(tredegar_domain::PetitionId::new()))).await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let said: serde_json::Value = missing.json().await.unwrap();
    assert!(said["error"].as_str().unwrap().contains("no petition"), "{said}");
    // The link works once.
    let reused = public.post_form(&path, &[]).await;
    assert!(reused.status() == StatusCode::NOT_FOUND && reused.body.contains("used already"), "{}", reused.body);
    assert_eq!(public.get(&path).await.status(), StatusCode::NOT_FOUND);

    // A link not followed within a week no longer works.
    public.post_form(&sign, &form("Cai", "cai@example.org")).await;
    let late = mailbox.wait_for("cai@example.org").await.link("/confirm/");
    app.execute_at(
        "UPDATE signatures SET link_sent_at = $1 WHERE email_key = 'cai@example.org'",
        chrono::Utc::now() - chrono::Duration::days(8),
    )
    .await;
    let expired = public.get(late.strip_prefix(&app.url).unwrap()).await;
    assert!(expired.status() == StatusCode::NOT_FOUND && expired.body.contains("more than a week old"), "{}", expired.body);

    // Signing again with the same email creates nothing, and the page does not
    // say whether the address had signed: the email does, at most every 10 minutes.
    let again = public.post_form(&sign, &form("Sian Davies", "SIAN@example.org")).await;
    assert_eq!(again.location, signed_location(&id));
    app.execute_at(
        "UPDATE signatures SET link_sent_at = $1 WHERE email_key = 'sian@example.org'",
        chrono::Utc::now() - chrono::Duration::minutes(11),
    )
    .await;
    public.post_form(&sign, &form("Sian Davies", "sian@example.org")).await;
    let told = mailbox.wait_for_nth("sian@example.org", 2).await;
    assert_eq!(told.subject, "You have already signed: Save Brookfield Estate");
    assert_eq!(mailbox.to("sian@example.org").len(), 2);

    // Unconfirmed: signing again soon sends nothing more, and the page says the same.
    public.post_form(&sign, &form("Bob", "bob@example.org")).await;
    mailbox.wait_for("bob@example.org").await;
    let soon = public.post_form(&sign, &form("Bob", "bob@example.org")).await;
    assert_eq!(soon.location, signed_location(&id));

    // The organiser sees both counts and downloads the signatures (audited).
    let show = org.petition(SLUG, &id).await;
    assert!(
        show.body.contains("<dd id=\"confirmed-count\">1</dd>") && show.body.contains("<dd id=\"waiting-count\">2</dd>"),
        "{}",
        show.body
    );
    let csv = org.petition_csv(SLUG, &id).await;
    let row = csv.body.lines().find(|l| l.starts_with("Siân Davies,")).unwrap_or_else(|| panic!("{}", csv.body));
    assert!(row.starts_with("Siân Davies,sian@example.org,NP22 3AA,Our homes,yes,Keep me updated about the estate by email,"), "{row}");
    let person = row.rsplit(',').next().unwrap().to_string();
    let mut admin = app.signed_in(&group, "admin@example.org", Role::Admin).await;
    assert!(admin.audit(SLUG).await.body.contains("Save Brookfield Estate"));

    // The signer is a person, subscribed as they chose, the signature on their timeline.
    let timeline = org.person(SLUG, &person).await;
    assert!(timeline.body.contains("Signed the petition “Save Brookfield Estate”"), "{}", timeline.body);
    assert!(timeline.body.contains("sian@example.org") && timeline.body.contains("NP22 3AA"), "{}", timeline.body);

    // Others see nothing: another group's organiser, a volunteer.
    let other = app.group("Other Estate", None).await;
    let mut stranger = app.signed_in(&other, "stranger@example.org", Role::Organiser).await;
    assert_eq!(stranger.get(paths::petition("other-estate", &id)).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(stranger.get(paths::petition_csv("other-estate", &id)).await.status(), StatusCode::NOT_FOUND);
    let mut volunteer = app.signed_in(&group, "vol@example.org", Role::Volunteer).await;
    assert_eq!(volunteer.petition_csv(SLUG, &id).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(volunteer.petition(SLUG, &id).await.status(), StatusCode::NOT_FOUND);

    // The rate limit per address.
    let mut limited = None;
    for i in 0..30 {
        let r = public.post_form(&sign, &form("Flood", &format!("flood{i}@example.org"))).await;
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(i);
            break;
        }
    }
    assert!(limited.is_some(), "20 signatures from one address in 15 minutes, then 429");

    // The organiser closes it: no more signatures, and the page says so.
    let show = org.petition(SLUG, &id).await;
    assert!(show.body.contains("Close the petition now") && show.body.contains("Stop the demolition"), "{}", show.body);
    let closed = org.post_petition_close(SLUG, &id, &[]).await;
    assert_eq!(closed.status(), StatusCode::SEE_OTHER);
    assert!(org.follow(&closed).await.body.contains(": <strong>closed</strong>"));
    let late = public.post_form(&sign, &form("Late", "late@example.org")).await;
    assert!(late.status() == StatusCode::BAD_REQUEST && late.body.contains("has closed, so your signature was not taken"), "{}", late.body);
    assert!(public.get(paths::public_petition(&id)).await.body.contains("This petition closed on"));
    stranger.petitions("other-estate").await;
    assert_eq!(stranger.post_petition_close("other-estate", &id, &[]).await.status(), StatusCode::NOT_FOUND);
}

/// Where every signature's post leads, whatever happened to it.
fn signed_location(id: &str) -> Option<String> {
    Some(format!("{}?signed=check", paths::public_petition(id)))
}

/// POST a body of `size` bytes and read the answer, which may come before
/// the body is all sent (the server need not read what it refuses).
async fn post_huge(app: &TestApp, path: &str, size: usize) -> (String, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(app.url.trim_start_matches("http://")).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {size}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b'x'; 64 * 1024];
    let mut sent = 0;
    while sent < size {
        if stream.write_all(&chunk).await.is_err() {
            break;
        }
        sent += chunk.len();
    }
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let text = String::from_utf8_lossy(&answer).to_string();
    (text.lines().next().unwrap_or_default().to_string(), text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_surge_of_signatures_is_written_in_batches_on_sqlite() {
    let config = tredegar_web::Config { public_posts_per_address: 0, ..crate::helpers::test_config() };
    a_surge_of_signatures_is_written_in_batches(TestApp::sqlite_with(config).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_surge_of_signatures_is_written_in_batches_on_postgres() {
    let config = tredegar_web::Config { public_posts_per_address: 0, ..crate::helpers::test_config() };
    if let Some(app) = TestApp::postgres_with(config).await {
        a_surge_of_signatures_is_written_in_batches(app).await;
    }
}

/// Many at once, some the same person twice: every request is answered
/// after its batch commits, and each email signs once.
async fn a_surge_of_signatures_is_written_in_batches(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let mut org = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    let id = start(&mut org, "").await;
    let sign = format!("{}{}", app.url, paths::petition_sign(&id));
    let mut requests = Vec::new();
    for i in 0..120 {
        let email = if i < 20 { "same@example.org".to_string() } else { format!("signer{i}@example.org") };
        let (http, sign) = (reqwest::Client::new(), sign.clone());
        requests.push(tokio::spawn(async move {
            let fields = [("name", "Surge Signer"), ("email", email.as_str()), ("postcode", "NP22 3AA"), ("contact_by_fax", "")];
            http.post(&sign).form(&fields).send().await.unwrap().status()
        }));
    }
    for r in requests {
        assert_eq!(r.await.unwrap(), StatusCode::OK);
    }
    let show = org.petition(SLUG, &id).await;
    assert!(show.body.contains("<dd id=\"waiting-count\">101</dd>"), "{}", show.body);
}

crate::on_both_backends!(petitions_and_signatures_in_the_api);

/// OSDI: petitions with their count and page; the record-signature helper
/// upserts the person; signatures list with their person; a person's
/// signatures; a volunteer's token reads no signatures.
async fn petitions_and_signatures_in_the_api(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let organiser = app.user(&group, "org@example.org", Role::Organiser).await;
    let api = app.api(&app.token(&group, organiser).await);
    let mut org = app.signed_in(&group, "org@example.org", Role::Organiser).await;
    let id = start(&mut org, "").await;

    let (s, entry) = api.get("").await;
    assert_eq!(s, StatusCode::OK);
    assert!(entry["_links"]["osdi:petitions"]["href"].as_str().unwrap().ends_with("/api/v2/petitions"));
    let (s, list) = api.get("petitions").await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let p = &list["_embedded"]["osdi:petitions"][0];
    assert_eq!(p["title"], "Save Brookfield Estate");
    assert_eq!(p["target"][0]["name"], "Blaenau Gwent Council");
    assert_eq!(p["total_signatures"], 0);
    assert_eq!(p["browser_url"], format!("{}{}", app.url, paths::public_petition(&id)));

    // The helper: bad input is named; a good one upserts the person and counts at once.
    let (s, bad) = api.post(&format!("petitions/{id}/signatures"), serde_json::json!({"person": {"given_name": "Ann"}})).await;
    assert!(s == StatusCode::BAD_REQUEST && bad["error"].as_str().unwrap().contains("email"), "{bad}");
    let body = serde_json::json!({"person": {"given_name": "Ann", "family_name": "Jones", "email_addresses": [{"address": "ann@example.org"}],
        "postal_addresses": [{"postal_code": "NP22 3AA"}]}, "comments": "Fix the damp"});
    let (s, signed) = api.post(&format!("petitions/{id}/signatures"), body.clone()).await;
    assert_eq!(s, StatusCode::OK, "{signed}");
    assert_eq!(signed["comments"], "Fix the damp");
    let person = signed["_links"]["osdi:person"]["href"].as_str().unwrap().rsplit('/').next().unwrap().to_string();
    let (_, again) = api.post(&format!("petitions/{id}/signatures"), body).await;
    assert_eq!(again["identifiers"], signed["identifiers"], "one signature per email");
    let (_, p) = api.get(&format!("petitions/{id}")).await;
    assert_eq!(p["total_signatures"], 1);
    let (_, sigs) = api.get(&format!("petitions/{id}/signatures")).await;
    assert_eq!(sigs["total_records"], 1);
    let (_, mine) = api.get(&format!("people/{person}/signatures")).await;
    assert_eq!(mine["_embedded"]["osdi:signatures"][0]["_links"]["osdi:petition"]["href"], p["_links"]["self"]["href"]);
    let (_, who) = api.get(&format!("people/{person}")).await;
    assert_eq!(who["given_name"], "Ann");

    // A volunteer's token reads the petition, not who signed; another group sees neither.
    let volunteer = app.user(&group, "vol@example.org", Role::Volunteer).await;
    let vol = app.api(&app.token(&group, volunteer).await);
    assert_eq!(vol.get(&format!("petitions/{id}")).await.0, StatusCode::OK);
    assert_eq!(vol.get(&format!("petitions/{id}/signatures")).await.0, StatusCode::FORBIDDEN);
    let other = app.group("Other Estate", None).await;
    let stranger = app.user(&other, "x@example.org", Role::Organiser).await;
    let them = app.api(&app.token(&other, stranger).await);
    assert_eq!(them.get(&format!("petitions/{id}")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(them.get(&format!("petitions/{id}/signatures")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(them.get(&format!("people/{person}/signatures")).await.0, StatusCode::NOT_FOUND);
}
