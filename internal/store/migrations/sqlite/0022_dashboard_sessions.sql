-- Dashboard sessions (internal/web): a browser signed in with an API key
-- holds a random token in a cookie, stored here only as its SHA-256. A
-- session may hold one key per mode of one business and shows the mode
-- it is in; signing out deletes the row, so a copied cookie dies with it,
-- and a revoked key's sessions stop at once (the lookup joins api_keys).
CREATE TABLE dashboard_sessions (
    token_hash  BLOB PRIMARY KEY,
    business_id TEXT NOT NULL REFERENCES businesses (id),
    test_key_id TEXT REFERENCES api_keys (id),
    live_key_id TEXT REFERENCES api_keys (id),
    mode        TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    csrf        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX dashboard_sessions_by_expiry ON dashboard_sessions (expires_at);
