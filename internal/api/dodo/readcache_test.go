package dodo_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/pricebook/pricebook/internal/api/dodo"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// TestReadCacheFollowsWrites checks the rendered-read cache against a
// second face over the same SQLite file that caches nothing (it does not
// own the file): after every kind of write that changes what a product
// read shows, both must answer the same bytes.
func TestReadCacheFollowsWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cache.db")
	st := storetest.OpenDSN(t, path, store.Options{Owner: true})
	plain := storetest.OpenDSN(t, path, store.Options{})
	if _, ok := st.Version(); !ok {
		t.Fatal("the owner's version is not trusted: nothing would be cached")
	}
	if _, ok := plain.Version(); ok {
		t.Fatal("a store that does not own the file trusts its version")
	}
	if _, err := store.Open(context.Background(), path, store.Options{Owner: true}); err == nil {
		t.Fatal("a second owner opened the file")
	}

	h := newHarness(t, st)
	ref := &harness{t: t, st: plain, h: dodo.New(deps(plain)), keys: h.keys}
	a := h.keys["a"]
	id := h.create(a, `{"name":"Sub","tax_category":"saas","price":{`+monthlyUsage+`}}`)
	addon, meter, ent, credit := h.refs()
	// A second product that refers to the meter and the credit
	// entitlement: writes to the first product leave its cached answer,
	// writes to what it refers to retire it.
	other := h.create(a, fmt.Sprintf(`{"name":"Other","tax_category":"saas","price":{%s,"meters":[{"meter_id":%q,"price_per_unit":"0.5"}]},
		"credit_entitlements":[{"credit_entitlement_id":%q,"credits_amount":"10"}]}`, monthlyUsage, meter, credit))
	reads := []string{"/products/" + id, "/products/" + other, "/products", "/products?page_size=1", "/products?archived=true", "/products?recurring=false"}
	same := func(step string) {
		t.Helper()
		for _, path := range reads {
			for range 2 { // the second read is served from the cache
				got, want := h.do("GET", path, a, ""), ref.do("GET", path, a, "")
				if got.status != want.status || string(got.body) != string(want.body) {
					t.Fatalf("after %s, GET %s:\ncached %d %s\nfresh  %d %s", step, path, got.status, got.body, want.status, want.body)
				}
			}
		}
	}
	same("create")
	steps := []struct{ method, path, body string }{
		{"PATCH", "/products/" + id, `{"name":"Renamed","addons":["` + addon + `"]}`},
		{"PATCH", "/products/" + id, fmt.Sprintf(`{"entitlements":[{"entitlement_id":%q}]}`, ent)},
		{"PATCH", "/addons/" + addon, `{"name":"Seat v2"}`},
		{"PATCH", "/entitlements/" + ent, `{"name":"Pro v2"}`},
		{"PATCH", "/credit-entitlements/" + credit, `{"name":"Tokens v2"}`},
		{"PATCH", "/products/" + other, `{"description":"changed"}`},
		{"POST", "/product-collections", `{"name":"Bundle","groups":[{"group_name":"g","products":[{"product_id":"` + id + `"}]}]}`},
		{"POST", "/products", oneTimeBody},
		{"DELETE", "/products/" + id, ""},
		{"POST", "/products/" + id + "/unarchive", ""},
		{"DELETE", "/entitlements/" + ent, ""},
	}
	for _, s := range steps {
		if r := h.do(s.method, s.path, a, s.body); r.status >= 300 {
			t.Fatalf("%s %s: %d %s", s.method, s.path, r.status, r.body)
		}
		same(s.method + " " + s.path)
	}
}

// TestReadCacheReadYourWrites: whoever got the answer to a write reads it
// back at once, with many writers and readers at the same time.
func TestReadCacheReadYourWrites(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		a := h.keys["a"]
		var wg sync.WaitGroup
		for w := range 8 {
			id := h.create(a, oneTimeBody)
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 25 {
					name := fmt.Sprintf("w%d-%d", w, i)
					if r := h.do("PATCH", "/products/"+id, a, `{"name":"`+name+`"}`); r.status != 200 {
						t.Errorf("patch: %d %s", r.status, r.body)
						return
					}
					if got := h.do("GET", "/products/"+id, a, "").json(t)["name"]; got != name {
						t.Errorf("read after write: name %v, want %s", got, name)
						return
					}
				}
			}()
		}
		wg.Wait()
	})
}
