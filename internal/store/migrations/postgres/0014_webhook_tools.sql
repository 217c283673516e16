-- Events found by id: a resend names the event (time-ordered ids, so
-- each insert lands at the index's right edge).
CREATE INDEX events_by_id ON events (id);
-- A rotated secret keeps signing, next to the new one, until it expires.
ALTER TABLE webhook_endpoints ADD COLUMN previous_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE webhook_endpoints ADD COLUMN previous_secret_expires_at BIGINT;
-- An endpoint's rate_limit, shared by every server (the generic cell
-- rate algorithm): when the next delivery to each rate-limited endpoint
-- is due, in microseconds, if deliveries came evenly at the rate.
CREATE TABLE webhook_rates (
    endpoint_id TEXT PRIMARY KEY,
    due_at      BIGINT NOT NULL
);
