// Package httpxtest helps the faces' tests feed requests bad text.
package httpxtest

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
)

// Variant is a body with one string made bad, and the path a face must
// name for it (as httpx.BadJSONText names paths).
type Variant struct {
	Path string
	Body string
}

// BadBytes are what Variants put into strings: a NUL as JSON sends it,
// and raw bytes that are not UTF-8 (a stray continuation byte, an
// overlong "/").
var BadBytes = []struct{ Raw, Decoded string }{
	{`\u0000`, "\x00"},
	{"\xff", "\xff"},
	{"\xc0\xaf", "\xc0\xaf"},
}

// marker stands for the bad bytes until the body is encoded.
const marker = "BADTEXTMARKER"

// Variants returns, for every string of the JSON object body (each key
// and each value, at any depth), one variant per BadBytes entry with the
// bad bytes put in front of that string's text. body must be valid JSON;
// objects come out with sorted keys, numbers exactly as sent.
func Variants(body string) []Variant {
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var root any
	if err := dec.Decode(&root); err != nil {
		panic("httpxtest: seed body is not JSON: " + err.Error())
	}
	type site struct {
		path string
		key  *string // the key made bad, nil for a value
		enc  []byte  // the document with the string marked
	}
	var sites []site
	snap := func(path string, key *string) {
		enc, err := json.Marshal(root)
		if err != nil {
			panic(err)
		}
		sites = append(sites, site{path, key, enc})
	}
	// walk visits v at path; set replaces v in the document.
	var walk func(v any, path string, set func(any))
	walk = func(v any, path string, set func(any)) {
		switch t := v.(type) {
		case string:
			set(marker + t)
			snap(path, nil)
			set(t)
		case []any:
			for i := range t {
				walk(t[i], path+"["+strconv.Itoa(i)+"]", func(n any) { t[i] = n })
			}
		case map[string]any:
			keys := make([]string, 0, len(t))
			for k := range t {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				val := t[k]
				delete(t, k)
				t[marker+k] = val
				snap(path, &k)
				delete(t, marker+k)
				t[k] = val
				p := k
				if path != "" {
					p = path + "." + k
				}
				walk(val, p, func(n any) { t[k] = n })
			}
		}
	}
	walk(root, "", func(n any) { root = n })

	var out []Variant
	for _, s := range sites {
		for _, b := range BadBytes {
			v := Variant{Path: s.path, Body: string(bytes.Replace(s.enc, []byte(marker), []byte(b.Raw), 1))}
			if s.key != nil {
				// A key is named as decoded: each invalid byte a U+FFFD.
				v.Path += "[" + strconv.Quote(string([]rune(b.Decoded+*s.key))) + "]"
			}
			out = append(out, v)
		}
	}
	return out
}
