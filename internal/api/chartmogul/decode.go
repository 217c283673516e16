package chartmogul

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
)

// body is a decoded JSON object body, key by key, so handlers can tell an
// absent key from a null one and ignore keys they do not know.
type body map[string]json.RawMessage

// readBody decodes the request body as a JSON object. An empty body is an
// empty object: clients send none on some writes. Anything else that is
// not a JSON object is a 400.
func readBody(r *http.Request) (body, error) {
	raw, err := httpx.ReadBody(r)
	if err != nil {
		return nil, err
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return body{}, nil
	}
	if raw[0] != '{' {
		return nil, badRequest("", "Request body must be a JSON object")
	}
	if httpx.JSONTooDeep(raw, httpx.MaxJSONDepth) {
		return nil, badRequest("", fmt.Sprintf("Request body nests deeper than %d levels", httpx.MaxJSONDepth))
	}
	if path, bad := httpx.BadJSONText(raw); bad {
		var pr catalog.Problems
		pr.Add(path, "must be valid UTF-8 text without NUL characters")
		return nil, pr.Err()
	}
	var b body
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&b); err != nil {
		return nil, badRequest("", "Request body is not valid JSON: "+err.Error())
	}
	if dec.More() {
		return nil, badRequest("", "Request body must hold a single JSON object")
	}
	return b, nil
}

// state says what a body held for a key.
type state int

const (
	absent state = iota // no such key
	null                // the key with null
	value               // the key with a value of the wanted type
	wrong               // the key with a value of another type
)

// sent reports whether the key carried a value other than null.
func (s state) sent() bool { return s == value || s == wrong }

func (b body) state(key string) state {
	raw, ok := b[key]
	switch {
	case !ok:
		return absent
	case string(raw) == "null":
		return null
	}
	return value
}

// str reads a string field.
func (b body) str(key string) (string, state) {
	st := b.state(key)
	if st != value {
		return "", st
	}
	var s string
	if err := json.Unmarshal(b[key], &s); err != nil {
		return "", wrong
	}
	return s, value
}

// integer reads an integer field. A string of digits counts too, as the
// vendor's Rails backend coerces it.
func (b body) integer(key string) (int64, state) {
	st := b.state(key)
	if st != value {
		return 0, st
	}
	text := string(b[key])
	if s, ok := b.str(key); ok == value {
		text = strings.TrimSpace(s)
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return 0, wrong
	}
	return n, value
}

// strs reads an array of strings.
func (b body) strs(key string) ([]string, state) {
	st := b.state(key)
	if st != value {
		return nil, st
	}
	var out []string
	if err := json.Unmarshal(b[key], &out); err != nil {
		return nil, wrong
	}
	return out, value
}

// usableID reports whether s can name a stored object at all; anything
// else cannot exist, and must not reach the database (PostgreSQL rejects
// NUL and invalid UTF-8 in text).
func usableID(s string) bool {
	return s != "" && len(s) <= 255 && utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// usableIDs drops the ids that cannot exist.
func usableIDs(ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if usableID(id) {
			out = append(out, id)
		}
	}
	return out
}
