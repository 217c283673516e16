package store

import "context"

// Row locks. SQLite's single writer already runs every write transaction
// alone, so only PostgreSQL takes row locks: a use case that reads a row
// it is about to change (or whose existence its write depends on) reads it
// through lockClause.

// lockClause appends clause ("FOR UPDATE", "FOR SHARE", "FOR UPDATE OF p",
// ...) to query on PostgreSQL and returns query unchanged on SQLite.
func (s *Store) lockClause(query, clause string) string {
	if s.engine == Postgres {
		return query + " " + clause
	}
	return query
}

// lockRows runs a locking query and reads it to the end, so every row it
// selects is locked.
func lockRows(ctx context.Context, t *tx, q string, args ...any) error {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
	}
	return rows.Err()
}
