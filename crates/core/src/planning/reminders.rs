//! Reminder planning: which moments of a call's deadline each subscriber is reminded at, and when
//! quiet hours let a message go. Pure functions, called by the scheduler and the conversation.

use crate::model::call::Call;
use crate::model::call::LeadTime;
use crate::model::call::Subscription;
use crate::model::chat::ChatPrefs;
use crate::model::chat::ChatRef;
use crate::model::chat::Subscriber;
use crate::model::outbox::EntryState;
use crate::model::outbox::NewEntry;
use crate::model::outbox::Notice;
use chrono::{DateTime, Utc};

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
    dismissed: &[crate::model::call::CallId],
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
    use crate::model::call::CallId;
    use crate::model::call::CallKind;
    use crate::model::call::LeadTimes;
    use crate::model::call::QuietHours;
    use crate::model::call::Texts;
    use crate::model::call::Zone;
    use chrono::Duration;
    use chrono::TimeZone;

    fn call(deadline: DateTime<Utc>) -> Call {
        Call {
            id: CallId::parse("cba").unwrap(),
            uid: "cba@test".into(),
            kind: CallKind::Call,
            title: Texts::one(crate::model::locale::Locale::ENGLISH, "CBA"),
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
            target: crate::model::call::Target::All,
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
