-- Webhook deliveries: one row per attempt to send an event to an endpoint
-- (the jobs themselves live in River's tables, river_*).
CREATE TABLE webhook_deliveries (
    id            TEXT PRIMARY KEY,
    business_id   TEXT NOT NULL,
    mode          TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    endpoint_id   TEXT NOT NULL,
    event_id      TEXT NOT NULL,
    event_type    TEXT NOT NULL,
    attempt       INTEGER NOT NULL,
    status_code   INTEGER,
    duration_ms   INTEGER NOT NULL,
    response      TEXT NOT NULL,
    error         TEXT NOT NULL,
    next_retry_at INTEGER,
    created_at    INTEGER NOT NULL
);
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, created_at DESC, id DESC);
