package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// TestPageNumberIsAnOffset walks a list page by page, as the SDKs'
// iterators do, while a product is created mid-walk: page_number is an
// offset by contract, so each page is the rows at that offset of the list
// as it is when the page is read, whatever was served before. (Continuing
// from the previous page's end, as an earlier version did, skipped the new
// row's neighbour instead.)
func TestPageNumberIsAnOffset(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		products(t, st, tn, 10)
		page := func(size, n int) []string {
			list, err := items(st.ListProducts(ctx, tn, catalog.ProductFilter{Page: catalog.Page{Size: size, Number: n}}))
			if err != nil {
				t.Fatal(err)
			}
			ids := make([]string, len(list))
			for i, p := range list {
				ids[i] = p.ID
			}
			return ids
		}
		all := page(100, 0)
		for n := 0; n < 4; n++ {
			if got := page(3, n); !slices.Equal(got, all[min(3*n, len(all)):min(3*n+3, len(all))]) {
				t.Fatalf("page %d before the write: %v, want %v", n, got, all[3*n:min(3*n+3, len(all))])
			}
		}
		products(t, st, tn, 1) // lands before page 0's rows
		all = page(100, 0)
		for _, n := range []int{1, 2, 3, 0} {
			if got := page(3, n); !slices.Equal(got, all[3*n:min(3*n+3, len(all))]) {
				t.Errorf("page %d after the write: %v, want %v", n, got, all[3*n:min(3*n+3, len(all))])
			}
		}
	})
}
