//! Search finds people as people are written: accents folded, names in any
//! order, a whole part of an email, a building or a street, a tag; and every
//! search starts from an index.

use reqwest::StatusCode;
use tredegar_db::Db;
use tredegar_db::people::{self, Search};
use tredegar_domain::Role;
use tredegar_domain::segments::{Node, Rule};
use tredegar_web::paths;

use crate::helpers::TestApp;

crate::on_both_backends!(search_finds_people_as_they_are_written, people_stored_before_search_terms_are_found);

const SLUG: &str = "brookfield-estate";

async fn search_finds_people_as_they_are_written(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let admin = app.user(&group, "admin@example.org", Role::Admin).await;
    let api = app.api(&app.token(&group, admin).await);
    for (given, family, email, line) in [
        ("Siân", "Hughes", "sian.hughes@example.org", "Flat 4, Attlee House"),
        ("Aisha", "Davies", "aisha+rent@tenants-union.org.uk", "12 Bevan Street"),
        ("Bob", "Davies", "bob@example.org", "Flat 9, Attlee House"),
        ("Dafydd", "Jones", "dafydd@example.org", "3 Lansbury Road"),
    ] {
        let body = serde_json::json!({"person": {"given_name": given, "family_name": family, "email_addresses": [{"address": email}],
            "postal_addresses": [{"address_lines": [line], "locality": "Tredegar", "postal_code": "NP22 3AA"}]}});
        assert_eq!(api.post("people", body).await.0, StatusCode::OK);
    }
    let mut c = app.signed_in(&group, "admin@example.org", Role::Admin).await;
    let found = |body: &str| {
        ["Siân Hughes", "Aisha Davies", "Bob Davies", "Dafydd Jones"].into_iter().filter(|n| body.contains(n)).collect::<Vec<_>>()
    };
    for (q, expected) in [
        ("Sian", vec!["Siân Hughes"]),
        ("SIÂN", vec!["Siân Hughes"]),
        ("Davies Aisha", vec!["Aisha Davies"]),
        ("aisha dav", vec!["Aisha Davies"]),
        ("Davies", vec!["Aisha Davies", "Bob Davies"]),
        ("hughes", vec!["Siân Hughes"]),
        ("tenants", vec!["Aisha Davies"]),
        ("rent", vec!["Aisha Davies"]),
        ("union", vec!["Aisha Davies"]),
        ("Attlee House", vec!["Siân Hughes", "Bob Davies"]),
        ("Bevan St", vec!["Aisha Davies"]),
        ("Lansbury", vec!["Dafydd Jones"]),
        // Part of an email means a whole part from its start, not any substring.
        ("ughes", vec![]),
        ("nants", vec![]),
        ("Davies Dafydd", vec![]),
    ] {
        let page = c.get(format!("{}?q={}", paths::people(SLUG), paths::encode(q))).await;
        assert_eq!(found(&page.body), expected, "search {q:?}");
    }
    // A tag is one choice away on the list.
    let (_, tag) = api.post("tags", serde_json::json!({"name": "Rent strike"})).await;
    let list = c.people(SLUG).await;
    assert!(list.body.contains(&format!("<option value=\"{}\"", crate::helpers::id_of(&tag))), "the list offers the group's tags");
    // Searches start from the terms index: no table is scanned (SQLite shows
    // its plan), and the people found are looked up by id, never by walking
    // a group's index for each one.
    let scope = app.scope(admin, &group).await;
    let mut tx = app.db.read().await.unwrap();
    let by_id = |plan: &[String]| {
        plan.iter().filter(|s| s.starts_with("SEARCH k ") || s.starts_with("SEARCH p ")).all(|s| s.contains("(id=?") || s.contains(" id=?"))
    };
    for q in ["Davies Aisha", "attlee", "sian"] {
        let plan = people::plan(&mut tx, &scope, &Search::parse(q)).await.unwrap();
        if app.db_url.starts_with("sqlite") {
            assert!(
                plan.iter().any(|s| s.contains("USING COVERING INDEX person_terms_search (group_id=? AND term>? AND term<?)")),
                "{q}: {plan:?}"
            );
            assert!(!plan.iter().any(|s| s.starts_with("SCAN t") || s.starts_with("SCAN k") || s.starts_with("SCAN p")), "{q}: {plan:?}");
            assert!(by_id(&plan), "{q}: {plan:?}");
        }
    }
    // So does a segment, from its most selective rule's index.
    let tag = crate::helpers::id_of(&tag).parse().unwrap();
    let campaign = tredegar_domain::CampaignId::new();
    let levels = vec![tredegar_domain::Level::parse("level", "1").unwrap()];
    let day = chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
    for rules in [
        vec![Rule::NeverContacted, Rule::Tag { tag }, Rule::Postcode { prefix: "NP22".into() }],
        vec![
            Rule::Tag { tag },
            Rule::Assessment { campaign, levels },
            Rule::Postcode { prefix: "NP22".into() },
            Rule::NotContactedSince { day },
        ],
    ] {
        let segment = Search::Segment(Node::All(rules.into_iter().map(Node::Rule).collect()));
        let plan = people::plan(&mut tx, &scope, &segment).await.unwrap();
        if app.db_url.starts_with("sqlite") {
            assert!(plan.iter().any(|s| s.starts_with("SEARCH ad USING COVERING INDEX person_addresses_postcode")), "{plan:?}");
            assert!(!plan.iter().any(|s| s.starts_with("SCAN k") || s.starts_with("SCAN p")), "{plan:?}");
            assert!(by_id(&plan), "{plan:?}");
        }
    }
}

async fn people_stored_before_search_terms_are_found(app: TestApp) {
    let group = app.group("Brookfield Estate", None).await;
    let admin = app.user(&group, "admin@example.org", Role::Admin).await;
    let api = app.api(&app.token(&group, admin).await);
    api.person("Siân", "sian@example.org").await;
    // Undo the migration that made the index, as a database from before it would be.
    for sql in ["DROP TABLE person_terms", "DELETE FROM _sqlx_migrations WHERE version = 5"] {
        match &app.db {
            Db::Sqlite { write, .. } => sqlx::query(sql).execute(write).await.map(|_| ()).unwrap(),
            Db::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()).unwrap(),
        };
    }
    app.db.migrate().await.unwrap();
    let mut c = app.signed_in(&group, "admin@example.org", Role::Admin).await;
    let page = c.get(format!("{}?q=sian", paths::people(SLUG))).await;
    assert!(page.body.contains("1 person") && page.body.contains("Siân"), "{}", page.body);
}
