//! A store that answers slowly on demand: a database under load, for tests of what a front end
//! does while the core waits (Discord's 3 s deadline).

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use chrono::{DateTime, Utc};
use ecabot_core::model::call::Call;
use ecabot_core::model::call::CallDraft;
use ecabot_core::model::call::CallId;
use ecabot_core::model::call::ImportReport;
use ecabot_core::model::call::LeadTimes;
use ecabot_core::model::call::QuietHours;
use ecabot_core::model::call::Subscription;
use ecabot_core::model::call::Target;
use ecabot_core::model::call::Zone;
use ecabot_core::ports::Store;
use ecabot_core::ports::StoreError;
use ecabot_core::{
    ChatPrefs, ChatRef, DigestPlan, FeedState, Locale, NewsDraft, NewsItem, Subscriber,
};

/// Delegates to `inner`; reading a chat's preferences (the first thing every answer does)
/// first waits the current delay.
pub struct SlowStore {
    inner: Arc<dyn Store>,
    delay_ms: AtomicU64,
}

impl SlowStore {
    pub fn new(inner: Arc<dyn Store>) -> SlowStore {
        SlowStore {
            inner,
            delay_ms: AtomicU64::new(0),
        }
    }

    pub fn set_delay(&self, delay: Duration) {
        self.delay_ms
            .store(delay.as_millis() as u64, Ordering::Relaxed);
    }
}

#[async_trait::async_trait]
impl Store for SlowStore {
    async fn chat_prefs(&self, chat: &ChatRef) -> Result<ChatPrefs, StoreError> {
        let delay = self.delay_ms.load(Ordering::Relaxed);
        if delay > 0 {
            tokio::time::sleep(Duration::from_millis(delay)).await;
        }
        self.inner.chat_prefs(chat).await
    }
    async fn set_chat_locale(&self, chat: &ChatRef, l: Option<Locale>) -> Result<(), StoreError> {
        self.inner.set_chat_locale(chat, l).await
    }
    async fn set_chat_zone(&self, chat: &ChatRef, z: Option<Zone>) -> Result<(), StoreError> {
        self.inner.set_chat_zone(chat, z).await
    }
    async fn set_chat_quiet(
        &self,
        chat: &ChatRef,
        q: Option<QuietHours>,
    ) -> Result<(), StoreError> {
        self.inner.set_chat_quiet(chat, q).await
    }
    async fn set_chat_leads(&self, chat: &ChatRef, l: Option<LeadTimes>) -> Result<(), StoreError> {
        self.inner.set_chat_leads(chat, l).await
    }
    async fn set_chat_active(&self, chat: &ChatRef, active: bool) -> Result<(), StoreError> {
        self.inner.set_chat_active(chat, active).await
    }
    async fn move_chat(&self, from: &ChatRef, to: &ChatRef) -> Result<(), StoreError> {
        self.inner.move_chat(from, to).await
    }
    async fn import_calls(
        &self,
        drafts: &[CallDraft],
        now: DateTime<Utc>,
    ) -> Result<ImportReport, StoreError> {
        self.inner.import_calls(drafts, now).await
    }
    async fn calls(&self) -> Result<Vec<Call>, StoreError> {
        self.inner.calls().await
    }
    async fn calls_after(&self, after: DateTime<Utc>) -> Result<Vec<Call>, StoreError> {
        self.inner.calls_after(after).await
    }
    async fn call(&self, id: &CallId) -> Result<Option<Call>, StoreError> {
        self.inner.call(id).await
    }
    async fn subscribe(
        &self,
        chat: &ChatRef,
        target: &Target,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        self.inner.subscribe(chat, target, now).await
    }
    async fn unsubscribe(&self, chat: &ChatRef, t: Option<&Target>) -> Result<u64, StoreError> {
        self.inner.unsubscribe(chat, t).await
    }
    async fn subscriptions(&self, chat: &ChatRef) -> Result<Vec<Subscription>, StoreError> {
        self.inner.subscriptions(chat).await
    }
    async fn dismiss(
        &self,
        chat: &ChatRef,
        call: &CallId,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.inner.dismiss(chat, call, now).await
    }
    async fn dismissed(&self, chat: &ChatRef) -> Result<Vec<CallId>, StoreError> {
        self.inner.dismissed(chat).await
    }
    async fn subscribers(&self, call: &Call) -> Result<Vec<Subscriber>, StoreError> {
        self.inner.subscribers(call).await
    }
    async fn lead_sets(&self) -> Result<Vec<LeadTimes>, StoreError> {
        self.inner.lead_sets().await
    }
    async fn set_chat_digest(
        &self,
        chat: &ChatRef,
        d: Option<DigestPlan>,
    ) -> Result<(), StoreError> {
        self.inner.set_chat_digest(chat, d).await
    }
    async fn digest_chats(&self) -> Result<Vec<(ChatRef, ChatPrefs)>, StoreError> {
        self.inner.digest_chats().await
    }
    async fn advance_digests(&self, moves: &[(ChatRef, DateTime<Utc>)]) -> Result<(), StoreError> {
        self.inner.advance_digests(moves).await
    }
    async fn add_news(
        &self,
        drafts: &[NewsDraft],
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        self.inner.add_news(drafts, now).await
    }
    async fn news_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<NewsItem>, StoreError> {
        self.inner.news_between(from, to).await
    }
    async fn feed_state(&self, url: &str) -> Result<Option<FeedState>, StoreError> {
        self.inner.feed_state(url).await
    }
    async fn set_feed_state(&self, state: &FeedState) -> Result<(), StoreError> {
        self.inner.set_feed_state(state).await
    }
    async fn planned_until(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.inner.planned_until().await
    }
    async fn set_planned_until(&self, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.inner.set_planned_until(at).await
    }
}
