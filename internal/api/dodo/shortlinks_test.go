package dodo_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

func TestShortLinksWire(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		a := h.keys["a"]
		p, q := h.create(a, oneTimeBody), h.create(a, oneTimeBody)
		business := h.do("GET", "/products/"+p, a, "").json(t)["business_id"].(string)

		r := h.do("POST", "/products/"+p+"/short_links", a, `{"slug":"Pro_2","static_checkout_params":{"quantity":"2","email":"a@b.c"}}`)
		if r.status != 200 {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		want := fmt.Sprintf(`{"full_url":"http://pricebook.test/buy/%s?email=a%%40b.c\u0026quantity=2","short_url":"http://pricebook.test/s/test/%s/Pro_2"}`, p, business)
		if got := strings.TrimSpace(string(r.body)); got != want {
			t.Errorf("create body\n got %s\nwant %s", got, want)
		}
		if r := h.do("POST", "/products/"+q+"/short_links", a, `{"slug":"team","static_checkout_params":null}`); r.status != 200 {
			t.Fatalf("create without params: %d %s", r.status, r.body)
		}

		// A taken slug, for any product of the tenant: 409, not retried.
		r = h.do("POST", "/products/"+q+"/short_links", a, `{"slug":"Pro_2"}`)
		expect(t, "taken slug", r, 409, "SLUG_ALREADY_TAKEN", "Pro_2")
		if r.header.Get("X-Should-Retry") != "false" {
			t.Errorf("409 without x-should-retry: false: %v", r.header)
		}
		// Slugs are case-sensitive.
		if r := h.do("POST", "/products/"+q+"/short_links", a, `{"slug":"pro_2"}`); r.status != 200 {
			t.Errorf("pro_2 beside Pro_2: %d %s", r.status, r.body)
		}

		expect(t, "unknown product", h.do("POST", "/products/pdt_nope/short_links", a, `{"slug":"nope"}`), 404, "NOT_FOUND", "pdt_nope")
		archived := h.create(a, oneTimeBody)
		h.do("DELETE", "/products/"+archived, a, "")
		expect(t, "archived product", h.do("POST", "/products/"+archived+"/short_links", a, `{"slug":"gone"}`), 410, "PRODUCT_IS_DELETED", "archived")

		before := h.do("GET", "/products/short_links?page_size=100", a, "").body
		for body, mention := range map[string]string{
			`{}`:               "slug: is required",
			`{"slug":null}`:    "slug: is required",
			`{"slug":"ab"}`:    "slug: must be 3 to 64 characters",
			`{"slug":"a/b/c"}`: "slug: must be",
			`{"slug":"` + strings.Repeat("x", 65) + `"}`: "slug: must be",
			`{"slug":7}`: "slug: must be a string",
			`{"slug":"ok1","static_checkout_params":[]}`:                                        "static_checkout_params: must be an object",
			`{"slug":"ok1","static_checkout_params":{"quantity":2}}`:                            "static_checkout_params",
			`{"slug":"ok1","static_checkout_params":{"quantity":"0"}}`:                          "static_checkout_params.quantity: must be a whole number",
			`{"slug":"ok1","static_checkout_params":{"quantity":"02"}}`:                         "static_checkout_params.quantity",
			`{"slug":"ok1","static_checkout_params":{"paymentAmount":"-1"}}`:                    "static_checkout_params.paymentAmount",
			`{"slug":"ok1","static_checkout_params":{"paymentCurrency":"usd"}}`:                 "static_checkout_params.paymentCurrency",
			`{"slug":"ok1","static_checkout_params":{"redirect_url":"javascript:alert(1)"}}`:    "static_checkout_params.redirect_url",
			`{"slug":"ok1","static_checkout_params":{"disableEmail":"yes"}}`:                    "static_checkout_params.disableEmail: must be true or false",
			`{"slug":"ok1","static_checkout_params":{"a b":"x"}}`:                               "static_checkout_params.a b: parameter names",
			`{"static_checkout_params":{"quantity":"0"}}`:                                       "static_checkout_params.quantity",
			`{"slug":"ok1","static_checkout_params":{"x":"` + strings.Repeat("y", 1001) + `"}}`: "static_checkout_params.x: must be at most 1000",
		} {
			expect(t, body, h.do("POST", "/products/"+p+"/short_links", a, body), 422, "INVALID_REQUEST_BODY", mention)
		}
		many := map[string]string{}
		for i := range catalog.MaxCheckoutParams + 1 {
			many[fmt.Sprint("k", i)] = "v"
		}
		b, _ := json.Marshal(map[string]any{"slug": "many", "static_checkout_params": many})
		expect(t, "too many params", h.do("POST", "/products/"+p+"/short_links", a, string(b)), 422, "INVALID_REQUEST_BODY", "at most 50 parameters")
		if after := h.do("GET", "/products/short_links?page_size=100", a, "").body; string(after) != string(before) {
			t.Errorf("rejected creates changed the list")
		}

		// The list: newest first, every key, the product filter, pages.
		var list struct{ Items []map[string]any }
		json.Unmarshal(h.do("GET", "/products/short_links", a, "").body, &list)
		if len(list.Items) != 3 || list.Items[0]["short_url"] != "http://pricebook.test/s/test/"+business+"/pro_2" ||
			list.Items[2]["product_id"] != p || len(list.Items[2]) != 4 || list.Items[2]["created_at"] == "" ||
			list.Items[2]["full_url"] != "http://pricebook.test/buy/"+p+"?email=a%40b.c&quantity=2" {
			t.Errorf("list %+v", list.Items)
		}
		json.Unmarshal(h.do("GET", "/products/short_links?product_id="+q, a, "").body, &list)
		if len(list.Items) != 2 || list.Items[0]["product_id"] != q || list.Items[1]["product_id"] != q {
			t.Errorf("product filter %+v", list.Items)
		}
		json.Unmarshal(h.do("GET", "/products/short_links?page_size=2&page_number=1", a, "").body, &list)
		if len(list.Items) != 1 || list.Items[0]["product_id"] != p {
			t.Errorf("page 1 %+v", list.Items)
		}
		if r := h.do("GET", "/products/short_links?page_number=5", a, ""); strings.TrimSpace(string(r.body)) != `{"items":[]}` {
			t.Errorf("past the end: %s", r.body)
		}
		expect(t, "page_size 101", h.do("GET", "/products/short_links?page_size=101", a, ""), 422, "INVALID_QUERY_PARAMS", "page_size")
		// The list route does not shadow products, nor they it.
		if r := h.do("GET", "/products/"+p, a, ""); r.status != 200 {
			t.Errorf("GET product: %d", r.status)
		}
		// Other partitions see none of them.
		for _, k := range []string{"b", "aLive"} {
			if r := h.do("GET", "/products/short_links", h.keys[k], ""); strings.TrimSpace(string(r.body)) != `{"items":[]}` {
				t.Errorf("key %s lists %s", k, r.body)
			}
			expect(t, "other partition's product", h.do("POST", "/products/"+p+"/short_links", h.keys[k], `{"slug":"mine"}`), 404, "NOT_FOUND", "")
		}

		// The journal holds the link as the list renders it.
		events, err := st.ListEvents(context.Background(), catalog.Tenant{BusinessID: business, Mode: catalog.ModeTest},
			catalog.EventFilter{Type: "short_link.created", Limit: 10})
		if err != nil || len(events.Items) != 3 {
			t.Fatalf("events: %v %d", err, len(events.Items))
		}
		json.Unmarshal(h.do("GET", "/products/short_links", a, "").body, &list)
		var doc map[string]any
		json.Unmarshal(events.Items[0].Data, &doc)
		if fmt.Sprint(doc) != fmt.Sprint(list.Items[0]) {
			t.Errorf("journal %v, list %v", doc, list.Items[0])
		}
	})
}

// TestShortLinkSlugRaceWire: parallel creates of one slug through the
// face: one 200, the rest 409 SLUG_ALREADY_TAKEN.
func TestShortLinkSlugRaceWire(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		a := h.keys["a"]
		p := h.create(a, oneTimeBody)
		const n = 10
		codes := make([]int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				codes[i] = h.do("POST", "/products/"+p+"/short_links", a, `{"slug":"race"}`).status
			}()
		}
		wg.Wait()
		won := 0
		for _, c := range codes {
			switch c {
			case 200:
				won++
			case 409:
			default:
				t.Errorf("status %d", c)
			}
		}
		if won != 1 {
			t.Errorf("%d winners: %v", won, codes)
		}
	})
}
