package catalogfile

import (
	"bytes"
	"encoding/json"
	"math/big"
	"reflect"
	"sort"
)

// FieldChange is one field apply changes: from the server's value to the
// file's (From is nil when the server has none).
type FieldChange struct {
	Field string `json:"field"`
	From  any    `json:"from"`
	To    any    `json:"to"`
}

// toMap is v as JSON data, nulls left out (a field the file leaves out is
// not managed).
func toMap(v any) map[string]any {
	raw, _ := json.Marshal(v)
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var m map[string]any
	d.Decode(&m)
	return dropNulls(m).(map[string]any)
}

func dropNulls(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if e != nil {
				out[k] = dropNulls(e)
			}
		}
		return out
	case []any:
		for i := range x {
			x[i] = dropNulls(x[i])
		}
		return x
	}
	return v
}

// subset tells whether the server's c has every value the file's d sets:
// objects compare field by field, lists element by element and in order;
// exact compares the whole (metadata, where a removed entry counts).
func subset(d, c any, exact bool) bool {
	if exact {
		return equal(d, c)
	}
	switch dv := d.(type) {
	case map[string]any:
		cv, ok := c.(map[string]any)
		if !ok {
			return false
		}
		for k, e := range dv {
			if !subset(e, cv[k], k == "metadata") {
				return false
			}
		}
		return true
	case []any:
		cv, ok := c.([]any)
		if !ok || len(cv) != len(dv) {
			return false
		}
		for i := range dv {
			if !subset(dv[i], cv[i], false) {
				return false
			}
		}
		return true
	}
	return scalarEqual(d, c)
}

// equal is deep equality with numbers compared by value.
func equal(a, b any) bool {
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok {
			return len(av) == 0 && b == nil
		}
		if len(av) != len(bv) {
			return false
		}
		for k := range av {
			if !equal(av[k], bv[k]) {
				return false
			}
		}
		return true
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			return false
		}
		for i := range av {
			if !equal(av[i], bv[i]) {
				return false
			}
		}
		return true
	case nil:
		if m, ok := b.(map[string]any); ok {
			return len(m) == 0
		}
		return b == nil
	}
	return scalarEqual(a, b)
}

func scalarEqual(a, b any) bool {
	an, aok := a.(json.Number)
	bn, bok := b.(json.Number)
	if aok && bok {
		x, ok1 := new(big.Rat).SetString(an.String())
		y, ok2 := new(big.Rat).SetString(bn.String())
		return ok1 && ok2 && x.Cmp(y) == 0
	}
	return reflect.DeepEqual(a, b)
}

// diffFields is the fields of the file's d that the server's c does not
// have, skipping skip (fields planned on their own).
func diffFields(d, c any, skip ...string) []FieldChange {
	var out []FieldChange
	for k, dv := range toMap(d) {
		if k != "key" && !contains(skip, k) {
			out = fieldDiff(out, k, dv, toMap(c)[k])
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

// fieldDiff adds the changes of one field, object fields one by one
// (price.price), so that a plan names exactly what changes.
func fieldDiff(out []FieldChange, path string, d, c any) []FieldChange {
	exact := path == "metadata" || len(path) > 9 && path[len(path)-9:] == ".metadata"
	if subset(d, c, exact) {
		return out
	}
	dm, dok := d.(map[string]any)
	cm, cok := c.(map[string]any)
	if dok && cok && !exact {
		for k, dv := range dm {
			out = fieldDiff(out, path+"."+k, dv, cm[k])
		}
		return out
	}
	return append(out, FieldChange{Field: path, From: c, To: d})
}

// topFields is the top-level fields of changes, once each.
func topFields(fields []FieldChange) []string {
	var out []string
	for _, f := range fields {
		top := f.Field
		for i := range top {
			if top[i] == '.' {
				top = top[:i]
				break
			}
		}
		if !contains(out, top) {
			out = append(out, top)
		}
	}
	return out
}

func contains(l []string, s string) bool {
	for _, e := range l {
		if e == s {
			return true
		}
	}
	return false
}

// overlay is the server's object c with the file's values d put over it:
// what a PATCH sends for a nested object the file sets in part (a price),
// so that what the file leaves out stays as it is.
func overlay[T any](c, d T) T {
	m := toMap(c)
	over(m, toMap(d))
	raw, _ := json.Marshal(m)
	var out T
	json.Unmarshal(raw, &out)
	return out
}

func over(dst, src map[string]any) {
	for k, v := range src {
		if sm, ok := v.(map[string]any); ok && k != "metadata" {
			if dm, ok := dst[k].(map[string]any); ok {
				over(dm, sm)
				continue
			}
		}
		dst[k] = v
	}
}
