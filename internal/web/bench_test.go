package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/web"
)

// benchProducts is the catalog the page benchmarks read: enough that a
// page which scanned it (OFFSET, counting) would show.
const benchProducts = 20000

// BenchmarkPages times the main pages server-side, from the request to
// the rendered HTML, over a catalog of benchProducts products; the
// products list is read both at its first page and far into the catalog
// (a keyset cursor, so as fast as the first).
//
//	go test ./internal/web -run '^$' -bench BenchmarkPages
func BenchmarkPages(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	if err := f.st.SeedProducts(ctx, f.tn, benchProducts, func(i int) *catalog.Product {
		return &catalog.Product{Name: "Product " + strconv.Itoa(i), TaxCategory: "saas",
			Price: catalog.Price{Type: catalog.PriceRecurring, Currency: "USD", Price: int64(100 + i%5000),
				PaymentFrequencyCount: 1, PaymentFrequencyInterval: "Month", SubscriptionPeriodCount: 1, SubscriptionPeriodInterval: "Year"}}
	}); err != nil {
		b.Fatal(err)
	}
	p := hostileProduct(b, f)
	for i := 0; i < 5; i++ {
		u := &catalog.ProductPatch{Price: &catalog.Price{Type: catalog.PriceOneTime, Currency: "USD", Price: int64(2000 + i)}}
		if err := f.st.UpdateProduct(ctx, f.tn, p.ID, u); err != nil {
			b.Fatal(err)
		}
	}
	token, _, err := f.st.CreateSession(ctx, f.keys["a"], time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	// A cursor deep into the list: the page after the 15,000th product.
	page := catalog.Page{Size: 500}
	var after *catalog.Keyset
	for read := 0; read < 15000; read += page.Size {
		page.After = after
		l, _, err := f.st.SearchProducts(ctx, f.tn, catalog.ProductSearch{Page: page})
		if err != nil || len(l.Items) == 0 {
			b.Fatal(err)
		}
		last := l.Items[len(l.Items)-1]
		after = &catalog.Keyset{CreatedAt: last.CreatedAt, ID: last.ID}
	}
	deepPath := "/dashboard/products?after=" + web.EncodeKeyset(after)
	for _, path := range []string{"/dashboard/", "/dashboard/products", deepPath, "/dashboard/products?q=Product+1999",
		"/dashboard/products/" + p.ID, "/dashboard/products/" + p.ID + "/history", "/dashboard/collections", "/dashboard/activity"} {
		name := path
		if path == deepPath {
			name = "/dashboard/products?after=<15000th>"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				rec := httptest.NewRecorder()
				req := httptest.NewRequest("GET", path, nil)
				req.AddCookie(&http.Cookie{Name: "pb_session", Value: token})
				f.dash.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("GET %s: %d", path, rec.Code)
				}
			}
		})
	}
}
