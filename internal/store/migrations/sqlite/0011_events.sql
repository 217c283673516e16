-- The change journal: every committed write's events, in commit order.
-- One writer commits on SQLite, so position (the rowid) is commit order;
-- txid is PostgreSQL's and stays 0 here.
CREATE TABLE events (
    position    INTEGER PRIMARY KEY AUTOINCREMENT,
    txid        INTEGER NOT NULL DEFAULT 0,
    id          TEXT NOT NULL,
    business_id TEXT NOT NULL,
    mode        TEXT NOT NULL,
    type        TEXT NOT NULL,
    object_kind TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    detail      TEXT NOT NULL,
    key_id      TEXT NOT NULL,
    request_id  TEXT NOT NULL,
    test_clock  INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    data        TEXT NOT NULL
);
CREATE INDEX events_by_tenant ON events (business_id, mode, txid, position);
CREATE INDEX events_by_object ON events (business_id, mode, object_id, txid, position);
-- No index on id or created_at: each costs every write a b-tree insert.
-- Events are found by tenant and position or by object; pruning walks the
-- table in position order, which is age order.
