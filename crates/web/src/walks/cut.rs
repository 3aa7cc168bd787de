//! The walk lists page, and cutting turf: choose an area's buildings and
//! streets, leave out the doors knocked lately, already assessed, or with
//! nobody from a segment, set the survey questions, and cut.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tredegar_db::places::{self, AreaRow, BuildingRow};
use tredegar_db::walks::{self, Progress, Turf, WalkList};
use tredegar_db::{Scope, campaigns, lists};
use tredegar_domain::contact::required_line;
use tredegar_domain::segments::{Node, Rule};
use tredegar_domain::walks::{Cut, Question, QuestionKind};
use tredegar_domain::{AreaId, BuildingId, CampaignId, FieldErrors, ListId, Problem};

use crate::auth::{CsrfToken, Member, Organiser};
use crate::extract::{Form, Query};
use crate::paths;
use crate::ui::{Layout, Page, PageQuery, Pager, render, render_form};
use crate::{AppError, AppState};

#[derive(Template)]
#[template(path = "walks/index.html")]
struct IndexPage {
    slug: String,
    organiser: bool,
    walk_lists: Vec<(WalkList, Progress)>,
    /// Which page of walk lists, newest first, and how many there are.
    pager: Pager,
}

/// Walk lists shown a page.
const PER_PAGE: i64 = 50;

pub(super) async fn index(
    State(state): State<AppState>,
    Member(scope): Member,
    csrf: CsrfToken,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let shown = q.page(PER_PAGE);
    let mut tx = state.db.read().await?;
    let mut walk_lists = Vec::new();
    let (list, total) = walks::list(&mut tx, &scope, shown).await?;
    for l in list {
        let p = walks::progress(&mut tx, &scope, l.id).await?;
        walk_lists.push((l, p));
    }
    let pager = Pager::new(paths::walk_lists(scope.group_slug()), shown, total);
    render(Page::new(Layout::for_scope("Walk lists", &scope, csrf).notice(&q.notice()), |_| IndexPage {
        slug: scope.group_slug().into(),
        organiser: scope.role().sees_everyone(),
        walk_lists,
        pager,
    }))
}

/// Which buildings the form offers: an area's, or every one.
#[derive(Default, Deserialize)]
pub(super) struct AreaQuery {
    #[serde(default)]
    area: String,
}

/// How many questions the form offers.
const QUESTION_SLOTS: usize = 5;

/// One question's place on the form, as typed.
struct Slot {
    n: usize,
    prompt: String,
    kind: String,
    choices: String,
}

impl Slot {
    fn field(&self) -> String {
        format!("question_{}", self.n)
    }
}

#[derive(Deserialize)]
pub(super) struct CutForm {
    #[serde(default)]
    area: String,
    #[serde(default)]
    name: String,
    /// Set by the form itself: its buildings are as ticked, even none.
    #[serde(default)]
    sent: String,
    #[serde(default)]
    buildings: Vec<String>,
    #[serde(default)]
    doors_per_list: String,
    #[serde(default)]
    not_knocked_days: String,
    #[serde(default)]
    unassessed_only: Option<String>,
    #[serde(default)]
    campaign: String,
    #[serde(default)]
    segment: String,
    /// The question slots, in order: each has a prompt, a kind and choices.
    #[serde(default)]
    prompt: Vec<String>,
    #[serde(default)]
    kind: Vec<String>,
    #[serde(default)]
    choices: Vec<String>,
}

impl CutForm {
    fn blank(area: &str) -> CutForm {
        CutForm {
            area: area.into(),
            name: String::new(),
            sent: String::new(),
            buildings: Vec::new(),
            doors_per_list: "40".into(),
            not_knocked_days: String::new(),
            unassessed_only: None,
            campaign: String::new(),
            segment: String::new(),
            prompt: Vec::new(),
            kind: Vec::new(),
            choices: Vec::new(),
        }
    }

    /// The form's question slots, as typed.
    fn slots(&self) -> Vec<Slot> {
        let at = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
        (0..QUESTION_SLOTS)
            .map(|i| Slot { n: i + 1, prompt: at(&self.prompt, i), kind: at(&self.kind, i), choices: at(&self.choices, i) })
            .collect()
    }

    fn check(&self) -> Result<(String, Turf, Option<ListId>, Vec<Question>), FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = errors.check(required_line("name", &self.name, 200));
        let buildings: Vec<BuildingId> = self.buildings.iter().filter_map(|b| b.parse().ok()).collect();
        if buildings.is_empty() {
            errors.push(Problem::new("buildings", "choose at least one building or street"));
        }
        let cut = match Cut::check(&self.doors_per_list, &self.not_knocked_days, self.unassessed_only.is_some()) {
            Ok(c) => Some(c),
            Err(e) => {
                e.0.into_iter().for_each(|p| errors.push(p));
                None
            }
        };
        let campaign = errors.check(optional_id::<CampaignId>("campaign", &self.campaign, "is not one of the group's campaigns")).flatten();
        let segment = errors.check(optional_id::<ListId>("segment", &self.segment, "is not one of the group's lists")).flatten();
        let mut questions = Vec::new();
        for slot in self.slots() {
            if let Some(q) = errors.check(Question::check(slot.n, &slot.prompt, &slot.kind, &slot.choices)).flatten() {
                questions.push(q);
            }
        }
        match (name, cut) {
            (Some(name), Some(cut)) if errors.is_empty() => {
                Ok((name, Turf { buildings, cut, campaign, segment: None }, segment, questions))
            }
            _ => Err(errors),
        }
    }
}

fn optional_id<T: std::str::FromStr>(field: &str, s: &str, problem: &str) -> Result<Option<T>, Problem> {
    match s.trim() {
        "" => Ok(None),
        s => s.parse().map(Some).map_err(|_| Problem::new(field, problem)),
    }
}

#[derive(Template)]
#[template(path = "walks/cut.html")]
struct CutPage {
    csrf: String,
    slug: String,
    areas: Vec<AreaRow>,
    buildings: Option<Vec<BuildingRow>>,
    campaigns: Vec<tredegar_db::campaigns::Campaign>,
    lists: Vec<tredegar_db::lists::List>,
    form: CutForm,
    errors: FieldErrors,
}

impl CutPage {
    fn kinds(&self) -> &'static [QuestionKind] {
        QuestionKind::ALL
    }

    /// Every building starts ticked; a form sent back keeps its choice.
    fn ticked(&self, b: &BuildingId) -> bool {
        self.form.sent.is_empty() || self.form.buildings.iter().any(|x| *x == b.to_string())
    }
}

async fn cut_page(state: &AppState, scope: &Scope, csrf: CsrfToken, form: CutForm, errors: FieldErrors) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let areas = places::areas(&mut tx, scope).await?;
    let buildings = match form.area.trim() {
        "all" => Some(places::buildings(&mut tx, scope, None).await?),
        "" if areas.is_empty() => Some(places::buildings(&mut tx, scope, None).await?),
        "" => None,
        a => match a.parse::<AreaId>() {
            Ok(area) if areas.iter().any(|x| x.id == area) => Some(places::buildings(&mut tx, scope, Some(area)).await?),
            _ => return Err(AppError::not_found()),
        },
    };
    let campaigns = campaigns::list(&mut tx, scope, tredegar_db::Page::everything()).await?.0;
    let lists = lists::list(&mut tx, scope, tredegar_db::Page::everything()).await?.0;
    let has_problems = !errors.is_empty();
    let page = Page::new(Layout::for_scope("Cut turf", scope, csrf), |layout| CutPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        areas,
        buildings,
        campaigns,
        lists,
        form,
        errors,
    });
    render_form(page, has_problems)
}

pub(super) async fn form(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Query(q): Query<AreaQuery>,
) -> Result<Response, AppError> {
    cut_page(&state, &scope, csrf, CutForm::blank(&q.area), FieldErrors::default()).await
}

pub(super) async fn cut(
    State(state): State<AppState>,
    Organiser(scope): Organiser,
    csrf: CsrfToken,
    Form(form): Form<CutForm>,
) -> Result<Response, AppError> {
    let (name, mut turf, segment, questions) = match form.check() {
        Ok(checked) => checked,
        Err(errors) => return cut_page(&state, &scope, csrf, form, errors).await,
    };
    let mut tx = state.db.write().await?;
    if let Some(segment) = segment {
        if lists::get(&mut tx, &scope, segment).await?.is_none() {
            drop(tx);
            return cut_page(&state, &scope, csrf, form, Problem::new("segment", "is not one of the group's lists").into()).await;
        }
        turf.segment = Some(Node::Rule(Rule::OnList { list: segment }));
    }
    match walks::cut(&mut tx, &scope, &name, &turf, &questions, state.clock.now()).await {
        Ok(made) => {
            tx.commit().await?;
            let to = match made.as_slice() {
                [one] => paths::walk_list(scope.group_slug(), one),
                _ => paths::walk_lists(scope.group_slug()),
            };
            Ok(Redirect::to(&format!("{to}?notice=added")).into_response())
        }
        Err(tredegar_db::DbError::Invalid(errors)) => {
            drop(tx);
            cut_page(&state, &scope, csrf, form, errors).await
        }
        Err(e) => Err(e.into()),
    }
}
