//! axe-core (from npm) in real Chromium over every page an admin can reach,
//! and the pages before sign-in, at 360 px and 1280 px, in light and dark
//! mode. Any WCAG 2.2 AA violation fails the test.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::PathBuf;
use std::process::Command;

use fantoccini::Locator;
use tredegar_web::paths;

use crate::browser::Browser;
use crate::helpers::TestApp;

const AXE: &str = "axe-core@4.10.3";

/// axe-core's script, fetched from npm once into the target directory.
fn axe_source() -> String {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(AXE.replace('@', "-"));
    let script = dir.join("package/axe.min.js");
    let lock = std::fs::File::create(dir.with_extension("lock")).expect("lock file");
    lock.lock().expect("lock");
    if !script.exists() {
        std::fs::create_dir_all(&dir).unwrap();
        let packed = Command::new("npm").args(["pack", AXE, "--silent"]).current_dir(&dir).output().expect("npm must be installed");
        assert!(packed.status.success(), "npm pack {AXE}: {}", String::from_utf8_lossy(&packed.stderr));
        let tarball = String::from_utf8_lossy(&packed.stdout).trim().to_string();
        assert!(Command::new("tar").args(["xzf", &tarball]).current_dir(&dir).status().unwrap().success());
    }
    std::fs::read_to_string(script).unwrap()
}

/// A path with its ids replaced, so one page of each kind is checked.
fn kind_of(path: &str) -> String {
    path.split(['/', '?'])
        .map(|part| if part.len() == 36 && part.chars().filter(|c| *c == '-').count() == 4 { "ID" } else { part })
        .collect::<Vec<_>>()
        .join("/")
}

/// Run axe on the page open now; the rules broken, each with where.
async fn violations(b: &Browser, axe: &str) -> Vec<String> {
    b.client.execute(axe, vec![]).await.unwrap();
    let found = b
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})
                .then(r => done(r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ') + ' ' + (n.failureSummary || '')).join(' | '))))
                .catch(e => done(['axe failed: ' + e]));",
            vec![],
        )
        .await
        .unwrap();
    found.as_array().unwrap().iter().map(|v| v.as_str().unwrap_or_default().to_string()).collect()
}

/// Visit `start` and every page linked from it within the site, one of each
/// kind, checking each; the problems found, by page.
async fn crawl(b: &Browser, base: &str, start: &[String], axe: &str, found: &mut BTreeMap<String, Vec<String>>) {
    let mut queue: VecDeque<String> = start.iter().cloned().collect();
    let mut seen: BTreeSet<String> = start.iter().map(|p| kind_of(p)).collect();
    while let Some(path) = queue.pop_front() {
        b.client.goto(&format!("{base}{path}")).await.unwrap();
        let problems = violations(b, axe).await;
        if !problems.is_empty() {
            found.insert(path.clone(), problems);
        }
        let links = b
            .client
            .execute("return Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))", vec![])
            .await
            .unwrap();
        for link in links.as_array().unwrap().iter().filter_map(|l| l.as_str()) {
            let internal = link.starts_with('/') && !link.starts_with("//");
            let download = link.contains(".csv") || link.contains(".zip") || link.contains(".ics") || link.contains("/static/");
            if internal && !download && seen.insert(kind_of(link)) {
                queue.push_back(link.to_string());
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_meets_wcag_2_2_aa_on_a_phone_and_a_laptop_in_light_and_dark() {
    let app = TestApp::sqlite().await;
    let demo = Command::new(env!("CARGO_BIN_EXE_tredegar")).arg("demo").env("TREDEGAR_DATABASE_URL", &app.db_url).output().unwrap();
    let said = String::from_utf8_lossy(&demo.stdout).to_string();
    let password = said.split("with the password ").nth(1).and_then(|r| r.split(' ').next()).expect("demo prints a password").to_string();
    let axe = axe_source();
    let mut found = BTreeMap::new();
    for (width, dark) in [(360, false), (360, true), (1280, false), (1280, true)] {
        let Some(b) = Browser::start_with(width, dark).await else { return };
        let mode = format!("{width}px {}", if dark { "dark" } else { "light" });
        b.client.goto(&format!("{}{}", app.url, paths::login())).await.unwrap();
        let scheme = b.client.execute("return matchMedia('(prefers-color-scheme: dark)').matches", vec![]).await.unwrap();
        assert_eq!(scheme.as_bool(), Some(dark), "{mode}: the page is in that colour scheme");
        let mut here = BTreeMap::new();
        // Before signing in.
        crawl(&b, &app.url, &[paths::login(), "/no/such/page".to_string()], &axe, &mut here).await;
        // Signed in as the admin, who can reach every page; and a form showing its errors.
        b.client.goto(&format!("{}{}", app.url, paths::login())).await.unwrap();
        b.fill("email", "admin@brookfield.example.org").await;
        b.fill("password", &password).await;
        b.go(Locator::Css("form button.primary")).await;
        b.client.goto(&format!("{}{}", app.url, paths::new_person("brookfield-estate-residents"))).await.unwrap();
        b.fill("email_0", "not an email").await;
        b.go(Locator::Css("form button.primary")).await;
        let errors = violations(&b, &axe).await;
        if !errors.is_empty() {
            here.insert("add a person, with errors".to_string(), errors);
        }
        crawl(&b, &app.url, &[paths::dashboard("brookfield-estate-residents")], &axe, &mut here).await;
        found.extend(here.into_iter().map(|(page, v)| (format!("{mode} {page}"), v)));
        b.client.clone().close().await.unwrap();
    }
    let report: Vec<String> = found.iter().map(|(page, v)| format!("{page}:\n  {}", v.join("\n  "))).collect();
    assert!(found.is_empty(), "WCAG 2.2 AA violations:\n{}", report.join("\n"));
}
