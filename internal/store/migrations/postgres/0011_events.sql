-- The change journal: every committed write's events. Sequence values are
-- not commit order when several transactions run at once, so events are
-- ordered by (txid, position): the writing transaction's id, then the
-- sequence within it. A reader reads only below the oldest transaction
-- still running (pg_snapshot_xmin), under which no event can appear any
-- more, so a consumer that follows the order never misses one.
CREATE TABLE events (
    position    BIGSERIAL PRIMARY KEY,
    txid        BIGINT NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
    id          TEXT NOT NULL,
    business_id TEXT NOT NULL,
    mode        TEXT NOT NULL,
    type        TEXT NOT NULL,
    object_kind TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    detail      TEXT NOT NULL,
    key_id      TEXT NOT NULL,
    request_id  TEXT NOT NULL,
    test_clock  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  BIGINT NOT NULL,
    data        TEXT NOT NULL
);
CREATE INDEX events_by_tenant ON events (business_id, mode, txid, position);
CREATE INDEX events_by_object ON events (business_id, mode, object_id, txid, position);
-- No index on id or created_at: each costs every write a b-tree insert.
-- Events are found by tenant and position or by object; pruning walks the
-- table in position order.
