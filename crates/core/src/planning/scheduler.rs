//! The reminder scheduler: one [`Scheduler::tick`] turns the reminders that came due since the
//! previous tick into outbox entries. The caller owns the loop (a cron schedule in production,
//! a stepped [`crate::ports::ManualClock`] in tests).
//!
//! Rules, in one place:
//! - A reminder's moment is `deadline − lead`, computed on UTC instants, so a DST change never
//!   shifts or repeats it; only its display uses the chat's zone.
//! - Each tick plans the window `(planned_until, now]` shared by all instances; an entry's key
//!   (chat, call, lead, deadline version) makes it exist once however often it is planned.
//! - Moments before the chat subscribed, or before the current deadline was announced, are
//!   stale and never sent: the subscription's confirmation, or the "deadline changed" notice,
//!   says what comes next instead.
//! - After downtime, of the moments missed for one call only the latest is sent (it says how
//!   long is left); the earlier ones are recorded as skipped. If the deadline itself passed, they
//!   are recorded as dropped and logged.
//! - Quiet hours delay a reminder until they end, unless the deadline would pass first.
//! - The same tick plans the chats' newsletter digests due in its window (see
//!   [`crate::planning::digests`]).

use crate::model::call::LeadTime;
use crate::model::outbox::EntryState;
use crate::model::outbox::NewEntry;
use crate::planning::reminders::plan_call;
use crate::ports::Clock;
use crate::ports::Outbox;
use crate::ports::Store;
use crate::ports::StoreError;
use chrono::{DateTime, Duration, Utc};
use std::{collections::BTreeSet, sync::Arc};

/// How far back the very first tick of a fresh database looks.
const FIRST_WINDOW: Duration = Duration::minutes(1);
/// Entries written per transaction.
const ENQUEUE_CHUNK: usize = 2_000;

/// What one tick did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TickOutcome {
    /// The window planned, `(from, to]`; `None` when there was nothing new to plan.
    pub window: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// Calls whose subscribers were looked at.
    pub calls: usize,
    /// Entries created now (reminders and notices); repeats of existing keys are not counted.
    pub planned: usize,
    /// Reminders superseded by a later one of the same call.
    pub skipped: usize,
    /// Reminders whose deadline passed before they could be planned.
    pub dropped: usize,
    /// Digest entries created now.
    pub digests: usize,
}

/// Plans reminders into the outbox.
pub struct Scheduler {
    store: Arc<dyn Store>,
    outbox: Arc<dyn Outbox>,
    clock: Arc<dyn Clock>,
}

impl Scheduler {
    pub fn new(store: Arc<dyn Store>, outbox: Arc<dyn Outbox>, clock: Arc<dyn Clock>) -> Self {
        Scheduler {
            store,
            outbox,
            clock,
        }
    }

    /// Plans everything due up to now. Safe to run concurrently and to repeat: entries are
    /// keyed, and a failed tick leaves the window open for the next one.
    pub async fn tick(&self) -> Result<TickOutcome, StoreError> {
        let now = self.clock.now();
        let from = self
            .store
            .planned_until()
            .await?
            .unwrap_or(now - FIRST_WINDOW);
        if from >= now {
            return Ok(TickOutcome::default());
        }
        let mut outcome = TickOutcome {
            window: Some((from, now)),
            ..TickOutcome::default()
        };
        let leads: BTreeSet<LeadTime> = self
            .store
            .lead_sets()
            .await?
            .iter()
            .flat_map(|set| set.iter())
            .collect();
        let mut entries = Vec::new();
        for call in self.store.calls_after(from).await? {
            let in_window = |t: DateTime<Utc>| from < t && t <= now;
            let moved = call.version > 1 && in_window(call.changed_at);
            let moment = leads
                .iter()
                .any(|l| in_window(call.deadline - l.duration()));
            if !moved && !moment {
                continue;
            }
            outcome.calls += 1;
            let subscribers = self.store.subscribers(&call).await?;
            let plan = plan_call(&call, &subscribers, from, now);
            if plan.dropped > 0 {
                tracing::warn!(
                    call = %call.id,
                    reminders = plan.dropped,
                    deadline = %call.deadline,
                    "the deadline passed before these reminders could be sent; dropped"
                );
            }
            outcome.skipped += plan.skipped;
            outcome.dropped += plan.dropped;
            entries.extend(plan.entries);
            if entries.len() >= ENQUEUE_CHUNK {
                outcome.planned += self.enqueue(&mut entries).await?;
            }
        }
        outcome.planned += self.enqueue(&mut entries).await?;
        outcome.digests = self.plan_digests(from, now).await?;
        self.store.set_planned_until(now).await?;
        Ok(outcome)
    }

    /// Plans the digests due in `(from, now]`; entries first, then the chats' cursors, so a
    /// crash in between only plans the same keys again.
    async fn plan_digests(
        &self,
        from: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let chats = self.store.digest_chats().await?;
        let (entries, cursors) = crate::planning::digests::plan_digests(&chats, from, now);
        let mut created = 0;
        for chunk in entries.chunks(ENQUEUE_CHUNK) {
            created += self.outbox.enqueue(chunk).await?;
        }
        self.store.advance_digests(&cursors).await?;
        Ok(created)
    }

    /// Writes entries and returns how many of the pending ones were new.
    async fn enqueue(&self, entries: &mut Vec<NewEntry>) -> Result<usize, StoreError> {
        if entries.is_empty() {
            return Ok(0);
        }
        let pending: Vec<NewEntry> = entries
            .iter()
            .filter(|e| e.state == EntryState::Pending)
            .cloned()
            .collect();
        let records: Vec<NewEntry> = entries
            .drain(..)
            .filter(|e| e.state != EntryState::Pending)
            .collect();
        let created = self.outbox.enqueue(&pending).await?;
        self.outbox.enqueue(&records).await?;
        Ok(created)
    }
}
