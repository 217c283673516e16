-- Uploads: images and files whose bytes live in the blob store. A row is
-- made when an upload URL is handed out (stored_at null), filled in when
-- the bytes arrived (blob_key names them), and attached_at is set when an
-- object first names it; rows never attached are pruned in the background.
CREATE TABLE uploads (
    id           TEXT PRIMARY KEY,
    business_id  TEXT NOT NULL,
    mode         TEXT NOT NULL,
    purpose      TEXT NOT NULL,
    target_kind  TEXT NOT NULL,
    target_id    TEXT NOT NULL,
    file_name    TEXT NOT NULL DEFAULT '',
    content_type TEXT NOT NULL DEFAULT '',
    size         BIGINT NOT NULL DEFAULT 0,
    sha256       TEXT NOT NULL DEFAULT '',
    blob_key     TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    stored_at    BIGINT,
    attached_at  BIGINT
);
-- Housekeeping finds the unattached uploads by age.
CREATE INDEX uploads_unattached ON uploads (created_at) WHERE attached_at IS NULL;
-- Secrets every server over one database shares (the upload URLs'
-- signing key).
CREATE TABLE server_secrets (
    name  TEXT PRIMARY KEY,
    value BYTEA NOT NULL
);
