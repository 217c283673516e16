-- Webhook endpoints: where a tenant's events are sent, and the secret
-- that signs them. A deleted endpoint keeps its row (deleted_at), so that
-- deliveries made to it can still name it. One secret per endpoint: the
-- API offers no rotation.
CREATE TABLE webhook_endpoints (
    id           TEXT PRIMARY KEY,
    business_id  TEXT NOT NULL REFERENCES businesses (id),
    mode         TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    url          TEXT NOT NULL,
    description  TEXT NOT NULL,
    filter_types TEXT,
    rate_limit   INTEGER,
    disabled     INTEGER NOT NULL,
    metadata     TEXT NOT NULL,
    headers      TEXT NOT NULL,
    secret       TEXT NOT NULL,
    deleted_at   INTEGER,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX webhook_endpoints_by_tenant ON webhook_endpoints (business_id, mode, created_at DESC, id DESC) WHERE deleted_at IS NULL;
