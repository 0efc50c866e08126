//! Chat settings, subscriptions, dismissals, the subscribers of a call and the scheduler's
//! shared state.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use ecabot_core::model::call::Call;
use ecabot_core::model::call::CallId;
use ecabot_core::model::call::LeadTimes;
use ecabot_core::model::call::QuietHours;
use ecabot_core::model::call::Subscription;
use ecabot_core::model::call::Target;
use ecabot_core::model::call::Zone;
use ecabot_core::ports::StoreError;
use ecabot_core::{ChatPrefs, ChatRef, DigestPlan, Locale, Subscriber};
use sqlx::{Any, Executor, Row, any::AnyRow};

use crate::{SqlStore, backend_error, instant, secs, wall_clock};

/// A chat setting stored as nullable text.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Field {
    Locale,
    Zone,
    Quiet,
    Leads,
}

impl Field {
    fn column(self) -> &'static str {
        match self {
            Field::Locale => "locale",
            Field::Zone => "zone",
            Field::Quiet => "quiet",
            Field::Leads => "leads",
        }
    }
}

/// Creates the chat's row if it is missing, leaving an existing one as it is.
async fn ensure_chat<'e, E>(executor: E, chat: &ChatRef) -> Result<(), StoreError>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "INSERT INTO chats (chat, created_at, updated_at) VALUES ($1, $2, $2)
         ON CONFLICT (chat) DO NOTHING",
    )
    .bind(chat.to_string())
    .bind(wall_clock())
    .execute(executor)
    .await
    .map_err(backend_error)?;
    Ok(())
}

/// Parsed setting texts, so a query over many chats parses each distinct value once.
#[derive(Default)]
struct Parsed {
    locales: HashMap<String, Result<Locale, String>>,
    zones: HashMap<String, Result<Zone, String>>,
    quiet: HashMap<String, Result<QuietHours, String>>,
    leads: HashMap<String, Result<LeadTimes, String>>,
    digests: HashMap<String, Result<DigestPlan, String>>,
}

/// The columns [`prefs_from_row`] reads, for `SELECT` and `GROUP BY` lists.
pub(crate) const PREFS_COLUMNS: &str =
    "c.locale, c.zone, c.quiet, c.leads, c.digest, c.digest_since, c.active";

/// The stored text of a setting, parsed (through the memo), or `Corrupt` naming the chat.
fn setting<T: Clone, E: std::fmt::Display>(
    memo: &mut HashMap<String, Result<T, String>>,
    chat: &str,
    row: &AnyRow,
    column: &str,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Result<Option<T>, StoreError> {
    let Some(text) = row
        .try_get::<Option<String>, _>(column)
        .map_err(backend_error)?
    else {
        return Ok(None);
    };
    memo.entry(text)
        .or_insert_with_key(|text| parse(text).map_err(|e| e.to_string()))
        .clone()
        .map(Some)
        .map_err(|e| StoreError::Corrupt(format!("chat {chat}: {column}: {e}")))
}

/// The typed settings of a row with the [`PREFS_COLUMNS`].
fn prefs_from_row(chat: &str, row: &AnyRow, memo: &mut Parsed) -> Result<ChatPrefs, StoreError> {
    let active: i64 = row.try_get("active").map_err(backend_error)?;
    Ok(ChatPrefs {
        locale: setting(&mut memo.locales, chat, row, "locale", Locale::parse)?,
        zone: setting(&mut memo.zones, chat, row, "zone", Zone::parse)?,
        quiet: setting(&mut memo.quiet, chat, row, "quiet", QuietHours::parse)?,
        leads: setting(&mut memo.leads, chat, row, "leads", LeadTimes::parse)?,
        digest: setting(
            &mut memo.digests,
            chat,
            row,
            "digest",
            str::parse::<DigestPlan>,
        )?,
        digest_since: row
            .try_get::<Option<i64>, _>("digest_since")
            .map_err(backend_error)?
            .map(|s| instant(s, &format!("chat {chat}: digest_since")))
            .transpose()?,
        active: match active {
            0 => false,
            1 => true,
            other => {
                return Err(StoreError::Corrupt(format!(
                    "chat {chat}: active: {other} is not 0 or 1"
                )));
            }
        },
    })
}

pub(crate) async fn chat_prefs(store: &SqlStore, chat: &ChatRef) -> Result<ChatPrefs, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {PREFS_COLUMNS} FROM chats c WHERE c.chat = $1"
    ))
    .bind(chat.to_string())
    .fetch_optional(&store.pool)
    .await
    .map_err(backend_error)?;
    match row {
        Some(row) => prefs_from_row(&chat.to_string(), &row, &mut Parsed::default()),
        None => Ok(ChatPrefs::default()),
    }
}

/// Sets one text setting, creating the chat's row if needed and leaving the others alone.
pub(crate) async fn set_field(
    store: &SqlStore,
    chat: &ChatRef,
    field: Field,
    value: Option<String>,
) -> Result<(), StoreError> {
    let sql = format!(
        "INSERT INTO chats (chat, {c}, created_at, updated_at) VALUES ($1, $2, $3, $3)
         ON CONFLICT (chat) DO UPDATE SET {c} = excluded.{c}, updated_at = excluded.updated_at",
        c = field.column()
    );
    sqlx::query(&sql)
        .bind(chat.to_string())
        .bind(value)
        .bind(wall_clock())
        .execute(&store.pool)
        .await
        .map_err(backend_error)?;
    Ok(())
}

pub(crate) async fn set_active(
    store: &SqlStore,
    chat: &ChatRef,
    active: bool,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO chats (chat, active, created_at, updated_at) VALUES ($1, $2, $3, $3)
         ON CONFLICT (chat) DO UPDATE SET active = excluded.active, updated_at = excluded.updated_at",
    )
    .bind(chat.to_string())
    .bind(i64::from(active))
    .bind(wall_clock())
    .execute(&store.pool)
    .await
    .map_err(backend_error)?;
    Ok(())
}

pub(crate) async fn move_chat(
    store: &SqlStore,
    from: &ChatRef,
    to: &ChatRef,
) -> Result<(), StoreError> {
    if from == to {
        return Ok(());
    }
    let (old, new) = (from.to_string(), to.to_string());
    let mut tx = store.begin_write().await?;
    ensure_chat(&mut *tx, to).await?;
    let now = wall_clock();
    // The new chat keeps what it chose itself and inherits the rest.
    sqlx::query(
        "UPDATE chats SET
             locale = COALESCE(locale, (SELECT o.locale FROM chats o WHERE o.chat = $1)),
             zone = COALESCE(zone, (SELECT o.zone FROM chats o WHERE o.chat = $1)),
             quiet = COALESCE(quiet, (SELECT o.quiet FROM chats o WHERE o.chat = $1)),
             leads = COALESCE(leads, (SELECT o.leads FROM chats o WHERE o.chat = $1)),
             digest = COALESCE(digest, (SELECT o.digest FROM chats o WHERE o.chat = $1)),
             digest_since = COALESCE(digest_since,
                 (SELECT o.digest_since FROM chats o WHERE o.chat = $1)),
             updated_at = $3
         WHERE chat = $2",
    )
    .bind(&old)
    .bind(&new)
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(backend_error)?;
    for copy in [
        "INSERT INTO subscriptions (chat, target, since)
         SELECT $2, target, since FROM subscriptions WHERE chat = $1
         ON CONFLICT (chat, target) DO NOTHING",
        "INSERT INTO dismissals (chat, call, at)
         SELECT $2, call, at FROM dismissals WHERE chat = $1
         ON CONFLICT (chat, call) DO NOTHING",
    ] {
        sqlx::query(copy)
            .bind(&old)
            .bind(&new)
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
    }
    sqlx::query(
        "UPDATE outbox SET chat = $2, updated_at = $3 WHERE chat = $1 AND state = 'pending'",
    )
    .bind(&old)
    .bind(&new)
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(backend_error)?;
    for delete in [
        "DELETE FROM subscriptions WHERE chat = $1",
        "DELETE FROM dismissals WHERE chat = $1",
        "DELETE FROM chats WHERE chat = $1",
    ] {
        sqlx::query(delete)
            .bind(&old)
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
    }
    tx.commit().await.map_err(backend_error)?;
    Ok(())
}

pub(crate) async fn subscribe(
    store: &SqlStore,
    chat: &ChatRef,
    target: &Target,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let mut tx = store.begin_write().await?;
    ensure_chat(&mut *tx, chat).await?;
    let added = sqlx::query(
        "INSERT INTO subscriptions (chat, target, since) VALUES ($1, $2, $3)
         ON CONFLICT (chat, target) DO NOTHING",
    )
    .bind(chat.to_string())
    .bind(target.to_string())
    .bind(secs(now))
    .execute(&mut *tx)
    .await
    .map_err(backend_error)?
    .rows_affected()
        > 0;
    if let Target::Call(call) = target {
        sqlx::query("DELETE FROM dismissals WHERE chat = $1 AND call = $2")
            .bind(chat.to_string())
            .bind(call.to_string())
            .execute(&mut *tx)
            .await
            .map_err(backend_error)?;
    }
    tx.commit().await.map_err(backend_error)?;
    Ok(added)
}

pub(crate) async fn unsubscribe(
    store: &SqlStore,
    chat: &ChatRef,
    target: Option<&Target>,
) -> Result<u64, StoreError> {
    let done = match target {
        Some(target) => {
            sqlx::query("DELETE FROM subscriptions WHERE chat = $1 AND target = $2")
                .bind(chat.to_string())
                .bind(target.to_string())
                .execute(&store.pool)
                .await
        }
        None => {
            sqlx::query("DELETE FROM subscriptions WHERE chat = $1")
                .bind(chat.to_string())
                .execute(&store.pool)
                .await
        }
    }
    .map_err(backend_error)?;
    Ok(done.rows_affected())
}

pub(crate) async fn subscriptions(
    store: &SqlStore,
    chat: &ChatRef,
) -> Result<Vec<Subscription>, StoreError> {
    let rows = sqlx::query(
        "SELECT target, since FROM subscriptions WHERE chat = $1 ORDER BY since, target",
    )
    .bind(chat.to_string())
    .fetch_all(&store.pool)
    .await
    .map_err(backend_error)?;
    rows.iter()
        .map(|row| {
            let target: String = row.try_get("target").map_err(backend_error)?;
            let since: i64 = row.try_get("since").map_err(backend_error)?;
            let what = format!("chat {chat}: subscription {target:?}");
            Ok(Subscription {
                target: target
                    .parse()
                    .map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))?,
                since: instant(since, &what)?,
            })
        })
        .collect()
}

pub(crate) async fn dismiss(
    store: &SqlStore,
    chat: &ChatRef,
    call: &CallId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut tx = store.begin_write().await?;
    ensure_chat(&mut *tx, chat).await?;
    sqlx::query(
        "INSERT INTO dismissals (chat, call, at) VALUES ($1, $2, $3)
         ON CONFLICT (chat, call) DO UPDATE SET at = excluded.at",
    )
    .bind(chat.to_string())
    .bind(call.to_string())
    .bind(secs(now))
    .execute(&mut *tx)
    .await
    .map_err(backend_error)?;
    tx.commit().await.map_err(backend_error)
}

pub(crate) async fn dismissed(store: &SqlStore, chat: &ChatRef) -> Result<Vec<CallId>, StoreError> {
    let rows = sqlx::query("SELECT call FROM dismissals WHERE chat = $1 ORDER BY at, call")
        .bind(chat.to_string())
        .fetch_all(&store.pool)
        .await
        .map_err(backend_error)?;
    rows.iter()
        .map(|row| {
            let call: String = row.try_get("call").map_err(backend_error)?;
            CallId::parse(&call)
                .map_err(|e| StoreError::Corrupt(format!("chat {chat}: dismissal: {e}")))
        })
        .collect()
}

/// One query for every chat however many: the matching subscriptions are grouped per chat.
/// A chat whose stored settings do not parse is left out and logged, so one bad row cannot
/// stop everyone else's reminders.
pub(crate) async fn subscribers(
    store: &SqlStore,
    call: &Call,
) -> Result<Vec<Subscriber>, StoreError> {
    let all = Target::All.to_string();
    let by_call = Target::Call(call.id.clone()).to_string();
    let by_topic = call
        .topic
        .map(|t| Target::Topic(t).to_string())
        .unwrap_or_else(|| all.clone());
    let rows = sqlx::query(&format!(
        "SELECT c.chat, {PREFS_COLUMNS}, MIN(s.since) AS since
         FROM subscriptions s JOIN chats c ON c.chat = s.chat
         WHERE c.active = 1
           AND s.target IN ($1, $2, $3)
           AND NOT EXISTS (SELECT 1 FROM dismissals d WHERE d.chat = s.chat AND d.call = $4)
         GROUP BY c.chat, {PREFS_COLUMNS}
         ORDER BY c.chat"
    ))
    .bind(all)
    .bind(by_call)
    .bind(by_topic)
    .bind(call.id.to_string())
    .fetch_all(&store.pool)
    .await
    .map_err(backend_error)?;
    let mut found = Vec::with_capacity(rows.len());
    let mut memo = Parsed::default();
    for row in &rows {
        let chat: String = row.try_get("chat").map_err(backend_error)?;
        let since: i64 = row.try_get("since").map_err(backend_error)?;
        let subscriber = chat
            .parse::<ChatRef>()
            .map_err(|e| StoreError::Corrupt(format!("chat {chat}: {e}")))
            .and_then(|parsed| {
                Ok(Subscriber {
                    prefs: prefs_from_row(&chat, row, &mut memo)?,
                    since: instant(since, &format!("chat {chat}: since"))?,
                    chat: parsed,
                })
            });
        match subscriber {
            Ok(s) => found.push(s),
            Err(e) => tracing::error!(call = %call.id, error = %e, "subscriber skipped"),
        }
    }
    Ok(found)
}

/// The standard set first, then each other set in use by an active subscribed chat. A set that
/// does not parse is left out and logged.
pub(crate) async fn lead_sets(store: &SqlStore) -> Result<Vec<LeadTimes>, StoreError> {
    let rows = sqlx::query(
        "SELECT DISTINCT c.leads FROM chats c
         WHERE c.leads IS NOT NULL AND c.active = 1
           AND EXISTS (SELECT 1 FROM subscriptions s WHERE s.chat = c.chat)
         ORDER BY c.leads",
    )
    .fetch_all(&store.pool)
    .await
    .map_err(backend_error)?;
    let mut sets = vec![LeadTimes::standard()];
    for row in &rows {
        let text: String = row.try_get("leads").map_err(backend_error)?;
        match LeadTimes::parse(&text) {
            Ok(set) if !sets.contains(&set) => sets.push(set),
            Ok(_) => {}
            Err(e) => tracing::error!(leads = %text, error = %e, "stored lead times skipped"),
        }
    }
    Ok(sets)
}

/// Sets or stops the digest; stopping forgets its cursor.
pub(crate) async fn set_digest(
    store: &SqlStore,
    chat: &ChatRef,
    digest: Option<DigestPlan>,
) -> Result<(), StoreError> {
    let sql = match digest {
        Some(_) => {
            "INSERT INTO chats (chat, digest, created_at, updated_at) VALUES ($1, $2, $3, $3)
             ON CONFLICT (chat) DO UPDATE SET digest = excluded.digest,
                 updated_at = excluded.updated_at"
        }
        None => {
            "INSERT INTO chats (chat, digest, created_at, updated_at) VALUES ($1, $2, $3, $3)
             ON CONFLICT (chat) DO UPDATE SET digest = NULL, digest_since = NULL,
                 updated_at = excluded.updated_at"
        }
    };
    sqlx::query(sql)
        .bind(chat.to_string())
        .bind(digest.map(|d| d.to_string()))
        .bind(wall_clock())
        .execute(&store.pool)
        .await
        .map_err(backend_error)?;
    Ok(())
}

/// Active chats with a digest. A chat whose stored settings do not parse is left out and
/// logged, as for reminders.
pub(crate) async fn digest_chats(
    store: &SqlStore,
) -> Result<Vec<(ChatRef, ChatPrefs)>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT c.chat, {PREFS_COLUMNS} FROM chats c
         WHERE c.digest IS NOT NULL AND c.active = 1
         ORDER BY c.chat"
    ))
    .fetch_all(&store.pool)
    .await
    .map_err(backend_error)?;
    let mut found = Vec::with_capacity(rows.len());
    let mut memo = Parsed::default();
    for row in &rows {
        let chat: String = row.try_get("chat").map_err(backend_error)?;
        let parsed = chat
            .parse::<ChatRef>()
            .map_err(|e| StoreError::Corrupt(format!("chat {chat}: {e}")))
            .and_then(|c| Ok((c, prefs_from_row(&chat, row, &mut memo)?)));
        match parsed {
            Ok(pair) => found.push(pair),
            Err(e) => tracing::error!(error = %e, "chat left out of the digests"),
        }
    }
    Ok(found)
}

/// Moves cursors forward only, so an older tick finishing late cannot move one back.
pub(crate) async fn advance_digests(
    store: &SqlStore,
    moves: &[(ChatRef, DateTime<Utc>)],
) -> Result<(), StoreError> {
    if moves.is_empty() {
        return Ok(());
    }
    let mut tx = store.begin_write().await?;
    for (chat, at) in moves {
        sqlx::query(
            "UPDATE chats SET digest_since = $2
             WHERE chat = $1 AND (digest_since IS NULL OR digest_since < $2)",
        )
        .bind(chat.to_string())
        .bind(secs(*at))
        .execute(&mut *tx)
        .await
        .map_err(backend_error)?;
    }
    tx.commit().await.map_err(backend_error)?;
    Ok(())
}

const PLANNED_UNTIL: &str = "planned_until";

pub(crate) async fn planned_until(store: &SqlStore) -> Result<Option<DateTime<Utc>>, StoreError> {
    let row = sqlx::query("SELECT value FROM scheduler_state WHERE name = $1")
        .bind(PLANNED_UNTIL)
        .fetch_optional(&store.pool)
        .await
        .map_err(backend_error)?;
    row.map(|row| {
        let value: i64 = row.try_get("value").map_err(backend_error)?;
        instant(value, &PLANNED_UNTIL)
    })
    .transpose()
}

/// One statement, so two processes moving it at once still leave the later instant.
pub(crate) async fn set_planned_until(
    store: &SqlStore,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO scheduler_state (name, value) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value
         WHERE scheduler_state.value < excluded.value",
    )
    .bind(PLANNED_UNTIL)
    .bind(secs(at))
    .execute(&store.pool)
    .await
    .map_err(backend_error)?;
    Ok(())
}
