//! Who is asking, in which group, with which role. Holding a `Scope` is proof
//! that a membership or an API token was checked: its fields are private and it
//! is only made by loading one from the database.

use tredegar_domain::{GroupId, Role, UserId};

use crate::{Result, Sql, Tx};

#[derive(Clone, Debug)]
pub struct Scope {
    actor: Actor,
    group_id: GroupId,
    group_name: String,
    group_slug: String,
    time_zone: String,
    role: Role,
    /// Whether a child group shares its people with this one.
    has_sharing_children: bool,
}

/// Who acts through a scope. The audit log and a person's history name them.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Actor {
    /// A signed-in member, or a member's API token.
    Member { id: UserId, name: String },
    /// An operator at the command line, acting as the group's admin.
    CommandLine,
    /// Someone without an account, through one of the group's public forms.
    /// Such a scope sees nobody: it can only add people and their actions.
    PublicForm,
    /// A person following a link emailed to them (to unsubscribe): like a
    /// public form, it sees nobody.
    EmailLink,
    /// A scheduled job acting on the law's or the group's rules (retention);
    /// it sees nobody.
    Schedule,
}

#[derive(sqlx::FromRow)]
struct GroupRow {
    group_id: GroupId,
    group_name: String,
    group_slug: String,
    time_zone: String,
    sharing_children: i64,
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    user_id: UserId,
    user_name: String,
    role: Role,
    #[sqlx(flatten)]
    group: GroupRow,
}

const GROUP_COLUMNS: &str = "g.id AS group_id, g.name AS group_name, g.slug AS group_slug, g.time_zone AS time_zone, \
     (SELECT COUNT(*) FROM groups c WHERE c.parent_id = g.id AND c.share_with_parent) AS sharing_children";

const MEMBER_SELECT: &str = "SELECT u.id AS user_id, u.name AS user_name, m.role AS role, ";
const MEMBER_FROM: &str = " FROM memberships m JOIN users u ON u.id = m.user_id JOIN groups g ON g.id = m.group_id ";

impl Scope {
    fn new(g: GroupRow, actor: Actor, role: Role) -> Scope {
        Scope {
            actor,
            group_id: g.group_id,
            group_name: g.group_name,
            group_slug: g.group_slug,
            time_zone: g.time_zone,
            role,
            has_sharing_children: g.sharing_children > 0,
        }
    }

    fn of_member(r: MemberRow) -> Scope {
        Scope::new(r.group, Actor::Member { id: r.user_id, name: r.user_name }, r.role)
    }

    /// The user's membership of the group with this slug, if they have one.
    pub async fn for_member(tx: &mut Tx, user: UserId, group_slug: &str) -> Result<Option<Scope>> {
        let sql = format!("{MEMBER_SELECT}{GROUP_COLUMNS}{MEMBER_FROM} WHERE m.user_id = $1 AND g.slug = $2");
        Ok(fetch_optional!(tx, MemberRow, sqlx::AssertSqlSafe(sql), user, group_slug)?.map(Scope::of_member))
    }

    /// An operator at the command line, acting as an admin of the group
    /// with this slug. Only the binary's commands make one.
    pub async fn for_operator(tx: &mut Tx, group_slug: &str) -> Result<Option<Scope>> {
        Scope::for_group(tx, group_slug, Actor::CommandLine).await
    }

    /// The group's public forms (petitions, RSVPs, asking for help): it can
    /// add people and record what they did, and reads nobody.
    pub async fn for_public_form(tx: &mut Tx, group_slug: &str) -> Result<Option<Scope>> {
        Scope::for_group(tx, group_slug, Actor::PublicForm).await
    }

    /// A person following a link in an email the group sent them.
    pub async fn for_email_link(tx: &mut Tx, group_slug: &str) -> Result<Option<Scope>> {
        Scope::for_group(tx, group_slug, Actor::EmailLink).await
    }

    /// A scheduled job's scope in the group with this id, for its audit lines.
    pub(crate) async fn for_schedule(tx: &mut Tx, group: GroupId) -> Result<Option<Scope>> {
        Scope::scheduled(tx, group, Role::Volunteer).await
    }

    /// A scheduled job that coordinates mutual aid in the group: it moves
    /// needs on (expires them, offers them) as a coordinator would.
    pub async fn for_coordinating(tx: &mut Tx, group: GroupId) -> Result<Option<Scope>> {
        Scope::scheduled(tx, group, Role::Organiser).await
    }

    async fn scheduled(tx: &mut Tx, group: GroupId, role: Role) -> Result<Option<Scope>> {
        let sql = format!("SELECT {GROUP_COLUMNS} FROM groups g WHERE g.id = $1");
        Ok(fetch_optional!(tx, GroupRow, sqlx::AssertSqlSafe(sql), group)?.map(|g| Scope::new(g, Actor::Schedule, role)))
    }

    async fn for_group(tx: &mut Tx, group_slug: &str, actor: Actor) -> Result<Option<Scope>> {
        let role = if actor == Actor::CommandLine { Role::Admin } else { Role::Volunteer };
        let sql = format!("SELECT {GROUP_COLUMNS} FROM groups g WHERE g.slug = $1");
        Ok(fetch_optional!(tx, GroupRow, sqlx::AssertSqlSafe(sql), group_slug)?.map(|g| Scope::new(g, actor, role)))
    }

    /// The scope an API token carries: its group, and its user's role there.
    pub async fn for_token(tx: &mut Tx, token_hash: &str) -> Result<Option<Scope>> {
        let sql = format!(
            "{MEMBER_SELECT}{GROUP_COLUMNS}{MEMBER_FROM} JOIN api_tokens t ON t.user_id = m.user_id AND t.group_id = m.group_id WHERE t.token_hash = $1"
        );
        Ok(fetch_optional!(tx, MemberRow, sqlx::AssertSqlSafe(sql), token_hash)?.map(Scope::of_member))
    }

    /// The member acting, if a member is.
    pub fn user_id(&self) -> Option<UserId> {
        match &self.actor {
            Actor::Member { id, .. } => Some(*id),
            _ => None,
        }
    }
    /// Who acts, as the audit log and a person's history name them.
    pub fn actor_name(&self) -> &str {
        match &self.actor {
            Actor::Member { name, .. } => name,
            Actor::CommandLine => "command line",
            Actor::PublicForm => "public form",
            Actor::EmailLink => "themselves, by a link in an email",
            Actor::Schedule => "Tredegar, on schedule",
        }
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
    /// The group's time zone, London's where the name is not one.
    pub fn zone(&self) -> chrono_tz::Tz {
        self.time_zone.parse().unwrap_or(chrono_tz::Europe::London)
    }
    pub fn role(&self) -> Role {
        self.role
    }

    /// Whether children of the group share their people with it.
    pub(crate) fn shares_with_children(&self) -> bool {
        self.has_sharing_children
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
        match (self.role.sees_everyone(), self.user_id()) {
            (true, _) => {}
            (false, Some(user)) => {
                q.push(" AND EXISTS (SELECT 1 FROM assignments a WHERE a.person_id = ").column(alias, "id");
                q.push(" AND a.user_id = ").bind(user).push(")");
            }
            (false, None) => {
                q.push(" AND FALSE");
            }
        }
    }

    /// Appends "the person `alias` is on one of this member's open call
    /// lists (and has not asked not to be called), or lives at a door on one
    /// of their open walk lists": what a caller or walker may record about,
    /// though not read.
    pub(crate) fn on_my_open_lists(&self, q: &mut Sql, alias: &'static str, now: chrono::DateTime<chrono::Utc>) {
        q.push("(EXISTS (SELECT 1 FROM call_list_people oc JOIN call_lists ol ON ol.id = oc.call_list_id WHERE ol.status = 'open' AND oc.person_id = ");
        q.column(alias, "id").push(" AND oc.caller = ").bind(self.user_id());
        q.push(" AND NOT EXISTS (SELECT 1 FROM do_not_call od WHERE od.person_id = oc.person_id))");
        // Whoever lives there today, as the door shows them: someone who has
        // given notice and moves out next month is still there to talk to.
        q.push(" OR EXISTS (SELECT 1 FROM residencies r JOIN walk_list_doors od ON od.unit_id = r.unit_id");
        q.push(" JOIN walk_lists ow ON ow.id = od.walk_list_id JOIN walk_list_walkers ok ON ok.walk_list_id = ow.id");
        q.push(" WHERE ow.status = 'open' AND ");
        crate::residents::current(q, now.with_timezone(&self.zone()).date_naive());
        q.push(" AND r.person_id = ").column(alias, "id");
        q.push(" AND ok.user_id = ").bind(self.user_id()).push("))");
    }
}
