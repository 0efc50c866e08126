//! News items for digests and the state of each feed.

use chrono::{DateTime, Utc};
use ecabot_core::ports::StoreError;
use ecabot_core::{FeedState, Locale, NewsDraft, NewsItem};
use sqlx::{Row, any::AnyRow};

use crate::{SqlStore, backend_error, instant, secs};

/// Rows per `INSERT`, well under both engines' bind limits (10 values a row).
const INSERT_ROWS: usize = 200;

/// `ON CONFLICT DO NOTHING` without a target covers every unique column at once: an item whose
/// key, link or title-and-day is known already is a duplicate. Duplicates inside one batch are
/// caught the same way, row by row.
pub(crate) async fn add(
    store: &SqlStore,
    drafts: &[NewsDraft],
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    if drafts.is_empty() {
        return Ok(0);
    }
    let mut tx = store.begin_write().await?;
    let mut added = 0;
    for chunk in drafts.chunks(INSERT_ROWS) {
        let rows = crate::value_rows(chunk.len(), 10, 0, "");
        let sql = format!(
            "INSERT INTO news (key, url_key, fingerprint, source, lang, title, url, summary,
             published, added_at)
             VALUES {rows}
             ON CONFLICT DO NOTHING"
        );
        let mut query = sqlx::query(&sql);
        for draft in chunk {
            query = query
                .bind(draft.key())
                .bind(draft.url_key())
                .bind(draft.fingerprint())
                .bind(draft.source.clone())
                .bind(draft.lang.to_string())
                .bind(draft.title.clone())
                .bind(draft.url.clone())
                .bind(draft.summary.clone())
                .bind(draft.published.map(secs))
                .bind(secs(now));
        }
        let done = query.execute(&mut *tx).await.map_err(backend_error)?;
        added += done.rows_affected() as usize;
    }
    tx.commit().await.map_err(backend_error)?;
    Ok(added)
}

fn item_from_row(row: &AnyRow) -> Result<NewsItem, StoreError> {
    let get_text = |column: &str| row.try_get::<String, _>(column).map_err(backend_error);
    let id: i64 = row.try_get("id").map_err(backend_error)?;
    let what = format!("news item {id}");
    let lang = get_text("lang")?;
    let published: Option<i64> = row.try_get("published").map_err(backend_error)?;
    Ok(NewsItem {
        id,
        source: get_text("source")?,
        lang: Locale::parse(&lang).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))?,
        title: get_text("title")?,
        url: get_text("url")?,
        summary: row.try_get("summary").map_err(backend_error)?,
        published: published.map(|p| instant(p, &what)).transpose()?,
        added_at: instant(row.try_get("added_at").map_err(backend_error)?, &what)?,
    })
}

pub(crate) async fn between(
    store: &SqlStore,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<NewsItem>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, source, lang, title, url, summary, published, added_at FROM news
         WHERE added_at > $1 AND added_at <= $2
         ORDER BY added_at, id",
    )
    .bind(secs(from))
    .bind(secs(to))
    .fetch_all(&store.pool)
    .await
    .map_err(backend_error)?;
    let mut items = Vec::with_capacity(rows.len());
    for row in &rows {
        match item_from_row(row) {
            Ok(item) => items.push(item),
            Err(error) => tracing::error!(%error, "news item skipped"),
        }
    }
    Ok(items)
}

pub(crate) async fn feed_state(
    store: &SqlStore,
    url: &str,
) -> Result<Option<FeedState>, StoreError> {
    let row = sqlx::query(
        "SELECT url, etag, last_modified, checked_at, ok_at, failures, last_error
         FROM feeds WHERE url = $1",
    )
    .bind(url)
    .fetch_optional(&store.pool)
    .await
    .map_err(backend_error)?;
    let Some(row) = row else { return Ok(None) };
    let what = format!("feed {url}");
    let at = |column: &str| -> Result<Option<DateTime<Utc>>, StoreError> {
        let secs: Option<i64> = row.try_get(column).map_err(backend_error)?;
        secs.map(|s| instant(s, &what)).transpose()
    };
    let failures: i64 = row.try_get("failures").map_err(backend_error)?;
    Ok(Some(FeedState {
        url: row.try_get("url").map_err(backend_error)?,
        etag: row.try_get("etag").map_err(backend_error)?,
        last_modified: row.try_get("last_modified").map_err(backend_error)?,
        checked_at: at("checked_at")?,
        ok_at: at("ok_at")?,
        failures: u32::try_from(failures).unwrap_or(u32::MAX),
        last_error: row.try_get("last_error").map_err(backend_error)?,
    }))
}

pub(crate) async fn set_feed_state(store: &SqlStore, state: &FeedState) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO feeds (url, etag, last_modified, checked_at, ok_at, failures, last_error)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (url) DO UPDATE SET etag = excluded.etag,
             last_modified = excluded.last_modified, checked_at = excluded.checked_at,
             ok_at = excluded.ok_at, failures = excluded.failures,
             last_error = excluded.last_error",
    )
    .bind(state.url.clone())
    .bind(state.etag.clone())
    .bind(state.last_modified.clone())
    .bind(state.checked_at.map(secs))
    .bind(state.ok_at.map(secs))
    .bind(i64::from(state.failures))
    .bind(state.last_error.clone())
    .execute(&store.pool)
    .await
    .map_err(backend_error)?;
    Ok(())
}
