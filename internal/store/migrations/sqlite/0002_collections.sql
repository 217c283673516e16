-- Product collections: ordered groups of product memberships.
CREATE TABLE product_collections (
    id                                  TEXT PRIMARY KEY,
    business_id                         TEXT NOT NULL,
    mode                                TEXT NOT NULL,
    brand_id                            TEXT NOT NULL,
    name                                TEXT NOT NULL,
    description                         TEXT,
    image_id                            TEXT,
    effective_at_on_downgrade           TEXT,
    effective_at_on_upgrade             TEXT,
    on_payment_failure                  TEXT,
    proration_billing_mode_on_downgrade TEXT,
    proration_billing_mode_on_upgrade   TEXT,
    archived                            INTEGER NOT NULL DEFAULT 0,
    created_at                          INTEGER NOT NULL,
    updated_at                          INTEGER NOT NULL,
    FOREIGN KEY (business_id, mode, brand_id) REFERENCES brands (business_id, mode, id)
);
CREATE INDEX collections_by_tenant ON product_collections (business_id, mode, archived, created_at DESC, id DESC);
CREATE INDEX collections_by_brand ON product_collections (business_id, mode, brand_id, archived, created_at DESC, id DESC);

-- Named groups are unique within a collection; NULL names never collide.
CREATE TABLE collection_groups (
    id            TEXT PRIMARY KEY,
    collection_id TEXT NOT NULL REFERENCES product_collections (id),
    name          TEXT,
    status        INTEGER NOT NULL,
    position      INTEGER NOT NULL,
    UNIQUE (collection_id, name),
    UNIQUE (collection_id, id)
);

-- A membership's group must belong to the membership's collection.
-- active is false while the collection is archived.
CREATE TABLE collection_items (
    id            TEXT PRIMARY KEY,
    collection_id TEXT NOT NULL,
    group_id      TEXT NOT NULL,
    product_id    TEXT NOT NULL REFERENCES products (id),
    status        INTEGER NOT NULL,
    position      INTEGER NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1,
    FOREIGN KEY (collection_id, group_id) REFERENCES collection_groups (collection_id, id) ON DELETE CASCADE
);
-- A product belongs to at most one (active) collection.
CREATE UNIQUE INDEX collection_items_one_collection ON collection_items (product_id) WHERE active = 1;
CREATE INDEX collection_items_by_collection ON collection_items (collection_id, group_id, position);
CREATE INDEX collection_items_by_product ON collection_items (product_id);
