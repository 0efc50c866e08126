-- Per-chat preferences. A chat is "scope:id" (console:local, tg:123, dc:channel:9).
-- Instants are Unix seconds (INTEGER) so one query text serves SQLite and PostgreSQL.
CREATE TABLE chats (
    chat        TEXT PRIMARY KEY NOT NULL,
    locale      TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
