package store

import (
	"hash/maphash"
	"sync/atomic"

	"github.com/pricebook/pricebook/internal/catalog"
)

// Read versions tell the faces' read cache (httpx.ReadCache) when an
// answer it keeps is stale, more precisely than the data version: a
// write retires what it changed, not every answer of every tenant. What a
// write changed is what it journaled (every write of the catalog records
// events, journal.go) and what Reset emptied:
//
//   - a product's event retires that product's answers and the lists of
//     its tenant;
//   - any other event (a collection, a credit entitlement, a plan ...)
//     retires every answer of its tenant, since products render parts of
//     other objects (names of credit entitlements, their collection);
//   - a reset retires every answer of its tenant.
//
// The versions are counters in fixed arrays of slots chosen by hash, so
// they take the same memory for ten tenants and for a million products;
// two objects sharing a slot only retire each other's answers too often.
// Like the data version they can be trusted only when this process is the
// database's only writer (Store.Version), and they move after the commit
// and before the write is answered: a read that takes a version before
// it reads the database never keeps an answer older than that version.

const (
	tenantSlots = 1 << 14
	objectSlots = 1 << 18
)

type readVersions struct {
	seed    maphash.Seed
	seq     atomic.Uint64              // the last version handed out
	tenants [tenantSlots]atomic.Uint64 // moved by a change of the tenant that is not a product's
	lists   [tenantSlots]atomic.Uint64 // moved by every change of the tenant
	objects [objectSlots]atomic.Uint64 // moved by a change of the product
}

func newReadVersions() *readVersions { return &readVersions{seed: maphash.MakeSeed()} }

func (v *readVersions) tenantSlot(tn tenantKey) uint64 {
	return maphash.String(v.seed, tn.business+"\x00"+tn.mode) % tenantSlots
}

func (v *readVersions) objectSlot(tn tenantKey, id string) uint64 {
	return maphash.String(v.seed, tn.business+"\x00"+tn.mode+"\x00"+id) % objectSlots
}

// tenantKey is a tenant as journal rows name it.
type tenantKey struct{ business, mode string }

// change moves the versions a journaled change (or, with kind "", a
// whole tenant's reset) retires.
func (v *readVersions) change(tn tenantKey, kind, id string) {
	n := v.seq.Add(1)
	t := v.tenantSlot(tn)
	v.lists[t].Store(n)
	if kind == "product" {
		v.objects[v.objectSlot(tn, id)].Store(n)
		return
	}
	v.tenants[t].Store(n)
}

// ReadVersion returns the version an answer of the tenant is valid for:
// one about the product object (object non-empty), or any other answer of
// the tenant (a list, a plan). ok is false when versions cannot be
// trusted (Version); nothing may be cached then.
func (s *Store) ReadVersion(tn catalog.Tenant, object string) (uint64, bool) {
	if s.db.owner == nil {
		return 0, false
	}
	v, k := s.db.reads, tenantKey{tn.BusinessID, string(tn.Mode)}
	t := v.tenantSlot(k)
	other := v.lists[t].Load()
	if object != "" {
		other = v.objects[v.objectSlot(k, object)].Load()
	}
	return max(v.tenants[t].Load(), other), true
}

// retireReads moves the read versions of what t's committed use cases
// changed: the tenants and objects of its journal rows, and the tenants
// it emptied.
func (t *tx) retireReads() {
	v := t.d.reads
	for _, row := range t.events {
		v.change(tenantKey{row[1].(string), row[2].(string)}, row[4].(string), row[5].(string))
	}
	for _, tn := range t.emptied {
		v.change(tenantKey{tn.BusinessID, string(tn.Mode)}, "", "")
	}
}
