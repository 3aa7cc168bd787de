//! Custom fields each group defines for its people: text, number, date or choice.

use chrono::{DateTime, Utc};
use tredegar_domain::CustomFieldId;
use tredegar_domain::people::FieldKind;

use crate::{DbError, Result, Scope, Tx, is_unique_violation};

#[derive(Clone, Debug)]
pub struct CustomField {
    pub id: CustomFieldId,
    pub name: String,
    pub label: String,
    pub kind: FieldKind,
}

#[derive(sqlx::FromRow)]
struct FieldRow {
    id: CustomFieldId,
    name: String,
    label: String,
    kind: String,
    choices: String,
}

pub async fn list(tx: &mut Tx, scope: &Scope) -> Result<Vec<CustomField>> {
    let rows = fetch_all!(
        tx,
        FieldRow,
        "SELECT id, name, label, kind, choices FROM custom_fields WHERE group_id = $1 ORDER BY label",
        scope.group_id()
    )?;
    rows.into_iter()
        .map(|r| {
            let kind = FieldKind::parse("kind", &r.kind, &r.choices).map_err(|p| DbError::Corrupt(p.to_string()))?;
            Ok(CustomField { id: r.id, name: r.name, label: r.label, kind })
        })
        .collect()
}

pub async fn create(tx: &mut Tx, scope: &Scope, name: &str, label: &str, kind: &FieldKind, now: DateTime<Utc>) -> Result<CustomField> {
    let id = CustomFieldId::new();
    let r = execute!(
        tx,
        "INSERT INTO custom_fields (id, group_id, name, label, kind, choices, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        id,
        scope.group_id(),
        name,
        label,
        kind.as_str(),
        kind.choices().join("\n"),
        now
    );
    match r {
        Err(e) if is_unique_violation(&e) => {
            Err(DbError::Duplicate { field: "name".into(), message: format!("there is already a field called '{name}'"), existing: None })
        }
        Err(e) => Err(e.into()),
        Ok(_) => Ok(CustomField { id, name: name.into(), label: label.into(), kind: kind.clone() }),
    }
}

/// Delete a field and every person's value for it.
pub async fn delete(tx: &mut Tx, scope: &Scope, id: CustomFieldId) -> Result<()> {
    let gone = execute!(tx, "DELETE FROM custom_fields WHERE id = $1 AND group_id = $2", id, scope.group_id())?;
    if gone == 0 { Err(DbError::NotFound) } else { Ok(()) }
}

/// A field of the scope's group, with how many people have a value for it.
pub async fn with_count(tx: &mut Tx, scope: &Scope, id: tredegar_domain::CustomFieldId) -> Result<Option<(CustomField, i64)>> {
    let Some(field) = list(tx, scope).await?.into_iter().find(|f| f.id == id) else { return Ok(None) };
    let n = scalar!(tx, i64, "SELECT COUNT(*) FROM person_custom_values WHERE group_id = $1 AND field_id = $2", scope.group_id(), id)?
        .unwrap_or(0);
    Ok(Some((field, n)))
}
