package store

// Version returns a number that changes whenever a write commits, and
// whether it can be trusted to: only when this process is the database's
// only writer (a SQLite file opened with Options.Owner, or :memory:). A
// reader that takes the version before it reads may reuse what it derived
// from the read for as long as Version returns the same number. Every
// write goes through write, which moves the version after its commit and
// before answering, so an answered write is never followed by a read that
// trusts an older version.
func (s *Store) Version() (uint64, bool) {
	if s.owner == nil {
		return 0, false
	}
	return s.version.Load(), true
}
