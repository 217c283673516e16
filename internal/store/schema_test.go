package store

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pricebook/pricebook/internal/pgtest"
)

// TestSchemasMatch migrates both engines and compares what the migrations
// made: the same tables with the same columns (name, type family,
// nullability) and the same named indexes. The migrations are written once
// per dialect, so this is what keeps the two from drifting apart.
func TestSchemasMatch(t *testing.T) {
	ctx := context.Background()
	open := func(dsn string) *Store {
		s, err := Open(ctx, dsn, Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		return s
	}
	lite := schemaOf(t, open(filepath.Join(t.TempDir(), "schema.db")))
	pg := schemaOf(t, open(pgtest.DSN(t)))
	for _, line := range lite {
		if !slices.Contains(pg, line) {
			t.Errorf("only on SQLite: %s", line)
		}
	}
	for _, line := range pg {
		if !slices.Contains(lite, line) {
			t.Errorf("only on PostgreSQL: %s", line)
		}
	}
}

// River's own tables (river_*) are River's, one schema per dialect, and left out.
// schemaOf lists a migrated database's columns ("table.column type null")
// and named indexes ("index name on table"; not those the engines name
// for inline PRIMARY KEY and UNIQUE constraints), sorted.
func schemaOf(t *testing.T, s *Store) []string {
	t.Helper()
	var out []string
	add := func(q string, scan func(*rows) (string, error)) {
		rs, err := s.db.query(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		defer rs.Close()
		for rs.Next() {
			line, err := scan(rs)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, line)
		}
	}
	family := func(typ string) string {
		switch typ = strings.ToUpper(typ); typ {
		case "BIGINT", "INTEGER", "BOOLEAN", "SMALLINT":
			return "integer"
		case "BYTEA", "BLOB":
			return "blob"
		case "DOUBLE PRECISION", "REAL":
			return "real"
		}
		return "text"
	}
	if s.engine == SQLite {
		add(`SELECT m.name, p.name, p.type, p."notnull" OR p.pk > 0 FROM sqlite_master m, pragma_table_info(m.name) p
			WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE 'river_%'`, func(r *rows) (string, error) {
			var table, col, typ string
			var notNull bool
			err := r.Scan(&table, &col, &typ, &notNull)
			return table + "." + col + " " + family(typ) + map[bool]string{true: " not null", false: " null"}[notNull], err
		})
		add(`SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%' AND tbl_name NOT LIKE 'river_%'`, func(r *rows) (string, error) {
			var name, table string
			err := r.Scan(&name, &table)
			return "index " + name + " on " + table, err
		})
	} else {
		add(`SELECT table_name, column_name, data_type, is_nullable = 'NO' FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT LIKE 'river_%'`, func(r *rows) (string, error) {
			var table, col, typ string
			var notNull bool
			err := r.Scan(&table, &col, &typ, &notNull)
			return table + "." + col + " " + family(typ) + map[bool]string{true: " not null", false: " null"}[notNull], err
		})
		add(`SELECT indexname, tablename FROM pg_indexes WHERE schemaname = 'public' AND tablename NOT LIKE 'river_%' AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key'`, func(r *rows) (string, error) {
			var name, table string
			err := r.Scan(&name, &table)
			return "index " + name + " on " + table, err
		})
	}
	slices.Sort(out)
	return out
}

// TestResetCoversEveryTable: every table is emptied by Reset for a
// partition, or named here as not partition data, so that a new table
// cannot be forgotten by reset.
func TestResetCoversEveryTable(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "reset.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{"uploads": true}
	for _, step := range resetSteps {
		covered[step.kind] = true
	}
	// Not partition data: the businesses, their keys and the dashboard
	// sessions of those keys stay; the rest is the server's.
	for _, kept := range []string{"businesses", "api_keys", "open_tokens", "dashboard_sessions", "server_secrets", "schema_migrations"} {
		covered[kept] = true
	}
	for _, line := range schemaOf(t, s) {
		table, _, _ := strings.Cut(line, ".")
		if !strings.HasPrefix(line, "index ") && !covered[table] {
			t.Errorf("table %s: neither reset nor named as kept", table)
			covered[table] = true // once per table
		}
	}
}
