//! The figures of a representative's scorecard, on one campaign, on the
//! campaigns of one theme, or on everything: read from their pledges, votes,
//! turn-ups and the invitations the group sent them, and counted by the
//! domain's `Scorecard`.

use tredegar_domain::representatives::{PledgeStatus, Scorecard, Vote};
use tredegar_domain::{CampaignId, RepresentativeId, ThemeId};

use crate::{Result, Scope, Sql, Tx};

/// What a scorecard is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    Campaign(CampaignId),
    /// Every campaign answering this listening theme.
    Theme(ThemeId),
    Everything,
    /// What a public page may count: entries on no campaign or a public one.
    Public,
}

impl Focus {
    /// ` AND <alias>.campaign_id ...` for this focus.
    fn narrow(self, q: &mut Sql, column: &'static str) {
        match self {
            Focus::Campaign(c) => {
                q.push(" AND ").push(column).push(" = ").bind(c);
            }
            Focus::Theme(t) => {
                q.push(" AND ").push(column).push(" IN (SELECT campaign_id FROM campaign_themes WHERE theme_id = ").bind(t).push(")");
            }
            Focus::Public => {
                q.push(" AND (").push(column).push(" IS NULL OR ").push(column).push(" IN (SELECT id FROM campaigns WHERE is_public))");
            }
            Focus::Everything => {}
        }
    }
}

/// A representative's scorecard on this focus.
pub async fn of(tx: &mut Tx, scope: &Scope, rep: RepresentativeId, focus: Focus) -> Result<Scorecard> {
    let start = |head: &'static str, table_rep: &'static str| {
        let mut q = Sql::new(head);
        q.push(table_rep).bind(rep).push(" AND group_id = ").bind(scope.group_id());
        q
    };
    let mut q = start("SELECT status FROM pledges WHERE ", "representative_id = ");
    focus.narrow(&mut q, "campaign_id");
    let pledges: Vec<(PledgeStatus,)> = q.fetch_all(tx).await?;
    let mut q = start("SELECT vote, wanted FROM records WHERE kind = 'vote' AND ", "representative_id = ");
    focus.narrow(&mut q, "campaign_id");
    let votes: Vec<(Vote, Vote)> = q.fetch_all(tx).await?;
    let mut q = start("SELECT COUNT(*) FROM records WHERE kind = 'turn_up' AND ", "representative_id = ");
    focus.narrow(&mut q, "campaign_id");
    let turn_ups = q.count(tx).await?;
    let mut q = start("SELECT COUNT(*) FROM asks WHERE kind = 'invitation' AND ", "representative_id = ");
    focus.narrow(&mut q, "campaign_id");
    let invitations = q.count(tx).await?;
    Ok(Scorecard::of(pledges.into_iter().map(|p| p.0), votes, invitations, turn_ups))
}

/// The representatives a campaign has pledges, record entries or asks of.
pub async fn on_campaign(tx: &mut Tx, scope: &Scope, campaign: CampaignId) -> Result<Vec<RepresentativeId>> {
    let mut q = Sql::new("SELECT r.id FROM representatives r WHERE r.group_id = ");
    q.bind(scope.group_id()).push(" AND (r.id IN (SELECT representative_id FROM pledges WHERE campaign_id = ").bind(campaign);
    q.push(") OR r.id IN (SELECT representative_id FROM records WHERE campaign_id = ").bind(campaign);
    q.push(") OR r.id IN (SELECT representative_id FROM asks WHERE campaign_id = ").bind(campaign);
    q.push(")) ORDER BY r.name, r.id");
    let ids: Vec<(RepresentativeId,)> = q.fetch_all(tx).await?;
    Ok(ids.into_iter().map(|r| r.0).collect())
}
