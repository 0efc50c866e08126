-- The send budget every instance shares: one timeline per platform. `next_at` is the first
-- free slot, in microseconds since the Unix epoch on the database's clock.
CREATE TABLE pace (
    scope TEXT PRIMARY KEY,
    next_at BIGINT NOT NULL
);
