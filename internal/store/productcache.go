package store

import (
	"sync"

	"github.com/pricebook/pricebook/internal/catalog"
)

// maxDecoded bounds the decoded-product cache.
const maxDecoded = 10000

// decodedCache keeps recently decoded product documents. Decoding the
// JSON document was half the cost of a list page; a document that is
// byte-for-byte the one cached decodes to the same product, so the cache
// needs no invalidation. Entries are never handed out: a caller gets a
// deep copy (catalog.Product.Clone, a tenth of a decode), so changing a
// product read from the store cannot change what the next read returns
// (TestReadResultsAreCallers).
type decodedCache struct {
	mu sync.Mutex
	m  map[string]decoded
}

type decoded struct {
	doc string
	p   catalog.Product
}

// decode completes p (whose row columns are set) from doc, through the
// cache.
func (c *decodedCache) decode(p *catalog.Product, created, updated int64, doc string) (*catalog.Product, error) {
	c.mu.Lock()
	e, ok := c.m[p.ID]
	c.mu.Unlock()
	if ok && e.doc == doc {
		cached := *e.p.Clone()
		cached.ID, cached.BusinessID, cached.BrandID = p.ID, p.BusinessID, p.BrandID
		cached.Archived, cached.CollectionID = p.Archived, p.CollectionID
		cached.CreatedAt, cached.UpdatedAt = fromMicros(created), fromMicros(updated)
		*p = cached
		return p, nil
	}
	if _, err := decodeProduct(p, created, updated, doc); err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxDecoded {
		c.m = make(map[string]decoded, 1024)
	}
	c.m[p.ID] = decoded{doc: doc, p: *p.Clone()}
	c.mu.Unlock()
	return p, nil
}
