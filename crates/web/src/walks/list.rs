//! One walk list: its doors in walking order with who lives at each, and,
//! for organisers, its progress, walkers, the doors two walkers recorded,
//! and opening or closing it. The same doors print on A4.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tredegar_db::walks::{self, AtTheDoor, Door, KnockRow, Progress, QuestionRow, WalkList};
use tredegar_db::{Scope, audit, users};
use tredegar_domain::walks::DoorOutcome;
use tredegar_domain::{Problem, UnitId, UserId, WalkListId};

use crate::auth::{CsrfToken, Member, Organiser};
use crate::extract::{Form, Path, Query};
use crate::paths;
use crate::ui::{Layout, Notice, Page, StatusForm, Zone, render};
use crate::{AppError, AppState};

/// A list's doors, each with who lives there, and its questions.
pub(super) struct Sheet {
    pub list: WalkList,
    pub doors: Vec<(Door, Vec<AtTheDoor>)>,
    pub questions: Vec<QuestionRow>,
}

/// A list the scope may read, with its doors and residents; the reads of
/// the residents are audited as "walk list TITLE", and then `how` if given.
pub(super) async fn sheet(state: &AppState, scope: &Scope, list: WalkList, how: &str) -> Result<Sheet, AppError> {
    let now = state.clock.now();
    let mut tx = state.db.read().await?;
    let doors = walks::doors(&mut tx, scope, list.id).await?;
    let residents = walks::residents(&mut tx, scope, list.id, None, Zone::of(scope).today(&now)).await?;
    let questions = walks::questions(&mut tx, scope, list.id).await?;
    drop(tx);
    let read: Vec<_> = residents.iter().map(|r| (r.person_id, r.group_id)).collect();
    let said = if how.is_empty() { format!("walk list {}", list.title()) } else { format!("walk list {}, {how}", list.title()) };
    let mut tx = state.db.write().await?;
    audit::record_reads(&mut tx, scope, &read, &said, now).await?;
    tx.commit().await?;
    let mut by_door: HashMap<UnitId, Vec<AtTheDoor>> = HashMap::new();
    for r in residents {
        by_door.entry(r.unit_id).or_default().push(r);
    }
    let doors = doors.into_iter().map(|d| (by_door.remove(&d.unit_id).unwrap_or_default(), d)).map(|(here, d)| (d, here)).collect();
    Ok(Sheet { list, doors, questions })
}

/// The list the scope may read, or not found.
async fn readable(state: &AppState, scope: &Scope, id: WalkListId) -> Result<WalkList, AppError> {
    let mut tx = state.db.read().await?;
    walks::get(&mut tx, scope, id).await?.ok_or_else(AppError::not_found)
}

#[derive(Template)]
#[template(path = "walks/show.html")]
struct ShowPage {
    csrf: String,
    slug: String,
    organiser: bool,
    zone: Zone,
    sheet: Sheet,
    progress: Progress,
    walkers: Vec<(UserId, String)>,
    members: Vec<users::Member>,
    conflicts: Vec<KnockRow>,
}

impl ShowPage {
    fn walks(&self, user: &UserId) -> bool {
        self.walkers.iter().any(|(w, _)| w == user)
    }

    /// The door a record was made at.
    fn door_of(&self, k: &KnockRow) -> String {
        self.sheet
            .doors
            .iter()
            .find(|(d, _)| d.unit_id == k.unit_id)
            .map(|(d, _)| format!("{}, {}", d.label, d.building_name))
            .unwrap_or_default()
    }
}

pub(super) async fn show(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, WalkListId)>,
    Query(notice): Query<Notice>,
) -> Result<Response, AppError> {
    let sheet = sheet(&state, &scope, readable(&state, &scope, id).await?, "").await?;
    let organiser = scope.role().sees_everyone();
    let mut tx = state.db.read().await?;
    let progress = walks::progress(&mut tx, &scope, id).await?;
    let (walkers, members, conflicts) = if organiser {
        (walks::walkers(&mut tx, &scope, id).await?, users::members(&mut tx, &scope).await?, walks::conflicts(&mut tx, &scope, id).await?)
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    drop(tx);
    render(Page::new(Layout::for_scope(&sheet.list.title(), &scope, csrf).notice(&notice), |layout| ShowPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        organiser,
        zone: layout.zone(),
        sheet,
        progress,
        walkers,
        members,
        conflicts,
    }))
}

#[derive(Template)]
#[template(path = "walks/print.html")]
struct PrintPage {
    slug: String,
    sheet: Sheet,
}

impl PrintPage {
    fn outcomes(&self) -> &'static [DoorOutcome] {
        DoorOutcome::ALL
    }

    /// The letters a walker circles on paper.
    fn code(&self, o: &DoorOutcome) -> &'static str {
        match o {
            DoorOutcome::NotHome => "NH",
            DoorOutcome::Spoke => "S",
            DoorOutcome::Refused => "R",
            DoorOutcome::Moved => "M",
            DoorOutcome::ComeBack => "CB",
        }
    }
}

/// The list on paper: every door, who lives there, a box for each outcome
/// and a column for each question.
pub(super) async fn print(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, WalkListId)>,
) -> Result<Response, AppError> {
    let sheet = sheet(&state, &scope, readable(&state, &scope, id).await?, "").await?;
    render(Page::new(Layout::for_scope(&sheet.list.title(), &scope, csrf), |_| PrintPage { slug: scope.group_slug().into(), sheet }))
}

pub(super) async fn set_status(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, WalkListId)>,
    Form(form): Form<StatusForm>,
) -> Result<Response, AppError> {
    let status = form.status()?;
    let mut tx = state.db.write().await?;
    walks::set_status(&mut tx, &scope, id, status).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved", paths::walk_list(scope.group_slug(), id))).into_response())
}

#[derive(Deserialize)]
pub(super) struct WalkersForm {
    #[serde(default)]
    walkers: Vec<String>,
}

pub(super) async fn set_walkers(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    Path((_, id)): Path<(String, WalkListId)>,
    Form(form): Form<WalkersForm>,
) -> Result<Response, AppError> {
    let walkers = form
        .walkers
        .iter()
        .map(|w| w.parse::<UserId>().map_err(|_| Problem::new("walkers", "must be members of the group")))
        .collect::<Result<Vec<_>, _>>()?;
    let mut tx = state.db.write().await?;
    walks::set_walkers(&mut tx, &scope, id, &walkers).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=saved#walkers", paths::walk_list(scope.group_slug(), id))).into_response())
}
