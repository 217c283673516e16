-- Event ids are unique, and the index says so: without it SQLite's
-- planner read "id = ? AND business_id = ? AND mode = ?" (an event by
-- id, GetEvent and every webhook delivery) through events_by_object's
-- (business_id, mode) prefix, a scan of the tenant's whole journal.
DROP INDEX events_by_id;
CREATE UNIQUE INDEX events_by_id ON events (id);
