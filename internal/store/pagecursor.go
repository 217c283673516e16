package store

import (
	"fmt"
	"sync"
)

// maxPageCursors bounds the remembered page ends.
const maxPageCursors = 50000

// pageEnd is where a served offset page ended, in list order.
type pageEnd struct {
	createdAt int64
	id        string
}

// pageCursors remembers, per tenant, filter and page size, where each
// served page ended, so that the next page (what the SDKs' iterators ask
// for) continues by keyset from there instead of skipping rows with
// OFFSET, whose cost grows with depth. A page asked for out of sequence
// falls back to OFFSET. It is per process: several servers each remember
// their own.
type pageCursors struct {
	mu sync.Mutex
	m  map[string]pageEnd
}

func pageKey(list string, filter any, size, number int) string {
	return fmt.Sprintf("%s|%v|%d|%d", list, filter, size, number)
}

// before returns where page number-1 ended, if remembered.
func (c *pageCursors) before(list string, filter any, size, number int) (pageEnd, bool) {
	if number == 0 {
		return pageEnd{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[pageKey(list, filter, size, number-1)]
	return e, ok
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
