package dodo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
)

// msgBadText is the problem of a string that is not httpx.ValidText.
const msgBadText = "must be valid UTF-8 text without NUL characters"

// invalid returns a 422 error for the generic reason Invalid.
func invalid(format string, args ...any) error {
	return catalog.Errorf(catalog.KindInvalid, catalog.Invalid, format, args...)
}

// decodeInto reads a JSON object body into v, for requests where absent
// and null mean the same (creates): one decoding pass instead of two.
func decodeInto(r *http.Request, v any) error {
	_, err := decode(r, v, false)
	return err
}

// decodeBody reads a JSON object body into v and reports which top-level
// keys were present (and which were null), for PATCH semantics. Unknown
// fields are ignored, as the real API's deserializer does.
func decodeBody(r *http.Request, v any) (present map[string]json.RawMessage, err error) {
	return decode(r, v, true)
}

func decode(r *http.Request, v any, withPresent bool) (present map[string]json.RawMessage, err error) {
	body, err := httpx.ReadBody(r)
	if err != nil {
		return nil, err
	}
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, invalid("request body is required: a JSON object")
	}
	if body[0] != '{' {
		return nil, invalid("request body must be a JSON object")
	}
	if httpx.JSONTooDeep(body, httpx.MaxJSONDepth) {
		return nil, invalid("request body nests deeper than %d levels", httpx.MaxJSONDepth)
	}
	if path, bad := httpx.BadJSONText(body); bad {
		return nil, invalid("%s: %s", path, msgBadText)
	}
	if withPresent {
		if err := json.Unmarshal(body, &present); err != nil {
			return nil, jsonError(err)
		}
	}
	if err := json.Unmarshal(body, v); err != nil {
		return nil, jsonError(err)
	}
	return present, nil
}

// jsonError turns a decoding error into a 422 naming the field.
func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return invalid("malformed JSON at byte %d: %s", syn.Offset, syn.Error())
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return invalid("%s: must be %s, got %s", field, jsonKind(typ.Type.Kind().String()), typ.Value)
	case errors.Is(err, httpx.ErrBodyTooLarge):
		return err
	}
	return invalid("malformed JSON: %s", err.Error())
}

func jsonKind(goKind string) string {
	switch goKind {
	case "int64", "int", "int32":
		return "an integer"
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	case "slice":
		return "an array"
	case "struct", "map":
		return "an object"
	}
	return "of another type"
}

// isNull reports whether a present key was sent as JSON null.
func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

// query reads list parameters. Empty values count as absent, since the
// Node SDK sends null as "key=".
type query struct {
	v   url.Values
	err error
}

func (q *query) fail(name, format string, args ...any) {
	if q.err == nil {
		q.err = catalog.Errorf(catalog.KindInvalid, catalog.InvalidFilter, "%s: %s", name, fmt.Sprintf(format, args...))
	}
}

func (q *query) str(name string) string { return q.v.Get(name) }

func (q *query) boolean(name string) *bool {
	s := q.v.Get(name)
	if s == "" {
		return nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil || (s != "true" && s != "false") {
		q.fail(name, "must be true or false")
		return nil
	}
	return &b
}

func (q *query) integer(name string, def, min, max int) int {
	s := q.v.Get(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < min || n > max {
		q.fail(name, "must be an integer from %d to %d", min, max)
		return def
	}
	return n
}

// MaxPageSize is the largest page a list returns.
const MaxPageSize = 100

func (q *query) page() catalog.Page {
	return catalog.Page{
		Size:   q.integer("page_size", 10, 0, MaxPageSize),
		Number: q.integer("page_number", 0, 0, 1<<31-1),
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
