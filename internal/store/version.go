package store

// Version returns a number that changes whenever a write commits, and
// whether it can be trusted to: only when this process is the database's
// only writer (a SQLite file opened with Options.Owner, or :memory:). A
// reader that takes the version before it reads may reuse what it derived
// from the read for as long as Version returns the same number. Every
// write goes through write, which moves the version after its commit and
// before answering, so an answered write is never followed by a read that
// trusts an older version; it also moves the version (to an odd number)
// before the commit, so a read that sees the same version before and after
// it ran knows that no write committed meanwhile (stableVersion).
func (s *Store) Version() (uint64, bool) {
	if s.db.owner == nil {
		return 0, false
	}
	return s.db.version.Load(), true
}

// stableVersion returns the data version if it can be trusted and no
// write is committing at this moment: the writer moves the version to an
// odd number before it commits and to the next even one after. A reader
// that gets ok, reads, and then finds the version unchanged
// (versionIs) read exactly the data of that version.
func (s *Store) stableVersion() (uint64, bool) {
	v, ok := s.Version()
	return v, ok && v%2 == 0
}

// versionIs reports whether the data version is still v.
func (s *Store) versionIs(v uint64) bool { return s.db.version.Load() == v }
