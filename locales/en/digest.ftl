# Newsletter digests: /digest and the digests themselves. Markup: blank line = new paragraph,
# "- " = list item, **bold**, [label](address). Variables holding outside data (titles, sources,
# user input) arrive escaped. $weekday is a number (1 = Monday).

## When a digest comes

digest-when-daily = every day at { $time }
digest-when-weekly = every { $weekday ->
        [1] Monday
        [2] Tuesday
        [3] Wednesday
        [4] Thursday
        [5] Friday
        [6] Saturday
       *[7] Sunday
    } at { $time }

## /digest

digest-current =
    This chat gets a newsletter digest { $when } ({ $zone }). The next one is due on { $next }, if there is news by then.

    /digest preview shows what it holds so far; /digest off stops it.
digest-current-off =
    This chat gets no newsletter digest yet. A digest gathers ECCP and alliance news, new calls and deadlines closing soon into one message.

    - /digest weekly: { $when } ({ $zone })
    - /digest weekly fri 14:00: another day and time
    - /digest daily 08:30: every day
    - /digest preview: what it would hold now
digest-set =
    Done! This chat gets a newsletter digest { $when } ({ $zone }), starting on { $next }. A digest with nothing new is not sent, and quiet hours hold it back until they end.

    /digest preview shows what it holds so far; /timezone changes the time zone.
digest-off = Done: no more newsletter digests in this chat. /digest weekly turns them on again.
digest-bad = I didn't understand “{ $input }”. Try /digest weekly, /digest weekly fri 14:00, /digest daily 08:30, /digest preview or /digest off.

digest-preview = Preview of the next digest, due on { $next }, with what has arrived so far:
digest-preview-empty = Nothing new has arrived since the last digest. The next one is due on { $next }; if there is still nothing new then, it is skipped.
digest-preview-off = This chat gets no digest yet (/digest weekly sends one { $when }). This is what one would hold now:
digest-preview-off-empty = Nothing new has arrived lately. /digest weekly sends a digest { $when } whenever there is news.

## The digest

digest-heading-weekly = **Your weekly digest**, { $date }
digest-heading-daily = **Your daily digest**, { $date }

# A source (feed or publisher) above its items. Item titles stay in the language they were written in.
digest-source = **{ $source }**
# What follows an item's linked title: its date and the start of its summary.
digest-item = { $has_date ->
        [yes] · { $date }
       *[no] {""}
    }{ $has_summary ->
        [yes] {" "}— { $summary }
       *[no] {""}
    }
digest-more-items = …and { NUMBER($count) } more { $count ->
        [one] item
       *[other] items
    }.

digest-calls-heading = **New and changed calls**
digest-call-new = New: **{ $title }**, apply by { $when }. /subscribe { $id }
digest-call-moved = Deadline moved: **{ $title }**, now { $when }. /subscribe { $id }
digest-event-new = New event: **{ $title }**, starts { $when }. /subscribe { $id }
digest-event-moved = Date moved: **{ $title }**, now { $when }. /subscribe { $id }

digest-closing-heading = **Closing soon**
digest-closing-call = **{ $title }**: closes { $when }, in { $left }
digest-closing-event = **{ $title }**: starts { $when }, in { $left }

digest-footer = /digest changes when this digest comes; /digest off stops it.
