package store

import (
	"fmt"
	"sync"
)

// maxPageCursors bounds the remembered page ends.
const maxPageCursors = 50000

// pageEnd is where a served offset page ended, in list order, and the
// data version it was read at.
type pageEnd struct {
	createdAt int64
	id        string
	version   uint64
}

// pageCursors remembers, per tenant, filter and page size, where each
// served page ended, so that the next page (what the SDKs' iterators ask
// for) continues by keyset from there instead of skipping rows with
// OFFSET, whose cost grows with depth. A page number is an offset by
// contract, so a remembered end is used only while the data is exactly as
// it was when the end was read: at the same data version, with no write
// committing meanwhile (Store.stableVersion). Any write, a page asked for
// out of sequence, or a store whose versions cannot be trusted (several
// servers over PostgreSQL) means OFFSET.
type pageCursors struct {
	mu sync.Mutex
	m  map[string]pageEnd
}

func pageKey(list string, filter any, size, number int) string {
	return fmt.Sprintf("%s|%v|%d|%d", list, filter, size, number)
}

// before returns where page number-1 ended, if it was read at version.
func (c *pageCursors) before(list string, filter any, size, number int, version uint64) (pageEnd, bool) {
	if number == 0 {
		return pageEnd{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[pageKey(list, filter, size, number-1)]
	return e, ok && e.version == version
}

// remember records where page number ended.
func (c *pageCursors) remember(list string, filter any, size, number int, end pageEnd) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[string]pageEnd, 1024)
	}
	if len(c.m) >= maxPageCursors {
		// Forget about half, chosen by the map's random order: walks in
		// progress renew their entries with every page, so they mostly
		// survive, and a forgotten page only falls back to OFFSET. (Dropping
		// everything made every walk of a large catalog restart by OFFSET.)
		n := 0
		for k := range c.m {
			if n%2 == 0 {
				delete(c.m, k)
			}
			n++
		}
	}
	c.m[pageKey(list, filter, size, number)] = end
}
