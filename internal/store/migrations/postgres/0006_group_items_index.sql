-- Items are read, numbered and deleted per group; without this index each
-- of those scanned every membership of every collection.
CREATE INDEX collection_items_by_group ON collection_items (group_id, position);
