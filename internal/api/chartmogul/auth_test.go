package chartmogul_test

import (
	"net/http/httptest"
	"testing"

	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

const unauthorized = `{"code":401,"message":"No valid API key provided","param":null}`

func TestAuth(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		ds := h.dataSource(h.keys["a"], "Main")
		for name, key := range map[string]string{"none": "", "unknown": "pb_test_0000000000000000_00000000000000000000000000000000",
			"garbage": "x", "revoked": h.keys["revoked"]} {
			t.Run(name, func(t *testing.T) { h.do("GET", "/v1/data_sources/"+ds, key, "").is(t, 401, unauthorized) })
		}
		// The legacy two-part clients send the key as both user and password.
		req := httptest.NewRequest("GET", "/v1/data_sources/"+ds, nil)
		req.SetBasicAuth(h.keys["a"], h.keys["a"])
		h.send(req).is(t, 200, "")
		req.SetBasicAuth(h.keys["a"], "other")
		h.send(req).is(t, 401, unauthorized)
		req.Header.Set("Authorization", "Bearer "+h.keys["a"])
		h.send(req).is(t, 401, unauthorized)

		// A read-only key reads; its writes get the 401 body and change nothing.
		h.do("GET", "/v1/data_sources/"+ds, h.keys["aRO"], "").is(t, 200, "")
		h.do("GET", "/v1/plans", h.keys["aRO"], "").is(t, 200, "")
		h.do("POST", "/v1/data_sources", h.keys["aRO"], `{"name":"x"}`).is(t, 401, unauthorized)
		h.do("DELETE", "/v1/data_sources/"+ds, h.keys["aRO"], "").is(t, 401, unauthorized)
		h.do("POST", "/v1/plan_groups", h.keys["aRO"], `{"name":"g","plans":["x"]}`).is(t, 401, unauthorized)

		// Other businesses and the other mode of the same business do not
		// see the source, and can use its name.
		for _, k := range []string{"b", "aLive"} {
			h.do("GET", "/v1/data_sources/"+ds, h.keys[k], "").is(t, 404, `{"error":"Data source not found"}`)
			h.do("DELETE", "/v1/data_sources/"+ds, h.keys[k], "").is(t, 404, `{"error":"Data source not found"}`)
			h.do("GET", "/v1/data_sources", h.keys[k], "").is(t, 200, `{"data_sources":[]}`)
			h.do("POST", "/v1/plans", h.keys[k], `{"data_source_uuid":"`+ds+`","name":"p","interval_count":1,"interval_unit":"day"}`).
				is(t, 422, `{"errors":{"data_source_uuid":"A valid data source UUID is required for each plan."}}`)
			h.dataSource(h.keys[k], "Main")
		}
		h.do("GET", "/v1/data_sources/"+ds, h.keys["a"], "").is(t, 200, "")
	})
}
