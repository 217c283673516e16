-- Responses of requests sent with an Idempotency-Key, per tenant, kept 24 hours.
CREATE TABLE idempotency_keys (
    business_id TEXT NOT NULL,
    mode        TEXT NOT NULL,
    key         TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    done        BOOLEAN NOT NULL,
    status      INTEGER NOT NULL,
    headers     TEXT NOT NULL,
    body        BYTEA NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (business_id, mode, key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
