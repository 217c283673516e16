package dodo_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// localizedProduct creates a USD one-time product with the pricing mode
// ("" for none) and returns its id.
func (h *harness) localizedProduct(key, mode string) string {
	h.t.Helper()
	pm := ""
	if mode != "" {
		pm = `"pricing_mode":"` + mode + `",`
	}
	return h.create(key, `{"name":"L",`+pm+`"price":{"type":"one_time_price","currency":"USD","price":1000},"tax_category":"saas"}`)
}

func lpPath(product string, id ...string) string {
	p := "/products/" + product + "/localized-prices"
	if len(id) > 0 {
		p += "/" + id[0]
	}
	return p
}

// TestLocalizedPricesWire: the shapes, status codes and error codes of
// endpoints #11-#15 (spec 6.10), on both engines.
func TestLocalizedPricesWire(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		key := h.keys["a"]
		byCurrency, byCountry, none := h.localizedProduct(key, "by_currency"), h.localizedProduct(key, "by_country"), h.localizedProduct(key, "")
		pwyw := h.create(key, `{"name":"Tip","pricing_mode":"by_currency","price":{"type":"one_time_price","currency":"USD","price":100,"pay_what_you_want":true},"tax_category":"saas"}`)

		r := h.do("POST", lpPath(byCurrency), key, `{"amount":900,"currency":"EUR"}`)
		if r.status != 200 {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		eur := r.json(t)
		var keys []string
		for k := range eur {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if got := strings.Join(keys, " "); got != "amount country_code created_at currency id mode product_id updated_at" {
			t.Errorf("keys: %s", got)
		}
		id := eur["id"].(string)
		if !strings.HasPrefix(id, "lcp_") || eur["amount"] != 900.0 || eur["currency"] != "EUR" || eur["mode"] != "by_currency" ||
			eur["country_code"] != nil || eur["product_id"] != byCurrency {
			t.Errorf("created: %s", r.body)
		}
		de := h.do("POST", lpPath(byCountry), key, `{"amount":950,"currency":"EUR","country_code":"DE"}`)
		if de.status != 200 || de.json(t)["country_code"] != "DE" || de.json(t)["mode"] != "by_country" {
			t.Errorf("by_country create: %d %s", de.status, de.body)
		}

		for _, c := range []struct {
			what, product, body string
			status              int
			code, mention       string
		}{
			{"second EUR", byCurrency, `{"amount":800,"currency":"EUR"}`, 409, "LOCALIZED_PRICE_ALREADY_EXISTS", "EUR"},
			{"second DE", byCountry, `{"amount":1,"currency":"USD","country_code":"DE"}`, 409, "LOCALIZED_PRICE_ALREADY_EXISTS", "DE"},
			{"base currency", byCurrency, `{"amount":800,"currency":"USD"}`, 422, "LOCALIZED_PRICE_DUPLICATES_BASE", "currency"},
			{"no pricing mode", none, `{"amount":800,"currency":"EUR"}`, 422, "PRODUCT_PRICING_MODE_REQUIRED", "pricing_mode"},
			{"country in by_currency", byCurrency, `{"amount":800,"currency":"GBP","country_code":"GB"}`, 422, "LOCALIZED_PRICE_SHAPE_MISMATCH", "country_code"},
			{"no country in by_country", byCountry, `{"amount":800,"currency":"GBP"}`, 422, "LOCALIZED_PRICE_SHAPE_MISMATCH", "country_code"},
			{"null country in by_country", byCountry, `{"amount":800,"currency":"GBP","country_code":null}`, 422, "LOCALIZED_PRICE_SHAPE_MISMATCH", "country_code"},
			{"pay what you want", pwyw, `{"amount":800,"currency":"EUR"}`, 422, "LOCALIZED_PRICE_NOT_APPLICABLE", "pay-what-you-want"},
			{"zero amount", byCurrency, `{"amount":0,"currency":"GBP"}`, 422, "INVALID_REQUEST_BODY", "amount"},
			{"negative amount", byCurrency, `{"amount":-5,"currency":"GBP"}`, 422, "INVALID_REQUEST_BODY", "amount"},
			{"too large", byCurrency, `{"amount":2147483648,"currency":"GBP"}`, 422, "INVALID_REQUEST_BODY", "amount"},
			{"fraction", byCurrency, `{"amount":1.5,"currency":"GBP"}`, 422, "INVALID_REQUEST_BODY", "amount"},
			{"string amount", byCurrency, `{"amount":"5","currency":"GBP"}`, 422, "INVALID_REQUEST_BODY", "amount"},
			{"no amount", byCurrency, `{"currency":"GBP"}`, 422, "INVALID_REQUEST_BODY", "amount: is required"},
			{"no currency", byCurrency, `{"amount":5}`, 422, "INVALID_REQUEST_BODY", "currency: is required"},
			{"lowercase currency", byCurrency, `{"amount":5,"currency":"gbp"}`, 422, "INVALID_REQUEST_BODY", "currency"},
			{"unknown currency", byCurrency, `{"amount":5,"currency":"XXX"}`, 422, "INVALID_REQUEST_BODY", "currency"},
			{"unknown country", byCountry, `{"amount":5,"currency":"EUR","country_code":"XX"}`, 422, "INVALID_REQUEST_BODY", "country_code"},
			{"number country", byCountry, `{"amount":5,"currency":"EUR","country_code":49}`, 422, "INVALID_REQUEST_BODY", "country_code"},
			{"no body", byCurrency, ``, 422, "INVALID_REQUEST_BODY", "body"},
			{"array body", byCurrency, `[]`, 422, "INVALID_REQUEST_BODY", "object"},
			{"unknown product", "pdt_nope", `{"amount":5,"currency":"GBP"}`, 404, "NOT_FOUND", ""},
		} {
			r := h.do("POST", lpPath(c.product), key, c.body)
			expect(t, c.what, r, c.status, c.code, c.mention)
			if r.status == 409 && r.header.Get("X-Should-Retry") != "false" {
				t.Errorf("%s: 409 without x-should-retry: false", c.what)
			}
		}
		// Both problems of a body at once.
		expect(t, "every problem", h.do("POST", lpPath(byCurrency), key, `{"amount":0,"currency":"x"}`), 422, "INVALID_REQUEST_BODY", "currency")
		expect(t, "every problem", h.do("POST", lpPath(byCurrency), key, `{"amount":0,"currency":"x"}`), 422, "INVALID_REQUEST_BODY", "amount")

		// List: active rules only, {items}, not paginated.
		list := h.do("GET", lpPath(byCurrency)+"?page_size=1", key, "")
		var l struct{ Items []map[string]any }
		json.Unmarshal(list.body, &l)
		if list.status != 200 || len(l.Items) != 1 || l.Items[0]["id"] != id {
			t.Errorf("list: %d %s", list.status, list.body)
		}
		expect(t, "list of an unknown product", h.do("GET", lpPath("pdt_nope"), key, ""), 404, "NOT_FOUND", "")
		if r := h.do("GET", lpPath(none), key, ""); r.status != 200 || strings.TrimSpace(string(r.body)) != `{"items":[]}` {
			t.Errorf("empty list: %d %s", r.status, r.body)
		}

		// Get and PATCH.
		if r := h.do("GET", lpPath(byCurrency, id), key, ""); r.status != 200 || r.json(t)["amount"] != 900.0 {
			t.Errorf("get: %d %s", r.status, r.body)
		}
		expect(t, "get under another product", h.do("GET", lpPath(byCountry, id), key, ""), 404, "NOT_FOUND", "")
		up := h.do("PATCH", lpPath(byCurrency, id), key, `{"amount":850}`)
		if up.status != 200 || up.json(t)["amount"] != 850.0 || up.json(t)["currency"] != "EUR" || up.json(t)["created_at"] != eur["created_at"] {
			t.Errorf("patch: %d %s", up.status, up.body)
		}
		for _, c := range []struct{ what, body, mention string }{
			{"zero", `{"amount":0}`, "amount"},
			{"fraction", `{"amount":8.5}`, "amount"},
			{"currency", `{"amount":1,"currency":"GBP"}`, "currency: cannot be changed"},
			{"country", `{"country_code":"DE"}`, "country_code: cannot be changed"},
		} {
			expect(t, "patch "+c.what, h.do("PATCH", lpPath(byCurrency, id), key, c.body), 422, "INVALID_REQUEST_BODY", c.mention)
		}
		for _, body := range []string{`{}`, `{"amount":null}`} {
			if r := h.do("PATCH", lpPath(byCurrency, id), key, body); r.status != 200 || r.json(t)["amount"] != 850.0 {
				t.Errorf("patch %s: %d %s", body, r.status, r.body)
			}
		}
		expect(t, "patch unknown", h.do("PATCH", lpPath(byCurrency, "lcp_nope"), key, `{"amount":1}`), 404, "NOT_FOUND", "")

		// Archive: 200 with no body, idempotent; then GET and PATCH 404.
		for range 2 {
			if r := h.do("DELETE", lpPath(byCurrency, id), key, ""); r.status != 200 || len(r.body) != 0 {
				t.Errorf("archive: %d %q", r.status, r.body)
			}
		}
		expect(t, "get archived", h.do("GET", lpPath(byCurrency, id), key, ""), 404, "NOT_FOUND", "")
		expect(t, "patch archived", h.do("PATCH", lpPath(byCurrency, id), key, `{"amount":1}`), 404, "NOT_FOUND", "")
		expect(t, "archive unknown", h.do("DELETE", lpPath(byCurrency, "lcp_nope"), key, ""), 404, "NOT_FOUND", "")
		if r := h.do("GET", lpPath(byCurrency), key, ""); strings.TrimSpace(string(r.body)) != `{"items":[]}` {
			t.Errorf("list after archive: %s", r.body)
		}
		if r := h.do("POST", lpPath(byCurrency), key, `{"amount":700,"currency":"EUR"}`); r.status != 200 {
			t.Errorf("EUR again after the archive: %d %s", r.status, r.body)
		}

		// An archived product: no new rules (410 as its PATCH), reads work.
		h.do("DELETE", "/products/"+byCountry, key, "")
		expect(t, "create on archived product", h.do("POST", lpPath(byCountry), key, `{"amount":1,"currency":"EUR","country_code":"FR"}`), 410, "PRODUCT_IS_DELETED", "")
		if r := h.do("GET", lpPath(byCountry), key, ""); r.status != 200 {
			t.Errorf("list of archived product: %d %s", r.status, r.body)
		}
	})
}

// TestPricingModePatchArchivesRules: PATCH /products/{id} with another
// pricing_mode, null, or a pay-what-you-want price archives the rules that
// no longer apply, and the journal holds each archive as the face renders
// the rule.
func TestPricingModePatchArchivesRules(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		key := h.keys["a"]
		p := h.localizedProduct(key, "by_currency")
		eur := h.do("POST", lpPath(p), key, `{"amount":900,"currency":"EUR"}`).json(t)
		count := func() int {
			var l struct{ Items []any }
			json.Unmarshal(h.do("GET", lpPath(p), key, "").body, &l)
			return len(l.Items)
		}
		if r := h.do("PATCH", "/products/"+p, key, `{"name":"Renamed","pricing_mode":"by_currency"}`); r.status != 200 || count() != 1 {
			t.Fatalf("same mode: %d %s, %d rules", r.status, r.body, count())
		}
		if r := h.do("PATCH", "/products/"+p, key, `{"pricing_mode":"by_country"}`); r.status != 200 || count() != 0 {
			t.Fatalf("by_country: %d %s, %d rules", r.status, r.body, count())
		}
		expect(t, "old rule", h.do("GET", lpPath(p, eur["id"].(string)), key, ""), 404, "NOT_FOUND", "")
		h.do("POST", lpPath(p), key, `{"amount":500,"currency":"INR","country_code":"IN"}`)
		if r := h.do("PATCH", "/products/"+p, key, `{"pricing_mode":null}`); r.status != 200 || count() != 0 {
			t.Fatalf("null: %d %s, %d rules", r.status, r.body, count())
		}
		expect(t, "create without mode", h.do("POST", lpPath(p), key, `{"amount":1,"currency":"EUR"}`), 422, "PRODUCT_PRICING_MODE_REQUIRED", "")
		h.do("PATCH", "/products/"+p, key, `{"pricing_mode":"by_currency"}`)
		h.do("POST", lpPath(p), key, `{"amount":900,"currency":"EUR"}`)
		if r := h.do("PATCH", "/products/"+p, key, `{"price":{"type":"one_time_price","currency":"USD","price":100,"pay_what_you_want":true}}`); r.status != 200 || count() != 0 {
			t.Fatalf("pay what you want: %d %s, %d rules", r.status, r.body, count())
		}

		business := h.do("GET", "/products/"+p, key, "").json(t)["business_id"].(string)
		tn := catalog.Tenant{BusinessID: business, Mode: catalog.ModeTest}
		list, err := st.ListEvents(context.Background(), tn, catalog.EventFilter{ObjectID: eur["id"].(string), Limit: 10})
		if err != nil || len(list.Items) != 2 || list.Items[0].Type != "localized_price.archived" || list.Items[1].Type != "localized_price.created" {
			t.Fatalf("events of the rule: %v %+v", err, list.Items)
		}
		var created map[string]any
		json.Unmarshal(list.Items[1].Data, &created)
		a, _ := json.Marshal(created)
		b, _ := json.Marshal(eur)
		if string(a) != string(b) {
			t.Errorf("created event data differs from the answer:\nevent  %s\nanswer %s", a, b)
		}
	})
}

// TestLocalizedPriceRaceOverHTTP sends one rule from many requests at
// once, by currency and by country: one 200, every other a 409.
func TestLocalizedPriceRaceOverHTTP(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		key := h.keys["a"]
		for mode, body := range map[string]string{"by_currency": `{"amount":%d,"currency":"EUR"}`, "by_country": `{"amount":%d,"currency":"EUR","country_code":"DE"}`} {
			p := h.localizedProduct(key, mode)
			statuses := make([]string, 10)
			var wg sync.WaitGroup
			for i := range statuses {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r := h.do("POST", lpPath(p), key, fmt.Sprintf(body, 100+i))
					statuses[i] = fmt.Sprint(r.status)
					if r.status != 200 {
						statuses[i] += " " + fmt.Sprint(r.json(t)["code"])
					}
				}()
			}
			wg.Wait()
			ok := 0
			for _, s := range statuses {
				switch s {
				case "200":
					ok++
				case "409 LOCALIZED_PRICE_ALREADY_EXISTS":
				default:
					t.Errorf("%s: unexpected reply %s", mode, s)
				}
			}
			var l struct{ Items []any }
			json.Unmarshal(h.do("GET", lpPath(p), key, "").body, &l)
			if ok != 1 || len(l.Items) != 1 {
				t.Errorf("%s: %d creates succeeded, %d stored: %v", mode, ok, len(l.Items), statuses)
			}
		}
	})
}
