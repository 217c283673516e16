package store

import (
	"context"
	"strings"

	"github.com/pricebook/pricebook/internal/catalog"
)

// listQuery builds a newest-first keyset list: a base SELECT, the tenant
// and filter conditions, then the page.
type listQuery struct {
	where strings.Builder
	args  []any
}

// cond adds one condition with its arguments.
func (l *listQuery) cond(sql string, args ...any) {
	l.where.WriteString(" AND ")
	l.where.WriteString(sql)
	l.args = append(l.args, args...)
}

// page returns the query text and arguments for one page after p.After of
// the rows selected by selectFrom (which ends in a WHERE with a first
// condition), ordered by createdCol, idCol descending. It fetches one row
// more than the limit, so the caller learns whether more follow without a
// second query. The row-value comparison is what both engines turn into a
// range scan of an index ending in (created_at DESC, id DESC).
func (l *listQuery) page(selectFrom, createdCol, idCol string, p catalog.PageRequest) (string, []any) {
	q := selectFrom + l.where.String()
	args := append([]any(nil), l.args...)
	if p.After != nil {
		q += " AND (" + createdCol + ", " + idCol + ") < (?, ?)"
		args = append(args, micros(p.After.CreatedAt), p.After.ID)
	}
	q += " ORDER BY " + createdCol + " DESC, " + idCol + " DESC LIMIT ?"
	return q, append(args, p.Limit+1)
}

// total counts the rows of countFrom (a SELECT COUNT(*) ... WHERE with a
// first condition) under the filter conditions, or returns -1 when the
// page did not ask for it.
func (l *listQuery) total(ctx context.Context, t *tx, countFrom string, p catalog.PageRequest) (int, error) {
	if !p.WithTotal {
		return -1, nil
	}
	var n int
	err := t.queryRow(ctx, countFrom+l.where.String(), l.args...).Scan(&n)
	return n, err
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
