//! The call catalogue: import by UID in one transaction, and reads by deadline.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use ecabot_core::Locale;
use ecabot_core::model::call::Call;
use ecabot_core::model::call::CallDraft;
use ecabot_core::model::call::CallId;
use ecabot_core::model::call::ImportReport;
use ecabot_core::model::call::Texts;
use ecabot_core::model::call::Zone;
use ecabot_core::ports::StoreError;
use sqlx::{Row, any::AnyRow};

use crate::{SqlStore, backend_error, instant, secs, wall_clock};

const COLUMNS: &str = "id, uid, kind, topic, deadline, zone, starts, ends, location, url, texts, \
                       categories, version, changed_at, previous_deadline";

/// The columns an import supplies, as stored: comparing two of them tells whether a re-import
/// changed anything.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Fields {
    kind: String,
    topic: Option<String>,
    deadline: i64,
    zone: String,
    starts: Option<i64>,
    ends: Option<i64>,
    location: Option<String>,
    url: Option<String>,
    texts: String,
    categories: String,
}

impl Fields {
    fn of(draft: &CallDraft) -> Fields {
        Fields {
            kind: draft.kind.as_str().to_owned(),
            topic: draft.topic.map(|t| t.as_str().to_owned()),
            deadline: secs(draft.deadline),
            zone: draft.zone.name().to_owned(),
            starts: draft.starts.map(secs),
            ends: draft.ends.map(secs),
            location: draft.location.clone(),
            url: draft.url.clone(),
            texts: encode_texts(&draft.title, &draft.description),
            categories: serde_json::to_string(&draft.categories)
                .expect("a list of strings always serializes"),
        }
    }

    fn from_row(row: &AnyRow) -> Result<Fields, sqlx::Error> {
        Ok(Fields {
            kind: row.try_get("kind")?,
            topic: row.try_get("topic")?,
            deadline: row.try_get("deadline")?,
            zone: row.try_get("zone")?,
            starts: row.try_get("starts")?,
            ends: row.try_get("ends")?,
            location: row.try_get("location")?,
            url: row.try_get("url")?,
            texts: row.try_get("texts")?,
            categories: row.try_get("categories")?,
        })
    }
}

/// `{"description": {"en": …}, "title": {"en": …}}`, keys sorted so equal texts encode equally.
fn encode_texts(title: &Texts, description: &Texts) -> String {
    let map = |t: &Texts| -> BTreeMap<String, String> {
        t.iter()
            .map(|(l, s)| (l.as_str().to_owned(), s.to_owned()))
            .collect()
    };
    let all = BTreeMap::from([("description", map(description)), ("title", map(title))]);
    serde_json::to_string(&all).expect("maps of strings always serialize")
}

fn decode_texts(json: &str) -> Result<(Texts, Texts), String> {
    let all: BTreeMap<String, BTreeMap<String, String>> =
        serde_json::from_str(json).map_err(|e| format!("texts: {e}"))?;
    let texts = |key: &str| -> Result<Texts, String> {
        let mut t = Texts::new();
        for (locale, text) in all.get(key).into_iter().flatten() {
            let locale = Locale::parse(locale).map_err(|e| format!("texts: {e}"))?;
            t.set(locale, text.clone());
        }
        Ok(t)
    };
    Ok((texts("title")?, texts("description")?))
}

fn call_from_row(row: &AnyRow) -> Result<Call, StoreError> {
    let id: String = row.try_get("id").map_err(backend_error)?;
    let uid: String = row.try_get("uid").map_err(backend_error)?;
    let fields = Fields::from_row(row).map_err(backend_error)?;
    let version: i64 = row.try_get("version").map_err(backend_error)?;
    let changed_at: i64 = row.try_get("changed_at").map_err(backend_error)?;
    let previous_deadline: Option<i64> = row.try_get("previous_deadline").map_err(backend_error)?;
    let what = format!("call {id}");
    let corrupt = |e: String| StoreError::Corrupt(format!("{what}: {e}"));
    let at = |secs: i64| instant(secs, &what);
    let (title, description) = decode_texts(&fields.texts).map_err(corrupt)?;
    Ok(Call {
        id: CallId::parse(&id).map_err(|e| corrupt(e.to_string()))?,
        uid,
        kind: fields
            .kind
            .parse()
            .map_err(|e: ecabot_core::model::call::BadCallKind| corrupt(e.to_string()))?,
        title,
        description,
        deadline: at(fields.deadline)?,
        zone: Zone::parse(&fields.zone).map_err(|e| corrupt(e.to_string()))?,
        starts: fields.starts.map(at).transpose()?,
        ends: fields.ends.map(at).transpose()?,
        location: fields.location,
        url: fields.url,
        topic: fields
            .topic
            .map(|t| t.parse().map_err(|e| corrupt(format!("{e}"))))
            .transpose()?,
        categories: serde_json::from_str(&fields.categories)
            .map_err(|e| corrupt(format!("categories: {e}")))?,
        version: u32::try_from(version).map_err(|_| corrupt(format!("version {version}")))?,
        changed_at: at(changed_at)?,
        previous_deadline: previous_deadline.map(at).transpose()?,
    })
}

/// Every call, or those whose deadline is after `after`, by deadline.
pub(crate) async fn after(
    store: &SqlStore,
    after: Option<DateTime<Utc>>,
) -> Result<Vec<Call>, StoreError> {
    let rows = match after {
        Some(after) => {
            sqlx::query(&format!(
                "SELECT {COLUMNS} FROM calls WHERE deadline > $1 ORDER BY deadline, id"
            ))
            .bind(secs(after))
            .fetch_all(&store.pool)
            .await
        }
        None => {
            sqlx::query(&format!(
                "SELECT {COLUMNS} FROM calls ORDER BY deadline, id"
            ))
            .fetch_all(&store.pool)
            .await
        }
    }
    .map_err(backend_error)?;
    rows.iter().map(call_from_row).collect()
}

pub(crate) async fn one(store: &SqlStore, id: &CallId) -> Result<Option<Call>, StoreError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM calls WHERE id = $1"))
        .bind(id.to_string())
        .fetch_optional(&store.pool)
        .await
        .map_err(backend_error)?;
    row.as_ref().map(call_from_row).transpose()
}

/// What is stored for a UID before the import touches it.
struct Known {
    id: String,
    fields: Fields,
    version: i64,
    changed_at: i64,
    previous_deadline: Option<i64>,
}

/// All drafts or none, in one transaction. A UID given twice in one batch is imported once,
/// from its last draft (logged): the report names each call once.
pub(crate) async fn import(
    store: &SqlStore,
    drafts: &[CallDraft],
    now: DateTime<Utc>,
) -> Result<ImportReport, StoreError> {
    let mut report = ImportReport::default();
    if drafts.is_empty() {
        return Ok(report);
    }
    // The last draft of each UID, in the order the UIDs first appear.
    let mut last: HashMap<&str, &CallDraft> = HashMap::new();
    let mut order: Vec<&str> = Vec::new();
    for draft in drafts {
        if last.insert(draft.uid.as_str(), draft).is_some() {
            tracing::warn!(uid = %draft.uid, line = draft.line, "a UID appears twice: the last one counts");
        } else {
            order.push(draft.uid.as_str());
        }
    }

    let mut tx = store.begin_write().await?;
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM calls"))
        .fetch_all(&mut *tx)
        .await
        .map_err(backend_error)?;
    let mut known: HashMap<String, Known> = HashMap::with_capacity(rows.len());
    let mut taken: HashSet<String> = HashSet::with_capacity(rows.len() + order.len());
    for row in &rows {
        let id: String = row.try_get("id").map_err(backend_error)?;
        let uid: String = row.try_get("uid").map_err(backend_error)?;
        taken.insert(id.clone());
        known.insert(
            uid,
            Known {
                id,
                fields: Fields::from_row(row).map_err(backend_error)?,
                version: row.try_get("version").map_err(backend_error)?,
                changed_at: row.try_get("changed_at").map_err(backend_error)?,
                previous_deadline: row.try_get("previous_deadline").map_err(backend_error)?,
            },
        );
    }

    let stamp = wall_clock();
    let now = secs(now);
    for uid in order {
        let draft = last[uid];
        let fields = Fields::of(draft);
        match known.get(uid) {
            Some(old) if old.fields == fields => {
                report.unchanged.push(parse_id(&old.id)?);
            }
            Some(old) => {
                let moved = old.fields.deadline != fields.deadline;
                let (version, changed_at, previous_deadline) = if moved {
                    (old.version + 1, now, Some(old.fields.deadline))
                } else {
                    (old.version, old.changed_at, old.previous_deadline)
                };
                sqlx::query(
                    "UPDATE calls SET kind = $2, topic = $3, deadline = $4, zone = $5, starts = $6,
                     ends = $7, location = $8, url = $9, texts = $10, categories = $11,
                     version = $12, changed_at = $13, previous_deadline = $14, updated_at = $15
                     WHERE id = $1",
                )
                .bind(old.id.clone())
                .bind(fields.kind)
                .bind(fields.topic)
                .bind(fields.deadline)
                .bind(fields.zone)
                .bind(fields.starts)
                .bind(fields.ends)
                .bind(fields.location)
                .bind(fields.url)
                .bind(fields.texts)
                .bind(fields.categories)
                .bind(version)
                .bind(changed_at)
                .bind(previous_deadline)
                .bind(stamp)
                .execute(&mut *tx)
                .await
                .map_err(backend_error)?;
                let id = parse_id(&old.id)?;
                if moved {
                    report.moved.push(id);
                } else {
                    report.updated.push(id);
                }
            }
            None => {
                let id = free_id(draft, &taken);
                taken.insert(id.to_string());
                sqlx::query(
                    "INSERT INTO calls (id, uid, kind, topic, deadline, zone, starts, ends,
                     location, url, texts, categories, version, changed_at, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13, $14, $14)",
                )
                .bind(id.to_string())
                .bind(uid.to_owned())
                .bind(fields.kind)
                .bind(fields.topic)
                .bind(fields.deadline)
                .bind(fields.zone)
                .bind(fields.starts)
                .bind(fields.ends)
                .bind(fields.location)
                .bind(fields.url)
                .bind(fields.texts)
                .bind(fields.categories)
                .bind(now)
                .bind(stamp)
                .execute(&mut *tx)
                .await
                .map_err(backend_error)?;
                report.added.push(id);
            }
        }
    }
    tx.commit().await.map_err(backend_error)?;
    Ok(report)
}

fn parse_id(id: &str) -> Result<CallId, StoreError> {
    CallId::parse(id).map_err(|e| StoreError::Corrupt(format!("call {id}: {e}")))
}

/// The draft's id, or the one derived from its UID; if another UID holds it, a suffixed one.
fn free_id(draft: &CallDraft, taken: &HashSet<String>) -> CallId {
    let base = draft
        .id
        .clone()
        .unwrap_or_else(|| CallId::from_uid(&draft.uid));
    let mut id = base.clone();
    let mut attempt = 1;
    while taken.contains(id.as_str()) {
        let salt = if attempt == 1 {
            draft.uid.clone()
        } else {
            format!("{}#{attempt}", draft.uid)
        };
        id = base.disambiguated(&salt);
        attempt += 1;
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_round_trip_and_encode_stably() {
        let en = Locale::ENGLISH;
        let fi = Locale::parse("fi").unwrap();
        let mut title = Texts::one(fi, "Haku");
        title.set(en, "Call \"quoted\" ✓");
        let description = Texts::one(en, "Line\nbreak");
        let json = encode_texts(&title, &description);
        assert_eq!(
            decode_texts(&json).unwrap(),
            (title.clone(), description.clone())
        );
        let mut again = Texts::one(en, "Call \"quoted\" ✓");
        again.set(fi, "Haku");
        assert_eq!(encode_texts(&again, &description), json);
        assert!(decode_texts("{\"title\": {\"!!\": \"x\"}}").is_err());
    }
}
