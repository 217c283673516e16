package store

import (
	"context"
	"hash/maphash"
	"sync/atomic"

	"github.com/pricebook/pricebook/internal/catalog"
)

// A collection's event renders the whole collection with every member
// product, which read back on the single SQLite writer cost more than the
// change itself (BENCHMARKS.md, round 3). The hot collection writes
// (a group created, items added) therefore render their event before
// the write, off the writer: they read the collection as it is, apply in
// memory the change they are about to make (with the ids they will
// insert), and render that. The write takes the document only if nothing
// it depends on can have changed between that read and the write:
//
//   - no transaction that committed after the data version the reads
//     started from recorded an event about the collection, a member
//     product or an object a member product refers to (the SQLite writer
//     marks the ids of each batch's events with the version it commits
//     at, in changeMarks; this needs the version to be trusted, so only a
//     SQLite server that owns its file prerenders, and PostgreSQL always
//     renders in the transaction), and
//   - no use case earlier in the same group-commit transaction recorded
//     such an event either.
//
// Every write that changes what a collection renders records an event
// about one of those objects (TestEveryWriteIsJournaled; a member product
// joins or leaves only through a change to its collection).
//
// Otherwise the write renders in its transaction as before.

// collectionRender is a collection change rendered before its write.
type collectionRender struct {
	version uint64
	data    []byte
	deps    map[string]bool // object ids whose change invalidates data
}

// prerenderCollection renders collection id after change (applied to the
// collection as read now, with added holding the products the change
// makes members, already marked as in the collection), or returns nil
// when it cannot be done off the writer. Failures are not errors: the
// write then renders in its transaction, and reports its own.
func (s *Store) prerenderCollection(ctx context.Context, tn catalog.Tenant, id string, at int64, productIDs []string,
	change func(c *catalog.Collection, added map[string]*catalog.Product) bool) *collectionRender {
	if unitTx(ctx) != nil {
		return nil // inside a unit every read goes through the writer anyway
	}
	// Taken before any of the reads below begins its snapshot: each of
	// them sees at least what had committed at v.
	v, ok := s.Version()
	if !ok {
		return nil
	}
	c, err := s.GetCollection(ctx, tn, id)
	if err != nil || c.Archived {
		return nil
	}
	added := make(map[string]*catalog.Product, len(productIDs))
	for _, pid := range productIDs {
		p, err := s.GetProduct(ctx, tn, pid)
		if err != nil || p.Archived || p.CollectionID != "" {
			return nil // the write fails its checks
		}
		p.CollectionID = id
		added[pid] = p
	}
	if !change(c, added) {
		return nil
	}
	c.UpdatedAt = fromMicros(at)
	r := &collectionRender{version: v, deps: map[string]bool{id: true}}
	for _, g := range c.Groups {
		for _, it := range g.Items {
			r.deps[it.ProductID] = true
			p := it.Product
			for _, m := range p.Price.Meters {
				r.deps[m.MeterID] = true
			}
			for _, ce := range p.CreditEntitlements {
				r.deps[ce.CreditEntitlementID] = true
			}
			for _, e := range p.Entitlements {
				r.deps[e] = true
			}
		}
	}
	r.data, err = s.renderChange(ctx, tn, catalog.Change{Type: "product_collection.updated", Kind: "product_collection", ID: id, Object: c})
	if err != nil {
		return nil
	}
	return r
}

// still reports whether r is the collection's document after the change
// t is making now.
func (r *collectionRender) still(s *Store, t *tx) bool {
	if r == nil {
		return false
	}
	for id := range r.deps {
		if s.db.marks.since(id, r.version) {
			return false
		}
	}
	for _, row := range t.events {
		if r.deps[row[5].(string)] {
			return false
		}
	}
	for _, id := range t.changed {
		if r.deps[id] {
			return false
		}
	}
	return true
}

// markSlots is the size of changeMarks' table: two ids sharing a slot
// only make a prerendered document be rendered again.
const markSlots = 1 << 16

// changeMarks records, per hash of an object id, the data version at
// which the last transaction that recorded an event about it committed
// (the odd version the writer moves to before its commit).
type changeMarks struct {
	slots [markSlots]atomic.Uint64
}

// markSeed hashes ids into changeMarks' slots, for every store of the
// process alike.
var markSeed = maphash.MakeSeed()

func (m *changeMarks) slot(id string) *atomic.Uint64 {
	return &m.slots[maphash.String(markSeed, id)%markSlots]
}

// mark records that ids changed at version v.
func (m *changeMarks) mark(ids []string, v uint64) {
	for _, id := range ids {
		m.slot(id).Store(v)
	}
}

// since reports whether a change to id may have committed after a read
// that began once the version was v: a transaction marked at v or later
// committed (or was committing) when v was read, or later.
func (m *changeMarks) since(id string, v uint64) bool {
	at := m.slot(id).Load()
	return at != 0 && at >= v
}
