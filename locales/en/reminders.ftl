# Calls, subscriptions and reminders. Markup: blank line = new paragraph, "- " = list item,
# **bold**, [label](address). Variables holding outside data (titles, zones, user input) arrive escaped.

## Durations: "3 days", "1 day and 4 hours". $count is a whole number.

duration-days = { $count ->
        [one] { $count } day
       *[other] { $count } days
    }
duration-hours = { $count ->
        [one] { $count } hour
       *[other] { $count } hours
    }
duration-minutes = { $count ->
        [one] { $count } minute
       *[other] { $count } minutes
    }

# One lead time of a reminder: "7 days before". Several are joined the language's way (CLDR lists).
lead-before = { $duration } before

# A moment shown to a chat, with its time zone: "17 October 2024 at 23:59 (Europe/Brussels)".
datetime-zoned = { $datetime } ({ $zone })

# Quiet hours as a range of local times.
quiet-range = { $start }–{ $end }

## /calls

calls-heading = Open calls and upcoming events (times in { $zone }):
calls-item-call = **{ $title }**: apply by { $when }, { $left } left. To be reminded: /subscribe { $id }
calls-item-event = **{ $title }**{ $has_location ->
        [yes] , { $location }
       *[no] {""}
    }: starts { $when }, in { $left }. To be reminded: /subscribe { $id }
calls-more = …and { NUMBER($count) } more.
calls-footer = /subscribe reminds this chat of every deadline, { $leads } it; /remind chooses other times.
calls-none-last-call =
    There are no open calls or upcoming events right now. The last one was **{ $title }**, which closed on { $date }.

    When new calls are announced, I'll list them here. Use /subscribe and I'll remind you before their deadlines.
calls-none-last-event =
    There are no open calls or upcoming events right now. The last one was **{ $title }**, held on { $date }.

    When new calls are announced, I'll list them here. Use /subscribe and I'll remind you before their deadlines.
calls-none =
    I don't know of any calls or events yet. Use /subscribe and I'll remind you before the deadlines of new ones.
button-subscribe = Remind me: { $title }

## /subscribe and /unsubscribe

target-all = every call and event
target-call = **{ $title }**
target-topic = calls about { $topic }

subscribe-done = Done! I'll remind this chat of { $what }: { $leads } the deadline.
subscribe-already = This chat already follows { $what }. Reminders come { $leads } the deadline.
subscribe-unknown = I don't know a call or topic called “{ $query }”. /calls lists the open calls with their ids; /subscribe alone follows all of them.
subscribe-closed = **{ $title }** already closed on { $date }, so there is nothing left to remind you of. /calls lists the open ones.
next-reminder = The next reminder comes on { $at }, about **{ $title }**.
next-reminder-none = No reminder is due right now: none of the calls you follow is open. I'll remind you as soon as a new one is announced.

unsubscribe-all-done = { $count ->
        [one] Done: I removed this chat's subscription. No more reminders.
       *[other] Done: I removed this chat's { NUMBER($count) } subscriptions. No more reminders.
    }
unsubscribe-none = This chat has no subscriptions, so there is nothing to stop.
unsubscribe-done = Done: no more reminders of { $what }.
unsubscribe-not-subscribed = This chat does not follow { $what } on its own.
unsubscribe-covered = It still gets reminders of it through another subscription (see /subscriptions). To stop reminders of one call, press “I've applied” on one of its reminders, or use /unsubscribe all.
button-unsubscribe = Stop: { $title }

## /subscriptions

subscriptions-heading = This chat follows:
subscriptions-settings = Reminders come { $leads } each deadline (/remind). Time zone: { $zone } (/timezone). Quiet hours: { $quiet } (/quiet).
subscriptions-none = This chat has no subscriptions yet. Use /subscribe for every call, or /calls to pick one.
quiet-none = none

## /remind

remind-current = Reminders come { $leads } each deadline. Change them with, for example, /remind 3d 2h (d = days, h = hours, m = minutes), or go back to the standard times with /remind default.
remind-set = Done: reminders will come { $leads } each deadline.
remind-bad = I can't read “{ $input }” as lead times. Write up to { NUMBER($max) } of them, each between 5 minutes and 60 days, for example /remind 7d 1d 2h or /remind 30m.

## /timezone

timezone-current = This chat's time zone is { $zone }; it is now { $now }. Change it with /timezone and a zone name, for example /timezone Europe/Helsinki.
timezone-set = Done: times are now shown in { $zone }. It is now { $now }.
timezone-unknown = I don't know the time zone “{ $zone }”. Use a name from the IANA time zone list, for example Europe/Helsinki, Europe/Brussels or America/New_York.
timezone-unknown-suggest = I don't know the time zone “{ $zone }”. Did you mean { $suggestions }? For example: /timezone Europe/Helsinki

## /quiet

quiet-current = Quiet hours: { $quiet }. Reminders due then wait until they end, unless the deadline would pass first. /quiet off switches them off.
quiet-current-none = No quiet hours are set: reminders come whenever they are due. Set some with, for example, /quiet 22:00-07:00.
quiet-set = Done: quiet hours are { $quiet } ({ $zone }). Reminders due then wait until they end, unless the deadline would pass first.
quiet-off = Done: no more quiet hours. Reminders come whenever they are due.
quiet-bad = I can't read “{ $input }” as quiet hours. Write a start and an end time, for example /quiet 22:00-07:00, or /quiet off.

## /ics

ics-ready = { $count ->
        [one] Here is the deadline you follow, as a calendar file with reminders. Open it to add it to your calendar.
       *[other] Here are the { NUMBER($count) } deadlines you follow, as a calendar file with reminders. Open it to add them to your calendar.
    }
ics-no-subscriptions = This chat follows no calls yet, so there is no calendar to send. Use /subscribe first.
ics-nothing-open = None of the calls you follow is open right now, so the calendar would be empty.

## Reminders and their buttons

reminder-call = ⏰ Applications for **{ $title }** close in { $left }: { $when }.
reminder-event = ⏰ **{ $title }** starts in { $left }: { $when }.
deadline-changed = 📅 The deadline of **{ $title }** has changed: it is now { $when } (it was { $previous }). { $left } left.
event-changed = 📅 The date of **{ $title }** has changed: it now starts { $when } (it was { $previous }).
call-link = Details: { $url }
button-snooze = Remind me again in { $after }
button-applied = ✅ I've applied, stop reminding me
button-stop-event = ✅ Stop reminding me of this
snooze-done = I'll remind you of **{ $title }** again on { $at }.
snooze-too-late = The deadline of **{ $title }** comes before that, so I can't postpone this reminder.
applied-done = Good luck! No more reminders of **{ $title }** in this chat. Changed your mind? /subscribe { $id }
applied-done-event = Done: no more reminders of **{ $title }** in this chat. Changed your mind? /subscribe { $id }
call-gone = That call is no longer listed. /calls shows the open ones.
