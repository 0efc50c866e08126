//! Send pacing for outgoing chat messages.
//!
//! Platforms punish bursts (Telegram: about 1 message/s per chat, 20/min per group, a few dozen
//! per second overall) with "retry after" errors that stall every chat at once. Adapters ask
//! [`Pacer::book`] for a send instant before each message and sleep until it, so the limits hold
//! by construction instead of being discovered through errors. The module is pure (no clock, no
//! async) so every guarantee is testable with synthetic instants.
//!
//! Guarantees, for any sequence of calls:
//! - global: each send gets its own cell of width `1 / global_per_sec` on a grid anchored at the
//!   first `now` seen and is sent at the cell's start, so any 1 s window holds at most
//!   `ceil(global_per_sec)` sends;
//! - per chat: sends to one chat keep booking order and are at least `chat_interval` apart;
//! - per group: at most `group_per_minute` sends in any 60 s window;
//! - replies: one cell in `reply_share` is kept for [`Priority::Reply`], and a reply takes the
//!   earliest free cell at or after its own earliest allowed instant, so a broadcast booked far
//!   ahead never delays it by more than one reserved-cell period;
//! - holds: nothing is booked for a held chat (or, after [`Pacer::hold_all`], any chat) before
//!   the hold ends.

use crate::ports::PaceUnavailable;
use crate::ports::SharedPace;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Window of the per-group limit.
const GROUP_WINDOW: Duration = Duration::from_secs(60);
/// Cap on configured spans (cell width, chat interval): keeps instant arithmetic far from
/// overflow, and no real platform asks for more than a day between messages.
const MAX_SPAN: Duration = Duration::from_secs(86_400);
const NANOS_PER_SEC: u128 = 1_000_000_000;

/// The limits to respect; any of them can be off to measure an adapter's own ceiling.
#[derive(Debug, Clone, PartialEq)]
pub struct PaceConfig {
    /// Sends per second over all chats; `None`, non-finite or non-positive means no limit.
    pub global_per_sec: Option<f64>,
    /// Least gap between two sends to one chat.
    pub chat_interval: Option<Duration>,
    /// Most sends to one group chat in any 60 s window; `Some(0)` counts as no limit.
    pub group_per_minute: Option<u32>,
    /// One global cell in this many is kept for replies; 0 (and 1, which would starve bulk
    /// sends forever) means none.
    pub reply_share: u32,
}

impl PaceConfig {
    /// Telegram's documented limits: 1 s per chat, 20 per minute per group, with one global
    /// cell in 20 kept for replies so a broadcast cannot make the bot look dead.
    pub fn telegram(global_per_sec: f64) -> PaceConfig {
        PaceConfig {
            global_per_sec: Some(global_per_sec),
            chat_interval: Some(Duration::from_secs(1)),
            group_per_minute: Some(20),
            reply_share: 20,
        }
    }

    /// No limits at all: every booking is `now` (unless held), for measuring throughput.
    pub fn unlimited() -> PaceConfig {
        PaceConfig {
            global_per_sec: None,
            chat_interval: None,
            group_per_minute: None,
            reply_share: 0,
        }
    }
}

/// Whom a message serves. Priority only orders global cells: within one chat, sends always
/// keep booking order, so a reply never overtakes a message already booked for the same chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// An answer to a person, who is waiting for it.
    Reply,
    /// Broadcasts and other sends nobody is actively waiting for.
    Bulk,
}

/// The kind of chat, since groups have a limit of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Room {
    Private,
    Group,
}

/// Shared so the expiry queue and the chat map hold one allocation per chat, and `Send` so a
/// pacer can live behind a mutex shared by async tasks.
type ChatKey = Arc<str>;

/// Plans send instants for outgoing messages; see the module documentation for the guarantees.
#[derive(Debug)]
pub struct Pacer {
    chat_interval: Option<Duration>,
    group_per_minute: Option<usize>,
    grid: Option<Grid>,
    /// Latest `now` seen: forgotten state only constrained the past, so time must not go back.
    seen: Option<Instant>,
    hold_all: Option<Instant>,
    chats: HashMap<ChatKey, ChatState>,
    /// Exactly one entry per tracked chat, ordered by a lower bound of its expiry, so state
    /// that can no longer constrain anything is dropped without scanning the map.
    expiries: BinaryHeap<Reverse<(Instant, ChatKey)>>,
}

impl Pacer {
    pub fn new(config: PaceConfig) -> Pacer {
        let grid = config
            .global_per_sec
            .filter(|rate| rate.is_finite() && *rate > 0.0)
            .map(|rate| {
                // Rounding the width up keeps the rate a ceiling rather than a target.
                let width = (1e9 / rate).ceil().clamp(1.0, MAX_SPAN.as_nanos() as f64);
                let share = if config.reply_share >= 2 {
                    u64::from(config.reply_share)
                } else {
                    0
                };
                Grid::new(width as u64, share)
            });
        Pacer {
            chat_interval: config.chat_interval.map(|gap| gap.min(MAX_SPAN)),
            group_per_minute: config
                .group_per_minute
                .filter(|max| *max > 0)
                .map(|max| usize::try_from(max).unwrap_or(usize::MAX)),
            grid,
            seen: None,
            hold_all: None,
            chats: HashMap::new(),
            expiries: BinaryHeap::new(),
        }
    }

    /// Books the earliest instant at or after `now` at which a message to `chat` may be sent,
    /// and records it as taken.
    pub fn book(&mut self, chat: &str, room: Room, priority: Priority, now: Instant) -> Instant {
        let now = self.advance(now);
        let mut earliest = now.max(self.hold_all.unwrap_or(now));
        if let Some(state) = self.chats.get(chat) {
            let is_group = state.group || room == Room::Group;
            if let Some(at) = state.earliest(is_group, self.chat_interval, self.group_per_minute) {
                earliest = earliest.max(at);
            }
        }
        let at = match &mut self.grid {
            Some(grid) => grid.book(earliest, priority),
            None => earliest,
        };
        self.record(chat, room, at);
        at
    }

    /// The platform said "retry after" for `chat`: nothing more is booked for it before
    /// `until`. Sends already booked cannot be recalled; the adapter reschedules those.
    pub fn hold(&mut self, chat: &str, until: Instant) {
        if self.seen.is_some_and(|seen| until <= seen) {
            return; // Bookings never start before `seen`, so this hold changes nothing.
        }
        match self.chats.get_mut(chat) {
            Some(state) => {
                state.hold = Some(state.hold.map_or(until, |held| held.max(until)));
                state.expires = state.expires.max(until);
            }
            None => {
                let mut state = ChatState::new(until);
                state.hold = Some(until);
                self.track(chat, state);
            }
        }
    }

    /// A global flood wait: nothing is booked for any chat before `until`.
    pub fn hold_all(&mut self, until: Instant) {
        self.hold_all = Some(self.hold_all.map_or(until, |held| held.max(until)));
    }

    /// Moves the clock to `now` (never backwards) and forgets what only constrained the past.
    fn advance(&mut self, now: Instant) -> Instant {
        let now = self.seen.map_or(now, |seen| seen.max(now));
        self.seen = Some(now);
        while let Some(Reverse((at, _))) = self.expiries.peek() {
            if *at > now {
                break;
            }
            let Some(Reverse((_, key))) = self.expiries.pop() else {
                break;
            };
            match self.chats.get(&*key).map(|state| state.expires) {
                // Extended since it was queued: requeue at the real expiry, which is amortised
                // against the bookings that extended it.
                Some(expires) if expires > now => self.expiries.push(Reverse((expires, key))),
                Some(_) => {
                    self.chats.remove(&*key);
                }
                None => {}
            }
        }
        if let Some(grid) = &mut self.grid {
            grid.forget_before(now);
        }
        now
    }

    fn record(&mut self, chat: &str, room: Room, at: Instant) {
        let (interval, group_max) = (self.chat_interval, self.group_per_minute);
        if let Some(state) = self.chats.get_mut(chat) {
            state.note_send(at, room, interval, group_max);
            return;
        }
        // Without per-chat limits or a grid, bookings are `max(now, holds)`, which already keeps
        // chat order, so remembering the chat would only cost memory.
        if interval.is_none() && group_max.is_none() && self.grid.is_none() {
            return;
        }
        let mut state = ChatState::new(at);
        state.note_send(at, room, interval, group_max);
        self.track(chat, state);
    }

    fn track(&mut self, chat: &str, state: ChatState) {
        let key: ChatKey = Arc::from(chat);
        self.expiries
            .push(Reverse((state.expires, Arc::clone(&key))));
        self.chats.insert(key, state);
    }

    /// How many chats are remembered.
    #[cfg(test)]
    fn tracked(&self) -> usize {
        self.chats.len()
    }
}

/// What one chat's past sends and holds still impose on its next send.
#[derive(Debug)]
struct ChatState {
    /// Latest booked send; the next one is never earlier, so chat order is kept.
    last: Option<Instant>,
    /// The last `group_per_minute` sends, oldest first (groups only).
    recent: VecDeque<Instant>,
    group: bool,
    hold: Option<Instant>,
    /// From this instant on, the state constrains nothing and may be forgotten.
    expires: Instant,
}

impl ChatState {
    fn new(expires: Instant) -> ChatState {
        ChatState {
            last: None,
            recent: VecDeque::new(),
            group: false,
            hold: None,
            expires,
        }
    }

    fn earliest(
        &self,
        is_group: bool,
        interval: Option<Duration>,
        group_max: Option<usize>,
    ) -> Option<Instant> {
        let mut earliest = self.hold;
        let mut raise = |at: Instant| earliest = Some(earliest.map_or(at, |e| e.max(at)));
        if let Some(last) = self.last {
            raise(later(last, interval.unwrap_or(Duration::ZERO)));
        }
        // Sends are in time order, so "no max+1 sends within 60 s" means each send is at least
        // 60 s after the one `max` sends before it.
        if let Some(max) = group_max.filter(|_| is_group)
            && let Some(index) = self.recent.len().checked_sub(max)
            && let Some(oldest) = self.recent.get(index)
        {
            raise(later(*oldest, GROUP_WINDOW));
        }
        earliest
    }

    fn note_send(
        &mut self,
        at: Instant,
        room: Room,
        interval: Option<Duration>,
        group_max: Option<usize>,
    ) {
        self.last = Some(at);
        self.group |= room == Room::Group;
        let mut expires = later(at, interval.unwrap_or(Duration::ZERO));
        if let Some(max) = group_max.filter(|_| self.group) {
            self.recent.push_back(at);
            while self.recent.len() > max {
                self.recent.pop_front();
            }
            expires = expires.max(later(at, GROUP_WINDOW));
        }
        self.expires = self.expires.max(expires);
    }
}

/// `at + span`. Spans are capped at [`MAX_SPAN`], so this cannot overflow for an instant a clock
/// produced; the fallback only matters at the end of representable time.
fn later(at: Instant, span: Duration) -> Instant {
    at.checked_add(span).unwrap_or(at)
}

/// The global send grid: cell `i` starts at `epoch + i * width`, and each send owns one cell.
///
/// When replies have a share, cells are split into two lanes with their own dense numbering:
/// reserved cells (`i % share == 0`) and ordinary ones. Booked cells are stored per lane as
/// merged runs, so "first free cell from here" is one map lookup even deep inside a broadcast
/// that booked thousands of consecutive cells, and bulk sends never even look at reserved cells.
#[derive(Debug)]
struct Grid {
    width: u64,
    /// 0 when no cells are reserved.
    share: u64,
    epoch: Option<Instant>,
    ordinary: Runs,
    reserved: Runs,
}

impl Grid {
    fn new(width: u64, share: u64) -> Grid {
        Grid {
            width,
            share,
            epoch: None,
            ordinary: Runs::default(),
            reserved: Runs::default(),
        }
    }

    /// Takes the earliest usable cell starting at or after `earliest` and returns its start.
    fn book(&mut self, earliest: Instant, priority: Priority) -> Instant {
        let epoch = *self.epoch.get_or_insert(earliest);
        let from = self.first_cell(epoch, earliest);
        let cell = self.take(from, priority);
        // Only fails past the end of representable time; `earliest` is the best left then.
        self.start(epoch, cell).unwrap_or(earliest)
    }

    /// Drops booked cells that start before `now`; no search ever starts before it again.
    fn forget_before(&mut self, now: Instant) {
        let epoch = *self.epoch.get_or_insert(now);
        let horizon = self.first_cell(epoch, now);
        self.ordinary.forget_below(self.ordinary_lane(horizon));
        if self.share != 0 {
            self.reserved.forget_below(horizon.div_ceil(self.share));
        }
    }

    fn take(&mut self, from: u64, priority: Priority) -> u64 {
        let slot = self.ordinary.first_free(self.ordinary_lane(from));
        let ordinary = self.ordinary_cell(slot);
        if priority == Priority::Reply && self.share != 0 {
            let kept = self.reserved.first_free(from.div_ceil(self.share));
            let reserved = kept.saturating_mul(self.share);
            if reserved < ordinary {
                self.reserved.insert(kept);
                return reserved;
            }
        }
        self.ordinary.insert(slot);
        ordinary
    }

    /// Index of the first cell starting at or after `at`.
    fn first_cell(&self, epoch: Instant, at: Instant) -> u64 {
        let offset = at.saturating_duration_since(epoch).as_nanos();
        u64::try_from(offset.div_ceil(u128::from(self.width))).unwrap_or(u64::MAX)
    }

    fn start(&self, epoch: Instant, cell: u64) -> Option<Instant> {
        let offset = u128::from(cell) * u128::from(self.width);
        let secs = u64::try_from(offset / NANOS_PER_SEC).ok()?;
        let nanos = u32::try_from(offset % NANOS_PER_SEC).ok()?;
        epoch.checked_add(Duration::new(secs, nanos))
    }

    /// Ordinary-lane number of the first ordinary cell at or after `cell`.
    fn ordinary_lane(&self, cell: u64) -> u64 {
        if self.share == 0 {
            return cell;
        }
        let (period, offset) = (cell / self.share, cell % self.share);
        period * (self.share - 1) + offset.saturating_sub(1)
    }

    /// Cell index of ordinary-lane number `slot`.
    fn ordinary_cell(&self, slot: u64) -> u64 {
        if self.share == 0 {
            return slot;
        }
        let per_period = self.share - 1;
        (slot / per_period)
            .saturating_mul(self.share)
            .saturating_add(slot % per_period + 1)
    }
}

/// A set of taken lane numbers, stored as disjoint, non-adjacent runs `start -> end`
/// (end exclusive), so consecutive bookings collapse into one entry.
#[derive(Debug, Default)]
struct Runs {
    runs: BTreeMap<u64, u64>,
}

impl Runs {
    /// First number at or after `from` that is not taken. Runs never touch, so the end of the
    /// run covering `from` is free.
    fn first_free(&self, from: u64) -> u64 {
        match self.runs.range(..=from).next_back() {
            Some((_, &end)) if end > from => end,
            _ => from,
        }
    }

    /// Marks the free number `slot` as taken, merging it with its neighbours.
    fn insert(&mut self, slot: u64) {
        let next = slot.saturating_add(1);
        let end = self.runs.remove(&next).unwrap_or(next);
        if let Some((_, before)) = self.runs.range_mut(..slot).next_back()
            && *before == slot
        {
            *before = end;
        } else {
            self.runs.insert(slot, end);
        }
    }

    /// Forgets runs that lie entirely below `slot`.
    fn forget_below(&mut self, slot: u64) {
        while let Some(run) = self.runs.first_entry() {
            if *run.get() > slot {
                break;
            }
            run.remove();
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.runs.len()
    }
}

/// A shared handle to a [`SharedPace`]; `Debug` so configs holding one stay printable.
#[derive(Clone)]
pub struct SharedPaceRef(pub Arc<dyn SharedPace>);

impl std::fmt::Debug for SharedPaceRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SharedPaceRef")
    }
}

impl SharedPaceRef {
    /// Waits for the global turn of a message the local pacer allows at `at`. An unreachable
    /// budget is a transient send failure: the outbox retries, a reply says it failed.
    pub async fn turn_at(&self, at: std::time::Instant) -> Result<(), crate::ports::SendError> {
        self.take_turn(at.saturating_duration_since(std::time::Instant::now()))
            .await
            .map_err(|e| crate::ports::SendError::Transient {
                reason: PaceUnavailable(e).to_string(),
                retry_after: None,
            })
    }
}

impl std::ops::Deref for SharedPaceRef {
    type Target = dyn SharedPace;
    fn deref(&self) -> &Self::Target {
        self.0.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    const MS: Duration = Duration::from_millis(1);

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    /// Index of the 40 ms cell `at` starts, relative to `base`.
    fn cell_of(base: Instant, at: Instant, width: Duration) -> u128 {
        let offset = at.duration_since(base).as_nanos();
        assert_eq!(
            offset % width.as_nanos(),
            0,
            "sends start on cell boundaries"
        );
        offset / width.as_nanos()
    }

    /// No more than `max` of the sorted instants fall within any half-open 1 s window.
    fn assert_window(sorted: &[Instant], window: Duration, max: usize) {
        for (i, first) in sorted.iter().enumerate() {
            if let Some(beyond) = sorted.get(i + max) {
                assert!(
                    beyond.duration_since(*first) >= window,
                    "more than {max} sends within {window:?} starting at #{i}"
                );
            }
        }
    }

    #[test]
    fn broadcast_without_reserve_is_exactly_paced() {
        let base = Instant::now();
        let config = PaceConfig {
            reply_share: 0,
            ..PaceConfig::telegram(25.0)
        };
        let mut pacer = Pacer::new(config);
        let sends: Vec<Instant> = (0..10_000)
            .map(|i| pacer.book(&format!("tg:{i}"), Room::Private, Priority::Bulk, base))
            .collect();
        for pair in sends.windows(2) {
            assert_eq!(pair[1] - pair[0], 40 * MS);
        }
        assert_eq!(sends[0], base);
        assert_eq!(sends[9_999] - base, Duration::from_millis(399_960));
        assert_window(&sends, secs(1), 25);
    }

    #[test]
    fn broadcast_skips_reserved_cells() {
        let base = Instant::now();
        let mut pacer = Pacer::new(PaceConfig::telegram(25.0));
        let sends: Vec<Instant> = (0..10_000)
            .map(|i| pacer.book(&format!("tg:{i}"), Room::Private, Priority::Bulk, base))
            .collect();
        let width = 40 * MS;
        for pair in sends.windows(2) {
            let gap = pair[1] - pair[0];
            // Every 19 sends the reserved cell is skipped.
            assert!(gap == width || gap == 2 * width, "gap {gap:?}");
        }
        for at in &sends {
            assert_ne!(
                cell_of(base, *at, width) % 20,
                0,
                "bulk took a reserved cell"
            );
        }
        // Cell 0 is reserved, so bulk fills 19 of every 20 cells from cell 1: the 10,000th
        // send is ordinary slot 9,999 = period 526, offset 5, i.e. cell 526 * 20 + 6.
        assert_eq!(sends[0] - base, width);
        assert_eq!(cell_of(base, sends[9_999], width), 10_526);
        assert_eq!(sends[9_999] - base, Duration::from_millis(421_040));
        assert_window(&sends, secs(1), 25);
        // The whole broadcast is a few runs per reserved gap, not one entry per send.
        assert!(
            pacer
                .grid
                .as_ref()
                .is_some_and(|grid| grid.ordinary.len() == 1)
        );
    }

    #[test]
    fn reply_cuts_into_a_running_broadcast() {
        let base = Instant::now();
        let width = 40 * MS;
        let mut pacer = Pacer::new(PaceConfig::telegram(25.0));
        for i in 0..10_000 {
            pacer.book(&format!("tg:{i}"), Room::Private, Priority::Bulk, base);
        }
        // 100 s in, bulk is booked about 320 s ahead; the reply still goes out within one
        // reserved-cell period.
        for (n, offset) in [100_010u64, 150_040, 250_000, 250_801]
            .into_iter()
            .enumerate()
        {
            let now = base + Duration::from_millis(offset);
            let at = pacer.book(&format!("user:{n}"), Room::Private, Priority::Reply, now);
            assert!(at >= now);
            assert!(at - now <= 20 * width, "reply waited {:?}", at - now);
            assert_eq!(cell_of(base, at, width) % 20, 0);
        }
        // A second reply in the same period takes the next reserved cell, never a bulk one.
        let now = base + secs(300);
        let first = pacer.book("a", Room::Private, Priority::Reply, now);
        let second = pacer.book("b", Room::Private, Priority::Reply, now);
        assert_eq!(first, now);
        assert_eq!(second - first, 20 * width);
    }

    #[test]
    fn reply_takes_earliest_free_cell_of_either_kind() {
        let base = Instant::now();
        let width = 40 * MS;
        let mut pacer = Pacer::new(PaceConfig::telegram(25.0));
        let at = pacer.book("w", Room::Private, Priority::Bulk, base);
        assert_eq!(at, base + width);
        // Cell 3 is free and ordinary: a reply takes it.
        let at = pacer.book("a", Room::Private, Priority::Reply, base + 3 * width);
        assert_eq!(at, base + 3 * width);
        // Cell 3 taken: the next free cell is 4.
        let at = pacer.book("b", Room::Private, Priority::Reply, base + 3 * width);
        assert_eq!(at, base + 4 * width);
        // Bulk skips reserved cell 20; a reply then takes it although 21 is booked.
        let from = base + 19 * width;
        assert_eq!(pacer.book("c", Room::Private, Priority::Bulk, from), from);
        assert_eq!(
            pacer.book("d", Room::Private, Priority::Bulk, from),
            from + 2 * width
        );
        assert_eq!(
            pacer.book("e", Room::Private, Priority::Reply, from),
            from + width
        );
    }

    #[test]
    fn one_chat_is_spaced_by_its_interval() {
        let base = Instant::now();
        let mut pacer = Pacer::new(PaceConfig::telegram(25.0));
        let sends: Vec<Instant> = (0..10)
            .map(|_| pacer.book("tg:1", Room::Private, Priority::Bulk, base))
            .collect();
        assert_eq!(sends[0], base + 40 * MS);
        for pair in sends.windows(2) {
            assert_eq!(pair[1] - pair[0], secs(1));
        }
        // Another chat is not held up by the first one's spacing.
        let other = pacer.book("tg:2", Room::Private, Priority::Bulk, base);
        assert_eq!(other, base + 80 * MS);
    }

    #[test]
    fn group_gets_twenty_per_minute() {
        let base = Instant::now();
        let mut pacer = Pacer::new(PaceConfig::telegram(25.0));
        let sends: Vec<Instant> = (0..45)
            .map(|_| pacer.book("tg:-100", Room::Group, Priority::Bulk, base))
            .collect();
        for pair in sends[..20].windows(2) {
            assert_eq!(pair[1] - pair[0], secs(1));
        }
        assert_eq!(sends[20], sends[0] + secs(60));
        assert_eq!(sends[21], sends[1] + secs(60));
        assert_eq!(sends[40], sends[0] + secs(120));
        assert_window(&sends, secs(60), 20);
    }

    #[test]
    fn holds_are_respected() {
        let base = Instant::now();
        let mut pacer = Pacer::new(PaceConfig::telegram(25.0));
        pacer.book("warmup", Room::Private, Priority::Bulk, base);
        pacer.hold("a", base + secs(5));
        assert_eq!(
            pacer.book("a", Room::Private, Priority::Bulk, base),
            base + secs(5)
        );
        assert!(pacer.book("b", Room::Private, Priority::Bulk, base) < base + secs(1));
        pacer.hold_all(base + secs(10));
        for chat in ["a", "b", "c"] {
            assert!(pacer.book(chat, Room::Private, Priority::Reply, base) >= base + secs(10));
        }
        // A shorter later hold does not shorten an earlier one.
        pacer.hold("d", base + secs(30));
        pacer.hold("d", base + secs(20));
        assert!(pacer.book("d", Room::Group, Priority::Reply, base) >= base + secs(30));
    }

    #[test]
    fn holds_apply_without_other_limits() {
        let base = Instant::now();
        let mut pacer = Pacer::new(PaceConfig::unlimited());
        pacer.hold("a", base + secs(3));
        assert_eq!(
            pacer.book("a", Room::Private, Priority::Bulk, base),
            base + secs(3)
        );
        assert_eq!(pacer.book("b", Room::Private, Priority::Bulk, base), base);
        pacer.hold_all(base + secs(7));
        assert_eq!(
            pacer.book("b", Room::Private, Priority::Bulk, base),
            base + secs(7)
        );
    }

    #[test]
    fn unlimited_returns_now() {
        let base = Instant::now();
        let mut pacer = Pacer::new(PaceConfig::unlimited());
        for i in 0..10_000u64 {
            let now = base + Duration::from_micros(i / 3);
            let room = if i % 2 == 0 {
                Room::Group
            } else {
                Room::Private
            };
            let priority = if i % 5 == 0 {
                Priority::Reply
            } else {
                Priority::Bulk
            };
            let chat = format!("c{}", i % 7);
            assert_eq!(pacer.book(&chat, room, priority, now), now);
        }
        assert_eq!(pacer.tracked(), 0);
    }

    #[test]
    fn odd_configs_are_tamed() {
        let base = Instant::now();
        for rate in [0.0, -3.0, f64::NAN, f64::INFINITY] {
            let config = PaceConfig {
                global_per_sec: Some(rate),
                ..PaceConfig::unlimited()
            };
            let mut pacer = Pacer::new(config);
            assert_eq!(pacer.book("a", Room::Private, Priority::Bulk, base), base);
            assert_eq!(pacer.book("b", Room::Private, Priority::Bulk, base), base);
        }
        // Reserving every cell would starve bulk sends; a share of 1 reserves none.
        let config = PaceConfig {
            reply_share: 1,
            ..PaceConfig::telegram(25.0)
        };
        let mut pacer = Pacer::new(config);
        assert_eq!(pacer.book("a", Room::Private, Priority::Bulk, base), base);
        // Time never goes back: an older `now` is treated as the newest seen.
        let mut pacer = Pacer::new(PaceConfig::unlimited());
        assert_eq!(
            pacer.book("a", Room::Private, Priority::Bulk, base + secs(2)),
            base + secs(2)
        );
        assert_eq!(
            pacer.book("a", Room::Private, Priority::Bulk, base),
            base + secs(2)
        );
    }

    #[test]
    fn memory_follows_recent_chats_only() {
        let base = Instant::now();
        let mut pacer = Pacer::new(PaceConfig::telegram(25.0));
        let mut peak = 0;
        let mut key = String::new();
        // A million chats at 20/s: almost 14 simulated hours.
        for i in 0..1_000_000u64 {
            let now = base + 50 * MS * u32::try_from(i).unwrap_or(u32::MAX);
            key.clear();
            key.push_str("tg:");
            key.push_str(&i.to_string());
            let room = if i % 3 == 0 {
                Room::Group
            } else {
                Room::Private
            };
            let priority = if i % 10 == 0 {
                Priority::Reply
            } else {
                Priority::Bulk
            };
            if i % 1000 == 0 {
                pacer.hold(&key, now + secs(30));
            }
            let at = pacer.book(&key, room, priority, now);
            assert!(at >= now && at - now < secs(31));
            peak = peak.max(pacer.tracked());
        }
        // Only chats with a send in the last minute (groups) or second (private) are kept:
        // about 20/s * 60 s / 3 groups + 20 private.
        assert!(peak < 1_000, "peak {peak}");
        assert!(pacer.tracked() < 1_000);
        assert_eq!(pacer.expiries.len(), pacer.tracked());
        let grid = pacer
            .grid
            .as_ref()
            .map(|g| g.ordinary.len() + g.reserved.len());
        assert!(grid.is_some_and(|runs| runs < 100), "runs {grid:?}");
    }

    /// splitmix64: deterministic and dependency-free.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    /// The rules written as plainly as possible: full history, linear cell scan, no forgetting.
    struct Model {
        width: Option<u64>,
        share: u64,
        interval: Duration,
        group_max: Option<usize>,
        epoch: Option<Instant>,
        taken: HashSet<u64>,
        sends: HashMap<String, Vec<Instant>>,
        holds: HashMap<String, Instant>,
        hold_all: Option<Instant>,
    }

    impl Model {
        fn new(config: &PaceConfig) -> Model {
            let width = config
                .global_per_sec
                .filter(|r| r.is_finite() && *r > 0.0)
                .map(|r| (1e9 / r).ceil() as u64);
            Model {
                width,
                share: if config.reply_share >= 2 {
                    u64::from(config.reply_share)
                } else {
                    0
                },
                interval: config.chat_interval.unwrap_or(Duration::ZERO),
                group_max: config
                    .group_per_minute
                    .filter(|m| *m > 0)
                    .map(|m| m as usize),
                epoch: None,
                taken: HashSet::new(),
                sends: HashMap::new(),
                holds: HashMap::new(),
                hold_all: None,
            }
        }

        fn book(&mut self, chat: &str, room: Room, priority: Priority, now: Instant) -> Instant {
            let epoch = *self.epoch.get_or_insert(now);
            let mut t = now;
            if let Some(h) = self.hold_all {
                t = t.max(h);
            }
            if let Some(h) = self.holds.get(chat) {
                t = t.max(*h);
            }
            let sends = self.sends.entry(chat.to_owned()).or_default();
            if let Some(last) = sends.last() {
                t = t.max(*last + self.interval);
            }
            if room == Room::Group
                && let Some(max) = self.group_max
                && sends.len() >= max
            {
                t = t.max(sends[sends.len() - max] + GROUP_WINDOW);
            }
            if let Some(width) = self.width {
                let cell = t
                    .duration_since(epoch)
                    .as_nanos()
                    .div_ceil(u128::from(width));
                let mut cell = u64::try_from(cell).unwrap_or(u64::MAX);
                let reserved = |c: u64| self.share != 0 && c.is_multiple_of(self.share);
                while self.taken.contains(&cell) || (priority == Priority::Bulk && reserved(cell)) {
                    cell += 1;
                }
                self.taken.insert(cell);
                t = epoch + Duration::from_nanos(cell * width);
            }
            sends.push(t);
            t
        }
    }

    #[derive(Debug)]
    struct Booked {
        chat: usize,
        priority: Priority,
        now: Instant,
        at: Instant,
        /// Latest hold covering this chat when it was booked.
        held: Option<Instant>,
    }

    fn configs() -> Vec<PaceConfig> {
        vec![
            PaceConfig::telegram(25.0),
            PaceConfig {
                global_per_sec: Some(3.0),
                chat_interval: Some(700 * MS),
                group_per_minute: Some(3),
                reply_share: 4,
            },
            PaceConfig {
                global_per_sec: Some(7.5),
                chat_interval: None,
                group_per_minute: Some(5),
                reply_share: 1,
            },
            PaceConfig {
                global_per_sec: Some(10.0),
                chat_interval: None,
                group_per_minute: None,
                reply_share: 2,
            },
            PaceConfig {
                global_per_sec: None,
                chat_interval: Some(secs(1)),
                group_per_minute: Some(2),
                reply_share: 20,
            },
            PaceConfig::unlimited(),
        ]
    }

    #[test]
    fn random_mixes_keep_every_invariant() {
        const CHATS: usize = 24;
        for (round, config) in configs().into_iter().enumerate() {
            for seed in 0..6u64 {
                let mut rng = Rng(seed * 1_000 + round as u64);
                let base = Instant::now();
                let mut now = base;
                let mut pacer = Pacer::new(config.clone());
                let mut model = Model::new(&config);
                let mut holds: Vec<Option<Instant>> = vec![None; CHATS];
                let mut hold_all: Option<Instant> = None;
                let mut booked: Vec<Booked> = Vec::new();
                let rooms: Vec<Room> = (0..CHATS)
                    .map(|c| {
                        if c % 3 == 0 {
                            Room::Group
                        } else {
                            Room::Private
                        }
                    })
                    .collect();
                for _ in 0..3_000 {
                    match rng.below(100) {
                        0..=59 => {
                            let chat = rng.below(CHATS as u64) as usize;
                            let priority = if rng.below(3) == 0 {
                                Priority::Reply
                            } else {
                                Priority::Bulk
                            };
                            let key = format!("c{chat}");
                            let at = pacer.book(&key, rooms[chat], priority, now);
                            let expected = model.book(&key, rooms[chat], priority, now);
                            assert_eq!(at, expected, "config {round} seed {seed}");
                            let held = match (holds[chat], hold_all) {
                                (Some(a), Some(b)) => Some(a.max(b)),
                                (a, b) => a.or(b),
                            };
                            booked.push(Booked {
                                chat,
                                priority,
                                now,
                                at,
                                held,
                            });
                        }
                        60..=64 => {
                            let chat = rng.below(CHATS as u64) as usize;
                            let until = now + MS * rng.below(8_000) as u32;
                            pacer.hold(&format!("c{chat}"), until);
                            let model_hold = model.holds.entry(format!("c{chat}")).or_insert(until);
                            *model_hold = (*model_hold).max(until);
                            holds[chat] = Some(holds[chat].map_or(until, |h| h.max(until)));
                        }
                        65..=66 => {
                            let until = now + MS * rng.below(5_000) as u32;
                            pacer.hold_all(until);
                            model.hold_all = Some(model.hold_all.map_or(until, |h| h.max(until)));
                            hold_all = Some(hold_all.map_or(until, |h| h.max(until)));
                        }
                        _ => {
                            if rng.below(4) != 0 {
                                now += MS * rng.below(1_500) as u32;
                            }
                        }
                    }
                }
                check_invariants(&config, &booked, &rooms);
            }
        }
    }

    fn check_invariants(config: &PaceConfig, booked: &[Booked], rooms: &[Room]) {
        let Some(first) = booked.first() else {
            return;
        };
        let epoch = first.now;
        for b in booked {
            assert!(b.at >= b.now, "booked in the past");
            if let Some(held) = b.held {
                assert!(b.at >= held, "booked inside a hold");
            }
        }
        if let Some(rate) = config.global_per_sec {
            let width = Duration::from_nanos((1e9 / rate).ceil() as u64);
            let mut all: Vec<Instant> = booked.iter().map(|b| b.at).collect();
            all.sort();
            for pair in all.windows(2) {
                assert!(pair[1] > pair[0], "two sends share a cell");
            }
            assert_window(&all, secs(1), rate.ceil() as usize);
            if config.reply_share >= 2 {
                let share = u128::from(config.reply_share);
                for b in booked.iter().filter(|b| b.priority == Priority::Bulk) {
                    assert_ne!(cell_of(epoch, b.at, width) % share, 0, "bulk in reserve");
                }
            }
        }
        for (chat, room) in rooms.iter().enumerate() {
            let sends: Vec<Instant> = booked
                .iter()
                .filter(|b| b.chat == chat)
                .map(|b| b.at)
                .collect();
            for pair in sends.windows(2) {
                assert!(pair[1] >= pair[0], "chat order broken");
                if let Some(gap) = config.chat_interval {
                    assert!(pair[1] - pair[0] >= gap, "chat interval broken");
                }
            }
            if *room == Room::Group
                && let Some(max) = config.group_per_minute
            {
                assert_window(&sends, GROUP_WINDOW, max as usize);
            }
        }
    }
}
