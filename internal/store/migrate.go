package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/riverqueue/river/rivermigrate"
)

//go:embed migrations
var migrationFS embed.FS

// migrationLock is the PostgreSQL advisory lock key that serialises
// migrations when several servers start at once.
const migrationLock = 7362846512

// Migrate applies every embedded migration not yet recorded, each in its
// own transaction, in order, then River's own (its job tables, for webhook
// deliveries). It is safe to run from several processes.
func (s *Store) Migrate(ctx context.Context) error {
	if err := s.migrateCatalog(ctx); err != nil {
		return err
	}
	m, err := rivermigrate.New(s.db.riverDrv, &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return fmt.Errorf("store: River migrations: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("store: River migrations: %w", err)
	}
	return nil
}

func (s *Store) migrateCatalog(ctx context.Context) error {
	files, err := fs.Glob(migrationFS, "migrations/"+string(s.engine)+"/*.sql")
	if err != nil {
		return wrap("Migrate", err)
	}
	sort.Strings(files)
	conn, err := s.db.conn(ctx)
	if err != nil {
		return wrap("Migrate", err)
	}
	defer conn.Close()
	if s.engine == Postgres {
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLock); err != nil {
			return fmt.Errorf("store: migration lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLock)
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("store: migrations table: %w", err)
	}
	applied := map[int]bool{}
	rows, err := conn.QueryContext(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return wrap("Migrate", err)
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return wrap("Migrate", err)
		}
		applied[v] = true
	}
	rows.Close()
	for _, f := range files {
		name := path.Base(f)
		num, _, _ := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if err != nil {
			return fmt.Errorf("store: migration %s: name must start with a number", name)
		}
		if applied[v] {
			continue
		}
		body, err := migrationFS.ReadFile(f)
		if err != nil {
			return wrap("Migrate", err)
		}
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return wrap("Migrate", err)
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("store: migration %s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, s.db.q("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"),
			v, name, micros(s.now())); err != nil {
			tx.Rollback()
			return fmt.Errorf("store: record migration %s: %w", name, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("store: migration %s: %w", name, err)
		}
	}
	return nil
}
