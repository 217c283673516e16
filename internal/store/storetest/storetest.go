// Package storetest opens fresh stores on every engine for tests.
package storetest

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/pgtest"
	"github.com/pricebook/pricebook/internal/store"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// Engines runs fn as a subtest once per engine, each with a fresh,
// migrated store. Packages using it must call pgtest.Main from TestMain.
func Engines(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, Open(t, store.SQLite)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Open(t, store.Postgres)) })
}

// Open returns a fresh migrated store of the engine, closed at cleanup.
func Open(t testing.TB, engine store.Engine) *store.Store {
	t.Helper()
	dsn := filepath.Join(t.TempDir(), "test.db")
	if engine == store.Postgres {
		dsn = pgtest.DSN(t)
	}
	// As a server opens it: on SQLite the owner, so read caches are on.
	return OpenDSN(t, dsn, store.Options{Owner: true})
}

// OpenRaw is Open that also returns a plain connection pool to the same
// database, for tests that read or change it behind the store's back (a
// trigger that fails a statement, a reference query), and its DSN.
func OpenRaw(t testing.TB, engine store.Engine) (*store.Store, *sql.DB, string) {
	t.Helper()
	dsn, driver := filepath.Join(t.TempDir(), "test.db"), "sqlite"
	if engine == store.Postgres {
		dsn, driver = pgtest.DSN(t), "pgx"
	}
	st := OpenDSN(t, dsn, store.Options{Owner: true})
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return st, raw, dsn
}

// OpenDSN opens and migrates the database dsn with opt, closed at cleanup.
func OpenDSN(t testing.TB, dsn string, opt store.Options) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dsn, opt)
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", dsn, err)
	}
	return st
}

// Tenant creates a business and returns its test-mode tenant.
func Tenant(t testing.TB, st *store.Store) catalog.Tenant {
	t.Helper()
	b, err := st.CreateBusiness(context.Background(), "Test business")
	if err != nil {
		t.Fatal(err)
	}
	return catalog.Tenant{BusinessID: b.ID, Mode: catalog.ModeTest}
}

// Keys creates businesses A and B and returns API keys by role: "a" (A,
// test mode), "aLive" (A, live mode), "aRO" (A, test, read-only), "b" (B,
// test) and "revoked" (A, test, revoked).
func Keys(t testing.TB, st *store.Store) map[string]string {
	t.Helper()
	ctx := context.Background()
	a, errA := st.CreateBusiness(ctx, "A")
	b, errB := st.CreateBusiness(ctx, "B")
	if errA != nil || errB != nil {
		t.Fatal(errA, errB)
	}
	mk := func(bid string, mode catalog.Mode, ro bool) string {
		tok, _, err := st.CreateKey(ctx, bid, mode, ro)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	keys := map[string]string{
		"a": mk(a.ID, catalog.ModeTest, false), "aLive": mk(a.ID, catalog.ModeLive, false),
		"aRO": mk(a.ID, catalog.ModeTest, true), "b": mk(b.ID, catalog.ModeTest, false),
		"revoked": mk(a.ID, catalog.ModeTest, false),
	}
	if err := st.RevokeKey(ctx, keys["revoked"]); err != nil {
		t.Fatal(err)
	}
	return keys
}
