//! Campaigns: an issue the group is fighting on. Later capabilities (demands,
//! targets, actions) attach to these.

use chrono::{DateTime, Utc};
use tredegar_domain::{CampaignId, CampaignStatus, ThemeId};

use crate::{DbError, Page, Result, Scope, Tx};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Campaign {
    pub id: CampaignId,
    pub title: String,
    pub description: String,
    pub status: CampaignStatus,
    /// It has a public page.
    pub is_public: bool,
    pub created_at: DateTime<Utc>,
    pub modified_at: DateTime<Utc>,
}

pub async fn list(tx: &mut Tx, scope: &Scope, page: Page) -> Result<(Vec<Campaign>, i64)> {
    let rows = fetch_all!(
        tx,
        Campaign,
        sqlx::AssertSqlSafe(format!(
            "SELECT id, title, description, status, is_public, created_at, modified_at FROM campaigns WHERE group_id = $1 \
             ORDER BY created_at DESC, id DESC LIMIT {} OFFSET $2",
            page.per_page
        )),
        scope.group_id(),
        page.offset()
    )?;
    let total = scalar!(tx, i64, "SELECT COUNT(*) FROM campaigns WHERE group_id = $1", scope.group_id())?.unwrap_or(0);
    Ok((rows, total))
}

pub async fn get(tx: &mut Tx, scope: &Scope, id: CampaignId) -> Result<Option<Campaign>> {
    Ok(fetch_optional!(
        tx,
        Campaign,
        "SELECT id, title, description, status, is_public, created_at, modified_at FROM campaigns WHERE id = $1 AND group_id = $2",
        id,
        scope.group_id()
    )?)
}

/// What an organiser writes about a campaign.
pub struct CampaignText<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub status: CampaignStatus,
    pub is_public: bool,
    /// The listening themes it answers.
    pub themes: &'a [ThemeId],
}

pub async fn save(tx: &mut Tx, scope: &Scope, id: CampaignId, text: &CampaignText<'_>, now: DateTime<Utc>, new: bool) -> Result<()> {
    let CampaignText { title, description, status, is_public, themes } = *text;
    if new {
        execute!(
            tx,
            "INSERT INTO campaigns (id, group_id, title, description, status, is_public, created_at, modified_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
            id,
            scope.group_id(),
            title,
            description,
            status,
            is_public,
            now
        )?;
    } else {
        let n = execute!(
            tx,
            "UPDATE campaigns SET title = $3, description = $4, status = $5, is_public = $6, modified_at = $7 WHERE id = $1 AND group_id = $2",
            id,
            scope.group_id(),
            title,
            description,
            status,
            is_public,
            now
        )?;
        if n == 0 {
            return Err(DbError::NotFound);
        }
    }
    // Its themes: only the group's own, replacing those it had.
    execute!(tx, "DELETE FROM campaign_themes WHERE campaign_id = $1", id)?;
    let mut themes = themes.to_vec();
    themes.sort();
    themes.dedup();
    for theme in &themes {
        let n = execute!(
            tx,
            "INSERT INTO campaign_themes (campaign_id, theme_id, group_id) SELECT $1, t.id, t.group_id FROM themes t WHERE t.id = $2 AND t.group_id = $3",
            id,
            *theme,
            scope.group_id()
        )?;
        if n == 0 {
            return Err(DbError::NotFound);
        }
    }
    Ok(())
}

/// The themes a campaign answers, by name.
pub async fn themes(tx: &mut Tx, scope: &Scope, id: CampaignId) -> Result<Vec<crate::conversations::Theme>> {
    Ok(fetch_all!(
        tx,
        crate::conversations::Theme,
        "SELECT t.id, t.name FROM campaign_themes ct JOIN themes t ON t.id = ct.theme_id WHERE ct.campaign_id = $1 AND ct.group_id = $2 ORDER BY t.name",
        id,
        scope.group_id()
    )?)
}

/// A campaign the group made public, by id alone, with its group's slug.
pub async fn public(tx: &mut Tx, id: CampaignId) -> Result<Option<(Campaign, String)>> {
    #[derive(sqlx::FromRow)]
    struct Public {
        #[sqlx(flatten)]
        campaign: Campaign,
        group_slug: String,
    }
    let found = fetch_optional!(
        tx,
        Public,
        "SELECT c.id, c.title, c.description, c.status, c.is_public, c.created_at, c.modified_at, g.slug AS group_slug \
         FROM campaigns c JOIN groups g ON g.id = c.group_id WHERE c.id = $1 AND c.is_public",
        id
    )?;
    Ok(found.map(|p| (p.campaign, p.group_slug)))
}

/// A petition carrying a campaign, with its confirmed signatures.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PetitionCount {
    pub id: tredegar_domain::PetitionId,
    pub title: String,
    pub signatures: i64,
}

/// The campaign's petitions, oldest first.
pub async fn petitions(tx: &mut Tx, scope: &Scope, id: CampaignId) -> Result<Vec<PetitionCount>> {
    Ok(fetch_all!(
        tx,
        PetitionCount,
        "SELECT p.id, p.title, COUNT(s.confirmed_at) AS signatures FROM petitions p LEFT JOIN signatures s ON s.petition_id = p.id \
         WHERE p.campaign_id = $1 AND p.group_id = $2 GROUP BY p.id, p.title, p.created_at ORDER BY p.created_at, p.id",
        id,
        scope.group_id()
    )?)
}

/// The campaign's events, oldest first: (id, title, start).
pub async fn events(tx: &mut Tx, scope: &Scope, id: CampaignId) -> Result<Vec<(tredegar_domain::EventId, String, DateTime<Utc>)>> {
    Ok(fetch_all!(
        tx,
        (tredegar_domain::EventId, String, DateTime<Utc>),
        "SELECT id, title, starts_at FROM events WHERE campaign_id = $1 AND group_id = $2 AND cancelled_at IS NULL ORDER BY starts_at, id",
        id,
        scope.group_id()
    )?)
}

/// Conversations since `from` that raised one of the campaign's themes.
pub async fn conversations_on_themes(tx: &mut Tx, scope: &Scope, id: CampaignId, from: DateTime<Utc>) -> Result<i64> {
    Ok(scalar!(
        tx,
        i64,
        "SELECT COUNT(DISTINCT ct.conversation_id) FROM campaign_themes c JOIN conversation_themes ct ON ct.theme_id = c.theme_id \
         WHERE c.campaign_id = $1 AND c.group_id = $2 AND ct.held_at >= $3",
        id,
        scope.group_id(),
        from
    )?
    .unwrap_or(0))
}

/// The campaigns that answer a listening theme.
pub async fn with_theme(tx: &mut Tx, scope: &Scope, theme: ThemeId) -> Result<Vec<CampaignId>> {
    let rows = fetch_all!(
        tx,
        (CampaignId,),
        "SELECT campaign_id FROM campaign_themes WHERE theme_id = $1 AND group_id = $2",
        theme,
        scope.group_id()
    )?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}
