-- The orphan-blob sweep asks which of a batch of blob keys an upload
-- still names (store.BlobKeysInUse).
CREATE INDEX uploads_blob_keys ON uploads (blob_key);
