//! `/digest` and the words of a digest, written when it is sent.

use crate::conversation::Bot;
use crate::conversation::notices::{Rendered, Skip};
use crate::language::catalog::Args;
use crate::language::digest_words::DigestRequest;
use crate::model::call::Call;
use crate::model::call::CallKind;
use crate::model::call::Zone;
use crate::model::chat::ChatRef;
use crate::model::chat::DigestPlan;
use crate::model::locale::Locale;
use crate::model::markup::Block;
use crate::model::markup::Inline;
use crate::model::markup::Rich;
use crate::model::news::NewsItem;
use crate::model::reply::Reply;
use crate::model::reply::Response;
use crate::model::topic::TopicId;
use crate::planning::digests::DigestContent;
use crate::planning::digests::select;
use crate::ports::StoreError;
use chrono::{DateTime, Utc};

/// Longest summary shown under an item, in characters.
const SUMMARY_CHARS: usize = 160;

impl Bot {
    pub(super) fn newsletter_topic() -> Option<TopicId> {
        "newsletter".parse().ok()
    }

    /// `/digest`, `/digest daily|weekly [day] [HH:MM]`, `/digest off`, `/digest preview`.
    pub(crate) async fn digest(
        &self,
        request: &crate::conversation::Request,
        locale: Locale,
        arg: Option<String>,
    ) -> Result<Response, StoreError> {
        let chat = &request.chat;
        let now = self.clock.now();
        let args_of = |plan: DigestPlan, zone: Zone| {
            Args::new()
                .markup("when", self.plan_text(locale, plan))
                .data("zone", zone.name())
                .markup("next", self.datetime_in(locale, zone, plan.next(zone, now)))
        };
        let id_args = match DigestRequest::parse(arg.as_deref()) {
            Ok(DigestRequest::Show) => {
                let prefs = self.chats.chat_prefs(chat).await?;
                match prefs.digest {
                    Some(plan) => ("digest-current", args_of(plan, prefs.zone())),
                    None => (
                        "digest-current-off",
                        args_of(DigestPlan::DEFAULT, prefs.zone()),
                    ),
                }
            }
            Ok(DigestRequest::Off) => {
                self.chats.set_chat_digest(chat, None).await?;
                ("digest-off", Args::new())
            }
            Ok(DigestRequest::Set(plan)) => {
                self.chats.set_chat_digest(chat, Some(plan)).await?;
                self.remember_locale(request, locale).await?;
                let prefs = self.chats.chat_prefs(chat).await?;
                ("digest-set", args_of(plan, prefs.zone()))
            }
            Ok(DigestRequest::Preview) => return self.preview_digest(chat, locale).await,
            Err(bad) => (
                "digest-bad",
                Args::new().data("input", &crate::conversation::echo(&bad.0)),
            ),
        };
        let (id, args) = id_args;
        Ok(self.say(
            locale,
            Self::newsletter_topic(),
            Reply::new(Rich::parse(&self.cat().msg(locale, id, &args))),
        ))
    }

    /// What the chat's next digest would hold if it were sent now.
    pub async fn preview_digest(
        &self,
        chat: &ChatRef,
        locale: Locale,
    ) -> Result<Response, StoreError> {
        let now = self.clock.now();
        let prefs = self.chats.chat_prefs(chat).await?;
        let plan = prefs.digest.unwrap_or(DigestPlan::DEFAULT);
        let zone = prefs.zone();
        let next = plan.next(zone, now);
        let from = prefs
            .digest_since
            .unwrap_or(plan.latest(zone, now))
            .min(now);
        let items = self.store.news_between(from, now).await?;
        let calls = self.store.calls().await?;
        let dismissed = self.store.dismissed(chat).await?;
        let content = select(locale, &items, &calls, &dismissed, from, now, now);
        let mut args = Args::new().markup("next", self.datetime_in(locale, zone, next));
        if prefs.digest.is_none() {
            args = args.markup("when", self.plan_text(locale, plan));
        }
        let intro = match (prefs.digest.is_some(), content.is_empty()) {
            (true, true) => "digest-preview-empty",
            (true, false) => "digest-preview",
            (false, true) => "digest-preview-off-empty",
            (false, false) => "digest-preview-off",
        };
        let mut body = Rich::parse(&self.cat().msg(locale, intro, &args));
        if !content.is_empty() {
            body.append(self.digest_body(locale, zone, &content, now));
        }
        Ok(self.say(locale, Self::newsletter_topic(), Reply::new(body)))
    }

    /// Writes a planned digest for its chat as of `now`, or says why it is not sent.
    pub(super) async fn render_digest(
        &self,
        chat: &ChatRef,
        from: DateTime<Utc>,
        slot: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Rendered, StoreError> {
        let prefs = self.chats.chat_prefs(chat).await?;
        let Some(plan) = prefs.digest.filter(|_| prefs.active) else {
            return Ok(Rendered::Skip(Skip::DigestOff));
        };
        let locale = crate::model::locale::negotiate(
            self.cat().locales(),
            prefs.locale,
            None,
            self.default_locale,
        );
        let items = self.store.news_between(from, slot).await?;
        let calls = self.store.calls().await?;
        let dismissed = self.store.dismissed(chat).await?;
        let content = select(locale, &items, &calls, &dismissed, from, slot, now);
        Ok(self
            .compose_digest(locale, prefs.zone(), plan, slot, &content, now)
            .map_or(Rendered::Skip(Skip::DigestEmpty), Rendered::Send))
    }

    /// The digest message, or `None` when there is nothing new. Pure apart from the catalog,
    /// so composing for many chats can be measured on its own.
    pub fn compose_digest(
        &self,
        locale: Locale,
        zone: Zone,
        plan: DigestPlan,
        slot: DateTime<Utc>,
        content: &DigestContent<'_>,
        now: DateTime<Utc>,
    ) -> Option<Response> {
        if content.is_empty() {
            return None;
        }
        let heading = match plan {
            DigestPlan::Daily { .. } => "digest-heading-daily",
            DigestPlan::Weekly { .. } => "digest-heading-weekly",
        };
        let date = self.cat().date(locale, zone.local(slot).date_naive());
        let mut body = Rich::parse(&self.cat().msg(
            locale,
            heading,
            &Args::new().markup("date", date),
        ));
        body.append(self.digest_body(locale, zone, content, now));
        body.append(Rich::parse(&self.cat().get(locale, "digest-footer")));
        Some(self.say(locale, Self::newsletter_topic(), Reply::new(body)))
    }

    pub(super) fn digest_body(
        &self,
        locale: Locale,
        zone: Zone,
        content: &DigestContent<'_>,
        now: DateTime<Utc>,
    ) -> Rich {
        let cat = self.cat();
        let mut body = Rich::default();
        // Items under their source, sources in order of their newest item.
        let mut sources: Vec<&str> = Vec::new();
        for item in &content.items {
            if !sources.contains(&item.source.as_str()) {
                sources.push(&item.source);
            }
        }
        for source in sources {
            body.append(Rich::parse(&cat.msg(
                locale,
                "digest-source",
                &Args::new().data("source", source),
            )));
            let list = content
                .items
                .iter()
                .filter(|i| i.source == source)
                .map(|item| self.item_line(locale, zone, item))
                .collect();
            body.blocks.push(Block::List(list));
        }
        if content.more_items > 0 {
            body.append(Rich::parse(&cat.msg(
                locale,
                "digest-more-items",
                &Args::new().number("count", content.more_items as f64),
            )));
        }
        let call_list = |calls: &[&Call], id: fn(&Call) -> &'static str| {
            let items = calls
                .iter()
                .map(|call| {
                    let args = Args::new()
                        .data("title", call.title(locale))
                        .markup("when", self.datetime_in(locale, zone, call.deadline))
                        .markup("left", self.duration_text(locale, call.deadline - now))
                        .data("id", call.id.as_str());
                    inlines(&cat.msg(locale, id(call), &args))
                })
                .collect();
            Block::List(items)
        };
        if !content.new_calls.is_empty() {
            body.append(Rich::parse(&cat.get(locale, "digest-calls-heading")));
            body.blocks.push(call_list(&content.new_calls, |c| {
                match (c.kind, c.version > 1) {
                    (CallKind::Call, false) => "digest-call-new",
                    (CallKind::Call, true) => "digest-call-moved",
                    (CallKind::Event, false) => "digest-event-new",
                    (CallKind::Event, true) => "digest-event-moved",
                }
            }));
        }
        if !content.closing.is_empty() {
            body.append(Rich::parse(&cat.get(locale, "digest-closing-heading")));
            body.blocks
                .push(call_list(&content.closing, |c| match c.kind {
                    CallKind::Call => "digest-closing-call",
                    CallKind::Event => "digest-closing-event",
                }));
        }
        body
    }

    /// `[Title](link), date: summary…`, the title as the source wrote it.
    pub(super) fn item_line(&self, locale: Locale, zone: Zone, item: &NewsItem) -> Vec<Inline> {
        let mut line = vec![Inline::Link {
            label: item.title.clone(),
            url: item.url.clone(),
        }];
        let summary = item
            .summary
            .as_deref()
            .map(|s| crate::model::text::truncate_words(s, SUMMARY_CHARS).into_owned())
            .unwrap_or_default();
        let date = item
            .published
            .map(|p| self.cat().date(locale, zone.local(p).date_naive()))
            .unwrap_or_default();
        let args = Args::new()
            .markup("date", date.clone())
            .data(
                "has_date",
                if item.published.is_some() {
                    "yes"
                } else {
                    "no"
                },
            )
            .data("summary", &summary)
            .data("has_summary", if summary.is_empty() { "no" } else { "yes" });
        let tail = inlines(&self.cat().msg(locale, "digest-item", &args));
        if !tail.is_empty() {
            line.push(Inline::Text { text: " ".into() });
            line.extend(tail);
        }
        line
    }
}

/// The inline runs of a one-line message.
fn inlines(text: &str) -> Vec<Inline> {
    Rich::parse(text)
        .blocks
        .into_iter()
        .flat_map(|b| match b {
            Block::Paragraph(runs) => runs,
            Block::List(items) => items.into_iter().flatten().collect(),
        })
        .collect()
}
