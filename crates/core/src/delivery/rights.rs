//! What a platform last said about a person's rights in a chat. Adapters ask before a settings
//! change in a group; remembering the answer briefly makes a burst of presses cost one question.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::conversation::Rights;

/// How long an answer is trusted: a demoted administrator keeps their rights this long.
pub const RIGHTS_TTL: Duration = Duration::from_secs(60);
/// Most answers remembered, so a flood of distinct people cannot grow memory without limit.
pub const RIGHTS_CAPACITY: usize = 10_000;

/// Answers by (chat, person), each trusted for a while.
#[derive(Debug)]
pub struct RightsCache<K> {
    ttl: Duration,
    capacity: usize,
    answers: Mutex<HashMap<K, (Rights, Instant)>>,
}

impl<K: Hash + Eq + Clone> Default for RightsCache<K> {
    fn default() -> Self {
        RightsCache::new(RIGHTS_TTL, RIGHTS_CAPACITY)
    }
}

impl<K: Hash + Eq + Clone> RightsCache<K> {
    pub fn new(ttl: Duration, capacity: usize) -> RightsCache<K> {
        RightsCache {
            ttl,
            capacity: capacity.max(1),
            answers: Mutex::new(HashMap::new()),
        }
    }

    fn answers(&self) -> MutexGuard<'_, HashMap<K, (Rights, Instant)>> {
        self.answers.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The answer for `key` if it is still trusted at `now`.
    pub fn get(&self, key: &K, now: Instant) -> Option<Rights> {
        self.answers()
            .get(key)
            .filter(|(_, at)| now.saturating_duration_since(*at) < self.ttl)
            .map(|(rights, _)| *rights)
    }

    /// Remembers `rights` for `key` as of `now`. Stale answers go first; when still full, the
    /// oldest answer makes room.
    pub fn put(&self, key: K, rights: Rights, now: Instant) {
        let mut answers = self.answers();
        answers.retain(|_, (_, at)| now.saturating_duration_since(*at) < self.ttl);
        if answers.len() >= self.capacity
            && !answers.contains_key(&key)
            && let Some(oldest) = answers
                .iter()
                .min_by_key(|(_, (_, at))| *at)
                .map(|(k, _)| k.clone())
        {
            answers.remove(&oldest);
        }
        answers.insert(key, (rights, now));
    }

    /// The remembered answer, else `check`'s, remembered. `check` gives `None` when the
    /// platform could not tell: that is [`Rights::Unverified`], and not remembered.
    pub async fn rights(&self, key: K, check: impl Future<Output = Option<Rights>>) -> Rights {
        if let Some(rights) = self.get(&key, Instant::now()) {
            return rights;
        }
        match check.await {
            Some(rights) => {
                self.put(key, rights, Instant::now());
                rights
            }
            None => Rights::Unverified,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEC: Duration = Duration::from_secs(1);

    #[test]
    fn answers_are_trusted_for_a_while() {
        let cache = RightsCache::new(60 * SEC, 10);
        let t0 = Instant::now();
        cache.put((1, 2), Rights::Manage, t0);
        assert_eq!(cache.get(&(1, 2), t0 + 59 * SEC), Some(Rights::Manage));
        assert_eq!(cache.get(&(1, 2), t0 + 60 * SEC), None);
        assert_eq!(cache.get(&(1, 3), t0), None);
        cache.put((1, 2), Rights::Ask, t0 + 61 * SEC);
        assert_eq!(cache.get(&(1, 2), t0 + 62 * SEC), Some(Rights::Ask));
    }

    #[test]
    fn it_never_holds_more_than_its_capacity() {
        let cache = RightsCache::new(60 * SEC, 3);
        let t0 = Instant::now();
        for user in 0..10u64 {
            cache.put((1, user), Rights::Ask, t0 + Duration::from_millis(user));
            assert!(cache.answers().len() <= 3);
        }
        // The oldest made room; the newest are kept.
        assert_eq!(cache.get(&(1, 6), t0 + SEC), None);
        assert_eq!(cache.get(&(1, 9), t0 + SEC), Some(Rights::Ask));
        assert_eq!(cache.get(&(1, 7), t0 + SEC), Some(Rights::Ask));
        // Stale answers go before a fresh one is dropped.
        cache.put((2, 0), Rights::Manage, t0 + 120 * SEC);
        assert_eq!(cache.answers().len(), 1);
    }

    #[tokio::test]
    async fn a_check_that_could_not_tell_is_unverified_and_asked_again() {
        let cache = RightsCache::default();
        let asked = &std::sync::atomic::AtomicUsize::new(0);
        let check = |answer: Option<Rights>| async move {
            asked.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            answer
        };
        assert_eq!(cache.rights("a", check(None)).await, Rights::Unverified);
        assert_eq!(
            cache.rights("a", check(Some(Rights::Manage))).await,
            Rights::Manage
        );
        assert_eq!(
            cache.rights("a", check(Some(Rights::Ask))).await,
            Rights::Manage
        );
        // The remembered answer was used: the third check never ran.
        assert_eq!(asked.load(std::sync::atomic::Ordering::Relaxed), 2);
    }
}
