-- Fault rules (test mode): faults injected into a tenant's matching
-- requests, on every server. remaining counts down the fires left of a
-- rule with a count; NULL fires on every match.
CREATE TABLE fault_rules (
    id          TEXT PRIMARY KEY,
    business_id TEXT NOT NULL REFERENCES businesses (id),
    mode        TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    method      TEXT NOT NULL,
    path        TEXT NOT NULL,
    fault       TEXT NOT NULL,
    remaining   INTEGER,
    fraction    REAL,
    expires_at  INTEGER,
    fired       INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
);
CREATE INDEX fault_rules_by_tenant ON fault_rules (business_id, mode, created_at);
