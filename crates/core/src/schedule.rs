//! The reminder scheduler: one [`Scheduler::tick`] turns the reminders that came due since the
//! previous tick into outbox entries. The caller owns the loop (a cron schedule in production,
//! a stepped [`crate::ManualClock`] in tests).
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
//!   [`crate::digest`]).

use std::{collections::BTreeSet, sync::Arc};

use chrono::{DateTime, Duration, Utc};

use crate::{
    Call, ChatPrefs, ChatRef, Clock, EntryState, LeadTime, NewEntry, Notice, Outbox, Store,
    StoreError, Subscriber, Subscription,
};

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
        let (entries, cursors) = crate::digest::plan_digests(&chats, from, now);
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

/// The entries one call needs for the window `(from, now]`.
#[derive(Debug, Default)]
pub struct CallPlan {
    pub entries: Vec<NewEntry>,
    pub skipped: usize,
    pub dropped: usize,
}

/// Plans one call for its subscribers; pure, so it can be tested and measured on its own.
pub fn plan_call(
    call: &Call,
    subscribers: &[Subscriber],
    from: DateTime<Utc>,
    now: DateTime<Utc>,
) -> CallPlan {
    let mut plan = CallPlan::default();
    let in_window = |t: DateTime<Utc>| from < t && t <= now;
    let open = call.deadline > now;
    let moved = call.version > 1 && in_window(call.changed_at);
    for sub in subscribers {
        if moved && open && sub.since < call.changed_at {
            let previous = call.previous_deadline.unwrap_or(call.changed_at);
            plan.entries.push(NewEntry {
                key: format!("changed:{}:{}:{}", sub.chat, call.id, call.version),
                chat: sub.chat.clone(),
                notice: Notice::DeadlineChanged {
                    call: call.id.clone(),
                    version: call.version,
                    previous,
                },
                not_before: release(&sub.prefs, now, call.deadline),
                expires: Some(call.deadline),
                state: EntryState::Pending,
            });
        }
        let not_stale = sub.since.max(call.changed_at);
        // Longest lead first, so the last due one is the latest moment.
        let due: Vec<LeadTime> = sub
            .prefs
            .leads()
            .iter()
            .filter(|l| {
                let at = call.deadline - l.duration();
                in_window(at) && at >= not_stale
            })
            .collect();
        let Some((latest, earlier)) = due.split_last() else {
            continue;
        };
        let entry = |lead: LeadTime, state: EntryState, not_before: DateTime<Utc>| NewEntry {
            key: reminder_key(&sub.chat, call, lead),
            chat: sub.chat.clone(),
            notice: Notice::Reminder {
                call: call.id.clone(),
                version: call.version,
                lead,
            },
            not_before,
            expires: Some(call.deadline),
            state,
        };
        if !open {
            for lead in &due {
                plan.entries
                    .push(entry(*lead, EntryState::Dropped, call.deadline));
            }
            plan.dropped += due.len();
            continue;
        }
        for lead in earlier {
            plan.entries.push(entry(
                *lead,
                EntryState::Skipped,
                call.deadline - lead.duration(),
            ));
        }
        plan.skipped += earlier.len();
        plan.entries.push(entry(
            *latest,
            EntryState::Pending,
            release(&sub.prefs, now, call.deadline),
        ));
    }
    plan
}

/// The outbox key of a reminder: one per chat, call, lead time and deadline version.
pub fn reminder_key(chat: &ChatRef, call: &Call, lead: LeadTime) -> String {
    format!(
        "reminder:{chat}:{}:{}:{}",
        call.id,
        lead.minutes(),
        call.version
    )
}

/// When a message due at `at` may go out for a chat, given its quiet hours.
pub fn release(prefs: &ChatPrefs, at: DateTime<Utc>, deadline: DateTime<Utc>) -> DateTime<Utc> {
    match prefs.quiet {
        Some(quiet) => quiet.release(prefs.zone(), at, deadline),
        None => at,
    }
}

/// The next reminder a chat will get for any of `calls` after `now`: its moment (after quiet
/// hours), the call and the lead time.
pub fn next_reminder<'a>(
    prefs: &ChatPrefs,
    subscriptions: &[Subscription],
    dismissed: &[crate::CallId],
    calls: &'a [Call],
    now: DateTime<Utc>,
) -> Option<(DateTime<Utc>, &'a Call, LeadTime)> {
    let leads = prefs.leads();
    calls
        .iter()
        .filter(|c| c.deadline > now && !dismissed.contains(&c.id))
        .filter(|c| subscriptions.iter().any(|s| s.target.covers(c)))
        .flat_map(|c| leads.iter().map(move |l| (c.deadline - l.duration(), c, l)))
        .filter(|(at, _, _)| *at > now)
        .map(|(at, c, l)| (release(prefs, at, c.deadline), c, l))
        .min_by_key(|(at, _, _)| *at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CallId, CallKind, LeadTimes, QuietHours, Texts, Zone};
    use chrono::TimeZone;

    fn call(deadline: DateTime<Utc>) -> Call {
        Call {
            id: CallId::parse("cba").unwrap(),
            uid: "cba@test".into(),
            kind: CallKind::Call,
            title: Texts::one(crate::Locale::ENGLISH, "CBA"),
            description: Texts::new(),
            deadline,
            zone: Zone::DEFAULT,
            starts: None,
            ends: None,
            location: None,
            url: None,
            topic: None,
            categories: Vec::new(),
            version: 1,
            changed_at: deadline - Duration::days(30),
            previous_deadline: None,
        }
    }

    fn sub(id: &str, since: DateTime<Utc>) -> Subscriber {
        Subscriber {
            chat: ChatRef::new("test", id).unwrap(),
            prefs: ChatPrefs::default(),
            since,
        }
    }

    fn t(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 3, d, h, m, 0).unwrap()
    }

    #[test]
    fn plans_only_moments_inside_the_window() {
        let c = call(t(20, 12, 0));
        let subs = [sub("a", t(1, 0, 0))];
        let plan = plan_call(&c, &subs, t(13, 11, 59), t(13, 12, 0));
        assert_eq!(plan.entries.len(), 1);
        assert_eq!(
            plan.entries[0].notice,
            Notice::Reminder {
                call: c.id.clone(),
                version: 1,
                lead: LeadTime::parse("7d").unwrap()
            }
        );
        assert!(
            plan_call(&c, &subs, t(13, 12, 0), t(13, 12, 1))
                .entries
                .is_empty()
        );
    }

    #[test]
    fn catch_up_sends_the_latest_missed_moment_only() {
        let c = call(t(20, 12, 0));
        let subs = [sub("a", t(1, 0, 0))];
        let plan = plan_call(&c, &subs, t(10, 0, 0), t(19, 13, 0));
        let states: Vec<_> = plan.entries.iter().map(|e| e.state).collect();
        assert_eq!(states, [EntryState::Skipped, EntryState::Pending]);
        assert!(plan.entries[1].key.contains(":1440:"));
        let after = plan_call(&c, &subs, t(10, 0, 0), t(21, 0, 0));
        assert_eq!(after.dropped, 3);
        assert!(after.entries.iter().all(|e| e.state == EntryState::Dropped));
    }

    #[test]
    fn stale_moments_and_quiet_hours() {
        let c = call(t(20, 12, 0));
        // Subscribed after the 7-day moment: that one is never sent.
        let late = [sub("a", t(14, 0, 0))];
        assert!(
            plan_call(&c, &late, t(13, 0, 0), t(15, 0, 0))
                .entries
                .is_empty()
        );
        let mut quiet = sub("q", t(1, 0, 0));
        quiet.prefs.quiet = Some(QuietHours::parse("10:00-14:00").unwrap());
        quiet.prefs.leads = Some(LeadTimes::parse("1h").unwrap());
        let plan = plan_call(
            &c,
            std::slice::from_ref(&quiet),
            t(20, 10, 59),
            t(20, 11, 0),
        );
        // Quiet until 14:00 Brussels, but the deadline (12:00 UTC = 13:00 local) comes first.
        assert_eq!(plan.entries[0].not_before, t(20, 11, 0));
        quiet.prefs.leads = Some(LeadTimes::parse("1d").unwrap());
        let plan = plan_call(&c, &[quiet], t(19, 11, 59), t(19, 12, 0));
        assert_eq!(plan.entries[0].not_before, t(19, 13, 0));
    }

    #[test]
    fn next_reminder_follows_subscriptions() {
        let c = call(t(20, 12, 0));
        let calls = [c.clone()];
        let subs = [Subscription {
            target: crate::Target::All,
            since: t(1, 0, 0),
        }];
        let prefs = ChatPrefs::default();
        let (at, _, lead) = next_reminder(&prefs, &subs, &[], &calls, t(14, 0, 0)).unwrap();
        assert_eq!((at, lead.minutes()), (t(19, 12, 0), 1440));
        assert!(
            next_reminder(
                &prefs,
                &subs,
                std::slice::from_ref(&c.id),
                &calls,
                t(14, 0, 0)
            )
            .is_none()
        );
        assert!(next_reminder(&prefs, &[], &[], &calls, t(14, 0, 0)).is_none());
    }
}
