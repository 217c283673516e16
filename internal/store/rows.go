package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
)

// Helpers for SQL rows and values that use cases of every resource share.

type scanner interface{ Scan(...any) error }

// column runs a query returning one string column.
func column(ctx context.Context, t *tx, query string, args ...any) ([]string, error) {
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// placeholders returns "?, ?, ..." for n values.
func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// anys converts ids to query arguments.
func anys(ids []string) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// inChunks calls fn with ids split into slices small enough for any
// engine's limit on bound parameters.
func inChunks(ids []string, fn func(chunk []string, placeholders string) error) error {
	const size = 500
	for len(ids) > 0 {
		n := min(size, len(ids))
		if err := fn(ids[:n], strings.TrimSuffix(strings.Repeat("?, ", n), ", ")); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// uniqueIDs returns ids without repeats, in first-seen order.
func uniqueIDs(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// optTime reads a nullable stored time.
func optTime(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMicros(v.Int64)
	return &t
}

// optMicros writes a nullable time in the stored form.
func optMicros(t *time.Time) any {
	if t == nil {
		return nil
	}
	return micros(*t)
}

// isNoRows reports whether err says a single-row query found nothing.
func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// micros converts a time to the stored form: UTC microseconds.
func micros(t time.Time) int64 { return t.UnixMicro() }

// fromMicros converts a stored time back.
func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }
