-- Tenancy: businesses, their API keys and brands, and products.
CREATE TABLE businesses (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE api_keys (
    id          TEXT PRIMARY KEY,
    business_id TEXT NOT NULL REFERENCES businesses (id),
    mode        TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    secret_hash BYTEA NOT NULL,
    prefix      TEXT NOT NULL,
    read_only   BOOLEAN NOT NULL,
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);

-- Brands are per business and mode; the primary brand's id is the
-- business id, so the key includes the tenant.
CREATE TABLE brands (
    business_id TEXT NOT NULL REFERENCES businesses (id),
    mode        TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    id          TEXT NOT NULL,
    is_primary  BOOLEAN NOT NULL,
    doc         TEXT NOT NULL,
    archived_at BIGINT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (business_id, mode, id)
);

CREATE TABLE products (
    id           TEXT PRIMARY KEY,
    business_id  TEXT NOT NULL,
    mode         TEXT NOT NULL,
    brand_id     TEXT NOT NULL,
    is_recurring BOOLEAN NOT NULL,
    archived     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    doc          TEXT NOT NULL,
    FOREIGN KEY (business_id, mode, brand_id) REFERENCES brands (business_id, mode, id)
);

-- One index per list filter, each in list order (newest first).
CREATE INDEX products_by_tenant ON products (business_id, mode, archived, created_at DESC, id DESC);
CREATE INDEX products_by_brand ON products (business_id, mode, brand_id, archived, created_at DESC, id DESC);
CREATE INDEX products_by_recurring ON products (business_id, mode, is_recurring, archived, created_at DESC, id DESC);
