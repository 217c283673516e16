package store_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// TestGroupCommitIsolation fires many writes at once, every third of them
// failing inside its transaction: the failures must leave no trace and
// must not take the others down with them.
func TestGroupCommitIsolation(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tn := storetest.Tenant(t, st)
		const n = 90
		ids := make([]string, n)
		errs := race(n, func(i int) error {
			p := oneTime("p", int64(i))
			if i%3 == 0 {
				p.BrandID = "brnd_missing" // fails in the store, after validation
			}
			err := st.CreateProduct(ctx, tn, p)
			ids[i] = p.ID
			return err
		})
		for i, err := range errs {
			if (i%3 == 0) != (err != nil) {
				t.Errorf("write %d: %v", i, err)
			}
		}
		list, err := items(st.ListProducts(ctx, tn, catalog.ProductFilter{Page: catalog.Page{Size: 100}}))
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != n-n/3 {
			t.Errorf("%d products stored, want %d", len(list), n-n/3)
		}
		for i := 1; i < n; i += 3 {
			if _, err := st.GetProduct(ctx, tn, ids[i]); err != nil {
				t.Errorf("acknowledged product %d is missing: %v", i, err)
			}
		}
	})
}

// TestCancelledWriteIsNotApplied checks that a write whose caller gave up
// before it ran writes nothing.
func TestCancelledWriteIsNotApplied(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		tn := storetest.Tenant(t, st)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := st.CreateProduct(ctx, tn, oneTime("p", 1)); err == nil {
			t.Fatal("a cancelled write reported success")
		}
		list, _ := items(st.ListProducts(context.Background(), tn, catalog.ProductFilter{Page: catalog.Page{Size: 10}}))
		if len(list) != 0 {
			t.Errorf("cancelled write stored %d products", len(list))
		}
	})
}

// TestWALStaysBounded: checkpoints run beside the writer, and under a
// steady write load a passive checkpoint never catches up on its own; the
// WAL must still start over instead of growing with every write (about
// 4 KiB a product: 15k products would make a WAL of 60 MB), and how far it
// grows must not depend on how fast the writer is (a fixed pause between
// checkpoints let it reach 26 MB here; paced, it stays near restartFrames'
// 8 MB).
func TestWALStaysBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 15k products")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "wal.db")
	st := storetest.OpenDSN(t, path, store.Options{Owner: true})
	tn := storetest.Tenant(t, st)
	var largest int64
	var wg sync.WaitGroup
	for w := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 15000 / 64 {
				if err := st.CreateProduct(ctx, tn, oneTime("p", int64(w*1000+i))); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for {
		select {
		case <-done:
			if largest > 16<<20 {
				t.Errorf("the WAL grew to %d MB under a steady write load", largest>>20)
			}
			t.Logf("largest WAL: %.1f MB", float64(largest)/(1<<20))
			return
		case <-time.After(20 * time.Millisecond):
			if fi, err := os.Stat(path + "-wal"); err == nil {
				largest = max(largest, fi.Size())
			}
		}
	}
}
