//! The bot-wide send budget in the database: one row per platform holds the first free slot.
//! Booking moves it forward by one slot in a single statement, so concurrent instances queue
//! on the row and each gets its own slot. Time is the database's clock, so instances whose
//! clocks disagree still space their sends correctly.

use std::time::Duration;

use ecabot_core::ports::SharedPace;
use ecabot_core::ports::StoreError;
use sqlx::Row;

use crate::{Backend, SqlStore, backend_error};

/// Delivery jitter the spacing absorbs: slots are `(1 s + GUARD) / rate` apart, so a message
/// that reaches the platform up to this much later than its slot cannot make `rate + 1`
/// messages fall into one second.
pub const GUARD: Duration = Duration::from_millis(50);

/// A platform's shared timeline in a [`SqlStore`].
pub struct SqlPace {
    store: SqlStore,
    scope: String,
    /// Slot width in microseconds.
    width: i64,
}

impl SqlPace {
    /// `per_sec` messages per second for `scope` over all instances.
    pub fn new(store: SqlStore, scope: &str, per_sec: f64) -> SqlPace {
        let per_sec = if per_sec.is_finite() && per_sec > 0.0 {
            per_sec
        } else {
            1.0
        };
        let span = (1_000_000.0 + GUARD.as_micros() as f64) / per_sec;
        SqlPace {
            store,
            scope: scope.to_owned(),
            width: span.ceil().clamp(1.0, 86_400_000_000.0) as i64,
        }
    }

    /// The time between two slots.
    pub fn spacing(&self) -> Duration {
        Duration::from_micros(self.width.unsigned_abs())
    }

    /// Moves the row to `max(next_at, now + after) + add` and returns the slot's wait.
    async fn advance(&self, after: Duration, add: i64) -> Result<Duration, StoreError> {
        let after = i64::try_from(after.as_micros()).unwrap_or(i64::MAX / 4);
        // The slot taken is `max(next_at, now + after)`; `now` is read once per statement.
        let sql = match self.store.backend {
            Backend::Postgres => {
                "WITH clock AS (
                     SELECT (EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::BIGINT AS now)
                 INSERT INTO pace AS p (scope, next_at)
                 SELECT $1, clock.now + $2 + $3 FROM clock
                 ON CONFLICT (scope) DO UPDATE
                     SET next_at = GREATEST(p.next_at, EXCLUDED.next_at - $3) + $3
                 RETURNING p.next_at - $3
                     - (EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::BIGINT AS wait"
            }
            Backend::Sqlite => {
                "INSERT INTO pace (scope, next_at)
                 VALUES ($1, CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER) + $2 + $3)
                 ON CONFLICT (scope) DO UPDATE
                     SET next_at = MAX(pace.next_at, excluded.next_at - $3) + $3
                 RETURNING next_at - $3
                     - CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER) AS wait"
            }
        };
        let row = sqlx::query(sql)
            .bind(self.scope.clone())
            .bind(after)
            .bind(add)
            .fetch_one(&self.store.pool)
            .await
            .map_err(backend_error)?;
        let wait: i64 = row.try_get("wait").map_err(backend_error)?;
        Ok(Duration::from_micros(wait.max(0).unsigned_abs()))
    }
}

/// A turn woken this much after its slot is not used: sent that late, it would crowd the
/// slots after it (a busy machine wakes sleepers late). The send books a fresh slot instead.
const LATE: Duration = Duration::from_millis(10);
/// Fresh slots tried before sending late anyway, so an overloaded machine still makes progress.
const REBOOKS: u32 = 8;

#[async_trait::async_trait]
impl SharedPace for SqlPace {
    async fn take_turn(&self, after: Duration) -> Result<(), StoreError> {
        let mut tries = 0;
        loop {
            let wait = self.advance(after, self.width).await?;
            let due = tokio::time::Instant::now() + wait;
            tokio::time::sleep_until(due).await;
            let late = due.elapsed();
            tries += 1;
            if late <= LATE || tries > REBOOKS {
                return Ok(());
            }
            tracing::debug!(
                late_ms = late.as_millis() as u64,
                "woke late for a send slot; taking another"
            );
        }
    }

    async fn hold(&self, wait: Duration) -> Result<(), StoreError> {
        // Adds nothing: the next slot is no earlier than `now + wait`.
        self.advance(wait, 0).await.map(|_| ())
    }
}
