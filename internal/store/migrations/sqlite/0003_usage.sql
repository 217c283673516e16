-- Usage-based billing building blocks that products refer to: addons,
-- meters, entitlements and credit entitlements. Every list is newest
-- first, so every list index ends in (created_at DESC, id DESC).
CREATE TABLE addons (
    id           TEXT PRIMARY KEY,
    business_id  TEXT NOT NULL REFERENCES businesses (id),
    mode         TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    name         TEXT NOT NULL,
    description  TEXT,
    price        INTEGER NOT NULL,
    currency     TEXT NOT NULL,
    tax_category TEXT NOT NULL,
    image_id     TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX addons_by_tenant ON addons (business_id, mode, created_at DESC, id DESC);

-- filter is the stored JSON of catalog.MeterFilter, NULL without one.
CREATE TABLE meters (
    id               TEXT PRIMARY KEY,
    business_id      TEXT NOT NULL REFERENCES businesses (id),
    mode             TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    name             TEXT NOT NULL,
    description      TEXT,
    event_name       TEXT NOT NULL,
    measurement_unit TEXT NOT NULL,
    aggregation_type TEXT NOT NULL CHECK (aggregation_type IN ('count', 'sum', 'max', 'last')),
    aggregation_key  TEXT,
    filter           TEXT,
    archived         INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX meters_by_tenant ON meters (business_id, mode, archived, created_at DESC, id DESC);

-- config is the stored JSON of catalog.IntegrationConfig. Deleted rows
-- stay (products may still name them) but are invisible to the API.
CREATE TABLE entitlements (
    id               TEXT PRIMARY KEY,
    business_id      TEXT NOT NULL REFERENCES businesses (id),
    mode             TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    name             TEXT NOT NULL,
    description      TEXT,
    integration_type TEXT NOT NULL,
    config           TEXT NOT NULL,
    metadata         TEXT NOT NULL,
    deleted          INTEGER NOT NULL DEFAULT 0,
    deleted_at       INTEGER,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX entitlements_by_tenant ON entitlements (business_id, mode, deleted, created_at DESC, id DESC);
CREATE INDEX entitlements_by_type ON entitlements (business_id, mode, deleted, integration_type, created_at DESC, id DESC);

CREATE TABLE credit_entitlements (
    id                          TEXT PRIMARY KEY,
    business_id                 TEXT NOT NULL REFERENCES businesses (id),
    mode                        TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    name                        TEXT NOT NULL,
    description                 TEXT,
    precision_digits            INTEGER NOT NULL CHECK (precision_digits BETWEEN 0 AND 10),
    unit                        TEXT NOT NULL,
    expires_after_days          INTEGER,
    rollover_enabled            INTEGER NOT NULL,
    rollover_percentage         INTEGER,
    rollover_timeframe_count    INTEGER,
    rollover_timeframe_interval TEXT,
    max_rollover_count          INTEGER,
    overage_enabled             INTEGER NOT NULL,
    overage_behavior            TEXT NOT NULL,
    overage_limit               INTEGER,
    currency                    TEXT,
    price_per_unit              TEXT,
    deleted                     INTEGER NOT NULL DEFAULT 0,
    deleted_at                  INTEGER,
    created_at                  INTEGER NOT NULL,
    updated_at                  INTEGER NOT NULL
);
-- Names are unique per business and mode, deleted ones included, so an
-- undelete can never collide; concurrent creates of one name race here.
CREATE UNIQUE INDEX credit_entitlements_name ON credit_entitlements (business_id, mode, name);
CREATE INDEX credit_entitlements_by_tenant ON credit_entitlements (business_id, mode, deleted, created_at DESC, id DESC);
