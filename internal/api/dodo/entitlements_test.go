package dodo_test

import (
	"encoding/json"
	"testing"

	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// entitlementConfigs is, per type, a request config (with another type's
// key riding along) and the exact response config.
var entitlementConfigs = map[string][2]string{
	"feature_flag":  {`{"feature_id":"pro","feature_type":"boolean"}`, `{"feature_id":"pro","feature_type":"boolean"}`},
	"github":        {`{"target_id":"acme/app","permission":"maintain","feature_id":"x"}`, `{"permission":"maintain","target_id":"acme/app"}`},
	"discord":       {`{"guild_id":"1","role_id":null}`, `{"guild_id":"1","role_id":null}`},
	"telegram":      {`{"chat_id":"-1001"}`, `{"chat_id":"-1001"}`},
	"figma":         {`{"figma_file_id":"f"}`, `{"figma_file_id":"f"}`},
	"framer":        {`{"framer_template_id":"t"}`, `{"framer_template_id":"t"}`},
	"notion":        {`{"notion_template_id":"n"}`, `{"notion_template_id":"n"}`},
	"digital_files": {`{"digital_file_ids":[],"instructions":"unzip","legacy_file_ids":[]}`, `{"digital_files":{"external_url":null,"instructions":"unzip","files":[]}}`},
	"license_key":   {`{"activations_limit":2,"duration_count":1,"duration_interval":"Year"}`, `{"activation_message":null,"activations_limit":2,"duration_count":1,"duration_interval":"Year","fulfillment_mode":"auto"}`},
}

func TestEntitlementsWire(t *testing.T) {
	body := func(typ, cfg string) string {
		return `{"name":"E","integration_type":"` + typ + `","integration_config":` + cfg + `,"metadata":{"tier":2}}`
	}
	invalid := map[string][3]string{
		"feature_flag number":    {"feature_flag", `{"feature_id":"x","feature_type":"number"}`, "integration_config.feature_type"},
		"discord config as flag": {"discord", `{"feature_id":"x","feature_type":"boolean"}`, "integration_config.guild_id"},
		"github no permission":   {"github", `{"target_id":"a/b"}`, "integration_config.permission"},
		"telegram empty":         {"telegram", `{}`, "integration_config.chat_id"},
		"figma":                  {"figma", `{}`, "integration_config.figma_file_id"},
		"framer":                 {"framer", `{}`, "integration_config.framer_template_id"},
		"notion":                 {"notion", `{}`, "integration_config.notion_template_id"},
		"files without ids":      {"digital_files", `{"instructions":"x"}`, "integration_config.digital_file_ids"},
		"unknown file":           {"digital_files", `{"digital_file_ids":["f1"]}`, "f1"},
		"unknown legacy file":    {"digital_files", `{"digital_file_ids":[],"legacy_file_ids":["old"]}`, "old"},
		"license half duration":  {"license_key", `{"duration_interval":"Day"}`, "duration_count"},
		"license manual typo":    {"license_key", `{"fulfillment_mode":"Manual"}`, "fulfillment_mode"},
		"id as number":           {"figma", `{"figma_file_id":7}`, "integration_config.figma_file_id"},
		"unknown type":           {"slack", `{}`, "integration_type"},
	}
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		a := h.keys["a"]
		ids := map[string]string{}
		for typ, c := range entitlementConfigs {
			r := h.do("POST", "/entitlements", a, body(typ, c[0]))
			expect(t, typ, r, 200, "", "")
			e := r.json(t)
			got, _ := json.Marshal(e["integration_config"])
			if string(got) != canonical(c[1]) || e["is_active"] != true || e["metadata"].(map[string]any)["tier"] != 2.0 ||
				keysOf(e) != "business_id,created_at,description,id,integration_config,integration_type,is_active,metadata,name,updated_at" {
				t.Errorf("%s: %s, want config %s", typ, r.body, c[1])
			}
			ids[typ] = e["id"].(string)
		}
		for name, c := range invalid {
			expect(t, name, h.do("POST", "/entitlements", a, body(c[0], c[1])), 422, "INVALID_REQUEST_BODY", c[2])
		}
		expect(t, "no config", h.do("POST", "/entitlements", a, `{"name":"x","integration_type":"figma"}`), 422, "INVALID_REQUEST_BODY", "integration_config")

		id := ids["github"]
		r := h.do("PATCH", "/entitlements/"+id, a, `{"name":"Repo","description":null,"integration_config":{"target_id":"acme/other","permission":"push"}}`)
		expect(t, "patch", r, 200, "", "")
		if e := r.json(t); e["name"] != "Repo" || e["integration_config"].(map[string]any)["target_id"] != "acme/other" {
			t.Errorf("patched = %s", r.body)
		}
		expect(t, "config of another type", h.do("PATCH", "/entitlements/"+id, a, `{"integration_config":{"chat_id":"1"}}`), 422, "INVALID_REQUEST_BODY", "integration_config.target_id")
		expect(t, "files patch keeps legacy", h.do("PATCH", "/entitlements/"+ids["digital_files"], a, `{"integration_config":{"digital_file_ids":[],"external_url":"https://x.test/f"}}`), 200, "", "")
		expect(t, "files patch needs ids", h.do("PATCH", "/entitlements/"+ids["digital_files"], a, `{"integration_config":{"legacy_file_ids":null}}`), 422, "INVALID_REQUEST_BODY", "digital_file_ids")

		count := func(q string) int {
			var out struct{ Items []any }
			json.Unmarshal(h.do("GET", "/entitlements"+q, a, "").body, &out)
			return len(out.Items)
		}
		if count("?page_size=100") != 9 || count("?integration_type=license_key") != 1 {
			t.Errorf("lists: %d all, %d license keys", count("?page_size=100"), count("?integration_type=license_key"))
		}
		expect(t, "bad filter", h.do("GET", "/entitlements?integration_type=slack", a, ""), 422, "INVALID_QUERY_PARAMS", "integration_type")

		r = h.do("DELETE", "/entitlements/"+id, a, "")
		if r.status != 200 || len(r.body) != 0 {
			t.Errorf("delete: %d %q", r.status, r.body)
		}
		expect(t, "get deleted", h.do("GET", "/entitlements/"+id, a, ""), 404, "NOT_FOUND", id)
		expect(t, "patch deleted", h.do("PATCH", "/entitlements/"+id, a, `{"name":"x"}`), 404, "NOT_FOUND", id)
		expect(t, "delete deleted", h.do("DELETE", "/entitlements/"+id, a, ""), 404, "NOT_FOUND", id)
		if count("?page_size=100") != 8 || count("?integration_type=github") != 0 {
			t.Errorf("a deleted entitlement is still listed")
		}
		expect(t, "other business", h.do("GET", "/entitlements/"+ids["figma"], h.keys["b"], ""), 404, "NOT_FOUND", "")
	})
}
