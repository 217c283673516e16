-- Test clocks: a test-mode partition whose clock is set reads its time
-- from here, frozen at now_at until set or advanced again (clock.go).
CREATE TABLE test_clocks (
    business_id TEXT NOT NULL REFERENCES businesses (id),
    mode        TEXT NOT NULL CHECK (mode = 'test'),
    now_at      BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (business_id, mode)
);
