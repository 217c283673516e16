package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// Storage micro-benchmarks on SQLite (the default engine), below the HTTP
// layer that `pricebook bench` measures: go test -run '^$' -bench . ./internal/store

func seeded(b *testing.B, n int) (*store.Store, catalog.Tenant, []string) {
	st := storetest.Open(b, store.SQLite)
	tn := storetest.Tenant(b, st)
	ids := make([]string, n)
	err := st.SeedProducts(context.Background(), tn, n, func(i int) *catalog.Product {
		ids[i] = catalog.NewID("pdt_")
		p := oneTime(fmt.Sprint("p", i), int64(i))
		p.ID = ids[i]
		return p
	})
	if err != nil {
		b.Fatal(err)
	}
	return st, tn, ids
}

func BenchmarkGetProduct(b *testing.B) {
	st, tn, ids := seeded(b, 10000)
	ctx := context.Background()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := st.GetProduct(ctx, tn, ids[i%len(ids)]); err != nil {
				b.Fatal(err)
			}
			i += 7919
		}
	})
}

func BenchmarkListProducts100(b *testing.B) {
	st, tn, _ := seeded(b, 10000)
	ctx := context.Background()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := items(st.ListProducts(ctx, tn, catalog.ProductFilter{Page: catalog.Page{Size: 100}})); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkCreateProduct measures durable creates (group commit, fsync)
// from 64 concurrent writers.
func BenchmarkCreateProduct(b *testing.B) {
	st, tn, _ := seeded(b, 1)
	ctx := context.Background()
	b.SetParallelism(32) // with GOMAXPROCS 2: 64 writers
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := st.CreateProduct(ctx, tn, monthly("Bench", 100)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
