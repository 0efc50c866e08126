-- Newsletter digests: a chat's rhythm, the news items and what the bot remembers of each feed.
-- Keep in step with ../sqlite.

-- When the chat gets its digest, e.g. "weekly mon 09:00" or "daily 07:30"; NULL: no digest.
ALTER TABLE chats ADD COLUMN digest TEXT;
-- The moment (Unix seconds, BIGINT) of the chat's latest planned digest: the next one starts there.
ALTER TABLE chats ADD COLUMN digest_since BIGINT;
CREATE INDEX chats_digest ON chats (digest) WHERE digest IS NOT NULL;

-- News items from feeds and operators. An item is stored once: its key (guid, else link),
-- its link without tracking parameters, and its title with publication day are each unique.
CREATE TABLE news (
    id           BIGSERIAL PRIMARY KEY,
    key          TEXT NOT NULL UNIQUE,
    url_key      TEXT NOT NULL UNIQUE,
    fingerprint  TEXT UNIQUE,
    source       TEXT NOT NULL,                 -- a feed's name, or the operator's
    lang         TEXT NOT NULL,                 -- the language it is written in
    title        TEXT NOT NULL,
    url          TEXT NOT NULL,
    summary      TEXT,
    published    BIGINT,
    added_at     BIGINT NOT NULL               -- when the bot first saw it
);
CREATE INDEX news_added ON news (added_at);

-- Per feed URL: the validators for a conditional GET and the health of recent fetches.
CREATE TABLE feeds (
    url            TEXT PRIMARY KEY NOT NULL,
    etag           TEXT,
    last_modified  TEXT,
    checked_at     BIGINT,
    ok_at          BIGINT,
    failures       BIGINT NOT NULL DEFAULT 0,
    last_error     TEXT
);
