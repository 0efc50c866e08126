//! A store that answers slowly on demand: a database under load, for tests of what a front end
//! does while the core waits (Discord's 3 s deadline).

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use ecabot_core::ChatStore;
use ecabot_core::model::call::LeadTimes;
use ecabot_core::model::call::QuietHours;
use ecabot_core::model::call::Zone;
use ecabot_core::ports::StoreError;
use ecabot_core::{ChatPrefs, ChatRef, DigestPlan, Locale};

/// The chat settings of `inner`; reading a chat's preferences (the first thing every answer
/// does) first waits the current delay. A bot uses it through [`ecabot_core::Bot::with_chat_store`].
pub struct SlowStore {
    inner: Arc<dyn ChatStore>,
    delay_ms: AtomicU64,
}

impl SlowStore {
    pub fn new(inner: Arc<dyn ChatStore>) -> SlowStore {
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
impl ChatStore for SlowStore {
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

    async fn set_chat_digest(
        &self,
        chat: &ChatRef,
        d: Option<DigestPlan>,
    ) -> Result<(), StoreError> {
        self.inner.set_chat_digest(chat, d).await
    }
}
