package store

import (
	"context"
	"strings"

	"github.com/pricebook/pricebook/internal/catalog"
)

// Every list is one use case of the form
//
//	func (s *Store) ListX(ctx, tn, f catalog.XFilter) (catalog.List[T], error)
//
// built from a listQuery: the filter's conditions, then readList with the
// page the filter carries (catalog.Page: by offset or after a keyset). The
// order is always newest first by (created_at, id), which an index ending
// in those columns serves for every filter.

// listQuery is a list's conditions and their arguments.
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

// listOf names what a list reads: selectFrom and countFrom are a SELECT
// and a SELECT COUNT(*), each ending in a WHERE with a first condition the
// listQuery's conditions follow; created and id are the order columns.
type listOf struct {
	selectFrom, countFrom string
	created, id           string
}

// page returns the query text and arguments for page p of the rows of
// from. A sized page fetches one row more than it holds, so the caller
// learns whether more follow without a second query. The row-value
// comparison is what both engines turn into a range scan of an index
// ending in (created_at DESC, id DESC).
func (l *listQuery) page(from listOf, p catalog.Page) (string, []any) {
	q := from.selectFrom + l.where.String()
	args := append([]any(nil), l.args...)
	if p.After != nil {
		q += " AND (" + from.created + ", " + from.id + ") < (?, ?)"
		args = append(args, micros(p.After.CreatedAt), p.After.ID)
	}
	q += " ORDER BY " + from.created + " DESC, " + from.id + " DESC"
	switch {
	case p.Size <= 0:
	case p.After != nil || p.Number == 0:
		q += " LIMIT ?"
		args = append(args, p.Size+1)
	default:
		q += " LIMIT ? OFFSET ?"
		args = append(args, p.Size+1, p.Offset())
	}
	return q, args
}

// readList reads page p of from under l's conditions in t, scanning each
// row with scan, and counts the whole list when p asks for it.
func readList[T any](ctx context.Context, t *tx, l *listQuery, from listOf, p catalog.Page, scan func(scanner) (T, error)) (catalog.List[T], error) {
	q, args := l.page(from, p)
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return catalog.List[T]{}, err
	}
	out, err := scanPage(rows, p, scan)
	rows.Close()
	if err == nil && p.WithTotal {
		err = t.queryRow(ctx, from.countFrom+l.where.String(), l.args...).Scan(&out.Total)
	}
	return out, err
}

// list is readList as a use case of its own: one statement on the read
// pool, or one snapshot when the page asks for the total too.
func list[T any](ctx context.Context, s *Store, l *listQuery, from listOf, p catalog.Page, scan func(scanner) (T, error)) (catalog.List[T], error) {
	var out catalog.List[T]
	if p.WithTotal {
		err := s.db.read(ctx, func(ctx context.Context, t *tx) error {
			var err error
			out, err = readList(ctx, t, l, from, p, scan)
			return err
		})
		return out, err
	}
	q, args := l.page(from, p)
	rows, err := s.db.query(ctx, q, args...)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	return scanPage(rows, p, scan)
}

// scanPage scans the rows of a page query and trims its look-ahead row.
func scanPage[T any](rows interface {
	scanner
	Next() bool
	Err() error
}, p catalog.Page, scan func(scanner) (T, error)) (catalog.List[T], error) {
	out := catalog.List[T]{Items: make([]T, 0, max(p.Size+1, 0)), Total: -1}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return out, err
		}
		out.Items = append(out.Items, v)
	}
	if p.Size > 0 && len(out.Items) > p.Size {
		out.Items, out.More = out.Items[:p.Size], true
	}
	return out, rows.Err()
}
