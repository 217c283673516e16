package pgtest

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { Main(m) }

func connect(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatalf("connect %s: %v", dsn, err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func currentDatabase(t *testing.T, conn *pgx.Conn) string {
	t.Helper()
	var name string
	if err := conn.QueryRow(context.Background(), "SELECT current_database()").Scan(&name); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestDSN(t *testing.T) {
	ctx := context.Background()
	a := connect(t, DSN(t))

	var bName string
	t.Run("second database", func(t *testing.T) {
		b := connect(t, DSN(t))
		bName = currentDatabase(t, b)
		if aName := currentDatabase(t, a); aName == bName {
			t.Fatalf("both DSNs point at database %q", aName)
		}
		if _, err := b.Exec(ctx, "CREATE TABLE item (id int PRIMARY KEY)"); err != nil {
			t.Fatal(err)
		}
		if _, err := b.Exec(ctx, "INSERT INTO item VALUES (1)"); err != nil {
			t.Fatal(err)
		}
		var leaked bool
		if err := a.QueryRow(ctx, "SELECT to_regclass('item') IS NOT NULL").Scan(&leaked); err != nil {
			t.Fatal(err)
		}
		if leaked {
			t.Fatal("table created in one database is visible in the other")
		}
	})

	// The subtest's cleanup has run by now, so its database must be gone.
	var exists bool
	if err := a.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", bName).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Fatalf("database %q still exists after its test ended", bName)
	}
}
