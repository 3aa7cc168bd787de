//! The walker's screen for one door: who lives there, and one form for what
//! happened, the answers to the list's questions, and what was said to
//! whoever came to the door (someone known, or someone new who lives there
//! now). Saving it goes to the next door not yet knocked.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tredegar_db::walks::{self, AtTheDoor, Door, Knock, QuestionRow, WalkList};
use tredegar_db::{DbError, Scope, audit};
use tredegar_domain::walks::{DoorOutcome, consistent, newcomer};
use tredegar_domain::{ConversationKind, FieldErrors, KnockId, PersonId, Problem, UnitId, WalkListId};

use crate::auth::{CsrfToken, Member};
use crate::conversations::form::{Choices, ConversationForm, record as record_conversation};
use crate::extract::{Path, Query};
use crate::paths;
use crate::ui::{Layout, Notice, Page, Zone, render_form};
use crate::{AppError, AppState};

/// The door's own part of the form.
#[derive(Default, Deserialize)]
struct DoorForm {
    /// Made when the screen is shown, so the same record sent twice is kept once.
    #[serde(default)]
    knock_id: String,
    #[serde(default)]
    outcome: String,
    /// Whom they spoke to: a resident's id, "new", or empty.
    #[serde(default)]
    person: String,
    #[serde(default)]
    new_given_name: String,
    #[serde(default)]
    new_family_name: String,
    #[serde(default)]
    new_email: String,
    #[serde(default)]
    new_phone: String,
}

/// What the screen was sent, to show again with its problems.
struct Sent {
    door: DoorForm,
    answers: Vec<(String, String)>,
    form: ConversationForm,
    errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "walks/door.html")]
struct Screen {
    csrf: String,
    slug: String,
    list: WalkList,
    door: Door,
    of: usize,
    here: Vec<AtTheDoor>,
    questions: Vec<QuestionRow>,
    sent: Sent,
    choices: Choices,
}

impl Screen {
    fn outcomes(&self) -> &'static [DoorOutcome] {
        DoorOutcome::ALL
    }

    /// The answer sent for a question, if any.
    fn answered(&self, q: &QuestionRow) -> &str {
        let key = format!("answer_{}", q.id);
        self.sent.answers.iter().find(|(k, _)| *k == key).map_or("", |(_, v)| v.as_str())
    }

    fn choices_of(&self, q: &QuestionRow) -> Vec<String> {
        q.question().choices
    }
}

async fn screen(
    state: &AppState,
    scope: &Scope,
    csrf: CsrfToken,
    id: WalkListId,
    unit: UnitId,
    sent: Option<Sent>,
    notice: &Notice,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let zone = Zone::of(scope);
    let list = super::walkable(state, scope, id).await?;
    let mut tx = state.db.read().await?;
    let door = walks::door(&mut tx, scope, id, unit).await?.ok_or_else(AppError::not_found)?;
    let of = walks::doors(&mut tx, scope, id).await?.len();
    let here = walks::residents(&mut tx, scope, id, Some(unit), zone.today(&now)).await?;
    let questions = walks::questions(&mut tx, scope, id).await?;
    let choices = Choices::read(&mut tx, scope, here.first().map(|r| r.person_id)).await?;
    drop(tx);
    let read: Vec<_> = here.iter().map(|r| (r.person_id, r.group_id)).collect();
    let mut tx = state.db.write().await?;
    audit::record_reads(&mut tx, scope, &read, &format!("walk list {}", list.title()), now).await?;
    tx.commit().await?;
    let sent = sent.unwrap_or_else(|| Sent {
        door: DoorForm { knock_id: KnockId::new().to_string(), ..DoorForm::default() },
        answers: Vec::new(),
        form: ConversationForm::blank(scope, zone, now, ConversationKind::DoorKnock),
        errors: FieldErrors::default(),
    });
    let has_problems = !sent.errors.is_empty();
    let title = format!("{}, {}", door.label, door.building_name);
    let page = Page::new(Layout::for_scope(&title, scope, csrf).notice(notice), |layout| Screen {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        list,
        door,
        of,
        here,
        questions,
        sent,
        choices,
    });
    render_form(page, has_problems)
}

pub(super) async fn show(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Path((_, id, unit)): Path<(String, WalkListId, UnitId)>,
    Query(notice): Query<Notice>,
) -> Result<Response, AppError> {
    screen(&state, &scope, csrf, id, unit, None, &notice).await
}

/// Whom the walker spoke to, checked.
enum Whom {
    Nobody,
    Known(PersonId),
    New(tredegar_domain::person_update::PersonUpdate),
}

/// Record the door: what happened always; the answers given; and, when they
/// spoke to someone and wrote something down, the conversation (and the
/// assessment it led to). All of it, or none of it.
pub(super) async fn record(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Path((_, id, unit)): Path<(String, WalkListId, UnitId)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let read = |e: serde_html_form::de::Error| AppError::Invalid(Problem::new("form", e.to_string()).into());
    let door: DoorForm = serde_html_form::from_bytes(&body).map_err(read)?;
    let form: ConversationForm = serde_html_form::from_bytes(&body).map_err(read)?;
    let pairs: Vec<(String, String)> = serde_html_form::from_bytes(&body).map_err(read)?;
    let answers: Vec<(String, String)> = pairs.into_iter().filter(|(k, _)| k.starts_with("answer_")).collect();
    let now = state.clock.now();
    let zone = Zone::of(&scope);
    let mut errors = FieldErrors::default();
    let knock_id =
        errors.check(door.knock_id.trim().parse::<KnockId>().map_err(|_| Problem::new("knock_id", "is missing: load the door again")));
    let outcome = errors.check(DoorOutcome::parse("outcome", &door.outcome));
    let whom = match door.person.trim() {
        "" => Some(Whom::Nobody),
        "new" => match newcomer(&door.new_given_name, &door.new_family_name, &door.new_email, &door.new_phone) {
            Ok(update) => Some(Whom::New(update)),
            Err(e) => {
                e.0.into_iter().for_each(|p| errors.push(p));
                None
            }
        },
        p => errors.check(p.parse().map(Whom::Known).map_err(|_| Problem::new("person", "choose someone who lives here"))),
    };
    let typed_new = [&door.new_given_name, &door.new_family_name, &door.new_email, &door.new_phone].iter().any(|t| !t.trim().is_empty());
    if typed_new && door.person.trim() != "new" {
        errors.push(Problem::new("person", "choose \"Someone new who lives here\" to keep the name you typed"));
    }
    let mut tx = state.db.read().await?;
    let questions = walks::questions(&mut tx, &scope, id).await?;
    drop(tx);
    let mut given = Vec::new();
    for q in &questions {
        let field = format!("answer_{}", q.id);
        let raw = answers.iter().find(|(k, _)| *k == field).map_or("", |(_, v)| v.as_str());
        if let Some(a) = errors.check(q.question().answer(&field, raw).map_err(|p| p.shown_as(q.prompt.clone()))).flatten() {
            given.push((q.id, a));
        }
    }
    let spoke_to = !matches!(whom, Some(Whom::Nobody) | None);
    if let Some(o) = outcome {
        errors.check(consistent(o, spoke_to, !given.is_empty(), !form.is_blank()));
    }
    let conversation = if spoke_to && !form.is_blank() {
        match form.check(zone, now) {
            Ok(c) => Some(c),
            Err(e) => {
                e.0.into_iter().for_each(|p| errors.push(p));
                None
            }
        }
    } else {
        None
    };
    let sent = |errors| Sent { door, answers, form, errors };
    let (Some(knock_id), Some(outcome), Some(whom), true) = (knock_id, outcome, whom, errors.is_empty()) else {
        return screen(&state, &scope, csrf, id, unit, Some(sent(errors)), &Notice::default()).await;
    };
    let mut tx = state.db.write().await?;
    let done = async {
        walks::open_list(&mut tx, &scope, id).await?;
        walks::door(&mut tx, &scope, id, unit).await?.ok_or(DbError::NotFound)?;
        if walks::recorded(&mut tx, &scope, id, knock_id).await? {
            return Ok(());
        }
        let person = match whom {
            Whom::Nobody => None,
            Whom::Known(p) => Some(p),
            Whom::New(update) => Some(walks::met_at_door(&mut tx, &scope, id, unit, update, now).await?),
        };
        let conversation = match (&conversation, person) {
            (Some(c), Some(p)) => Some(record_conversation(&mut tx, &scope, p, c, now).await?),
            _ => None,
        };
        let knock = Knock { id: knock_id, unit, person, outcome, answers: given, conversation, knocked_at: now };
        walks::record(&mut tx, &scope, id, &knock, now).await?;
        Ok::<(), DbError>(())
    }
    .await;
    match done {
        Ok(()) => {
            tx.commit().await?;
            next_door(&state, &scope, id, unit).await
        }
        // A list closed while the walker was at the door has no screen to go back to.
        Err(DbError::Invalid(errors)) if errors.message_for("walk_list").is_some() => Err(AppError::Invalid(errors)),
        Err(DbError::Invalid(errors)) => {
            drop(tx);
            screen(&state, &scope, csrf, id, unit, Some(sent(errors)), &Notice::default()).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The next door after this one that nobody has knocked yet, else the list.
async fn next_door(state: &AppState, scope: &Scope, id: WalkListId, unit: UnitId) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let doors = walks::doors(&mut tx, scope, id).await?;
    let at = doors.iter().position(|d| d.unit_id == unit).unwrap_or(0);
    let after = doors.iter().skip(at + 1).chain(doors.iter().take(at)).find(|d| d.records == 0);
    let slug = scope.group_slug();
    Ok(match after {
        Some(d) => Redirect::to(&format!("{}?notice=saved", paths::walk_door(slug, id, d.unit_id))),
        None => Redirect::to(&format!("{}?notice=saved", paths::walk_list(slug, id))),
    }
    .into_response())
}
