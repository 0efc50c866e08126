//! Dates, times, durations, lead times and lists in the chat's language, shared by every answer.

use crate::conversation::Bot;
use crate::language::catalog::Args;
use crate::model::call::LeadTime;
use crate::model::call::LeadTimes;
use crate::model::call::QuietHours;
use crate::model::call::Zone;
use crate::model::chat::DigestPlan;
use crate::model::locale::Locale;
use chrono::Timelike;
use chrono::{DateTime, Duration, Utc};

impl Bot {
    /// A date and time in a zone, the locale's way, with the zone named.
    pub(crate) fn datetime_in(&self, locale: Locale, zone: Zone, at: DateTime<Utc>) -> String {
        let local = zone.local(at);
        let args = Args::new()
            .markup("datetime", self.cat().datetime(locale, &local))
            .data("zone", zone.name());
        self.cat().msg(locale, "datetime-zoned", &args)
    }

    pub(super) fn date_in(&self, locale: Locale, zone: Zone, at: DateTime<Utc>) -> String {
        self.cat().date(locale, zone.local(at).date_naive())
    }

    pub(super) fn quiet_text(&self, locale: Locale, q: QuietHours) -> String {
        use chrono::Timelike;
        let args = Args::new()
            .markup(
                "start",
                self.cat()
                    .time(locale, q.start().hour(), q.start().minute()),
            )
            .markup(
                "end",
                self.cat().time(locale, q.end().hour(), q.end().minute()),
            );
        self.cat().msg(locale, "quiet-range", &args)
    }

    /// "1 day and 12 hours".
    pub(crate) fn lead_text(&self, locale: Locale, lead: LeadTime) -> String {
        let (d, h, m) = lead.parts();
        self.parts_text(locale, d, h, m)
    }

    /// "7 days before, 1 day before and 1 hour before": each lead time said on its own, so two
    /// of them never read as one.
    pub(super) fn leads_text(&self, locale: Locale, leads: &LeadTimes) -> String {
        let parts: Vec<String> = leads
            .iter()
            .map(|l| {
                let args = Args::new().markup("duration", self.lead_text(locale, l));
                self.cat().msg(locale, "lead-before", &args)
            })
            .collect();
        self.join_list(locale, &parts)
    }

    pub(super) fn parts_text(&self, locale: Locale, d: u32, h: u32, m: u32) -> String {
        let cat = self.cat();
        let mut parts = Vec::new();
        for (n, id) in [
            (d, "duration-days"),
            (h, "duration-hours"),
            (m, "duration-minutes"),
        ] {
            if n > 0 {
                parts.push(cat.msg(locale, id, &Args::new().number("count", n)));
            }
        }
        if parts.is_empty() {
            parts.push(cat.msg(locale, "duration-minutes", &Args::new().number("count", 0)));
        }
        self.join_list(locale, &parts)
    }

    /// How long is left, rounded the way people say it: "3 days", "1 day and 4 hours",
    /// "2 hours and 5 minutes", "12 minutes".
    pub(crate) fn duration_text(&self, locale: Locale, left: Duration) -> String {
        let minutes = u32::try_from(left.num_minutes().max(0)).unwrap_or(u32::MAX);
        let (d, h, m) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
        match (d, h) {
            (d, _) if d >= 3 => self.parts_text(locale, d, 0, 0),
            (d, h) if d >= 1 => self.parts_text(locale, d, h, 0),
            (_, h) if h >= 3 => self.parts_text(locale, 0, h, 0),
            (_, h) => self.parts_text(locale, 0, h, m.max(u32::from(h == 0))),
        }
    }

    pub(crate) fn join_list(&self, locale: Locale, items: &[String]) -> String {
        self.cat().list(locale, items)
    }

    /// "every Monday at 09:00" / "joka maanantai klo 9.00".
    pub(crate) fn plan_text(&self, locale: Locale, plan: DigestPlan) -> String {
        let time = self
            .cat()
            .time(locale, plan.at().hour(), plan.at().minute());
        match plan {
            DigestPlan::Daily { .. } => self.cat().msg(
                locale,
                "digest-when-daily",
                &Args::new().markup("time", time),
            ),
            DigestPlan::Weekly { day, .. } => self.cat().msg(
                locale,
                "digest-when-weekly",
                &Args::new()
                    .markup("time", time)
                    .number("weekday", day.number_from_monday()),
            ),
        }
    }
}
