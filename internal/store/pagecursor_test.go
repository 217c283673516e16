package store_test

import (
	"context"
	"testing"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// TestSequentialPagesContinue walks a list page by page, as the SDKs'
// iterators do, while a product is created mid-walk: each page continues
// where the previous one ended (keyset), so nothing is seen twice or
// skipped, where plain OFFSET would repeat a row.
func TestSequentialPagesContinue(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		products(t, st, tn, 10)
		page := func(n int) []*catalog.Product {
			list, err := st.ListProducts(ctx, tn, catalog.ProductFilter{Page: catalog.Page{Size: 3, Number: n}})
			if err != nil {
				t.Fatal(err)
			}
			return list
		}
		seen := map[string]bool{}
		for n := 0; ; n++ {
			list := page(n)
			if len(list) == 0 {
				break
			}
			for _, p := range list {
				if seen[p.ID] {
					t.Fatalf("page %d repeats %s", n, p.ID)
				}
				seen[p.ID] = true
			}
			if n == 0 {
				products(t, st, tn, 1) // lands before page 0's rows
			}
		}
		if len(seen) != 10 {
			t.Errorf("walk saw %d of the 10 products that existed when it began", len(seen))
		}
		// A page asked for out of sequence (no page 1 of size 4 was
		// served) is found by offset: 11 products, page 2 holds the last 3.
		list, err := st.ListProducts(ctx, tn, catalog.ProductFilter{Page: catalog.Page{Size: 4, Number: 2}})
		if err != nil || len(list) != 3 {
			t.Errorf("page 2 of size 4 by offset: %d rows, %v", len(list), err)
		}
	})
}
