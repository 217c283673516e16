-- A new group is numbered and counted per collection; without this index
-- each count read every group of the collection from the table (measured:
-- two fifths of create_group's server time).
CREATE INDEX collection_groups_by_position ON collection_groups (collection_id, position);
