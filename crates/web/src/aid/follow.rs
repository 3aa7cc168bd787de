//! A need carried through without a login. A volunteer says yes or no from
//! the single-use link in their email (and signs in to see who and where);
//! once a need is done, the one who was helped is asked how it went, by an
//! emailed link or a code on a printed card, and whether they would like to
//! get involved; a need that repeats comes round again.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tredegar_db::aid::follow::{self, Feedback, Purpose};
use tredegar_db::aid::{self, NeedRow, offers};
use tredegar_db::outbox::{self, NewMessage};
use tredegar_db::{Scope, Tx, groups};
use tredegar_domain::aid::{HowItWent, NeedStatus, code_key, code_shown, involve_wording};
use tredegar_domain::mail::{MailKind, fill};
use tredegar_domain::{FieldErrors, NeedId, Problem, UserId};

use crate::auth::throttle::{self, ClientAddr};
use crate::auth::{CsrfToken, Member};
use crate::extract::{Form, Path, Query};
use crate::ui::{Layout, Page, render, render_form};
use crate::{AppError, AppState, paths, random_token, token_hash};

/// How long the one who was helped may say how it went.
const FEEDBACK_WITHIN: chrono::Duration = chrono::Duration::days(60);

/// A single-use link for the volunteer a need was just offered to, to say
/// yes or no without signing in; it lasts as long as the offer waits.
pub(super) async fn answer_link(
    tx: &mut Tx,
    state: &AppState,
    scope: &Scope,
    need: &NeedRow,
    volunteer: UserId,
) -> Result<String, AppError> {
    let token = random_token()?;
    let expires = state.clock.now() + offers::timing(tx, scope.group_id()).await?.answer_within();
    follow::add_link(tx, need, scope.group_id(), Purpose::Answer, &token_hash(&token), Some(volunteer), expires).await?;
    Ok(format!("{}{}", state.config.public_url, paths::answer_need(&token)))
}

/// Eight letters and digits, none that read as another (no 0, O, 1, I, L),
/// shown as two fours: about 40 bits, and the form that takes it is rate limited.
fn feedback_code() -> Result<String, AppError> {
    const LETTERS: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(format!("no randomness: {e}")))?;
    let chars: String = bytes.iter().filter_map(|b| LETTERS.get(usize::from(*b) % LETTERS.len()).map(|c| char::from(*c))).collect();
    Ok(code_shown(&chars))
}

/// A new code for the one who was helped to say how it went: for their
/// email (`card_for` none), or for a card the member `card_for` leaves.
async fn new_code(tx: &mut Tx, state: &AppState, scope: &Scope, need: &NeedRow, card_for: Option<UserId>) -> Result<String, AppError> {
    let code = feedback_code()?;
    let expires = state.clock.now() + FEEDBACK_WITHIN;
    follow::add_link(tx, need, scope.group_id(), Purpose::Feedback, &token_hash(&code_key(&code)), card_for, expires).await?;
    Ok(code)
}

/// What follows a need being done: the next one, if it repeats (with the
/// same volunteer if they said they would, and the requester agreed); and a
/// way for the requester to say how it went. Someone who gave an email is
/// emailed a link; for anyone else, whoever marked it done gets a card to
/// leave with them (the code is theirs to hand over, so a coordinator sees
/// that it came by card). Says what came of it (`AfterDone`). Run by a
/// coordinating scope, since a volunteer no longer sees the need once it is
/// done.
pub(super) async fn after_done(
    tx: &mut Tx,
    state: &AppState,
    scope: &Scope,
    id: NeedId,
    volunteer_stays: bool,
) -> Result<AfterDone, AppError> {
    let now = state.clock.now();
    let coordinating = Scope::for_coordinating(tx, scope.group_id()).await?.ok_or_else(AppError::not_found)?;
    let need = aid::get(tx, &coordinating, id).await?.ok_or_else(AppError::not_found)?;
    // Only the volunteer can say they will do the next one.
    let stays = volunteer_stays && need.volunteer_id.is_some() && need.volunteer_id == scope.user_id();
    let next = follow::repeat(tx, &coordinating, &need, stays, crate::ui::Zone::of(scope).today(&now), now).await?.map(|r| r.kept);
    let contact = aid::contact(tx, &coordinating, &need).await?.ok_or_else(AppError::not_found)?;
    if contact.email.is_empty() {
        return Ok(AfterDone { code: Some(new_code(tx, state, scope, &need, scope.user_id()).await?), next });
    }
    let code = new_code(tx, state, scope, &need, None).await?;
    {
        let link = format!("{}{}?code={}", state.config.public_url, paths::help_feedback(scope.group_slug()), code);
        let values = [
            ("name", contact.contact_name.as_str()),
            ("group", scope.group_name()),
            ("need", &need.category.to_lowercase()),
            ("link", &link),
            ("code", &code),
        ];
        let template = outbox::template(tx, scope.group_id(), MailKind::NeedFeedback).await?;
        let message = NewMessage {
            group: Some(scope.group_id()),
            person: Some(need.person_id),
            user: None,
            kind: MailKind::NeedFeedback,
            to: &contact.email,
            subject: &fill(&template.subject, &values),
            text: &fill(&template.body, &values),
            unsubscribe: false,
            calendar: None,
        };
        outbox::queue(tx, &message, now).await?;
    }
    Ok(AfterDone { code: None, next })
}

/// What marking a need done led to.
pub(super) struct AfterDone {
    /// The card's code, when they gave no email.
    pub code: Option<String>,
    /// A next one was made: whether it went to the same volunteer.
    pub next: Option<bool>,
}

impl AfterDone {
    /// Where the one who marked it done goes next, and what they are told.
    pub(super) fn redirect(&self, scope: &Scope, id: NeedId) -> String {
        let next = match self.next {
            Some(true) => "-yours",
            Some(false) => "-waiting",
            None => "",
        };
        match &self.code {
            Some(code) => format!("{}?code={code}&next={}", paths::feedback_card(scope.group_slug()), next.trim_start_matches('-')),
            None => {
                let back =
                    if scope.role().sees_everyone() { paths::need(scope.group_slug(), id) } else { paths::helping(scope.group_slug()) };
                format!("{back}?notice=done-emailed{next}")
            }
        }
    }
}

#[derive(Template)]
#[template(path = "aid/answer.html")]
struct AnswerPage {
    token: String,
    group_name: String,
    slug: String,
    /// The need, while the link still works.
    need: Option<NeedRow>,
    /// Until when the link works, in the group's time.
    answer_by: Option<String>,
    /// What they just said: yes or no.
    said: Option<bool>,
    errors: FieldErrors,
}

/// A link that works: the volunteer's scope, the need waiting on them, and until when.
struct Answering {
    scope: Scope,
    need: NeedRow,
    until: chrono::DateTime<chrono::Utc>,
}

/// The volunteer and the need a link is for, while it works and the need
/// still waits on them.
async fn answering(state: &AppState, token: &str) -> Result<Option<Answering>, AppError> {
    let mut tx = state.db.read().await?;
    let Some(link) = follow::link(&mut tx, Purpose::Answer, &token_hash(token), state.clock.now()).await? else { return Ok(None) };
    let (Some(slug), Some(volunteer)) = (groups::slug_of(&mut tx, link.group_id).await?, link.volunteer_id) else { return Ok(None) };
    let Some(scope) = Scope::for_member(&mut tx, volunteer, &slug).await? else { return Ok(None) };
    let need = aid::get(&mut tx, &scope, link.need_id).await?;
    let waiting = need.filter(|n| n.status == NeedStatus::Offered && n.volunteer_id == Some(volunteer));
    Ok(waiting.map(|need| Answering { scope, need, until: link.expires_at }))
}

fn answer_page(token: String, found: Option<Answering>, said: Option<bool>, errors: FieldErrors) -> Result<Response, AppError> {
    let has_problems = !errors.is_empty();
    let body = match found {
        Some(a) => AnswerPage {
            token,
            group_name: a.scope.group_name().into(),
            slug: a.scope.group_slug().into(),
            answer_by: Some(crate::ui::Zone::of(&a.scope).when(&a.until)),
            need: Some(a.need),
            said,
            errors,
        },
        None => AnswerPage { token, group_name: String::new(), slug: String::new(), need: None, answer_by: None, said, errors },
    };
    let title = if said.is_some() { "Thank you" } else { "Can you help?" };
    render_form(Page::new(Layout::public(title, CsrfToken(String::new())), |_| body), has_problems)
}

pub(super) async fn answer_form(State(state): State<AppState>, Path(token): Path<String>) -> Result<Response, AppError> {
    let found = answering(&state, &token).await?;
    answer_page(token, found, None, FieldErrors::default())
}

#[derive(Deserialize)]
pub(super) struct AnswerForm {
    #[serde(default)]
    answer: String,
    #[serde(default)]
    reason: String,
}

/// Yes or no, once: the link is spent in the same transaction as the answer.
pub(super) async fn answer(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Form(form): Form<AnswerForm>,
) -> Result<Response, AppError> {
    let Some(found) = answering(&state, &token).await? else { return answer_page(token, None, None, FieldErrors::default()) };
    let yes = match form.answer.as_str() {
        "yes" => true,
        "no" => false,
        _ => return answer_page(token, Some(found), None, Problem::new("answer", "choose yes or no").into()),
    };
    let reason = match tredegar_domain::contact::one_line_text("reason", &form.reason, 300) {
        Ok(reason) => reason.unwrap_or_default(),
        Err(p) => return answer_page(token, Some(found), None, p.into()),
    };
    let now = state.clock.now();
    let mut tx = state.db.write().await?;
    if !follow::spend(&mut tx, &token_hash(&token), now).await? {
        return answer_page(token, None, None, FieldErrors::default());
    }
    match follow::answer(&mut tx, &found.scope, found.need.id, yes, &reason, now).await {
        Ok(()) => tx.commit().await?,
        Err(tredegar_db::DbError::Invalid(errors)) => {
            drop(tx);
            return answer_page(token, Some(found), None, errors);
        }
        Err(e) => return Err(e.into()),
    }
    answer_page(token, Some(found), Some(yes), FieldErrors::default())
}

#[derive(Template)]
#[template(path = "aid/feedback.html")]
struct FeedbackPage {
    group_name: String,
    slug: String,
    form: FeedbackForm,
    hows: &'static [HowItWent],
    wording: String,
    thanked: bool,
    errors: FieldErrors,
}

#[derive(Default, Deserialize)]
pub(super) struct FeedbackForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    how: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    involve: String,
    /// Hidden from people: a bot that fills every field fills this.
    #[serde(default)]
    contact_by_fax: String,
}

async fn feedback_page(state: &AppState, slug: &str, form: FeedbackForm, thanked: bool, errors: FieldErrors) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let scope = Scope::for_public_form(&mut tx, slug).await?.ok_or_else(AppError::not_found)?;
    drop(tx);
    let has_problems = !errors.is_empty();
    let body = FeedbackPage {
        group_name: scope.group_name().into(),
        slug: slug.into(),
        form,
        hows: HowItWent::ALL,
        wording: involve_wording(scope.group_name()),
        thanked,
        errors,
    };
    render_form(Page::new(Layout::public("How did it go?", CsrfToken(String::new())), |_| body), has_problems)
}

#[derive(Deserialize)]
pub(super) struct FeedbackQuery {
    #[serde(default)]
    code: String,
    thanks: Option<String>,
}

pub(super) async fn feedback_form(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<FeedbackQuery>,
) -> Result<Response, AppError> {
    let form = FeedbackForm { code: q.code, ..Default::default() };
    feedback_page(&state, &slug, form, q.thanks.is_some(), FieldErrors::default()).await
}

/// How it went, from the one who was helped: by the code, once.
pub(super) async fn give_feedback(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    Path(slug): Path<String>,
    Form(mut form): Form<FeedbackForm>,
) -> Result<Response, AppError> {
    if !form.contact_by_fax.is_empty() {
        form.contact_by_fax.clear();
        let errors = Problem::new("code", "could not take that; please check it and send it again").into();
        return feedback_page(&state, &slug, form, false, errors).await;
    }
    throttle::public_form(&state, ip)?;
    let mut errors = FieldErrors::default();
    let key = code_key(&form.code);
    if key.len() != 8 {
        errors.push(Problem::new("code", "is the eight letters and numbers on your card or in your email"));
    }
    let how = errors.check(HowItWent::from_stored(form.how.trim()).ok_or_else(|| Problem::new("how", "choose how it went")));
    let note = errors.check(tredegar_domain::contact::optional_text("note", &form.note, 2000)).flatten().unwrap_or_default();
    let Some(how) = how.filter(|_| errors.is_empty()) else { return feedback_page(&state, &slug, form, false, errors).await };
    let now = state.clock.now();
    let mut tx = state.db.write().await?;
    let scope = Scope::for_public_form(&mut tx, &slug).await?.ok_or_else(AppError::not_found)?;
    let link = follow::link(&mut tx, Purpose::Feedback, &token_hash(&key), now).await?.filter(|l| l.group_id == scope.group_id());
    let Some(link) = link else {
        drop(tx);
        let errors = Problem::new("code", "is not one we know, or has been used: check it against your card or email").into();
        return feedback_page(&state, &slug, form, false, errors).await;
    };
    let involve = !form.involve.is_empty();
    let wording = involve_wording(scope.group_name());
    let said = Feedback { how, by_card: link.volunteer_id.is_some(), note: &note, involve, wording: &wording };
    match follow::give_feedback(&mut tx, &scope, link.need_id, &said, now).await {
        Ok(()) => tx.commit().await?,
        Err(tredegar_db::DbError::Invalid(errors)) => {
            drop(tx);
            return feedback_page(&state, &slug, form, false, errors).await;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&format!("{}?thanks=1", paths::help_feedback(&slug))).into_response())
}

#[derive(Template)]
#[template(path = "aid/card.html")]
struct CardPage {
    group_name: String,
    slug: String,
    address: String,
    code: String,
    next_yours: bool,
    next_waiting: bool,
}

#[derive(Deserialize)]
pub(super) struct CardQuery {
    #[serde(default)]
    code: String,
    /// A next one was made: yours, or waiting to be offered.
    #[serde(default)]
    next: String,
}

/// A card to leave with the one who was helped, or read out to them: where
/// to go and the code to type. The code is only shown, never looked up.
pub(super) async fn card(
    Member(scope): Member,
    State(state): State<AppState>,
    csrf: CsrfToken,
    Query(q): Query<CardQuery>,
) -> Result<Response, AppError> {
    let key = code_key(&q.code);
    if key.len() != 8 {
        return Err(Problem::new("code", "is not a feedback code").into());
    }
    let address = format!("{}{}", state.config.public_url, paths::help_feedback(scope.group_slug()));
    let code = code_shown(&key);
    render(Page::new(Layout::for_scope("A card to leave with them", &scope, csrf), |_| CardPage {
        group_name: scope.group_name().into(),
        slug: scope.group_slug().into(),
        address,
        code,
        next_yours: q.next == "yours",
        next_waiting: q.next == "waiting",
    }))
}

/// A coordinator makes a new code for a need that is done, to post or read out.
pub(super) async fn new_card(
    State(state): State<AppState>,
    crate::auth::Organiser(scope): crate::auth::Organiser,
    Path((_, id)): Path<(String, NeedId)>,
) -> Result<Response, AppError> {
    let mut tx = state.db.write().await?;
    let need = aid::get(&mut tx, &scope, id).await?.ok_or_else(AppError::not_found)?;
    if need.status != NeedStatus::Done || need.feedback.is_some() {
        return Err(Problem::new("need", "only a need that is done, and not yet answered, can be asked how it went").into());
    }
    let code = new_code(&mut tx, &state, &scope, &need, scope.user_id()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?code={code}", paths::feedback_card(scope.group_slug()))).into_response())
}
