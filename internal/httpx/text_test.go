package httpx_test

import (
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/pricebook/pricebook/internal/httpx"
	"github.com/pricebook/pricebook/internal/httpx/httpxtest"
)

func TestBadJSONText(t *testing.T) {
	for body, want := range map[string]string{
		`{"name":"a\u0000"}`:                                   "name",
		"{\"name\":\"a\xff\"}":                                 "name",
		"{\"a\":1,\"b\":[true,null,\"x\",\"\xc0\xaf\"]}":       "b[3]",
		`{"metadata":{"ok":"v","k":"\u0000"}}`:                 "metadata.k",
		"{\"metadata\":{\"k\xff\":\"v\"}}":                     "metadata[\"k\uFFFD\"]",
		`{"metadata":{"\u0000":1}}`:                            `metadata["\x00"]`,
		`{"price":{"meters":[{},{"x":[[1],{"v":"\u0000"}]}]}}`: "price.meters[1].x[1].v",
		`{"a":{"b":{}},"c":[{"d":"\u0000"}]}`:                  "c[0].d",
		`["\u0000"]`:                                           "[0]",
	} {
		if got, bad := httpx.BadJSONText([]byte(body)); !bad || got != want {
			t.Errorf("%q: %q %v, want %q", body, got, bad, want)
		}
	}
	for _, body := range []string{`{}`, `{"name":"é \ufffd \ud800 \\u0000"}`, `{"\\u0000":"\\\\u0000"}`,
		"{\"a\":\xff}", `{"a":1.5e400}`, ``} {
		if got, bad := httpx.BadJSONText([]byte(body)); bad {
			t.Errorf("%q: flagged %q", body, got)
		}
	}
	// Every string of a body, keys included, at any depth, is found.
	seed := `{"name":"P","metadata":{"a":"b","n":1.50},"price":{"meters":[{"meter_id":"m","filter":{"clauses":[{"key":"k","value":"v"},{"value":["x",2]}]}}]},"tags":["t1","t2"]}`
	variants := httpxtest.Variants(seed)
	if len(variants) < 3*16 {
		t.Fatalf("%d variants", len(variants))
	}
	for _, v := range variants {
		if got, bad := httpx.BadJSONText([]byte(v.Body)); !bad || got != v.Path {
			t.Errorf("%q: %q %v, want %q", v.Body, got, bad, v.Path)
		}
	}
}

func TestBadQueryText(t *testing.T) {
	for raw, want := range map[string]string{"a=1&b=%00": "b", "z=%ff&a=%c0%af": "a", "%ff=1": `"\xff"`, "b=1&b=%00": "b"} {
		q, _ := url.ParseQuery(raw)
		if got, bad := httpx.BadQueryText(q); !bad || got != want {
			t.Errorf("%s: %q %v, want %q", raw, got, bad, want)
		}
	}
	q, _ := url.ParseQuery("a=%C3%A9&b=")
	if got, bad := httpx.BadQueryText(q); bad {
		t.Errorf("good query flagged %q", got)
	}
}

func TestWildcards(t *testing.T) {
	got := httpx.Wildcards("PATCH /product-collections/{id}/groups/{group_id}/items/{item_id}")
	want := []httpx.Wildcard{{"id", "product-collections"}, {"group_id", "groups"}, {"item_id", "items"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%v", got)
	}
	if got := httpx.Wildcards("GET /products"); got != nil {
		t.Errorf("%v", got)
	}
}

func TestLooksLikeKey(t *testing.T) {
	for s, want := range map[string]bool{"pb_test_0123456789abcdef_0123456789ABCDEF0123456789abcdef": true,
		"": false, "pb_test_\xff": false, "pb\x00": false, "a b": false, "pb-test": false, strings.Repeat("a", 129): false} {
		if httpx.LooksLikeKey(s) != want {
			t.Errorf("%q: %v", s, !want)
		}
	}
}

func TestCheckIdempotencyKey(t *testing.T) {
	for key, ok := range map[string]bool{"": true, "k1": true, "a b": true, "ключ-1": true,
		"\xff": false, "a\x00": false, "\x01": false, "tab\t": false, "\u200b": false} {
		r := httptest.NewRequest("POST", "/", nil)
		r.Header.Set("Idempotency-Key", key)
		if err := httpx.CheckIdempotencyKey(r); (err == nil) != ok {
			t.Errorf("%q: %v", key, err)
		}
	}
}
