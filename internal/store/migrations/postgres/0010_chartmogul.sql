-- Subscription-analytics catalog: data sources, their plans, and plan
-- groups. Every list is newest first, so every list index ends in
-- (created_at DESC, id DESC) and a page is a range scan after its cursor.
CREATE TABLE data_sources (
    id          TEXT PRIMARY KEY,
    business_id TEXT NOT NULL REFERENCES businesses (id),
    mode        TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    name        TEXT NOT NULL,
    system      TEXT NOT NULL,
    -- Lower-cased system, for the case-insensitive system filter.
    system_key  TEXT NOT NULL,
    status      TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

-- Names are unique per tenant; the index also serves the name filter.
CREATE UNIQUE INDEX data_sources_name ON data_sources (business_id, mode, name);
CREATE INDEX data_sources_by_tenant ON data_sources (business_id, mode, created_at DESC, id DESC);
CREATE INDEX data_sources_by_system ON data_sources (business_id, mode, system_key, created_at DESC, id DESC);

CREATE TABLE plans (
    id             TEXT PRIMARY KEY,
    business_id    TEXT NOT NULL,
    mode           TEXT NOT NULL,
    data_source_id TEXT NOT NULL REFERENCES data_sources (id) ON DELETE CASCADE,
    -- The data source's system_key; a source's system never changes, so
    -- the copy lets the system filter page by index.
    system_key     TEXT NOT NULL,
    external_id    TEXT NOT NULL,
    name           TEXT NOT NULL,
    interval_count BIGINT NOT NULL,
    interval_unit  TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);

-- external_id is unique per data source; the index also serves the
-- cascade from data_sources.
CREATE UNIQUE INDEX plans_external_id ON plans (data_source_id, external_id);
CREATE INDEX plans_by_tenant ON plans (business_id, mode, created_at DESC, id DESC);
CREATE INDEX plans_by_data_source ON plans (business_id, mode, data_source_id, created_at DESC, id DESC);
CREATE INDEX plans_by_external_id ON plans (business_id, mode, external_id, created_at DESC, id DESC);
CREATE INDEX plans_by_system ON plans (business_id, mode, system_key, created_at DESC, id DESC);

CREATE TABLE plan_groups (
    id          TEXT PRIMARY KEY,
    business_id TEXT NOT NULL REFERENCES businesses (id),
    mode        TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    name        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE INDEX plan_groups_by_tenant ON plan_groups (business_id, mode, created_at DESC, id DESC);

-- Membership: deleting a group or a plan removes its rows; deleting a
-- data source cascades through its plans.
CREATE TABLE plan_group_plans (
    plan_group_id   TEXT NOT NULL REFERENCES plan_groups (id) ON DELETE CASCADE,
    plan_id         TEXT NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    -- The plan's created_at (immutable), so a group's plans page by index.
    plan_created_at BIGINT NOT NULL,
    PRIMARY KEY (plan_group_id, plan_id)
);

CREATE INDEX plan_group_plans_page ON plan_group_plans (plan_group_id, plan_created_at DESC, plan_id DESC);
CREATE INDEX plan_group_plans_by_plan ON plan_group_plans (plan_id);
