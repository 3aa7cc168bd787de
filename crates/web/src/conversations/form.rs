//! The one form that records a conversation: what was said, the themes
//! raised, the ask and its answer, an assessment, and a follow-up. The person
//! page and the call-list screen both show it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use tredegar_db::assessments;
use tredegar_db::conversations::{self, NewConversation, Theme};
use tredegar_db::follow_ups::{self, NewFollowUp};
use tredegar_db::people::Assignee;
use tredegar_db::{Scope, Tx, campaigns::Campaign};
use tredegar_domain::assessments::LevelNames;
use tredegar_domain::contact::{one_line_text, optional_text};
use tredegar_domain::conversations::parse_date;
use tredegar_domain::{Answer, CampaignId, ConversationId, ConversationKind, FieldErrors, Level, PersonId, Problem, UserId};

use crate::ui::Zone;

/// The most issues one conversation raises: enough for any doorstep, few
/// enough that nobody floods the group's issue list.
pub const MAX_THEMES: usize = 12;

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ConversationForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub held_at: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub self_interest: String,
    /// Themes ticked from the issue list.
    #[serde(default)]
    pub themes: Vec<String>,
    /// New themes, comma separated, added to the issue list.
    #[serde(default)]
    pub new_themes: String,
    #[serde(default)]
    pub ask: String,
    #[serde(default)]
    pub answer: String,
    #[serde(default)]
    pub commitments: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub campaign: String,
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub follow_up: String,
    #[serde(default)]
    pub assignee: String,
    #[serde(default)]
    pub due_on: String,
}

impl ConversationForm {
    /// A blank form: held now, by the member filling it in.
    pub fn blank(scope: &Scope, zone: Zone, now: DateTime<Utc>, kind: ConversationKind) -> ConversationForm {
        ConversationForm {
            kind: kind.as_str().into(),
            held_at: zone.input_value(&now),
            assignee: scope.user_id().map(|u| u.to_string()).unwrap_or_default(),
            ..Default::default()
        }
    }

    /// The form filled in with what a conversation recorded, to put it right.
    pub fn of(c: &conversations::Conversation, zone: Zone) -> ConversationForm {
        ConversationForm {
            kind: c.kind.as_str().into(),
            held_at: zone.input_value(&c.held_at),
            place: c.place.clone(),
            self_interest: c.self_interest.clone(),
            themes: c.themes.clone(),
            ask: c.ask.clone(),
            answer: c.answer.map(|a| a.as_str().to_string()).unwrap_or_default(),
            commitments: c.commitments.clone(),
            notes: c.notes.clone(),
            ..Default::default()
        }
    }

    pub fn ticked(&self, theme: &Theme) -> bool {
        self.themes.iter().any(|t| t == &theme.name)
    }

    /// Nothing was written in it: no words, issues, assessment or follow-up.
    pub fn is_blank(&self) -> bool {
        let said = [&self.self_interest, &self.new_themes, &self.ask, &self.commitments, &self.notes, &self.level, &self.follow_up];
        said.iter().all(|t| t.trim().is_empty()) && self.themes.is_empty()
    }
}

/// What the form asks to record, checked.
pub struct Conversation {
    pub conversation: NewConversation,
    pub assessment: Option<(CampaignId, Level)>,
    pub follow_up: Option<(String, UserId, NaiveDate)>,
}

impl ConversationForm {
    pub fn check(&self, zone: Zone, now: DateTime<Utc>) -> Result<Conversation, FieldErrors> {
        let mut errors = FieldErrors::default();
        let kind = errors.check(ConversationKind::parse("kind", &self.kind));
        let held_at = errors.check(zone.parse_input("held_at", &self.held_at));
        // A conversation is logged after it happens; an hour's grace for clocks.
        if held_at.is_some_and(|t| t > now + chrono::Duration::hours(1)) {
            errors.push(Problem::new("held_at", "is in the future: a conversation is recorded once it has happened"));
        }
        let text = |errors: &mut FieldErrors, field: &str, value: &str, max: usize| {
            errors.check(optional_text(field, value, max)).flatten().unwrap_or_default()
        };
        let place = errors.check(one_line_text("place", &self.place, 200)).flatten().unwrap_or_default();
        let self_interest = text(&mut errors, "self_interest", &self.self_interest, 5_000);
        let ask = errors.check(one_line_text("ask", &self.ask, 500)).flatten().unwrap_or_default();
        let answer = errors.check(Answer::parse_optional("answer", &self.answer)).flatten();
        if answer.is_some() && ask.is_empty() {
            errors.push(Problem::new("ask", "say what was asked, to record the answer"));
        }
        let commitments = text(&mut errors, "commitments", &self.commitments, 5_000);
        let notes = text(&mut errors, "notes", &self.notes, 20_000);
        let mut themes = Vec::new();
        for name in self.themes.iter().map(String::as_str).chain(self.new_themes.split(',')) {
            match errors.check(one_line_text("new_themes", name, 100)).flatten() {
                Some(t) if !themes.contains(&t) => themes.push(t),
                _ => {}
            }
        }
        if themes.len() > MAX_THEMES {
            errors.push(Problem::new("new_themes", format!("name at most {MAX_THEMES} issues for one conversation")));
        }
        let assessment = match (self.campaign.trim(), self.level.trim()) {
            ("", "") => None,
            ("", _) => {
                errors.push(Problem::new("campaign", "choose the campaign the level is for"));
                None
            }
            (c, l) => {
                let campaign =
                    errors.check(c.parse::<CampaignId>().map_err(|_| Problem::new("campaign", "is not one of the group's campaigns")));
                let level = errors.check(Level::parse("level", l));
                campaign.zip(level)
            }
        };
        let follow_up = match errors.check(one_line_text("follow_up", &self.follow_up, 500)).flatten() {
            None => None,
            Some(what) => {
                let assignee =
                    errors.check(self.assignee.trim().parse::<UserId>().map_err(|_| Problem::new("assignee", "choose who will follow up")));
                let due = errors.check(parse_date("due_on", &self.due_on));
                assignee.zip(due).map(|(a, d)| (what, a, d))
            }
        };
        let said = [&self_interest, &ask, &commitments, &notes].iter().any(|t| !t.is_empty()) || !themes.is_empty();
        if !said && errors.is_empty() {
            errors.push(Problem::new(
                "self_interest",
                "say something about the conversation: what they care about, an issue, the ask or a note",
            ));
        }
        errors.into_result()?;
        let (Some(kind), Some(held_at)) = (kind, held_at) else {
            return Err(Problem::new("form", "is incomplete").into());
        };
        let conversation = NewConversation { kind, held_at, place, self_interest, themes, ask, answer, commitments, notes };
        Ok(Conversation { conversation, assessment, follow_up })
    }
}

/// Record it all in one transaction: the conversation, the assessment it
/// led to, and the follow-up.
pub async fn record(
    tx: &mut Tx,
    scope: &Scope,
    person: PersonId,
    c: &Conversation,
    now: DateTime<Utc>,
) -> Result<ConversationId, tredegar_db::DbError> {
    let id = conversations::log(tx, scope, person, &c.conversation, now).await?;
    if let Some((campaign, level)) = c.assessment {
        let reason = format!("after a {}", c.conversation.kind.label().to_lowercase());
        assessments::set(tx, scope, person, campaign, level, &reason, now).await?;
    }
    if let Some((what, assignee, due_on)) = &c.follow_up {
        let f = NewFollowUp { person, conversation: Some(id), assignee: *assignee, what, due_on: *due_on };
        follow_ups::add(tx, scope, &f, now).await?;
    }
    Ok(id)
}

/// The choices the form offers, read for one person.
pub struct Choices {
    pub themes: Vec<Theme>,
    pub campaigns: Vec<Campaign>,
    pub levels: LevelNames,
    pub assignees: Vec<Assignee>,
}

impl Choices {
    pub async fn read(tx: &mut Tx, scope: &Scope, person: Option<PersonId>) -> Result<Choices, tredegar_db::DbError> {
        Ok(Choices {
            themes: conversations::themes(tx, scope).await?,
            campaigns: tredegar_db::campaigns::list(tx, scope, tredegar_db::Page::everything()).await?.0,
            levels: assessments::level_names(tx, scope).await?,
            assignees: follow_ups::possible_assignees(tx, scope, person).await?,
        })
    }

    pub fn kinds(&self) -> &'static [ConversationKind] {
        ConversationKind::ALL
    }

    pub fn answers(&self) -> &'static [Answer] {
        Answer::ALL
    }

    pub fn level_list(&self) -> [Level; 5] {
        Level::ALL
    }
}
