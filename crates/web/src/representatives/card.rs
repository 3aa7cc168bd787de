//! A scorecard as pages show it, and the choice of what it is about: one
//! campaign, the campaigns of one theme, or everything.

use tredegar_db::representatives::scorecard::{self, Focus};
use tredegar_db::representatives::{self, RepresentativeRow};
use tredegar_db::{Scope, Tx, campaigns, conversations};
use tredegar_domain::CampaignId;
use tredegar_domain::representatives::Scorecard;

use crate::AppError;

/// A representative's scorecard on one focus.
pub struct Card {
    pub representative: RepresentativeRow,
    pub card: Scorecard,
}

impl Card {
    /// "67%", or a dash with no vote cast.
    pub fn consistency(&self) -> String {
        self.card.consistency().map_or_else(|| "–".to_string(), |c| format!("{c}%"))
    }

    pub fn band(&self) -> &'static str {
        self.card.band().map_or("No votes cast on this yet", |b| b.label())
    }
}

/// The scorecards of the representatives a campaign has pledges, record
/// entries or asks of, on that campaign.
pub async fn cards_on(tx: &mut Tx, scope: &Scope, campaign: CampaignId) -> Result<Vec<Card>, AppError> {
    let mut cards = Vec::new();
    for id in scorecard::on_campaign(tx, scope, campaign).await? {
        let Some(representative) = representatives::get(tx, scope, id).await? else { continue };
        let card = scorecard::of(tx, scope, id, Focus::Campaign(campaign)).await?;
        cards.push(Card { representative, card });
    }
    Ok(cards)
}

/// What a scorecard can be about, as (value, label) for a select: every
/// campaign and every theme of the group.
pub(super) async fn focus_choices(tx: &mut Tx, scope: &Scope) -> Result<Vec<(String, String)>, AppError> {
    let mut out = vec![(String::new(), "Everything".to_string())];
    for c in campaigns::list(tx, scope, tredegar_db::Page::everything()).await?.0 {
        out.push((format!("campaign:{}", c.id), format!("Campaign: {}", c.title)));
    }
    for t in conversations::themes(tx, scope).await? {
        out.push((format!("theme:{}", t.id), format!("Theme: {}", t.name)));
    }
    Ok(out)
}

/// The focus a select sent; anything unreadable is everything.
pub(super) fn focus(choice: &str) -> Focus {
    match choice.split_once(':') {
        Some(("campaign", id)) => id.parse().map_or(Focus::Everything, Focus::Campaign),
        Some(("theme", id)) => id.parse().map_or(Focus::Everything, Focus::Theme),
        _ => Focus::Everything,
    }
}

/// The campaigns a focus counts, or none for everything.
pub(super) async fn campaigns_of(tx: &mut Tx, scope: &Scope, focus: Focus) -> Result<Option<Vec<CampaignId>>, AppError> {
    Ok(match focus {
        Focus::Campaign(c) => Some(vec![c]),
        Focus::Theme(t) => Some(campaigns::with_theme(tx, scope, t).await?),
        Focus::Everything | Focus::Public => None,
    })
}
