-- Short links: a slug of a tenant that redirects to a static checkout URL
-- of one product with fixed parameters. Slugs are unique per business and
-- mode (the short URL names both), enforced here so that of concurrent
-- creates of one slug exactly one wins. params is the canonical JSON of
-- the static checkout parameters (keys sorted), compared as text by the
-- checkout page, which renders only (product, params) pairs a short link
-- was made for.
CREATE TABLE short_links (
    id          TEXT PRIMARY KEY,
    business_id TEXT NOT NULL REFERENCES businesses (id),
    mode        TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    product_id  TEXT NOT NULL REFERENCES products (id),
    slug        TEXT NOT NULL,
    params      TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX short_links_slug ON short_links (business_id, mode, slug);
CREATE INDEX short_links_by_tenant ON short_links (business_id, mode, created_at DESC, id DESC);
CREATE INDEX short_links_by_product ON short_links (business_id, mode, product_id, created_at DESC, id DESC);
CREATE INDEX short_links_checkout ON short_links (product_id);
