//! The import pages: the list of uploads with the upload form, one upload
//! (its columns to check, its progress, or how it went), and its bad rows.

use std::collections::HashMap;

use axum::body::Body;
use axum::extract::{Multipart, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tredegar_db::Scope;
use tredegar_db::imports::uploads::{self, Upload};
use tredegar_domain::import::{ChoicesInput, Columns, Format, Target, WORDS};
use tredegar_domain::{AuditAction, FieldErrors, Problem, UploadId};

use super::{bad_rows_of, file_of};
use crate::auth::{Admin, CsrfToken};
use crate::extract::{Form, Path, Query};
use crate::ui::{Layout, Notice, Page, Zone, csv_headers, render_form};
use crate::{AppError, AppState, paths};

/// Rows of the file shown beside its columns.
const SAMPLES: usize = 5;

#[derive(askama::Template)]
#[template(path = "uploads/index.html")]
struct IndexPage {
    csrf: String,
    slug: String,
    uploads: Vec<Upload>,
    max_mb: u64,
    errors: FieldErrors,
    zone: Zone,
}

async fn index_page(state: &AppState, scope: &Scope, csrf: CsrfToken, notice: &Notice, errors: FieldErrors) -> Result<Response, AppError> {
    let mut tx = state.db.read().await?;
    let uploads = uploads::list(&mut tx, scope).await?;
    drop(tx);
    let has_problems = !errors.is_empty();
    let page = Page::new(Layout::for_scope("Import people", scope, csrf).notice(notice), |layout| IndexPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        uploads,
        max_mb: state.config.import_max_bytes / (1024 * 1024),
        errors,
        zone: layout.zone(),
    });
    render_form(page, has_problems)
}

pub(super) async fn index(
    State(state): State<AppState>,
    Admin(scope): Admin,
    csrf: CsrfToken,
    Query(notice): Query<Notice>,
) -> Result<Response, AppError> {
    index_page(&state, &scope, csrf, &notice, FieldErrors::default()).await
}

/// Take the file, streamed to disk, at most `import_max_bytes`. A file that
/// is not one we can read is refused here, not after the wait.
pub(super) async fn upload(
    State(state): State<AppState>,
    Admin(scope): Admin,
    csrf: CsrfToken,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let id = UploadId::new();
    let path = file_of(&state, id);
    let kept = match receive(&state, &path, &mut multipart).await {
        Ok(kept) => kept,
        Err(e) => {
            let _ = tokio::fs::remove_file(&path).await;
            return match e {
                AppError::Invalid(errors) => index_page(&state, &scope, csrf, &Notice::default(), errors).await,
                other => Err(other),
            };
        }
    };
    let Some((name, size)) = kept else {
        let errors = Problem::new("file", "choose a CSV file to upload").into();
        return index_page(&state, &scope, csrf, &Notice::default(), errors).await;
    };
    if let Err(e) = crate::imports::peek(&path, 1) {
        let _ = tokio::fs::remove_file(&path).await;
        let errors = Problem::new("file", format!("{e:#}")).into();
        return index_page(&state, &scope, csrf, &Notice::default(), errors).await;
    }
    let mut tx = state.db.write().await?;
    let added = match uploads::add(&mut tx, &scope, id, &name, size, state.clock.now()).await {
        Ok(()) => tx.commit().await,
        Err(e) => Err(e),
    };
    if let Err(e) = added {
        // Not recorded, so nothing would ever clear it.
        let _ = tokio::fs::remove_file(&path).await;
        return Err(e.into());
    }
    Ok(Redirect::to(&paths::import(scope.group_slug(), id)).into_response())
}

/// The file field written to `path`: its name and size, or none if no file came.
async fn receive(state: &AppState, path: &std::path::Path, multipart: &mut Multipart) -> Result<Option<(String, u64)>, AppError> {
    let broken = |e: axum::extract::multipart::MultipartError| AppError::from(Problem::new("file", format!("the upload broke off ({e})")));
    while let Some(mut field) = multipart.next_field().await.map_err(broken)? {
        if field.name() != Some("file") {
            continue;
        }
        let name = crate::extract::upload_name(&field);
        if name.is_empty() {
            return Ok(None);
        }
        let dir = &state.config.uploads_dir;
        tokio::fs::create_dir_all(dir).await.map_err(|e| AppError::Internal(format!("making {}: {e}", dir.display())))?;
        tredegar_db::owner_only(path).map_err(|e| AppError::Internal(format!("making {}: {e}", path.display())))?;
        let mut out =
            tokio::fs::OpenOptions::new().write(true).truncate(true).open(path).await.map_err(|e| AppError::Internal(e.to_string()))?;
        let mut size = 0u64;
        while let Some(chunk) = field.chunk().await.map_err(broken)? {
            size += chunk.len() as u64;
            if size > state.config.import_max_bytes {
                let limit = state.config.import_max_bytes / (1024 * 1024);
                return Err(Problem::new(
                    "file",
                    format!("is larger than {limit} MB: split it, or ask whoever runs Tredegar to raise import_max_mib"),
                )
                .into());
            }
            out.write_all(&chunk).await.map_err(|e| AppError::Internal(e.to_string()))?;
        }
        out.flush().await.map_err(|e| AppError::Internal(e.to_string()))?;
        if size == 0 {
            return Err(Problem::new("file", "is empty: choose a CSV file with a row of column names and a row for each person").into());
        }
        return Ok(Some((name, size)));
    }
    Ok(None)
}

/// One column on the mapping page: its header, some of its values, what we
/// would read it as, and what the admin said.
struct Column {
    /// The form field: `column_N`.
    field: String,
    header: String,
    samples: String,
    guess: String,
    chosen: String,
}

#[derive(askama::Template)]
#[template(path = "uploads/show.html")]
struct ShowPage {
    csrf: String,
    slug: String,
    upload: Upload,
    columns: Vec<Column>,
    /// Every choice a column offers: mapping word and words.
    targets: Vec<(String, String)>,
    formats: Vec<(&'static str, &'static str)>,
    form: ChoicesInput,
    /// The file is no longer there (imported, or cleared after a week).
    gone: bool,
    errors: FieldErrors,
    zone: Zone,
}

impl ShowPage {
    fn busy(&self) -> bool {
        self.upload.status.busy()
    }
}

/// A target in the page's words.
fn words_for(target: &Target) -> String {
    match target {
        Target::Custom(name) => format!("Custom field: {name}"),
        t => {
            let word = t.word();
            WORDS.iter().find(|(w, _)| *w == word).map_or(word.clone(), |(_, l)| l.to_string())
        }
    }
}

async fn show_page(
    state: &AppState,
    scope: &Scope,
    csrf: CsrfToken,
    upload: Upload,
    form: Option<ChoicesInput>,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let peeked = crate::imports::peek(&file_of(state, upload.id), SAMPLES);
    let gone = peeked.is_err();
    let (headers, rows) = peeked.unwrap_or_default();
    let form = form.unwrap_or_else(|| {
        let said: HashMap<String, String> = upload.mapping().into_iter().collect();
        let r = upload.register();
        ChoicesInput {
            format: upload.format.map(|f| f.as_str().to_string()).unwrap_or_default(),
            on_error: upload.on_error.as_str().into(),
            columns: headers.iter().map(|h| said.get(h).cloned().unwrap_or_default()).collect(),
            register_source: r.as_ref().map(|r| r.source.clone()).unwrap_or_default(),
            register_edition: r.as_ref().map(|r| r.edition.clone()).unwrap_or_default(),
            purpose: r.as_ref().map(|r| r.purpose.clone()).unwrap_or_default(),
            destroy_by: r.map(|r| r.destroy_by.to_string()).unwrap_or_default(),
        }
    });
    let format = Format::from_stored(&form.format);
    let (_, guesses) = Columns::guesses(&headers, format);
    let unplaced = Columns::unplaced(&headers, format);
    let columns = headers
        .iter()
        .enumerate()
        .zip(guesses)
        .map(|((i, header), guess)| {
            let seen: Vec<&str> = rows.iter().filter_map(|r| r.get(i)).map(|c| c.trim()).filter(|c| !c.is_empty()).take(3).collect();
            Column {
                field: format!("column_{i}"),
                header: header.clone(),
                samples: seen.join(" · "),
                guess: if unplaced.contains(&i) { "Choose what this holds".into() } else { format!("{} (as read)", words_for(&guess)) },
                chosen: form.columns.get(i).cloned().unwrap_or_default(),
            }
        })
        .collect();
    let mut tx = state.db.read().await?;
    let fields = tredegar_db::fields::list(&mut tx, scope).await?;
    drop(tx);
    let targets = WORDS
        .iter()
        .map(|(w, l)| (w.to_string(), l.to_string()))
        .chain(fields.into_iter().map(|f| (format!("custom:{}", f.name), format!("Custom field: {}", f.label))))
        .collect();
    let formats = vec![
        ("electoral-register", "An electoral register"),
        ("action-network", "An Action Network export"),
        ("nationbuilder", "A NationBuilder export"),
        ("generic", "Any other spreadsheet"),
    ];
    let busy = upload.status.busy();
    let bad = !errors.is_empty();
    let page = Page::new(Layout::for_scope(&upload.file_name, scope, csrf), |layout| ShowPage {
        csrf: layout.csrf.clone(),
        slug: scope.group_slug().into(),
        upload,
        columns,
        targets,
        formats,
        form,
        gone,
        errors,
        zone: layout.zone(),
    });
    let mut response = render_form(page, bad)?;
    if busy {
        // The page follows the job by reloading itself: no script needed.
        response.headers_mut().insert(header::REFRESH, header::HeaderValue::from_static("3"));
    }
    Ok(response)
}

async fn the_upload(state: &AppState, scope: &Scope, id: UploadId) -> Result<Upload, AppError> {
    let mut tx = state.db.read().await?;
    uploads::get(&mut tx, scope, id).await?.ok_or_else(AppError::not_found)
}

pub(super) async fn show(
    State(state): State<AppState>,
    Admin(scope): Admin,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, UploadId)>,
) -> Result<Response, AppError> {
    let upload = the_upload(&state, &scope, id).await?;
    show_page(&state, &scope, csrf, upload, None, FieldErrors::default()).await
}

/// Keep the choices and queue a dry run or the import.
pub(super) async fn choose(
    State(state): State<AppState>,
    Admin(scope): Admin,
    csrf: CsrfToken,
    Path((_, id)): Path<(String, UploadId)>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let upload = the_upload(&state, &scope, id).await?;
    let (headers, _) = crate::imports::peek(&file_of(&state, id), 0)
        .map_err(|_| AppError::from(Problem::new("upload", "its file is no longer here: upload it again")))?;
    let field = |k: &str| form.get(k).cloned().unwrap_or_default();
    let input = ChoicesInput {
        format: field("format"),
        on_error: field("on_error"),
        columns: (0..headers.len()).map(|i| field(&format!("column_{i}"))).collect(),
        register_source: field("register_source"),
        register_edition: field("register_edition"),
        purpose: field("purpose"),
        destroy_by: field("destroy_by"),
    };
    let today = Zone::of(&scope).today(&state.clock.now());
    let choices = match input.check(&headers, today) {
        Ok(choices) => choices,
        Err(errors) => return show_page(&state, &scope, csrf, upload, Some(input), errors).await,
    };
    let dry = field("action") != "import";
    let mut tx = state.db.write().await?;
    uploads::choose(&mut tx, &scope, id, &choices, dry, state.clock.now()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&paths::import(scope.group_slug(), id)).into_response())
}

/// The bad rows as CSV: they hold people's details, so the download is audited.
pub(super) async fn errors(
    State(state): State<AppState>,
    Admin(scope): Admin,
    Path((_, id)): Path<(String, UploadId)>,
) -> Result<Response, AppError> {
    let upload = the_upload(&state, &scope, id).await?;
    let file = tokio::fs::File::open(bad_rows_of(&state, id)).await.map_err(|_| AppError::not_found())?;
    let mut tx = state.db.write().await?;
    let detail = format!("{} bad rows", upload.bad_rows);
    tredegar_db::audit::record(
        &mut tx,
        &scope,
        AuditAction::Export,
        &format!("bad rows of {}", upload.file_name),
        &detail,
        state.clock.now(),
    )
    .await?;
    tx.commit().await?;
    let chunks = futures_util::stream::unfold(file, |mut file| async move {
        let mut buf = vec![0; 64 * 1024];
        match file.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(axum::body::Bytes::from(buf)), file))
            }
            Err(e) => Some((Err(e), file)),
        }
    });
    let name = format!("bad-rows-{}.csv", upload.id);
    Ok((csv_headers(&name), Body::from_stream(chunks)).into_response())
}

/// Throw an upload away, with its file and its bad rows, unless a job is on it.
pub(super) async fn delete(
    State(state): State<AppState>,
    Admin(scope): Admin,
    Path((_, id)): Path<(String, UploadId)>,
) -> Result<Response, AppError> {
    let mut tx = state.db.write().await?;
    if !uploads::delete(&mut tx, &scope, id).await? {
        return Err(Problem::new("upload", "is being read: wait until it has finished, then delete it").into());
    }
    tx.commit().await?;
    super::job::remove_files(&state, id).await;
    Ok(Redirect::to(&format!("{}?notice=removed", paths::imports(scope.group_slug()))).into_response())
}
