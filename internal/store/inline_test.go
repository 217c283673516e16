package store

import (
	"reflect"
	"testing"
)

func TestInlinePage(t *testing.T) {
	for _, c := range []struct {
		q     string
		args  []any
		wantQ string
		wantA []any
	}{
		{"SELECT 1 WHERE a = $1 ORDER BY x LIMIT $2 OFFSET $3", []any{"a", 10, 20}, "SELECT 1 WHERE a = $1 ORDER BY x LIMIT 10 OFFSET 20", []any{"a"}},
		{"SELECT * FROM (SELECT x FROM t WHERE a = $1 LIMIT $2 OFFSET $3) pg JOIN u ON true", []any{"a", 100, int64(0)}, "SELECT * FROM (SELECT x FROM t WHERE a = $1 LIMIT 100 OFFSET 0) pg JOIN u ON true", []any{"a"}},
		{"SELECT 1 WHERE a = $1 LIMIT $2", []any{"a", 11}, "SELECT 1 WHERE a = $1 LIMIT 11", []any{"a"}},
		// Not the last parameters, or not integers: left alone.
		{"SELECT 1 LIMIT $1 OFFSET $2 WHERE a = $3", []any{1, 2, "a"}, "SELECT 1 LIMIT $1 OFFSET $2 WHERE a = $3", []any{1, 2, "a"}},
		{"SELECT 1 WHERE a = $1 LIMIT $2", []any{"a", "11; DROP TABLE t"}, "SELECT 1 WHERE a = $1 LIMIT $2", []any{"a", "11; DROP TABLE t"}},
		{"SELECT 1 WHERE a = $1", []any{"a"}, "SELECT 1 WHERE a = $1", []any{"a"}},
	} {
		q, a := inlinePage(c.q, c.args)
		if q != c.wantQ || !reflect.DeepEqual(a, c.wantA) {
			t.Errorf("inlinePage(%q, %v) = %q, %v; want %q, %v", c.q, c.args, q, a, c.wantQ, c.wantA)
		}
	}
}
