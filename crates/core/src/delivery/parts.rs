//! Sending a response as a platform's messages, the same way on every platform: each part waits
//! for its paced turn, a "retry after" from the platform holds the chat (or the bot) and the part
//! is tried again in place, and a failure before anything went out hands the entry back to the
//! outbox. Adapters only send single parts and say what their failures mean.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::delivery::pace::PaceConfig;
use crate::delivery::pace::Pacer;
use crate::delivery::pace::Priority;
use crate::delivery::pace::Room;
use crate::delivery::pace::SharedPaceRef;
use crate::ports::SendError;
use crate::ports::SendResult;
use crate::ports::TelemetryRef;

/// Longest platform-asked wait sat out inside one delivery. Longer waits go back to the outbox
/// (before anything was sent) instead of holding a worker.
pub const MAX_INLINE_WAIT: Duration = Duration::from_secs(60);
/// Tries per part once an earlier part of the same response went out: going back to the outbox
/// then would send the earlier parts twice.
pub const PART_TRIES: u32 = 3;

/// Whom a platform's "retry after" holds back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// This chat only (Discord's per-channel bucket).
    Chat,
    /// Every chat, here and in the shared budget (Discord's global limit).
    Bot,
    /// The platform does not say (Telegram): this chat here, and the shared budget, so other
    /// instances do not add to what may be the bot's limit.
    Unsaid,
}

/// A part the platform did not take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartFailed {
    /// What it means for the delivery: a `Transient` with `retry_after` is a rate limit.
    pub error: SendError,
    /// Whom that rate limit's wait holds back.
    pub reach: Reach,
}

/// What an adapter gives the shared path for one delivery to one chat.
#[async_trait::async_trait]
pub trait PartSender: Send + Sync {
    /// One message as the platform sends it.
    type Part: Sync;
    /// The chat as the pacer knows it.
    fn chat(&self) -> String;
    /// Whether the chat is a group (groups have a limit of their own).
    fn room(&self) -> Room;
    /// Sends part number `index` of the response, once.
    async fn send_part(&self, index: usize, part: &Self::Part) -> Result<(), PartFailed>;
    /// Waits on the adapter's runtime: the core picks none, and tests need not sleep.
    async fn wait(&self, wait: Duration);
}

/// The way out for every message of one platform: replies and the outbox share it, so both
/// draw on one budget.
pub struct Outlet {
    /// The platform's chat scope, for telemetry.
    scope: &'static str,
    pacer: Mutex<Pacer>,
    /// The bot-wide global budget when several instances send; the local pacer then keeps only
    /// the per-chat and per-group limits.
    shared: Option<SharedPaceRef>,
    telemetry: TelemetryRef,
}

impl Outlet {
    pub fn new(
        scope: &'static str,
        mut pace: PaceConfig,
        shared: Option<SharedPaceRef>,
        telemetry: TelemetryRef,
    ) -> Outlet {
        if shared.is_some() {
            pace.global_per_sec = None;
            pace.reply_share = 0;
        }
        Outlet {
            scope,
            pacer: Mutex::new(Pacer::new(pace)),
            shared,
            telemetry,
        }
    }

    fn pacer(&self) -> MutexGuard<'_, Pacer> {
        self.pacer.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits for one message's turn: the chat's own limits here, the global one in the shared
    /// budget when there is one. A shared budget that cannot be reached is a transient failure:
    /// sending unpaced could break the limit for every instance.
    pub async fn pace<S: PartSender + ?Sized>(
        &self,
        to: &S,
        priority: Priority,
    ) -> Result<(), SendError> {
        let at = self
            .pacer()
            .book(&to.chat(), to.room(), priority, Instant::now());
        match &self.shared {
            Some(shared) => shared.turn_at(at).await,
            None => {
                let wait = at.saturating_duration_since(Instant::now());
                if !wait.is_zero() {
                    to.wait(wait).await;
                }
                Ok(())
            }
        }
    }

    async fn hold(&self, chat: &str, wait: Duration, reach: Reach) {
        let until = Instant::now() + wait;
        match reach {
            Reach::Chat | Reach::Unsaid => self.pacer().hold(chat, until),
            Reach::Bot => self.pacer().hold_all(until),
        }
        if reach != Reach::Chat
            && let Some(shared) = &self.shared
            && let Err(error) = shared.hold(wait).await
        {
            tracing::warn!(scope = self.scope, %error, "could not share the platform's wait with the other instances");
        }
    }

    /// Sends every part in order. Replies to people (`Priority::Reply`) wait out rate limits
    /// here; bulk sends hand a failure of their first part back to the outbox, which retries
    /// later without holding a worker. A later part is retried in place, never the whole.
    pub async fn deliver<S: PartSender>(
        &self,
        to: &S,
        parts: &[S::Part],
        priority: Priority,
    ) -> Result<(), SendError> {
        let chat = to.chat();
        for (index, part) in parts.iter().enumerate() {
            let mut tries = 0;
            loop {
                tries += 1;
                self.pace(to, priority).await?;
                let started = Instant::now();
                let sent = to.send_part(index, part).await;
                let result = match &sent {
                    Ok(()) => SendResult::Ok,
                    Err(PartFailed {
                        error:
                            SendError::Transient {
                                retry_after: Some(_),
                                ..
                            },
                        ..
                    }) => SendResult::RateLimited,
                    Err(_) => SendResult::Error,
                };
                self.telemetry
                    .message_sent(self.scope, result, started.elapsed());
                let Err(PartFailed { error, reach }) = sent else {
                    break;
                };
                let first_bulk = index == 0 && priority == Priority::Bulk;
                match error {
                    SendError::Transient {
                        retry_after: Some(wait),
                        ..
                    } => {
                        self.hold(&chat, wait, reach).await;
                        if first_bulk || wait > MAX_INLINE_WAIT || tries > PART_TRIES {
                            return Err(error);
                        }
                        tracing::info!(
                            scope = self.scope,
                            %chat,
                            wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                            "the platform asked to wait"
                        );
                        to.wait(wait).await;
                    }
                    SendError::Transient { .. } if !first_bulk && tries < PART_TRIES => {
                        tracing::warn!(scope = self.scope, %chat, %error, "retrying a part");
                        to.wait(Duration::from_secs(u64::from(tries))).await;
                    }
                    error => return Err(error),
                }
            }
        }
        if priority == Priority::Reply {
            self.telemetry.reply_sent(self.scope);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::{SharedPace, StoreError, Telemetry};
    use std::collections::VecDeque;
    use std::sync::Arc;

    const MS: Duration = Duration::from_millis(1);

    /// Counts what the path reports.
    #[derive(Default)]
    struct Counts {
        sent: Mutex<Vec<SendResult>>,
        replies: Mutex<usize>,
    }

    impl Telemetry for Counts {
        fn reply_sent(&self, scope: &str) {
            assert_eq!(scope, "test");
            *self.replies.lock().unwrap() += 1;
        }
        fn message_sent(&self, scope: &str, result: SendResult, _latency: Duration) {
            assert_eq!(scope, "test");
            self.sent.lock().unwrap().push(result);
        }
    }

    /// A shared budget that only records its holds.
    #[derive(Default)]
    struct Budget {
        holds: Mutex<Vec<Duration>>,
    }

    #[async_trait::async_trait]
    impl SharedPace for Budget {
        async fn take_turn(&self, _after: Duration) -> Result<(), StoreError> {
            Ok(())
        }
        async fn hold(&self, wait: Duration) -> Result<(), StoreError> {
            self.holds.lock().unwrap().push(wait);
            Ok(())
        }
    }

    /// A platform that answers each try from a script (then takes everything), and logs every
    /// try into `log` and every wait into `waits`. Waits under a second pass for real (pacing and
    /// holds must really end); longer ones are only logged, so tests skip retry back-offs.
    struct Fake {
        chat: String,
        answers: Mutex<VecDeque<Result<(), PartFailed>>>,
        log: Arc<Mutex<Vec<(String, usize)>>>,
        waits: Mutex<Vec<Duration>>,
    }

    impl Fake {
        fn new(answers: Vec<Result<(), PartFailed>>) -> Fake {
            Fake {
                chat: "42".into(),
                answers: Mutex::new(answers.into()),
                log: Arc::default(),
                waits: Mutex::default(),
            }
        }

        fn tries(&self) -> Vec<usize> {
            self.log.lock().unwrap().iter().map(|(_, i)| *i).collect()
        }

        fn waits(&self) -> Vec<Duration> {
            self.waits.lock().unwrap().clone()
        }
    }

    #[async_trait::async_trait]
    impl PartSender for Fake {
        type Part = &'static str;
        fn chat(&self) -> String {
            self.chat.clone()
        }
        fn room(&self) -> Room {
            Room::Private
        }
        async fn send_part(&self, index: usize, _part: &&'static str) -> Result<(), PartFailed> {
            self.log.lock().unwrap().push((self.chat.clone(), index));
            self.answers.lock().unwrap().pop_front().unwrap_or(Ok(()))
        }
        async fn wait(&self, wait: Duration) {
            self.waits.lock().unwrap().push(wait);
            if wait < Duration::from_secs(1) {
                tokio::time::sleep(wait).await;
            }
        }
    }

    fn limited(wait: Duration, reach: Reach) -> Result<(), PartFailed> {
        Err(PartFailed {
            error: SendError::Transient {
                reason: "429".into(),
                retry_after: Some(wait),
            },
            reach,
        })
    }

    fn flaky() -> Result<(), PartFailed> {
        Err(PartFailed {
            error: SendError::Transient {
                reason: "502".into(),
                retry_after: None,
            },
            reach: Reach::Chat,
        })
    }

    fn outlet(shared: Option<SharedPaceRef>) -> (Outlet, Arc<Counts>) {
        let counts = Arc::new(Counts::default());
        let outlet = Outlet::new(
            "test",
            PaceConfig::unlimited(),
            shared,
            TelemetryRef(counts.clone()),
        );
        (outlet, counts)
    }

    const THREE: [&str; 3] = ["a", "b", "c"];

    #[tokio::test]
    async fn a_rate_limit_holds_the_chat_and_retries_the_same_part() {
        let (outlet, counts) = outlet(None);
        let fake = Fake::new(vec![Ok(()), limited(2 * MS, Reach::Chat)]);
        let sent = outlet.deliver(&fake, &THREE, Priority::Bulk).await;
        assert_eq!(sent, Ok(()));
        assert_eq!(fake.tries(), [0, 1, 1, 2]);
        assert_eq!(fake.waits(), [2 * MS]);
        assert_eq!(
            *counts.sent.lock().unwrap(),
            [
                SendResult::Ok,
                SendResult::RateLimited,
                SendResult::Ok,
                SendResult::Ok
            ]
        );
        assert_eq!(*counts.replies.lock().unwrap(), 0);
    }

    #[tokio::test]
    async fn a_later_part_failing_is_retried_alone_with_growing_waits() {
        let (outlet, counts) = outlet(None);
        let fake = Fake::new(vec![Ok(()), Ok(()), flaky(), flaky()]);
        let sent = outlet.deliver(&fake, &THREE, Priority::Reply).await;
        assert_eq!(sent, Ok(()));
        assert_eq!(fake.tries(), [0, 1, 2, 2, 2]);
        assert_eq!(
            fake.waits(),
            [Duration::from_secs(1), Duration::from_secs(2)]
        );
        assert_eq!(*counts.replies.lock().unwrap(), 1);
    }

    #[tokio::test]
    async fn a_bulk_send_that_sent_nothing_goes_back_to_the_outbox() {
        let (outlet, _) = outlet(None);
        let fake = Fake::new(vec![flaky()]);
        let sent = outlet.deliver(&fake, &THREE, Priority::Bulk).await;
        assert!(matches!(sent, Err(SendError::Transient { .. })), "{sent:?}");
        assert_eq!(fake.tries(), [0]);
        assert!(fake.waits().is_empty());

        let hour = Duration::from_secs(3600);
        let fake = Fake::new(vec![limited(hour, Reach::Chat)]);
        let sent = outlet.deliver(&fake, &THREE, Priority::Bulk).await;
        assert!(matches!(
            sent,
            Err(SendError::Transient { retry_after: Some(w), .. }) if w == hour
        ));
        assert_eq!(fake.tries(), [0]);
        assert!(fake.waits().is_empty());
        // The chat stays held for the next booking.
        let at = outlet
            .pacer()
            .book("42", Room::Private, Priority::Bulk, Instant::now());
        assert!(at > Instant::now() + hour / 2, "the hold was not kept");
    }

    #[tokio::test]
    async fn a_reply_waits_out_a_limit_on_its_first_part() {
        let (outlet, _) = outlet(None);
        let fake = Fake::new(vec![flaky(), limited(3 * MS, Reach::Chat)]);
        let sent = outlet.deliver(&fake, &THREE, Priority::Reply).await;
        assert_eq!(sent, Ok(()));
        assert_eq!(fake.tries(), [0, 0, 0, 1, 2]);
        assert_eq!(fake.waits(), [Duration::from_secs(1), 3 * MS]);
    }

    #[tokio::test]
    async fn tries_run_out() {
        let (outlet, counts) = outlet(None);
        let fake = Fake::new(vec![Ok(()), flaky(), flaky(), flaky()]);
        let sent = outlet.deliver(&fake, &THREE, Priority::Bulk).await;
        assert!(matches!(sent, Err(SendError::Transient { .. })), "{sent:?}");
        assert_eq!(fake.tries(), [0, 1, 1, 1]);
        assert_eq!(
            fake.waits(),
            [Duration::from_secs(1), Duration::from_secs(2)]
        );

        // Rate limits get one try more, each waited out.
        let wait = limited(MS, Reach::Chat);
        let fake = Fake::new(vec![Ok(()), wait.clone(), wait.clone(), wait.clone(), wait]);
        let sent = outlet.deliver(&fake, &THREE, Priority::Bulk).await;
        assert!(matches!(sent, Err(SendError::Transient { .. })), "{sent:?}");
        assert_eq!(fake.tries(), [0, 1, 1, 1, 1]);
        assert_eq!(fake.waits(), [MS; 3]);
        assert_eq!(*counts.replies.lock().unwrap(), 0);
    }

    #[tokio::test]
    async fn a_long_wait_goes_back_to_the_outbox_and_other_failures_end_at_once() {
        let (outlet, _) = outlet(None);
        let long = MAX_INLINE_WAIT + Duration::from_secs(1);
        let fake = Fake::new(vec![Ok(()), limited(long, Reach::Chat)]);
        let sent = outlet.deliver(&fake, &THREE, Priority::Reply).await;
        assert!(matches!(
            sent,
            Err(SendError::Transient { retry_after: Some(w), .. }) if w == long
        ));
        assert_eq!(fake.tries(), [0, 1]);
        assert!(fake.waits().is_empty());

        let gone = SendError::Permanent {
            reason: "blocked".into(),
        };
        let fake = Fake::new(vec![
            Ok(()),
            Err(PartFailed {
                error: gone.clone(),
                reach: Reach::Chat,
            }),
        ]);
        assert_eq!(
            outlet.deliver(&fake, &THREE, Priority::Reply).await,
            Err(gone)
        );
        assert_eq!(fake.tries(), [0, 1]);
    }

    #[tokio::test]
    async fn waits_reach_as_far_as_the_platform_says() {
        let budget = Arc::new(Budget::default());
        let (outlet, _) = outlet(Some(SharedPaceRef(budget.clone())));
        let hour = Duration::from_secs(3600);
        let booked = |chat: &str| {
            outlet
                .pacer()
                .book(chat, Room::Private, Priority::Bulk, Instant::now())
        };

        let fake = Fake::new(vec![limited(hour, Reach::Chat)]);
        let _ = outlet.deliver(&fake, &THREE, Priority::Bulk).await;
        assert!(budget.holds.lock().unwrap().is_empty());
        assert!(booked("42") > Instant::now() + hour / 2);
        assert!(booked("7") <= Instant::now());

        let fake = Fake::new(vec![limited(hour, Reach::Unsaid)]);
        let _ = outlet.deliver(&fake, &THREE, Priority::Bulk).await;
        assert_eq!(*budget.holds.lock().unwrap(), [hour]);
        assert!(booked("7") <= Instant::now());

        let fake = Fake::new(vec![limited(hour, Reach::Bot)]);
        let _ = outlet.deliver(&fake, &THREE, Priority::Bulk).await;
        assert_eq!(*budget.holds.lock().unwrap(), [hour, hour]);
        assert!(booked("7") > Instant::now() + hour / 2);
    }

    #[tokio::test]
    async fn replies_overtake_bulk_sends_booked_before_them() {
        let counts = Arc::new(Counts::default());
        let outlet = Outlet::new(
            "test",
            PaceConfig {
                global_per_sec: Some(50.0),
                chat_interval: None,
                group_per_minute: None,
                reply_share: 4,
            },
            None,
            TelemetryRef(counts),
        );
        let log: Arc<Mutex<Vec<(String, usize)>>> = Arc::default();
        let fake = |chat: String| Fake {
            chat,
            log: log.clone(),
            ..Fake::new(Vec::new())
        };
        let bulk: Vec<Fake> = (0..12).map(|i| fake(format!("bulk{i}"))).collect();
        let reply = fake("reply".into());
        let mut sends: Vec<_> = bulk
            .iter()
            .map(|f| outlet.deliver(f, &THREE[..1], Priority::Bulk))
            .collect();
        // Polled last, so booked after every bulk send.
        sends.push(outlet.deliver(&reply, &THREE[..1], Priority::Reply));
        for sent in futures_util::future::join_all(sends).await {
            assert_eq!(sent, Ok(()));
        }
        let order: Vec<String> = log.lock().unwrap().iter().map(|(c, _)| c.clone()).collect();
        assert_eq!(order.len(), 13);
        let at = order.iter().position(|c| c == "reply").unwrap();
        assert!(at <= 4, "the reply went out {at}th: {order:?}");
    }
}
