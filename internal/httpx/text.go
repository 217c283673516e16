package httpx

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text that reaches the store must be valid UTF-8 without NUL: PostgreSQL
// refuses anything else in text (a 500 the clients would retry), and
// SQLite would keep it and answer with bodies that are not JSON. The
// checks below reject such input where it enters, the same on both
// engines, so that nothing below a face ever sees it.

// ValidText reports whether s is valid UTF-8 and holds no NUL.
func ValidText(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// BadJSONText returns the path of the first string in body, object key or
// value, that is not ValidText: invalid UTF-8 as raw bytes or a NUL sent
// as \u0000. Paths look like "price.meters[0].filter.clauses[1].value";
// a bad key is named quoted after its object, as decoded (each invalid
// byte a U+FFFD, NUL as \x00): `metadata["k\x00"]`. It reports false
// when every string before the first syntax error, if any, is good: the
// caller's decoder reports syntax errors in its own words.
func BadJSONText(body []byte) (path string, bad bool) {
	if utf8.Valid(body) && !bytes.Contains(body, []byte(`\u0000`)) {
		return "", false
	}
	type frame struct {
		array   bool
		index   int    // of the current element, in an array
		key     string // the current key, in an object
		wantKey bool   // the next string is a key
	}
	var stack []frame
	render := func(badKey *string) string {
		var b strings.Builder
		for _, f := range stack[:len(stack)-1] {
			writeStep(&b, f.array, f.index, f.key)
		}
		if top := stack[len(stack)-1]; badKey == nil {
			writeStep(&b, top.array, top.index, top.key)
		} else {
			b.WriteString("[" + strconv.Quote(*badKey) + "]")
		}
		return b.String()
	}
	// done moves the innermost container past a finished value.
	done := func() {
		if n := len(stack); n > 0 {
			if stack[n-1].array {
				stack[n-1].index++
			} else {
				stack[n-1].wantKey = true
			}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	prev := int64(0)
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", false
		}
		// Between the previous token's end and this one's there are only
		// ASCII separators, so the raw bytes are valid exactly when the
		// string's are (the decoder itself replaces bad bytes by U+FFFD).
		raw := body[prev:dec.InputOffset()]
		prev = dec.InputOffset()
		switch t := tok.(type) {
		case json.Delim:
			if t == '{' || t == '[' {
				stack = append(stack, frame{array: t == '[', wantKey: t == '{'})
				continue
			}
			stack = stack[:len(stack)-1]
		case string:
			isKey := len(stack) > 0 && !stack[len(stack)-1].array && stack[len(stack)-1].wantKey
			if !utf8.Valid(raw) || strings.IndexByte(t, 0) >= 0 {
				switch {
				case len(stack) == 0:
					return "", true
				case isKey:
					return render(&t), true
				}
				return render(nil), true
			}
			if isKey {
				stack[len(stack)-1].key, stack[len(stack)-1].wantKey = t, false
				continue
			}
		}
		done()
	}
}

func writeStep(b *strings.Builder, array bool, index int, key string) {
	switch {
	case array:
		b.WriteString("[" + strconv.Itoa(index) + "]")
	case b.Len() > 0:
		b.WriteString("." + key)
	default:
		b.WriteString(key)
	}
}

// BadQueryText returns the name of the first query parameter, in name
// order, whose name or any value is not ValidText; a bad name is given
// quoted.
func BadQueryText(q url.Values) (name string, bad bool) {
	names := make([]string, 0, len(q))
	for k := range q {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if !ValidText(k) {
			return strconv.Quote(k), true
		}
		for _, v := range q[k] {
			if !ValidText(v) {
				return k, true
			}
		}
	}
	return "", false
}

// Wildcard is one {name} of a route pattern and the literal segment
// before it ("products" for "GET /products/{id}"), which says what the
// value names.
type Wildcard struct {
	Name, After string
}

// Wildcards lists the wildcards of a ServeMux pattern, in order.
func Wildcards(pattern string) []Wildcard {
	if _, path, ok := strings.Cut(pattern, " "); ok {
		pattern = path
	}
	var out []Wildcard
	prev := ""
	for _, seg := range strings.Split(pattern, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			name := strings.TrimSuffix(strings.TrimSuffix(seg[1:len(seg)-1], "..."), "$")
			if name != "" {
				out = append(out, Wildcard{Name: name, After: prev})
			}
		}
		prev = seg
	}
	return out
}

// BadPathText returns the first of ws whose value in r is not ValidText.
func BadPathText(r *http.Request, ws []Wildcard) (Wildcard, bool) {
	for _, w := range ws {
		if !ValidText(r.PathValue(w.Name)) {
			return w, true
		}
	}
	return Wildcard{}, false
}

// maxKeyLen bounds what can be an API key at all.
const maxKeyLen = 128

// LooksLikeKey reports whether s could be an API key: 1 to 128 ASCII
// letters, digits and underscores, the only characters of the keys the
// store issues (prefix, mode and base62 parts joined by "_"). Anything
// else cannot authenticate, so it is refused without asking the database.
func LooksLikeKey(s string) bool {
	if s == "" || len(s) > maxKeyLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_') {
			return false
		}
	}
	return true
}

// ErrIdempotencyKeyText refuses an Idempotency-Key that is not printable
// UTF-8 text.
var ErrIdempotencyKeyText = &Error{Status: http.StatusBadRequest, Reason: IdempotencyKeyInvalid,
	Message: "Idempotency-Key must be printable UTF-8 text"}

// CheckIdempotencyKey returns ErrIdempotencyKeyText when r carries an
// Idempotency-Key with invalid UTF-8 or a character that is not printable
// (controls, NUL); the key is stored, so it must be text. Call it before
// Idempotent.
func CheckIdempotencyKey(r *http.Request) error {
	key := r.Header.Get("Idempotency-Key")
	if !utf8.ValidString(key) {
		return ErrIdempotencyKeyText
	}
	for _, c := range key {
		if !unicode.IsPrint(c) {
			return ErrIdempotencyKeyText
		}
	}
	return nil
}
