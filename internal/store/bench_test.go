package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
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

// renderCollections registers a renderer for collections that costs what
// a face's does: the collection read back with every member product, what
// those refer to, and the document encoded. Without one the store
// journals the change's own object, which for a collection change is
// nothing, and the benchmarks below would not see the journal's main cost.
func renderCollections(st *store.Store) {
	st.RenderEvents("product_collection", func(ctx context.Context, tn catalog.Tenant, ch catalog.Change) (json.RawMessage, error) {
		c, ok := ch.Object.(*catalog.Collection)
		if !ok {
			var err error
			if c, err = st.GetCollection(ctx, tn, ch.ID); err != nil {
				return nil, err
			}
		}
		var ps []*catalog.Product
		for _, g := range c.Groups {
			for _, it := range g.Items {
				ps = append(ps, it.Product)
			}
		}
		if _, err := st.LoadProductRefs(ctx, tn, ps); err != nil {
			return nil, err
		}
		return json.Marshal(c)
	})
}

// benchCollections makes n collections of one product each, for the
// collection benchmarks, and returns them with their first group and the
// tenant's free products.
func benchCollections(b *testing.B, n, free int) (*store.Store, catalog.Tenant, [][2]string, []string) {
	st, tn, ids := seeded(b, n+free)
	renderCollections(st)
	ctx := context.Background()
	cs := make([][2]string, n)
	for i := range cs {
		c := &catalog.Collection{Name: fmt.Sprint("Bench ", i)}
		if err := st.CreateCollection(ctx, tn, c, []catalog.GroupInput{{Name: name("base"), Status: true,
			Products: []catalog.ItemInput{{ProductID: ids[i], Status: true}}}}); err != nil {
			b.Fatal(err)
		}
		got, err := st.GetCollection(ctx, tn, c.ID)
		if err != nil {
			b.Fatal(err)
		}
		cs[i] = [2]string{c.ID, got.Groups[0].ID}
	}
	return st, tn, cs, ids[n:]
}

// BenchmarkCollectionCreateGroup adds empty groups to 1,000 collections in
// turn from 64 concurrent writers, as the create_group scenario does.
func BenchmarkCollectionCreateGroup(b *testing.B) {
	st, tn, cs, _ := benchCollections(b, 1000, 0)
	ctx := context.Background()
	var seq atomic.Int64
	b.SetParallelism(32)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := seq.Add(1)
			g := catalog.GroupInput{Name: name(fmt.Sprint("g", n)), Status: true, Products: []catalog.ItemInput{}}
			if _, err := st.CreateGroup(ctx, tn, cs[int(n)%len(cs)][0], g); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkCollectionAddItems adds one product at a time to the first
// group of 1,000 collections in turn from 64 concurrent writers, as the
// add_items scenario does: the collections grow during the run.
func BenchmarkCollectionAddItems(b *testing.B) {
	st, tn, cs, free := benchCollections(b, 1000, 50000)
	ctx := context.Background()
	var seq atomic.Int64
	b.SetParallelism(32)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := seq.Add(1)
			if int(n) > len(free) {
				b.Fatal("out of free products: raise the pool")
			}
			c := cs[int(n)%len(cs)]
			if _, err := st.AddItems(ctx, tn, c[0], c[1], []catalog.ItemInput{{ProductID: free[n-1], Status: true}}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
