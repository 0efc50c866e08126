-- Calls, subscriptions and the delivery outbox.
-- Instants are Unix seconds (BIGINT); booleans are 0/1; typed values (zones, quiet hours,
-- lead times, targets, notices) are stored in their canonical text form and parsed on read,
-- so one query text serves SQLite and PostgreSQL. Keep in step with ../sqlite.

-- A chat's settings beside its language. NULL means "not chosen": the defaults apply.
ALTER TABLE chats ADD COLUMN zone TEXT;             -- IANA name, e.g. Europe/Helsinki
ALTER TABLE chats ADD COLUMN quiet TEXT;            -- quiet hours, e.g. 22:00-07:00
ALTER TABLE chats ADD COLUMN leads TEXT;            -- lead times, e.g. 7d 1d 1h
-- 0 once a platform said the chat is gone: nothing is sent until it speaks again.
ALTER TABLE chats ADD COLUMN active BIGINT NOT NULL DEFAULT 1;

-- Calls and events, imported by UID. `id` is the public slug, stable across re-imports.
CREATE TABLE calls (
    id          TEXT PRIMARY KEY NOT NULL,
    uid         TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,                  -- call | event
    topic       TEXT,                           -- a topic id, e.g. academy
    deadline    BIGINT NOT NULL,                -- the deadline of a call, the start of an event
    zone        TEXT NOT NULL,                  -- the organiser's IANA zone
    starts      BIGINT,
    ends        BIGINT,
    location    TEXT,
    url         TEXT,
    -- JSON: {"title": {"en": "…"}, "description": {"en": "…"}}
    texts       TEXT NOT NULL,
    categories  TEXT NOT NULL,                  -- JSON array of strings
    version     BIGINT NOT NULL,                -- +1 each time the deadline moves
    changed_at  BIGINT NOT NULL,                -- when the deadline last moved (or first import)
    previous_deadline BIGINT,                   -- the deadline before its last move
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX calls_deadline ON calls (deadline);

-- What a chat follows: all | call:<id> | topic:<id>.
CREATE TABLE subscriptions (
    chat    TEXT NOT NULL REFERENCES chats (chat),
    target  TEXT NOT NULL,
    since   BIGINT NOT NULL,
    PRIMARY KEY (chat, target)
);
CREATE INDEX subscriptions_target ON subscriptions (target);

-- "I've applied": no more reminders of that call for that chat.
CREATE TABLE dismissals (
    chat  TEXT NOT NULL REFERENCES chats (chat),
    call  TEXT NOT NULL,
    at    BIGINT NOT NULL,
    PRIMARY KEY (chat, call)
);

-- Everything the bot says on its own initiative. `key` makes an entry exist once however
-- often it is planned; workers lease entries (claim_token, lease_until) and finish them.
CREATE TABLE outbox (
    id           BIGSERIAL PRIMARY KEY,
    key          TEXT NOT NULL UNIQUE,
    chat         TEXT NOT NULL,
    scope        TEXT NOT NULL,                 -- the chat's front end (tg, dc, …), for claiming
    call         TEXT,
    notice       TEXT NOT NULL,                 -- e.g. reminder:<call>:<version>:<minutes>
    state        TEXT NOT NULL,                 -- pending | sent | failed | skipped | dropped | cancelled
    not_before   BIGINT NOT NULL,
    expires      BIGINT,
    attempts     BIGINT NOT NULL DEFAULT 0,     -- claims so far
    claim_token  TEXT,
    lease_until  BIGINT,
    last_error   TEXT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    sent_at      BIGINT
);
CREATE INDEX outbox_due ON outbox (state, not_before);
CREATE INDEX outbox_chat ON outbox (chat, state);

-- Small shared values of the scheduler, e.g. planned_until (Unix seconds).
CREATE TABLE scheduler_state (
    name   TEXT PRIMARY KEY NOT NULL,
    value  BIGINT NOT NULL
);
