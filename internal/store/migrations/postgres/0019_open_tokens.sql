-- Namespaces on first use (serve --open-test-keys): a token a client
-- chose, stored only as its SHA-256, and the test-mode key made for it on
-- its first request. The primary key makes concurrent first requests with
-- one token agree on one business.
CREATE TABLE open_tokens (
    token_hash BYTEA PRIMARY KEY,
    key_id     TEXT NOT NULL REFERENCES api_keys (id),
    created_at BIGINT NOT NULL
);
