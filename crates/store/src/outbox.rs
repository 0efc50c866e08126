//! The delivery outbox: entries are written once (unique key), leased to one worker at a time
//! (claim token + lease end) and finished only by the worker that still holds the lease.

use chrono::{DateTime, Utc};
use ecabot_core::model::call::CallId;
use ecabot_core::ports::Outbox;
use ecabot_core::ports::StoreError;
use ecabot_core::{ChatRef, Entry, EntryState, Finish, NewEntry, OutboxStats};
use sqlx::{Row, any::AnyRow};

use crate::{Backend, SqlStore, backend_error, instant, secs, wall_clock};

const COLUMNS: &str =
    "id, key, chat, notice, not_before, expires, attempts, state, sent_at, last_error";

/// A stored entry, or why it cannot be read.
fn entry_from_row(row: &AnyRow) -> Result<Entry, StoreError> {
    let id: i64 = row.try_get("id").map_err(backend_error)?;
    let what = format!("outbox entry {id}");
    let corrupt = |e: String| StoreError::Corrupt(format!("{what}: {e}"));
    let at = |secs: i64| instant(secs, &what);
    let chat: String = row.try_get("chat").map_err(backend_error)?;
    let notice: String = row.try_get("notice").map_err(backend_error)?;
    let state: String = row.try_get("state").map_err(backend_error)?;
    let attempts: i64 = row.try_get("attempts").map_err(backend_error)?;
    let key: String = row.try_get("key").map_err(backend_error)?;
    Ok(Entry {
        id,
        key: key.parse().map_err(|e| corrupt(format!("{e}")))?,
        chat: chat
            .parse()
            .map_err(|e| corrupt(format!("chat {chat:?}: {e}")))?,
        notice: notice.parse().map_err(|e| corrupt(format!("{e}")))?,
        not_before: at(row.try_get("not_before").map_err(backend_error)?)?,
        expires: row
            .try_get::<Option<i64>, _>("expires")
            .map_err(backend_error)?
            .map(at)
            .transpose()?,
        attempts: u32::try_from(attempts).map_err(|_| corrupt(format!("attempts {attempts}")))?,
        state: state
            .parse()
            .map_err(|e: ecabot_core::model::outbox::BadEntryState| corrupt(e.to_string()))?,
        sent_at: row
            .try_get::<Option<i64>, _>("sent_at")
            .map_err(backend_error)?
            .map(at)
            .transpose()?,
        last_error: row.try_get("last_error").map_err(backend_error)?,
    })
}

/// Outbox rows written per INSERT statement (8 parameters each, well under every engine's limit).
const ENQUEUE_ROWS: usize = 250;

#[async_trait::async_trait]
impl Outbox for SqlStore {
    async fn enqueue(&self, entries: &[NewEntry]) -> Result<usize, StoreError> {
        if entries.is_empty() {
            return Ok(0);
        }
        let stamp = wall_clock();
        let mut tx = self.begin_write().await?;
        let mut added = 0;
        // Many rows per statement: a statement per row made a 100,000-entry tick take seconds.
        for chunk in entries.chunks(ENQUEUE_ROWS) {
            let rows = crate::value_rows(chunk.len(), 8, 1, ", 0, $1, $1");
            let sql = format!(
                "INSERT INTO outbox (key, chat, scope, call, notice, state, not_before, expires,
                 attempts, created_at, updated_at)
                 VALUES {rows}
                 ON CONFLICT (key) DO NOTHING"
            );
            let mut query = sqlx::query(&sql).bind(stamp);
            for entry in chunk {
                query = query
                    .bind(entry.key.to_string())
                    .bind(entry.chat.to_string())
                    .bind(entry.chat.scope().to_owned())
                    .bind(entry.notice.call().map(ToString::to_string))
                    .bind(entry.notice.to_string())
                    .bind(entry.state.as_str())
                    .bind(secs(entry.not_before))
                    .bind(entry.expires.map(secs));
            }
            let done = query.execute(&mut *tx).await.map_err(backend_error)?;
            added += done.rows_affected() as usize;
        }
        tx.commit().await.map_err(backend_error)?;
        Ok(added)
    }

    async fn claim(
        &self,
        scopes: &[&str],
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: usize,
        token: &str,
    ) -> Result<Vec<Entry>, StoreError> {
        if scopes.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let scope_list = (0..scopes.len())
            .map(|i| format!("${}", i + 5))
            .collect::<Vec<_>>()
            .join(", ");
        // The ids are picked once, in a materialized CTE: as `id IN (subquery)` PostgreSQL may
        // plan a semi join that re-runs the subquery for every row and so updates more than
        // `limit` rows. On PostgreSQL concurrent claimers skip each other's rows instead of
        // queueing on them (SQLite has one writer at a time anyway). The outer conditions
        // repeat the inner ones: PostgreSQL re-checks them on the latest version of a row that
        // another claimer changed meanwhile, so a row just leased elsewhere is left alone.
        let lock = match self.backend {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "WITH picked AS MATERIALIZED (
                 SELECT id FROM outbox
                 WHERE state = 'pending' AND not_before <= $3
                   AND (lease_until IS NULL OR lease_until <= $3)
                   AND scope IN ({scope_list})
                 ORDER BY not_before, id
                 LIMIT $4{lock})
             UPDATE outbox SET claim_token = $1, lease_until = $2, attempts = attempts + 1,
                 updated_at = $3
             WHERE id IN (SELECT id FROM picked)
               AND state = 'pending' AND not_before <= $3
               AND (lease_until IS NULL OR lease_until <= $3)
             RETURNING {COLUMNS}"
        );
        let mut query = sqlx::query(&sql)
            .bind(token.to_owned())
            .bind(secs(until))
            .bind(secs(now))
            .bind(i64::try_from(limit).unwrap_or(i64::MAX));
        for scope in scopes {
            query = query.bind(scope.to_string());
        }
        let rows = query.fetch_all(&self.pool).await.map_err(backend_error)?;
        let mut claimed = Vec::with_capacity(rows.len());
        for row in &rows {
            match entry_from_row(row) {
                Ok(entry) => claimed.push(entry),
                Err(e) => {
                    let id: i64 = row.try_get("id").map_err(backend_error)?;
                    tracing::error!(id, error = %e, "unreadable outbox entry marked failed");
                    sqlx::query(
                        "UPDATE outbox SET state = 'failed', last_error = $3, lease_until = NULL,
                         updated_at = $4
                         WHERE id = $1 AND claim_token = $2 AND state = 'pending'",
                    )
                    .bind(id)
                    .bind(token.to_owned())
                    .bind(e.to_string())
                    .bind(secs(now))
                    .execute(&self.pool)
                    .await
                    .map_err(backend_error)?;
                }
            }
        }
        claimed.sort_by_key(|e| (e.not_before, e.id));
        Ok(claimed)
    }

    async fn finish(
        &self,
        id: i64,
        token: &str,
        finish: &Finish,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        // Fencing: only the worker still holding the claim may finish the entry.
        let query = match finish {
            Finish::Sent => sqlx::query(
                "UPDATE outbox SET state = 'sent', sent_at = $3, lease_until = NULL,
                 updated_at = $3
                 WHERE id = $1 AND claim_token = $2 AND state = 'pending'",
            )
            .bind(id)
            .bind(token.to_owned())
            .bind(secs(now)),
            Finish::Retry { at, error } => sqlx::query(
                "UPDATE outbox SET not_before = $4, last_error = $5, lease_until = NULL,
                 claim_token = NULL, updated_at = $3
                 WHERE id = $1 AND claim_token = $2 AND state = 'pending'",
            )
            .bind(id)
            .bind(token.to_owned())
            .bind(secs(now))
            .bind(secs(*at))
            .bind(error.clone()),
            Finish::Failed { error: why }
            | Finish::Dropped { reason: why }
            | Finish::Cancelled { reason: why } => {
                let state = match finish {
                    Finish::Failed { .. } => EntryState::Failed,
                    Finish::Dropped { .. } => EntryState::Dropped,
                    _ => EntryState::Cancelled,
                };
                sqlx::query(
                    "UPDATE outbox SET state = $4, last_error = $5, lease_until = NULL,
                     updated_at = $3
                     WHERE id = $1 AND claim_token = $2 AND state = 'pending'",
                )
                .bind(id)
                .bind(token.to_owned())
                .bind(secs(now))
                .bind(state.as_str())
                .bind(why.clone())
            }
        };
        let done = query.execute(&self.pool).await.map_err(backend_error)?;
        Ok(done.rows_affected() > 0)
    }

    async fn cancel_pending(
        &self,
        chat: &ChatRef,
        call: Option<&CallId>,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let done = match call {
            Some(call) => {
                sqlx::query(
                    "UPDATE outbox SET state = 'cancelled', lease_until = NULL, updated_at = $3
                     WHERE chat = $1 AND call = $2 AND state = 'pending'",
                )
                .bind(chat.to_string())
                .bind(call.to_string())
                .bind(secs(now))
                .execute(&self.pool)
                .await
            }
            None => {
                sqlx::query(
                    "UPDATE outbox SET state = 'cancelled', lease_until = NULL, updated_at = $2
                     WHERE chat = $1 AND call IS NOT NULL AND state = 'pending'",
                )
                .bind(chat.to_string())
                .bind(secs(now))
                .execute(&self.pool)
                .await
            }
        }
        .map_err(backend_error)?;
        Ok(done.rows_affected())
    }

    async fn entries(&self, chat: Option<&ChatRef>) -> Result<Vec<Entry>, StoreError> {
        let rows = match chat {
            Some(chat) => {
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM outbox WHERE chat = $1 ORDER BY id"
                ))
                .bind(chat.to_string())
                .fetch_all(&self.pool)
                .await
            }
            None => {
                sqlx::query(&format!("SELECT {COLUMNS} FROM outbox ORDER BY id"))
                    .fetch_all(&self.pool)
                    .await
            }
        }
        .map_err(backend_error)?;
        rows.iter().map(entry_from_row).collect()
    }

    async fn stats(&self, now: DateTime<Utc>) -> Result<OutboxStats, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS pending,
                    COALESCE(SUM(CASE WHEN not_before <= $1 THEN 1 ELSE 0 END), 0) AS due,
                    MIN(CASE WHEN not_before <= $1 THEN not_before END) AS oldest_due
             FROM outbox WHERE state = 'pending'",
        )
        .bind(secs(now))
        .fetch_one(&self.pool)
        .await
        .map_err(backend_error)?;
        let count = |column: &str| -> Result<u64, StoreError> {
            let n: i64 = row.try_get(column).map_err(backend_error)?;
            Ok(n.max(0).unsigned_abs())
        };
        Ok(OutboxStats {
            pending: count("pending")?,
            due: count("due")?,
            oldest_due: row
                .try_get::<Option<i64>, _>("oldest_due")
                .map_err(backend_error)?
                .map(|s| instant(s, &"the oldest due outbox entry"))
                .transpose()?,
        })
    }
}
