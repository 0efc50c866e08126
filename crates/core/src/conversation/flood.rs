//! Flood control for public platforms: someone who writes much faster than a person reads gets
//! one "slow down" and is then ignored for a while, so one chat cannot eat the bot's capacity
//! (and its platform rate limits) at everyone else's expense.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

/// What to do with one input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Answer,
    /// The first input over the limit: say "slow down" once.
    SlowDown,
    /// Inputs while muted: no answer at all.
    Ignore,
}

/// The rule: more than `max` inputs within `window` mutes the sender for `mute`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FloodRule {
    pub max: usize,
    pub window: Duration,
    pub mute: Duration,
}

impl Default for FloodRule {
    fn default() -> Self {
        FloodRule {
            max: 8,
            window: Duration::seconds(10),
            mute: Duration::seconds(60),
        }
    }
}

#[derive(Debug, Default)]
struct Track {
    recent: Vec<DateTime<Utc>>,
    muted_until: Option<DateTime<Utc>>,
}

/// Per-sender input history. Memory is bounded by the senders active in the last window.
#[derive(Debug, Default)]
pub struct FloodGuard {
    rule: FloodRule,
    senders: HashMap<String, Track>,
    checks: u64,
}

impl FloodGuard {
    pub fn new(rule: FloodRule) -> FloodGuard {
        FloodGuard {
            rule,
            ..FloodGuard::default()
        }
    }

    /// Counts one input from `sender` at `now`.
    pub fn check(&mut self, sender: &str, now: DateTime<Utc>) -> Verdict {
        self.checks += 1;
        if self.checks.is_multiple_of(1024) {
            self.prune(now);
        }
        let rule = self.rule;
        let track = self.senders.entry(sender.to_owned()).or_default();
        if let Some(until) = track.muted_until {
            if now < until {
                return Verdict::Ignore;
            }
            track.muted_until = None;
            track.recent.clear();
        }
        track.recent.retain(|t| now - *t < rule.window);
        track.recent.push(now);
        if track.recent.len() > rule.max {
            track.muted_until = Some(now + rule.mute);
            track.recent.clear();
            return Verdict::SlowDown;
        }
        Verdict::Answer
    }

    fn prune(&mut self, now: DateTime<Utc>) {
        let window = self.rule.window;
        self.senders.retain(|_, t| {
            t.muted_until.is_some_and(|u| now < u)
                || t.recent.last().is_some_and(|last| now - *last < window)
        });
    }

    #[cfg(test)]
    fn tracked(&self) -> usize {
        self.senders.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap()
    }

    #[test]
    fn one_slow_down_then_silence_then_answers_again() {
        let mut guard = FloodGuard::default();
        let verdicts: Vec<Verdict> = (0..12).map(|i| guard.check("tg:1/7", at(i / 2))).collect();
        assert_eq!(verdicts[..8], [Verdict::Answer; 8]);
        assert_eq!(verdicts[8], Verdict::SlowDown);
        assert_eq!(verdicts[9..], [Verdict::Ignore; 3]);
        // Another sender in the same group is not affected.
        assert_eq!(guard.check("tg:1/8", at(5)), Verdict::Answer);
        assert_eq!(guard.check("tg:1/7", at(63)), Verdict::Ignore);
        assert_eq!(guard.check("tg:1/7", at(65)), Verdict::Answer);
    }

    #[test]
    fn a_steady_reader_is_never_muted() {
        let mut guard = FloodGuard::default();
        for i in 0..1000 {
            assert_eq!(guard.check("tg:5/5", at(i * 2)), Verdict::Answer);
        }
    }

    #[test]
    fn idle_senders_are_forgotten() {
        let mut guard = FloodGuard::default();
        for i in 0..5000 {
            guard.check(&format!("tg:{i}/{i}"), at(i));
        }
        assert!(guard.tracked() < 1100, "{}", guard.tracked());
    }
}
