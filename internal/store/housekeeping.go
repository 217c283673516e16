package store

import "context"

// housekeepingLock is the PostgreSQL advisory lock a pruning transaction
// holds, so that of several servers over one database only one prunes at a
// time (the others find it taken and skip their turn).
const housekeepingLock = 7362846513

// housekeep runs one pruning statement as a write of its own and reports
// how many rows it removed; 0 when another server is pruning right now.
func (s *Store) housekeep(ctx context.Context, query string, args ...any) (int64, error) {
	var n int64
	err := s.db.write(ctx, func(ctx context.Context, t *tx) error {
		if s.engine == Postgres {
			var got bool
			if err := t.queryRow(ctx, "SELECT pg_try_advisory_xact_lock(?)", housekeepingLock).Scan(&got); err != nil || !got {
				return err
			}
		}
		var err error
		n, err = rowsAffected(t.exec(ctx, query, args...))
		return err
	})
	return n, wrap("housekeep", err)
}
