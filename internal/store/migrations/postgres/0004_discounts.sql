-- Discount codes. Columns are what lists filter on; the rest of a
-- discount lives in doc.
CREATE TABLE discounts (
    id          TEXT PRIMARY KEY,
    business_id TEXT NOT NULL REFERENCES businesses (id),
    mode        TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    code        TEXT NOT NULL,
    type        TEXT NOT NULL,
    amount      BIGINT NOT NULL,
    times_used  BIGINT NOT NULL DEFAULT 0,
    usage_limit BIGINT,
    starts_at   BIGINT,
    expires_at  BIGINT,
    deleted_at  BIGINT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    doc         TEXT NOT NULL
);
-- A code names one live discount per business and mode; a deleted
-- discount frees its code.
CREATE UNIQUE INDEX discounts_code_unique ON discounts (business_id, mode, code) WHERE deleted_at IS NULL;
CREATE INDEX discounts_by_tenant ON discounts (business_id, mode, created_at DESC, id DESC) WHERE deleted_at IS NULL;

-- The products a discount is restricted to, in the order given; none
-- means every product.
CREATE TABLE discount_products (
    discount_id TEXT NOT NULL REFERENCES discounts (id),
    product_id  TEXT NOT NULL REFERENCES products (id),
    position    INTEGER NOT NULL,
    PRIMARY KEY (discount_id, product_id)
);
CREATE INDEX discount_products_by_product ON discount_products (product_id);
