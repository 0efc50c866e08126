//! The news sources of ecabot's digests: the operator's RSS, Atom and JSON feeds.
//!
//! [`Feeds::step`] fetches every feed once, concurrently, each within its own time and size
//! limits and with a conditional GET, turns the entries into the core's [`NewsDraft`]s (plain
//! text, http(s) links only) and stores them; the store keeps each story once. A feed that
//! fails is logged by name and tried again at the next step; it never holds up the others.
//! The caller owns the loop (a cron schedule in `ecabot serve`, single steps in tests).
//!
//! - `fetch.rs`: one HTTP GET with a deadline, a size limit (unpacked) and validators.
//! - `parse.rs`: RSS, Atom and JSON Feed into entries on feed-rs; never panics.
//! - `html.rs`: HTML in titles and summaries to plain text; `entities.rs` its entity table.

mod entities;
pub mod fetch;
pub mod html;
pub mod parse;

use std::sync::Arc;

use ecabot_core::NewsStore;
use ecabot_core::ports::Clock;
use ecabot_core::ports::StoreError;
use ecabot_core::{FeedState, Locale, NewsDraft};
use futures_util::StreamExt;

pub use fetch::{FetchConfig, FetchError, Fetched, Fetcher, Validators};
pub use parse::{ParseError, ParsedFeed};

/// Feeds fetched at once; the rest wait for a free slot.
const CONCURRENCY: usize = 8;
/// The longest error text kept in a feed's state.
const MAX_ERROR_CHARS: usize = 300;

/// A feed the operator configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedSource {
    /// Shown above its items in digests and named in logs.
    pub name: String,
    pub url: String,
    /// The language its items are written in.
    pub lang: Locale,
}

/// Why one feed gave nothing this time.
#[derive(Debug, thiserror::Error)]
pub enum FeedFailure {
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error(transparent)]
    Parse(#[from] ParseError),
    #[error("storage failed")]
    Store(#[from] StoreError),
}

/// What one feed did in a step.
#[derive(Debug)]
pub enum FeedResult {
    /// 304: nothing changed since the last fetch.
    NotModified,
    Fetched {
        /// Entries in the document.
        entries: usize,
        /// Entries not seen before, now stored.
        new: usize,
        /// Entries left out: no http(s) link or no title.
        dropped: usize,
    },
}

#[derive(Debug)]
pub struct FeedReport {
    pub name: String,
    pub result: Result<FeedResult, FeedFailure>,
}

/// What one [`Feeds::step`] did, feed by feed in configuration order.
#[derive(Debug, Default)]
pub struct FetchOutcome {
    pub feeds: Vec<FeedReport>,
}

impl FetchOutcome {
    pub fn new_items(&self) -> usize {
        self.feeds
            .iter()
            .map(|f| match f.result {
                Ok(FeedResult::Fetched { new, .. }) => new,
                _ => 0,
            })
            .sum()
    }

    pub fn failed(&self) -> usize {
        self.feeds.iter().filter(|f| f.result.is_err()).count()
    }
}

/// The configured feeds and what fetching them needs.
pub struct Feeds {
    sources: Vec<FeedSource>,
    fetcher: Fetcher,
    store: Arc<dyn NewsStore>,
    clock: Arc<dyn Clock>,
}

impl Feeds {
    pub fn new(
        sources: Vec<FeedSource>,
        config: FetchConfig,
        store: Arc<dyn NewsStore>,
        clock: Arc<dyn Clock>,
    ) -> Result<Feeds, FetchError> {
        Ok(Feeds {
            sources,
            fetcher: Fetcher::new(config)?,
            store,
            clock,
        })
    }

    pub fn sources(&self) -> &[FeedSource] {
        &self.sources
    }

    /// Fetches every feed once. Never fails as a whole: each feed's report says how it went.
    pub async fn step(&self) -> FetchOutcome {
        // Collected first: a stream holding the mapping closure across awaits is not `Send`
        // for every lifetime, which `tokio::spawn` needs.
        let pending: Vec<_> = self.sources.iter().map(|s| self.report(s)).collect();
        let feeds = futures_util::stream::iter(pending)
            .buffered(CONCURRENCY)
            .collect()
            .await;
        FetchOutcome { feeds }
    }

    async fn report(&self, source: &FeedSource) -> FeedReport {
        let result = self.fetch_one(source).await;
        match &result {
            Ok(FeedResult::Fetched {
                entries,
                new,
                dropped,
            }) => {
                tracing::info!(feed = %source.name, entries, new, dropped, "feed fetched");
            }
            Ok(FeedResult::NotModified) => {
                tracing::debug!(feed = %source.name, "feed not modified");
            }
            Err(error) => {
                tracing::warn!(feed = %source.name, %error, source = ?std::error::Error::source(error), "feed failed; it is tried again next time");
            }
        }
        FeedReport {
            name: source.name.clone(),
            result,
        }
    }

    async fn fetch_one(&self, source: &FeedSource) -> Result<FeedResult, FeedFailure> {
        let mut state = self
            .store
            .feed_state(&source.url)
            .await?
            .unwrap_or_else(|| FeedState {
                url: source.url.clone(),
                ..FeedState::default()
            });
        let validators = Validators {
            etag: state.etag.clone(),
            last_modified: state.last_modified.clone(),
        };
        let result = self.fetch_and_store(source, &validators).await;
        let now = self.clock.now();
        state.checked_at = Some(now);
        match &result {
            Ok((_, fresh)) => {
                state.ok_at = Some(now);
                state.failures = 0;
                state.last_error = None;
                // Validators are kept only with their content stored, so a 304 can never
                // hide items that were not taken.
                if let Some(fresh) = fresh {
                    state.etag = fresh.etag.clone();
                    state.last_modified = fresh.last_modified.clone();
                }
            }
            Err(error) => {
                state.failures = state.failures.saturating_add(1);
                state.last_error = Some(error.to_string().chars().take(MAX_ERROR_CHARS).collect());
            }
        }
        self.store.set_feed_state(&state).await?;
        result.map(|(r, _)| r)
    }

    async fn fetch_and_store(
        &self,
        source: &FeedSource,
        validators: &Validators,
    ) -> Result<(FeedResult, Option<Validators>), FeedFailure> {
        let (bytes, fresh, url) = match self.fetcher.fetch(&source.url, validators).await? {
            Fetched::NotModified => return Ok((FeedResult::NotModified, None)),
            Fetched::Body {
                bytes,
                validators,
                url,
            } => (bytes, validators, url),
        };
        let feed = parse::parse(&bytes, Some(&url))?;
        let (drafts, dropped) = drafts(source, &feed);
        let new = self.store.add_news(&drafts, self.clock.now()).await?;
        Ok((
            FeedResult::Fetched {
                entries: feed.entries.len(),
                new,
                dropped,
            },
            Some(fresh),
        ))
    }
}

/// The entries worth storing, and how many were not: no http(s) link, or no title.
pub fn drafts(source: &FeedSource, feed: &ParsedFeed) -> (Vec<NewsDraft>, usize) {
    let mut drafts = Vec::with_capacity(feed.entries.len());
    let mut dropped = 0;
    for entry in &feed.entries {
        let draft = entry.link.as_deref().ok_or(()).and_then(|link| {
            NewsDraft::new(
                &source.name,
                source.lang,
                &entry.title,
                link,
                entry.summary.as_deref(),
                entry.published,
                entry.guid.as_deref(),
            )
            .map_err(|_| ())
        });
        match draft {
            Ok(d) => drafts.push(d),
            Err(()) => dropped += 1,
        }
    }
    (drafts, dropped)
}
