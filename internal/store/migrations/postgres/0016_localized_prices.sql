-- Localized prices: a product's rules for charging another amount in a
-- currency (pricing_mode by_currency) or in a country (by_country). An
-- archived rule keeps its row (archived_at) and is gone for the API.
CREATE TABLE localized_prices (
    id           TEXT PRIMARY KEY,
    business_id  TEXT NOT NULL REFERENCES businesses (id),
    mode         TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    product_id   TEXT NOT NULL REFERENCES products (id),
    pricing_mode TEXT NOT NULL CHECK (pricing_mode IN ('by_currency', 'by_country')),
    currency     TEXT NOT NULL,
    country_code TEXT,
    amount       BIGINT NOT NULL CHECK (amount > 0),
    archived_at  BIGINT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    CHECK ((pricing_mode = 'by_country') = (country_code IS NOT NULL))
);
-- One active rule per currency (by_currency) and per country (by_country)
-- of a product; concurrent creates have exactly one winner.
CREATE UNIQUE INDEX localized_prices_currency_unique ON localized_prices (product_id, currency)
    WHERE archived_at IS NULL AND pricing_mode = 'by_currency';
CREATE UNIQUE INDEX localized_prices_country_unique ON localized_prices (product_id, country_code)
    WHERE archived_at IS NULL AND pricing_mode = 'by_country';
CREATE INDEX localized_prices_by_product ON localized_prices (product_id, created_at DESC, id DESC) WHERE archived_at IS NULL;
