//! Who is asking, in which group, with which role. Holding a `Scope` is proof
//! that a membership or an API token was checked: its fields are private and it
//! is only made by loading one from the database.

use tredegar_domain::{GroupId, Role, UserId};

use crate::{Result, Sql, Tx};

#[derive(Clone, Debug)]
pub struct Scope {
    user_id: UserId,
    user_name: String,
    group_id: GroupId,
    group_name: String,
    group_slug: String,
    time_zone: String,
    role: Role,
    /// Whether a child group shares its people with this one.
    has_sharing_children: bool,
}

#[derive(sqlx::FromRow)]
struct ScopeRow {
    user_id: UserId,
    user_name: String,
    group_id: GroupId,
    group_name: String,
    group_slug: String,
    time_zone: String,
    role: String,
    sharing_children: i64,
}

const SCOPE_SELECT: &str = "SELECT u.id AS user_id, u.name AS user_name, g.id AS group_id, g.name AS group_name, \
     g.slug AS group_slug, g.time_zone AS time_zone, m.role AS role, \
     (SELECT COUNT(*) FROM groups c WHERE c.parent_id = g.id AND c.share_with_parent) AS sharing_children \
     FROM memberships m JOIN users u ON u.id = m.user_id JOIN groups g ON g.id = m.group_id ";

impl Scope {
    fn from_row(r: ScopeRow) -> Result<Scope> {
        Ok(Scope {
            user_id: r.user_id,
            user_name: r.user_name,
            group_id: r.group_id,
            group_name: r.group_name,
            group_slug: r.group_slug,
            time_zone: r.time_zone,
            role: Role::parse(&r.role).map_err(|p| crate::DbError::Corrupt(p.to_string()))?,
            has_sharing_children: r.sharing_children > 0,
        })
    }

    /// The user's membership of the group with this slug, if they have one.
    pub async fn for_member(tx: &mut Tx, user: UserId, group_slug: &str) -> Result<Option<Scope>> {
        let sql = format!("{SCOPE_SELECT} WHERE m.user_id = $1 AND g.slug = $2");
        let row = fetch_optional!(tx, ScopeRow, sqlx::AssertSqlSafe(sql), user, group_slug)?;
        row.map(Scope::from_row).transpose()
    }

    /// The scope an API token carries: its group, and its user's role there.
    pub async fn for_token(tx: &mut Tx, token_hash: &str) -> Result<Option<Scope>> {
        let sql = format!("{SCOPE_SELECT} JOIN api_tokens t ON t.user_id = m.user_id AND t.group_id = m.group_id WHERE t.token_hash = $1");
        let row = fetch_optional!(tx, ScopeRow, sqlx::AssertSqlSafe(sql), token_hash)?;
        row.map(Scope::from_row).transpose()
    }

    pub fn user_id(&self) -> UserId {
        self.user_id
    }
    pub fn user_name(&self) -> &str {
        &self.user_name
    }
    pub fn group_id(&self) -> GroupId {
        self.group_id
    }
    pub fn group_name(&self) -> &str {
        &self.group_name
    }
    pub fn group_slug(&self) -> &str {
        &self.group_slug
    }
    /// The group's time zone (an IANA name such as Europe/London), for showing times.
    pub fn time_zone(&self) -> &str {
        &self.time_zone
    }
    pub fn role(&self) -> Role {
        self.role
    }

    /// Appends "`alias.group_id` is a group this scope may read": its own
    /// group, plus children that chose to share with it.
    pub(crate) fn visible_groups(&self, q: &mut Sql, alias: &'static str) {
        q.column(alias, "group_id");
        if self.has_sharing_children {
            q.push(" IN (SELECT g.id FROM groups g WHERE g.id = ").bind(self.group_id);
            q.push(" OR (g.parent_id = ").bind(self.group_id).push(" AND g.share_with_parent))");
        } else {
            q.push(" = ").bind(self.group_id);
        }
    }

    /// Appends "this scope may read the person `alias`": one of the visible
    /// groups, and for volunteers only the people assigned to them.
    pub(crate) fn visible_people(&self, q: &mut Sql, alias: &'static str) {
        self.visible_groups(q, alias);
        if !self.role.sees_everyone() {
            q.push(" AND EXISTS (SELECT 1 FROM assignments a WHERE a.person_id = ").column(alias, "id");
            q.push(" AND a.user_id = ").bind(self.user_id).push(")");
        }
    }
}
