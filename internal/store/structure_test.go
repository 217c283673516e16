package store

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/pgtest"
)

// TestPoolsStayInDB keeps the store's rule that only db (db.go, with its
// writer and units) touches the connection pools: every write then goes
// through db.write, which moves the data version the read caches trust,
// and no use case can take a pool connection while it holds a
// transaction. It fails on any use of a field named w or r (the pools)
// outside those files.
func TestPoolsStayInDB(t *testing.T) {
	allowed := map[string]bool{"db.go": true, "writer.go": true, "unit.go": true}
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || allowed[f] {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok && (sel.Sel.Name == "w" || sel.Sel.Name == "r") {
				t.Errorf("%s: a pool (.%s) used outside db.go", fset.Position(sel.Pos()), sel.Sel.Name)
			}
			return true
		})
	}
}

// openBoth opens a fresh migrated store per engine, as a server does.
func openBoth(t *testing.T, fn func(t *testing.T, s *Store)) {
	for _, engine := range []Engine{SQLite, Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			dsn := filepath.Join(t.TempDir(), "test.db")
			if engine == Postgres {
				dsn = pgtest.DSN(t)
			}
			s, err := Open(context.Background(), dsn, Options{Owner: true})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			if err := s.Migrate(context.Background()); err != nil {
				t.Fatal(err)
			}
			fn(t, s)
		})
	}
}

// TestWritesJoinTheirTransaction checks that a store call made inside a
// write, with the context the write hands it, runs in the write's
// transaction (it sees the write's uncommitted row) instead of taking a
// connection of a pool: on PostgreSQL that second connection is what
// deadlocked a full pool, on SQLite it read outside the batch.
func TestWritesJoinTheirTransaction(t *testing.T) {
	openBoth(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		err := s.db.write(ctx, func(ctx context.Context, t2 *tx) error {
			if _, err := t2.exec(ctx, "INSERT INTO businesses (id, name, created_at) VALUES (?, ?, ?)", "bus_inside", "Inside", micros(s.now())); err != nil {
				return err
			}
			list, err := s.Businesses(ctx)
			if err != nil {
				return err
			}
			for _, b := range list {
				if b.ID == "bus_inside" {
					return nil
				}
			}
			t.Error("a read inside a write did not see the write's own row: it reached a pool")
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// TestEveryWriteMovesTheVersion: the read caches trust the data version,
// so each way of writing must move it (and leave it even once committed).
func TestEveryWriteMovesTheVersion(t *testing.T) {
	openBoth(t, func(t *testing.T, s *Store) {
		if s.engine == Postgres {
			t.Skip("versions are trusted only on an owned SQLite file")
		}
		ctx := context.Background()
		tn := catalog.Tenant{BusinessID: "bus_v", Mode: catalog.ModeTest}
		for name, write := range map[string]func() error{
			"write": func() error {
				return s.db.write(ctx, func(ctx context.Context, t *tx) error { return nil })
			},
			"statement": func() error {
				_, err := s.db.writeStatement(ctx, "DELETE FROM idempotency_keys WHERE created_at < ?", 0)
				return err
			},
			"unit": func() error {
				return s.db.inUnit(ctx, func(ctx context.Context) error {
					_, err := s.db.writeStatement(ctx, "DELETE FROM idempotency_keys WHERE business_id = ?", tn.BusinessID)
					return err
				}, func(context.Context, *tx) error { return nil })
			},
		} {
			before, _ := s.Version()
			if err := write(); err != nil {
				t.Fatal(name, err)
			}
			after, _ := s.Version()
			if after == before || after%2 != 0 {
				t.Errorf("%s: version %d -> %d", name, before, after)
			}
		}
	})
}

// TestReadResultsAreCallers changes every part of products read from the
// store and reads them again: what a caller does with a result never
// reaches the store's caches.
func TestReadResultsAreCallers(t *testing.T) {
	openBoth(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		b, err := s.CreateBusiness(ctx, "B")
		if err != nil {
			t.Fatal(err)
		}
		tn := catalog.Tenant{BusinessID: b.ID, Mode: catalog.ModeTest}
		desc := "d"
		p := &catalog.Product{Name: "P", TaxCategory: "saas", Description: &desc, Metadata: catalog.Metadata{"k": []byte(`"v"`)},
			Price: catalog.Price{Type: catalog.PriceOneTime, Currency: "USD", Price: 100}}
		if err := s.CreateProduct(ctx, tn, p); err != nil {
			t.Fatal(err)
		}
		spoil := func(p *catalog.Product) {
			p.Name = "spoilt"
			*p.Description = "spoilt"
			p.Metadata["k"][1] = 'X'
			p.Metadata["new"] = []byte("1")
		}
		for range 2 { // the second round reads from the decoded cache
			got, err := s.GetProduct(ctx, tn, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != "P" || *got.Description != "d" || string(got.Metadata["k"]) != `"v"` || len(got.Metadata) != 1 {
				t.Fatalf("a read returned a product changed by an earlier caller: %+v", got)
			}
			spoil(got)
			list, err := s.ListProducts(ctx, tn, catalog.ProductFilter{Page: catalog.Page{Size: 10}})
			if err != nil || len(list.Items) != 1 {
				t.Fatal(err, len(list.Items))
			}
			if p := list.Items[0]; p.Name != "P" || *p.Description != "d" || string(p.Metadata["k"]) != `"v"` {
				t.Fatalf("a list returned a product changed by an earlier caller: %+v", p)
			}
			spoil(list.Items[0])
		}
	})
}
