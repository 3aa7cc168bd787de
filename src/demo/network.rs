//! Who knows whom on the demo estate: neighbours on a landing, family across
//! the blocks, friends, a co-worker, two people who brought others in (so the
//! ladder has leaders to develop), and a kind of the group's own.

use tredegar_db::{Scope, Tx, relationships};
use tredegar_domain::PersonId;
use tredegar_domain::relationships::Strength;

/// The group's own kind of link, beside the built-in ones.
const CHAPEL: &str = "Same chapel";

/// Link residents (by their place in `residents`); returns how many links.
pub(super) async fn relationships(
    tx: &mut Tx,
    scope: &Scope,
    residents: &[PersonId],
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<usize> {
    relationships::add_kind(tx, scope, CHAPEL).await?;
    // (who, to whom, what the first is to the second, how close)
    let mut links: Vec<(usize, usize, &str, u8)> = vec![
        (0, 20, "influences", 4),
        (0, 21, "friend", 5),
        (2, 20, "friend", 3),
        (5, 33, "friend", 2),
        (1, 40, "friend", 3),
        (3, 44, "family", 5),
        (12, 13, "family", 5),
        (7, 30, "co_worker", 2),
        (4, 25, CHAPEL, 3),
        (25, 40, CHAPEL, 3),
    ];
    // Two organisers in the making, each with the people they brought in.
    links.extend((1..=4).map(|r| (r, 0, "recruited_by", 4)));
    links.extend((21..=23).map(|r| (r, 20, "recruited_by", 3)));
    // Next-door neighbours on some landings.
    links.extend((6..48).step_by(6).map(|i| (i, i + 1, "neighbour", 2)));
    let mut made = 0;
    for (a, b, kind, strength) in links {
        let (Some(a), Some(b)) = (residents.get(a), residents.get(b)) else { continue };
        relationships::link(tx, scope, *a, *b, kind, Strength(strength), now).await?;
        made += 1;
    }
    Ok(made)
}
