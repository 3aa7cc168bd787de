//! Pages as a person uses them: real Chromium, 360 px wide, through chromedriver.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};

use crate::helpers::{PASSWORD, TestApp};

crate::on_both_backends!(
    a_new_group_sets_up_and_adds_someone_on_a_phone,
    a_volunteer_works_a_call_list_on_a_phone,
    an_organiser_maps_a_block_on_a_phone,
    a_walker_knocks_doors_with_no_signal
);

/// chromedriver and a headless Chromium session; both end on drop.
pub struct Browser {
    pub client: Client,
    /// chromedriver's own address, for what WebDriver has no command for.
    driver_url: String,
    _driver: Driver,
}

/// The chromedriver process, ended and reaped on drop.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Browser {
    /// A phone: 360 px wide, light mode.
    pub(crate) async fn start() -> Option<Browser> {
        Browser::start_with(360, false).await
    }

    /// None where Chromium is not installed, except in CI, where that is a failure.
    pub async fn start_with(width: u32, dark: bool) -> Option<Browser> {
        let installed = ["/usr/bin/chromedriver", "/usr/bin/chromium"].iter().all(|p| std::path::Path::new(p).exists());
        if !installed {
            assert!(std::env::var("CI").is_err(), "CI must install chromium and chromium-driver for the browser tests");
            eprintln!("chromium or chromedriver missing: skipping the browser test");
            return None;
        }
        // Port 0: chromedriver picks a free port and says which. Under load
        // (several browser tests at once) it has been seen to exit before
        // saying: start it again, a few times.
        let (driver, port) = (0..3)
            .find_map(|attempt| {
                if attempt > 0 {
                    std::thread::sleep(Duration::from_millis(500));
                }
                let mut driver = Driver(
                    Command::new("/usr/bin/chromedriver").arg("--port=0").stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap(),
                );
                let stdout = driver.0.stdout.take().unwrap();
                let port = std::io::BufRead::lines(std::io::BufReader::new(stdout)).map_while(Result::ok).find_map(|line| {
                    line.split("started successfully on port ").nth(1).and_then(|p| p.trim_end_matches('.').parse::<u16>().ok())
                })?;
                Some((driver, port))
            })
            .expect("chromedriver reports its port");
        let mut args = vec![
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ];
        if dark {
            args.push("--force-dark-mode");
        }
        let mut options = serde_json::json!({"binary": "/usr/bin/chromium", "args": args});
        if width <= 480 {
            options["mobileEmulation"] =
                serde_json::json!({"deviceMetrics": {"width": width, "height": 800, "pixelRatio": 2.0, "touch": true}});
        } else if let Some(args) = options["args"].as_array_mut() {
            args.push(serde_json::json!(format!("--window-size={width},900")));
        }
        let caps: serde_json::Map<String, serde_json::Value> =
            serde_json::from_value(serde_json::json!({"goog:chromeOptions": options})).unwrap();
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let url = format!("http://127.0.0.1:{port}");
        for _ in 0..100 {
            if let Ok(client) = ClientBuilder::new(connector.clone()).capabilities(caps.clone()).connect(&url).await {
                return Some(Browser { client, driver_url: url, _driver: driver });
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("chromedriver did not start");
    }

    /// Cut the phone's network, as DevTools' "Offline" does, or give it back.
    async fn offline(&self, offline: bool) {
        let session = self.client.session_id().await.unwrap().unwrap();
        let conditions = serde_json::json!({"network_conditions": {
            "offline": offline, "latency": 0, "download_throughput": 1_000_000, "upload_throughput": 1_000_000}});
        let url = format!("{}/session/{session}/chromium/network_conditions", self.driver_url);
        let sent = reqwest::Client::new().post(url).json(&conditions).send().await.unwrap();
        assert!(sent.status().is_success(), "chromedriver set the network: {}", sent.text().await.unwrap_or_default());
    }

    /// Tap something on a page a script redraws: found and clicked in one step,
    /// once it is on screen, as a person's finger would wait (a script's click
    /// reaches hidden things, such as the doors list while a save is closing a door).
    pub(crate) async fn tap(&self, css: &str) {
        let script = format!(
            "const e = document.querySelector({css:?}); const shown = !!e && e.getClientRects().length > 0; if (shown) {{ e.click(); }} return shown;"
        );
        self.until(&script).await;
    }

    /// Wait until this script returns true.
    pub(crate) async fn until(&self, script: &str) {
        for _ in 0..500 {
            if matches!(self.client.execute(script, vec![]).await, Ok(serde_json::Value::Bool(true))) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("never true: {script}");
    }

    pub async fn fill(&self, id: &str, text: &str) {
        // A field the page's script has only just shown may not take keys yet.
        self.until(&format!("const e = document.getElementById('{id}'); return !!e && e.getClientRects().length > 0 && !e.disabled")).await;
        self.client.find(Locator::Id(id)).await.unwrap().send_keys(text).await.unwrap();
    }

    pub(crate) async fn click(&self, css: &str) {
        self.client.find(Locator::Css(css)).await.unwrap().click().await.unwrap();
    }

    /// Click something that loads a new page, and wait until it has loaded.
    pub async fn go(&self, locator: Locator<'_>) {
        self.client.execute("window.beforeClick = true", vec![]).await.unwrap();
        self.client.find(locator).await.unwrap().click().await.unwrap();
        for _ in 0..250 {
            let loaded = self.client.execute("return window.beforeClick === undefined && document.readyState === 'complete'", vec![]).await;
            if matches!(loaded, Ok(serde_json::Value::Bool(true))) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("no new page after the click");
    }

    pub(crate) async fn text(&self) -> String {
        self.client.find(Locator::Css("main")).await.unwrap().text().await.unwrap()
    }

    /// The page fits a 360 px phone: nothing scrolls sideways.
    pub(crate) async fn fits_a_phone(&self) {
        let widths = self.client.execute("return [document.documentElement.scrollWidth, window.innerWidth]", vec![]).await.unwrap();
        let (scroll, inner) = (widths[0].as_i64().unwrap(), widths[1].as_i64().unwrap());
        assert!(inner <= 360 && scroll <= inner, "page is {scroll}px wide in a {inner}px window");
    }
}

async fn a_new_group_sets_up_and_adds_someone_on_a_phone(app: TestApp) {
    let Some(b) = Browser::start().await else { return };
    b.client.goto(&format!("{}/", app.url)).await.unwrap();
    assert!(b.client.current_url().await.unwrap().as_str().ends_with("/setup"));
    b.fits_a_phone().await;
    b.fill("group_name", "Brookfield Tenants").await;
    b.fill("name", "Ann Organiser").await;
    b.fill("email", "ann@example.org").await;
    b.fill("password", PASSWORD).await;
    b.go(Locator::Css("form button.primary")).await;
    assert!(b.text().await.contains("Welcome."), "{}", b.text().await);
    b.fits_a_phone().await;

    // On a phone the menu is a <details>: open it, then follow People.
    b.click("nav.nav-phone summary").await;
    let inside = b.client.find(Locator::Css("nav.nav-phone details .signout button")).await.unwrap();
    assert!(inside.is_displayed().await.unwrap(), "Sign out is in the phone menu");
    b.go(Locator::LinkText("People")).await;
    assert!(b.text().await.contains("No people yet"));
    b.go(Locator::Css("a.button.primary")).await;
    b.fill("given_name", "Bronwen").await;
    b.fill("email_0", "bron.example.org").await;
    b.go(Locator::Css("form button.primary")).await;
    let page = b.text().await;
    assert!(page.contains("There is a problem") && page.contains("Email 1: must look like name@example.org"), "{page}");
    b.fits_a_phone().await;
    let focused = b.client.execute("return document.activeElement.className", vec![]).await.unwrap();
    assert_eq!(focused.as_str(), Some("error-summary"), "focus starts on the list of problems");
    // The summary links to the field.
    b.client.find(Locator::Css(".error-summary a")).await.unwrap().click().await.unwrap();
    let focused = b.client.execute("return document.activeElement.id || location.hash", vec![]).await.unwrap();
    assert!(focused.as_str().unwrap().contains("email_0"), "{focused}");

    let email = b.client.find(Locator::Id("email_0")).await.unwrap();
    email.clear().await.unwrap();
    email.send_keys("bron@example.org").await.unwrap();
    b.go(Locator::Css("form button.primary")).await;
    let page = b.text().await;
    assert!(page.contains("Added.") && page.contains("Bronwen") && page.contains("bron@example.org"), "{page}");
    b.fits_a_phone().await;

    // A token for Parsons, made from the menu, shown once.
    b.click("nav.nav-phone summary").await;
    b.go(Locator::LinkText("API tokens")).await;
    b.fill("name", "Parsons sync").await;
    b.go(Locator::Css("form button.primary")).await;
    let token = b.client.find(Locator::Id("new-token")).await.unwrap().prop("value").await.unwrap().unwrap_or_default();
    assert_eq!(token.len(), 64, "a fresh token to copy: {token}");
    assert!(b.text().await.contains("Parsons sync"));
    b.fits_a_phone().await;
    b.client.clone().close().await.unwrap();
}

async fn a_volunteer_works_a_call_list_on_a_phone(app: TestApp) {
    use tredegar_domain::segments::{ListKind, Node, Rule};
    let group = app.group("Brookfield Estate", None).await;
    let organiser = app.user(&group, "org@example.org", tredegar_domain::Role::Organiser).await;
    let volunteer = app.user(&group, "vol@example.org", tredegar_domain::Role::Volunteer).await;
    let api = app.api(&app.token(&group, organiser).await);
    let body =
        serde_json::json!({"person": {"given_name": "Siân", "family_name": "Hughes", "phone_numbers": [{"number": "07700 900123"}]}});
    let (_, made) = api.post("people", body).await;
    let person = crate::helpers::id_of(&made);
    let scope = app.scope(organiser, &group).await;
    let now = chrono::Utc::now();
    let mut tx = app.db.write().await.unwrap();
    let campaign = tredegar_domain::CampaignId::new();
    let text = tredegar_db::campaigns::CampaignText {
        title: "Fix the lifts",
        description: "",
        status: tredegar_domain::CampaignStatus::Active,
        is_public: false,
        themes: &[],
    };
    tredegar_db::campaigns::save(&mut tx, &scope, campaign, &text, now, true).await.unwrap();
    let list = tredegar_db::lists::create(&mut tx, &scope, "Lifts", ListKind::Static, &Node::default(), now).await.unwrap();
    tredegar_db::lists::add_people(&mut tx, &scope, list, &[person.parse().unwrap()], now).await.unwrap();
    let people = Node::Rule(Rule::OnList { list });
    let script = "Hello, it's the tenants' union about the lifts.";
    tredegar_db::calls::create(&mut tx, &scope, "Lift ring-round", script, people, &[volunteer], now).await.unwrap();
    tx.commit().await.unwrap();

    let Some(b) = Browser::start().await else { return };
    b.client.goto(&format!("{}/login", app.url)).await.unwrap();
    b.fill("email", "vol@example.org").await;
    b.fill("password", PASSWORD).await;
    b.go(Locator::Css("form button.primary")).await;
    b.client.goto(&format!("{}{}", app.url, tredegar_web::paths::call_lists("brookfield-estate"))).await.unwrap();
    b.go(Locator::LinkText("Start calling")).await;
    let page = b.text().await;
    assert!(page.contains("Siân Hughes") && page.contains("tenants' union about the lifts"), "{page}");
    let call = b.client.find(Locator::Css("a.call-button")).await.unwrap();
    assert!(call.attr("href").await.unwrap().unwrap_or_default().starts_with("tel:"), "tap to call");
    b.fits_a_phone().await;
    // The outcome, the conversation and the assessment, on the one screen.
    b.click("input[name=outcome][value=spoke]").await;
    b.click("form details summary").await;
    b.fill("self_interest", "The lift has been broken for a month").await;
    b.fill("new_themes", "Broken lifts").await;
    b.client.find(Locator::Css("#campaign option:nth-child(2)")).await.unwrap().click().await.unwrap();
    b.client.find(Locator::Css("#level option[value='2']")).await.unwrap().click().await.unwrap();
    b.fits_a_phone().await;
    b.go(Locator::Css("form > button.primary")).await;
    assert!(b.text().await.contains("You have called everyone"), "{}", b.text().await);
    b.client.clone().close().await.unwrap();

    // The person's timeline shows all three.
    let mut org = app.signed_in(&group, "org@example.org", tredegar_domain::Role::Organiser).await;
    let page = org.person("brookfield-estate", &person).await;
    for shown in [
        "Lift ring-round: <strong>Spoke to them</strong>",
        "Cares about: The lift has been broken for a month",
        "Fix the lifts: 2 · Active supporter (after a phone call)",
    ] {
        assert!(page.body.contains(shown), "{shown}: {}", page.body);
    }
}

async fn an_organiser_maps_a_block_on_a_phone(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let organiser = app.user(&group, "org@example.org", tredegar_domain::Role::Organiser).await;
    app.api(&app.token(&group, organiser).await).person("Ann", "ann@example.org").await;
    let Some(b) = Browser::start().await else { return };
    b.client.goto(&format!("{}/login", app.url)).await.unwrap();
    b.fill("email", "org@example.org").await;
    b.fill("password", PASSWORD).await;
    b.go(Locator::Css("form button.primary")).await;
    b.client.goto(&format!("{}{}", app.url, tredegar_web::paths::places("brookfield-estate"))).await.unwrap();
    b.fits_a_phone().await;
    b.fill("area-name", "Brookfield Estate").await;
    b.client.find(Locator::Css("#area-kind option[value='estate']")).await.unwrap().click().await.unwrap();
    b.go(Locator::Css("form[action$='/places'] button.primary")).await;
    b.fill("building-name", "Bevan Court").await;
    b.fill("building-postcode", "NP22 3AB").await;
    b.go(Locator::Css("form[action$='/places/buildings'] button.primary")).await;
    for (flat, floor) in [("Flat 1", "0"), ("Flat 5", "1")] {
        b.fill("unit", flat).await;
        b.fill("floor", floor).await;
        b.go(Locator::Css("form[action$='/units'] button.primary")).await;
    }
    b.go(Locator::LinkText("Flat 1")).await;
    b.fill("q", "Ann").await;
    b.go(Locator::Css("form[role=search] button")).await;
    b.go(Locator::Css("form[action$='/residents'] button.primary")).await;
    b.fits_a_phone().await;
    b.go(Locator::LinkText("Back to Bevan Court")).await;
    let page = b.text().await;
    assert!(page.contains("Floor 1") && page.contains("Ground floor") && page.contains("Ann"), "{page}");
    assert!(page.contains("0 of 2 units have a supporter (0%)"), "{page}");
    b.fits_a_phone().await;
    if let Ok(png) = b.client.screenshot().await {
        let _ = std::fs::write(std::env::temp_dir().join("tredegar-building-360.png"), png);
    }
    b.client.clone().close().await.unwrap();
}

/// The door-knocking app offline: three doors recorded with no signal, the
/// page reloaded with none, then the signal back: exactly three records.
async fn a_walker_knocks_doors_with_no_signal(app: TestApp) {
    use tredegar_db::walks::{self, Turf};
    use tredegar_domain::walks::{Cut, Question};
    let group = app.group("Brookfield Estate", None).await;
    let organiser = app.user(&group, "org@example.org", tredegar_domain::Role::Organiser).await;
    let walker = app.user(&group, "walker@example.org", tredegar_domain::Role::Volunteer).await;
    let api = app.api(&app.token(&group, organiser).await);
    let people = [
        api.person("Ann", "ann@example.org").await,
        api.person("Bob", "bob@example.org").await,
        api.person("Cai", "cai@example.org").await,
    ];
    let scope = app.scope(organiser, &group).await;
    let estate = crate::walks::estate(&app, &scope, [&people[0], &people[1], &people[2]]).await;
    let question = Question::check(1, "Would you join a rent strike?", "yes_no", "").unwrap().unwrap();
    let turf = Turf { buildings: vec![estate.bevan], cut: Cut::check("40", "", false).unwrap(), campaign: None, segment: None };
    let mut tx = app.db.write().await.unwrap();
    let list = walks::cut(&mut tx, &scope, "Bevan Court", &turf, &[question], chrono::Utc::now()).await.unwrap()[0];
    walks::set_walkers(&mut tx, &scope, list, &[walker]).await.unwrap();
    tx.commit().await.unwrap();

    let Some(b) = Browser::start().await else { return };
    b.client.goto(&format!("{}/login", app.url)).await.unwrap();
    b.fill("email", "walker@example.org").await;
    b.fill("password", PASSWORD).await;
    b.go(Locator::Css("form button.primary")).await;
    b.client.goto(&format!("{}{}", app.url, tredegar_web::paths::walk_app("brookfield-estate", list))).await.unwrap();
    b.until("return document.querySelectorAll('#doors li').length === 6").await;
    b.until("return navigator.serviceWorker.controller !== null").await;
    b.until("return caches.match(document.getElementById('walk-app').dataset.data).then(r => r !== undefined)").await;
    b.fits_a_phone().await;

    // No signal: three doors, one with Ann (she says yes), one nobody home, one someone new.
    b.offline(true).await;
    b.until("return navigator.onLine === false").await;
    let door = |unit: tredegar_domain::UnitId| format!("[data-unit='{unit}'] button");
    b.tap(&door(estate.flats[0])).await;
    b.tap("#door input[name=outcome][value=spoke]").await;
    b.tap(&format!("#door input[name=person][value='{}']", people[0])).await;
    b.tap("#door input[value=yes]").await;
    b.fits_a_phone().await;
    b.tap("#door button.primary").await;
    b.tap(&door(estate.flats[1])).await;
    b.tap("#door input[name=outcome][value=not_home]").await;
    b.tap("#door button.primary").await;
    b.tap(&door(estate.flats[3])).await;
    b.tap("#door input[name=outcome][value=spoke]").await;
    b.tap("#door input[name=person][value=new]").await;
    b.fill("app-given_name", "Dylan").await;
    b.tap("#door button.primary").await;
    b.until("return document.getElementById('waiting').textContent.startsWith('3 records waiting to send')").await;
    assert_eq!(crate::helpers::count(&app, "SELECT COUNT(*) FROM door_knocks").await, 0, "nothing is sent with no signal");

    // Reloaded with no signal: the page, the doors and the three records are still there.
    b.client.refresh().await.unwrap();
    b.until("return document.querySelectorAll('#doors li').length === 6").await;
    b.until("return document.getElementById('waiting').textContent.startsWith('3 records waiting to send')").await;
    assert!(b.text().await.contains("Ann"), "{}", b.text().await);

    // Signal again: all three go, once each.
    b.offline(false).await;
    b.until("return document.getElementById('waiting').textContent === 'Every record is sent.'").await;
    assert_eq!(crate::helpers::count(&app, "SELECT COUNT(*) FROM door_knocks").await, 3);
    assert_eq!(crate::helpers::count(&app, "SELECT COUNT(*) FROM door_answers WHERE answer = 'yes'").await, 1);
    assert_eq!(crate::helpers::count(&app, "SELECT COUNT(*) FROM people WHERE given_name = 'Dylan'").await, 1);

    // Signing out wipes the residents from the phone.
    b.client.execute("document.querySelector('form.signout').submit()", vec![]).await.unwrap();
    b.until("return location.pathname === '/login'").await;
    b.until("return caches.has('tredegar-walks').then(kept => !kept)").await;
    b.client.clone().close().await.unwrap();
}
