package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/pricebook/pricebook/internal/catalogfile"
)

// The catalog-as-code tests: the real binary, a file using every object
// kind and every price type, applied through the public APIs only.

const fullCatalog = "../catalogfile/testdata/full.yaml"

// catalogServer starts a server with a fresh test-mode key.
func catalogServer(t *testing.T, db string, extra ...string) (*server, string) {
	t.Helper()
	cli(t, "migrate", "--db", db)
	key := cli(t, "keys", "create", "--mode", "test", "--new-business", "--db", db)
	return start(t, db, extra...), key
}

// catalogCLI runs pricebook catalog ... against s with key and returns
// stdout, stderr and the exit code.
func catalogCLI(t *testing.T, s *server, key string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"catalog"}, args...)...)
	cmd.Env = append(os.Environ(), "DODO_PAYMENTS_BASE_URL="+s.base, "DODO_PAYMENTS_API_KEY="+key)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

// mustCatalog runs a catalog command that must exit with want.
func mustCatalog(t *testing.T, s *server, key string, want int, args ...string) string {
	t.Helper()
	out, stderr, code := catalogCLI(t, s, key, args...)
	if code != want {
		t.Fatalf("pricebook catalog %v: exit %d, want %d\n%s\n%s", args, code, want, out, stderr)
	}
	return out
}

// eventCount is how many journal events the key's partition has.
func eventCount(t *testing.T, s *server, key string) int {
	t.Helper()
	n, cursor := 0, ""
	for {
		var page struct {
			Data       []json.RawMessage
			NextCursor *string `json:"next_cursor"`
		}
		path := "/_pricebook/v1/events?limit=200"
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		if st, err := call(context.Background(), s.base, key, "GET", path, nil, &page); err != nil || st != 200 {
			t.Fatalf("events: %d %v", st, err)
		}
		n += len(page.Data)
		if page.NextCursor == nil || len(page.Data) == 0 {
			return n
		}
		cursor = *page.NextCursor
	}
}

// listCount counts a Dodo list (all pages) with query q.
func listCount(t *testing.T, s *server, key, path string) int {
	t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	n := 0
	for page := 0; ; page++ {
		var l struct{ Items []json.RawMessage }
		if st, err := call(context.Background(), s.base, key, "GET", fmt.Sprintf("%s%spage_size=100&page_number=%d", path, sep, page), nil, &l); err != nil || st != 200 {
			t.Fatalf("GET %s: %d %v", path, st, err)
		}
		n += len(l.Items)
		if len(l.Items) < 100 {
			return n
		}
	}
}

// cmList is a ChartMogul list's items, with Basic auth.
func cmList(t *testing.T, s *server, key, path, root string) []map[string]any {
	t.Helper()
	var l map[string]json.RawMessage
	if st, err := callAuth(context.Background(), s.base, "Basic "+basicAuth(key), "GET", path, nil, &l); err != nil || st != 200 {
		t.Fatalf("GET %s: %d %v", path, st, err)
	}
	var items []map[string]any
	json.Unmarshal(l[root], &items)
	return items
}

func loadFile(t *testing.T, path string) *catalogfile.File {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := catalogfile.Load(path, data)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// writeEdited writes the full catalog with edits (old → new) applied.
func writeEdited(t *testing.T, edits ...string) string {
	t.Helper()
	data, err := os.ReadFile(fullCatalog)
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	for i := 0; i+1 < len(edits); i += 2 {
		if !strings.Contains(s, edits[i]) {
			t.Fatalf("the catalog has no %q", edits[i])
		}
		s = strings.Replace(s, edits[i], edits[i+1], 1)
	}
	p := filepath.Join(t.TempDir(), "catalog.yaml")
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

type planJSON struct {
	Changes []struct {
		Kind, Key, Action string
		Fields            []struct {
			Field    string
			From, To any
		}
	}
}

func planOf(t *testing.T, s *server, key, file string, want int, extra ...string) planJSON {
	t.Helper()
	out := mustCatalog(t, s, key, want, append([]string{"plan", file, "--json"}, extra...)...)
	var p planJSON
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("plan --json: %v\n%s", err, out)
	}
	return p
}

// TestCatalogRoundTrip: the full catalog applies; the SDK-visible lists
// hold it; plan afterwards is empty (exit 0) and records no event; a
// second apply records none; export equals the file up to generated keys
// (every field the file sets is exported as set, same objects), and
// applying the export changes nothing.
func TestCatalogRoundTrip(t *testing.T) {
	engines(t, func(t *testing.T, db string) {
		s, key := catalogServer(t, db)
		if p := planOf(t, s, key, fullCatalog, 2); len(p.Changes) != 22 {
			t.Errorf("plan on an empty partition: %d changes, want 22", len(p.Changes))
		}
		if n := eventCount(t, s, key); n != 0 {
			t.Fatalf("plan wrote %d events", n)
		}
		mustCatalog(t, s, key, 0, "apply", fullCatalog)
		for path, want := range map[string]int{"/products": 5, "/addons": 1, "/meters": 2, "/entitlements": 2,
			"/credit-entitlements": 1, "/discounts": 1, "/product-collections": 1} {
			if n := listCount(t, s, key, path); n != want {
				t.Errorf("%s lists %d, want %d", path, n, want)
			}
		}
		if n := len(cmList(t, s, key, "/v1/plans", "plans")); n != 3 {
			t.Errorf("%d plans, want 3", n)
		}
		events := eventCount(t, s, key)
		if out := mustCatalog(t, s, key, 0, "plan", fullCatalog); !strings.Contains(out, "No changes") {
			t.Errorf("plan after apply: %s", out)
		}
		mustCatalog(t, s, key, 0, "apply", fullCatalog)
		if n := eventCount(t, s, key); n != events {
			t.Errorf("plan and a second apply recorded %d events", n-events)
		}

		exported := filepath.Join(t.TempDir(), "export.yaml")
		mustCatalog(t, s, key, 0, "export", "-o", exported)
		mustCatalog(t, s, key, 0, "plan", exported)
		mustCatalog(t, s, key, 0, "apply", exported)
		if n := eventCount(t, s, key); n != events {
			t.Errorf("applying the export recorded %d events", n-events)
		}
		want, got := loadFile(t, fullCatalog), loadFile(t, exported)
		compareUpToKeys(t, want, got)
	})
}

// compareUpToKeys checks that got (an export) has every object of want
// with every field want sets, once the generated keys of objects whose
// name is their identity are replaced by want's.
func compareUpToKeys(t *testing.T, want, got *catalogfile.File) {
	t.Helper()
	rename := map[string]string{}
	pairs := func(w, g any) {
		var wl, gl []map[string]any
		remarshal(w, &wl)
		remarshal(g, &gl)
		for _, x := range wl {
			for _, y := range gl {
				if x["name"] == y["name"] {
					rename[fmt.Sprint(y["key"])] = fmt.Sprint(x["key"])
				}
			}
		}
	}
	pairs(want.Brands, got.Brands)
	pairs(want.CreditEntitlements, got.CreditEntitlements)
	pairs(want.Meters, got.Meters)
	pairs(want.Addons, got.Addons)
	pairs(want.Collections, got.Collections)
	pairs(want.ChartMogul.PlanGroups, got.ChartMogul.PlanGroups)
	var w, g map[string]any
	remarshal(want, &w)
	remarshal(got, &g)
	g = renameKeys(g, rename).(map[string]any)
	for _, kind := range []string{"brands", "credit_entitlements", "meters", "entitlements", "addons", "products", "discounts", "collections"} {
		compareLists(t, kind, w[kind], g[kind])
	}
	wc, gc := w["chartmogul"].(map[string]any), g["chartmogul"].(map[string]any)
	compareLists(t, "plans", wc["plans"], gc["plans"])
	compareLists(t, "plan_groups", wc["plan_groups"], gc["plan_groups"])
	if !contained(wc["data_source"], gc["data_source"]) {
		t.Errorf("data source: %v, exported %v", wc["data_source"], gc["data_source"])
	}
}

func compareLists(t *testing.T, kind string, w, g any) {
	t.Helper()
	wl, _ := w.([]any)
	gl, _ := g.([]any)
	if len(wl) != len(gl) {
		t.Errorf("%s: %d in the file, %d exported", kind, len(wl), len(gl))
	}
	byKey := map[string]any{}
	for _, x := range gl {
		byKey[fmt.Sprint(x.(map[string]any)["key"])] = x
	}
	for _, x := range wl {
		k := fmt.Sprint(x.(map[string]any)["key"])
		if !contained(x, byKey[k]) {
			t.Errorf("%s %s: the file has\n%v\nthe export\n%v", kind, k, x, byKey[k])
		}
	}
}

// contained: every value w sets, g has; lists in order (plan groups'
// plans as sets).
func contained(w, g any) bool {
	switch wv := w.(type) {
	case map[string]any:
		gv, ok := g.(map[string]any)
		if !ok {
			return false
		}
		for k, x := range wv {
			if k == "plans" {
				if a, ok := x.([]any); ok {
					b, _ := gv[k].([]any)
					if sortedStrings(a) != sortedStrings(b) {
						return false
					}
					continue
				}
			}
			if !contained(x, gv[k]) {
				return false
			}
		}
		return true
	case []any:
		gv, ok := g.([]any)
		if !ok || len(gv) != len(wv) {
			return false
		}
		for i := range wv {
			if !contained(wv[i], gv[i]) {
				return false
			}
		}
		return true
	}
	return fmt.Sprint(w) == fmt.Sprint(g)
}

func sortedStrings(l []any) string {
	s := make([]string, len(l))
	for i, x := range l {
		s[i] = fmt.Sprint(x)
	}
	sort.Strings(s)
	return strings.Join(s, ",")
}

func renameKeys(v any, m map[string]string) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = renameKeys(e, m)
		}
		return x
	case []any:
		for i := range x {
			x[i] = renameKeys(x[i], m)
		}
		return x
	case string:
		if r, ok := m[x]; ok {
			return r
		}
	}
	return v
}

func remarshal(in, out any) {
	raw, _ := json.Marshal(in)
	json.Unmarshal(raw, out)
}

// TestCatalogOneFieldChange: changing one field plans exactly that change,
// and apply makes exactly it (one event).
func TestCatalogOneFieldChange(t *testing.T) {
	engines(t, func(t *testing.T, db string) {
		s, key := catalogServer(t, db)
		mustCatalog(t, s, key, 0, "apply", fullCatalog)
		events := eventCount(t, s, key)
		edited := writeEdited(t, "      price: 2500\n", "      price: 2700\n")
		p := planOf(t, s, key, edited, 2)
		if len(p.Changes) != 1 || p.Changes[0].Kind != "product" || p.Changes[0].Key != "ebook" || p.Changes[0].Action != "update" ||
			len(p.Changes[0].Fields) != 1 || p.Changes[0].Fields[0].Field != "price.price" ||
			fmt.Sprint(p.Changes[0].Fields[0].From) != "2500" || fmt.Sprint(p.Changes[0].Fields[0].To) != "2700" {
			t.Fatalf("plan: %+v", p)
		}
		if n := eventCount(t, s, key); n != events {
			t.Fatalf("plan recorded %d events", n-events)
		}
		mustCatalog(t, s, key, 0, "apply", edited)
		if n := eventCount(t, s, key); n != events+1 {
			t.Errorf("apply of one change recorded %d events", n-events)
		}
		mustCatalog(t, s, key, 0, "plan", edited)
	})
}

// TestCatalogPrune: without --prune nothing the file no longer names is
// touched; with it products are archived, discounts deleted, plans
// deleted; naming them again unarchives (or recreates) them.
func TestCatalogPrune(t *testing.T) {
	engines(t, func(t *testing.T, db string) {
		s, key := catalogServer(t, db)
		mustCatalog(t, s, key, 0, "apply", fullCatalog)
		// No ebook, no discount, no legacy plan (nor its group's place).
		edited := writeEdited(t,
			"  - key: ebook\n    name: The book\n    tax_category: e_book\n    price:\n      type: one_time_price\n      currency: USD\n      price: 2500\n", "",
			"discounts:\n", "discounts: []\nold_discounts:\n",
		)
		// old_discounts is no field: cut the discounts section instead.
		data, _ := os.ReadFile(edited)
		text := string(data)
		i, j := strings.Index(text, "old_discounts:\n"), strings.Index(text, "collections:\n")
		text = text[:i] + text[j:]
		text = strings.Replace(text, "  plans:\n    - key: legacy\n      name: Legacy\n      interval_count: 3\n      interval_unit: month\n", "", 1)
		text = strings.Replace(text, "plans: [legacy, pro-monthly]", "plans: [pro-monthly]", 1)
		os.WriteFile(edited, []byte(text), 0o644)

		p := planOf(t, s, key, edited, 2) // the plan group loses legacy: that is an update
		for _, c := range p.Changes {
			if c.Action == "archive" || c.Action == "delete" {
				t.Errorf("without --prune: %+v", c)
			}
		}
		p = planOf(t, s, key, edited, 2, "--prune")
		got := map[string]bool{}
		for _, c := range p.Changes {
			got[c.Action+" "+c.Kind+" "+c.Key] = true
		}
		for _, w := range []string{"archive product ebook", "delete discount launch", "delete plan legacy", "update plan_group everything"} {
			if !got[w] {
				t.Errorf("plan --prune lacks %q: %v", w, got)
			}
		}
		mustCatalog(t, s, key, 0, "apply", edited, "--prune")
		mustCatalog(t, s, key, 0, "plan", edited, "--prune")
		if n := listCount(t, s, key, "/products?archived=true"); n != 1 {
			t.Errorf("%d archived products, want 1", n)
		}
		if n := listCount(t, s, key, "/discounts"); n != 0 {
			t.Errorf("%d discounts, want 0", n)
		}
		// Named again: the product is unarchived, not made anew.
		p = planOf(t, s, key, fullCatalog, 2)
		got = map[string]bool{}
		for _, c := range p.Changes {
			got[c.Action+" "+c.Kind+" "+c.Key] = true
		}
		if !got["unarchive product ebook"] || !got["create discount launch"] {
			t.Errorf("plan of the full file again: %v", got)
		}
		mustCatalog(t, s, key, 0, "apply", fullCatalog)
		mustCatalog(t, s, key, 0, "plan", fullCatalog)
		if n := listCount(t, s, key, "/products"); n != 5 {
			t.Errorf("%d products, want 5", n)
		}
		// The discount's create was answered from its Idempotency-Key (the
		// same body as the first apply's), naming the deleted discount:
		// apply made it anew.
		if n := listCount(t, s, key, "/discounts"); n != 1 {
			t.Errorf("%d discounts, want 1", n)
		}
	})
}

// TestCatalogConflictingKeys: two objects of a file with one key, and two
// objects on the server that keep one key, are errors that name them
// before anything is written.
func TestCatalogConflictingKeys(t *testing.T) {
	engines(t, func(t *testing.T, db string) {
		s, key := catalogServer(t, db)
		dup := writeEdited(t, "  - key: tip-jar\n", "  - key: ebook\n")
		_, stderr, code := catalogCLI(t, s, key, "apply", dup)
		if code != 1 || !strings.Contains(stderr, dup+":") || !strings.Contains(stderr, `key "ebook" is already the key of products[3].key`) ||
			!strings.Contains(stderr, "products[4].key") {
			t.Errorf("apply of a file with one key twice: exit %d\n%s", code, stderr)
		}
		if n := eventCount(t, s, key); n != 0 {
			t.Fatalf("%d events after a refused file", n)
		}
		// Two products on the server keep the key ebook.
		for i := 0; i < 2; i++ {
			body := map[string]any{"name": "Book", "tax_category": "e_book", "metadata": map[string]any{"pricebook_key": "ebook"},
				"price": map[string]any{"type": "one_time_price", "currency": "USD", "price": 100}}
			if st, err := call(context.Background(), s.base, key, "POST", "/products", body, nil); err != nil || st != 200 {
				t.Fatalf("create: %d %v", st, err)
			}
		}
		events := eventCount(t, s, key)
		_, stderr, code = catalogCLI(t, s, key, "apply", fullCatalog)
		if code != 1 || !strings.Contains(stderr, `product key "ebook": kept by two objects on the server`) {
			t.Errorf("apply with a key kept twice: exit %d\n%s", code, stderr)
		}
		if n := eventCount(t, s, key); n != events {
			t.Errorf("%d events written before the conflict was found", n-events)
		}
	})
}

// TestCatalogBridge: products that ask for it have ChartMogul plans named
// and billed as their prices; collection groups that ask for it have plan
// groups of those plans; changing the interval or the name in the file
// moves both faces.
func TestCatalogBridge(t *testing.T) {
	engines(t, func(t *testing.T, db string) {
		s, key := catalogServer(t, db)
		mustCatalog(t, s, key, 0, "apply", fullCatalog)
		plans := func() map[string]string {
			out := map[string]string{}
			for _, p := range cmList(t, s, key, "/v1/plans", "plans") {
				out[fmt.Sprint(p["external_id"])] = fmt.Sprintf("%v %v %v", p["name"], p["interval_count"], p["interval_unit"])
			}
			return out
		}
		want := map[string]string{"pro-monthly": "Pro 1 month", "pro-yearly": "Pro yearly 1 year", "legacy": "Legacy 3 month"}
		if got := plans(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("plans: %v, want %v", got, want)
		}
		groupPlans := func() map[string]string {
			out := map[string]string{}
			for _, g := range cmList(t, s, key, "/v1/plan_groups", "plan_groups") {
				var ids []any
				for _, p := range cmList(t, s, key, "/v1/plan_groups/"+fmt.Sprint(g["uuid"])+"/plans", "plans") {
					ids = append(ids, p["external_id"])
				}
				out[fmt.Sprint(g["name"])] = sortedStrings(ids)
			}
			return out
		}
		wantGroups := map[string]string{"Plans / Monthly": "pro-monthly", "Plans / Yearly": "pro-yearly", "Everything": "legacy,pro-monthly"}
		if got := groupPlans(); fmt.Sprint(got) != fmt.Sprint(wantGroups) {
			t.Errorf("plan groups: %v, want %v", got, wantGroups)
		}
		// Pro becomes quarterly and is renamed; the usage product joins
		// the bridge (two weeks: fourteen days).
		edited := writeEdited(t,
			"    name: Pro\n", "    name: Pro quarterly\n",
			"      payment_frequency_count: 1\n      payment_frequency_interval: Month\n", "      payment_frequency_count: 3\n      payment_frequency_interval: Month\n",
			"  - key: usage\n    name: Usage\n", "  - key: usage\n    name: Usage\n    chartmogul: plan\n",
		)
		mustCatalog(t, s, key, 0, "apply", edited)
		mustCatalog(t, s, key, 0, "plan", edited)
		want["pro-monthly"], want["usage"] = "Pro quarterly 3 month", "Usage 14 day"
		if got := plans(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("plans after the change: %v, want %v", got, want)
		}
		wantGroups["Plans / Monthly"] = "pro-monthly,usage"
		if got := groupPlans(); fmt.Sprint(got) != fmt.Sprint(wantGroups) {
			t.Errorf("plan groups after the change: %v, want %v", got, wantGroups)
		}
		var p map[string]any
		var list struct{ Items []map[string]any }
		call(context.Background(), s.base, key, "GET", "/products?page_size=100", nil, &list)
		for _, it := range list.Items {
			if it["name"] == "Pro quarterly" {
				p = it
			}
		}
		if p == nil || fmt.Sprint(p["price_detail"].(map[string]any)["payment_frequency_count"]) != "3" {
			t.Errorf("the Dodo side did not follow: %v", p)
		}
	})
}

// TestCatalogCollectionGroups: a collection's groups and items become what
// the file lists: a product moved between groups, a group added, one
// removed, states and the order of groups and items; the collection is
// never left empty on the way. A meter's change, which the API cannot
// make, is an error of the plan that writes nothing.
func TestCatalogCollectionGroups(t *testing.T) {
	engines(t, func(t *testing.T, db string) {
		s, key := catalogServer(t, db)
		mustCatalog(t, s, key, 0, "apply", fullCatalog)
		edited := writeEdited(t,
			`      - name: Monthly
        chartmogul: plan_group
        products:
          - product: pro-monthly
          - product: usage
      - name: Yearly
        chartmogul: plan_group
        products:
          - product: pro-yearly
`, `      - name: Yearly
        chartmogul: plan_group
        products:
          - product: usage
            status: false
          - product: pro-yearly
      - name: One-off
        status: false
        products:
          - product: ebook
          - product: tip-jar
`)
		p := planOf(t, s, key, edited, 2)
		if len(p.Changes) != 1 || p.Changes[0].Key != "plans" || len(p.Changes[0].Fields) != 1 || p.Changes[0].Fields[0].Field != "groups" {
			t.Errorf("plan: %+v", p)
		}
		mustCatalog(t, s, key, 0, "apply", edited, "--prune")
		mustCatalog(t, s, key, 0, "plan", edited, "--prune")
		var cols struct{ Items []struct{ ID string } }
		call(context.Background(), s.base, key, "GET", "/product-collections", nil, &cols)
		var c struct {
			Groups []struct {
				GroupName string `json:"group_name"`
				Status    bool
				Products  []struct {
					Name   string
					Status bool
				}
			}
		}
		call(context.Background(), s.base, key, "GET", "/product-collections/"+cols.Items[0].ID, nil, &c)
		var got []string
		for _, g := range c.Groups {
			var ps []string
			for _, p := range g.Products {
				ps = append(ps, fmt.Sprintf("%s:%v", p.Name, p.Status))
			}
			got = append(got, fmt.Sprintf("%s:%v[%s]", g.GroupName, g.Status, strings.Join(ps, ",")))
		}
		want := "Yearly:true[Usage:false,Pro yearly:true] One-off:false[The book:true,Tip jar:true]"
		if strings.Join(got, " ") != want {
			t.Errorf("groups: %s, want %s", strings.Join(got, " "), want)
		}
		// The bridge follows: the Monthly plan group is no longer asked
		// for (pruned), Yearly lists the bridged plans of its products.
		for _, g := range cmList(t, s, key, "/v1/plan_groups", "plan_groups") {
			if g["name"] == "Plans / Monthly" {
				t.Errorf("the Monthly plan group is still there after --prune")
			}
		}
		// Back to the file as it was.
		mustCatalog(t, s, key, 0, "apply", fullCatalog)
		mustCatalog(t, s, key, 0, "plan", fullCatalog)

		events := eventCount(t, s, key)
		meter := writeEdited(t, "    measurement_unit: GB\n", "    measurement_unit: TB\n")
		_, stderr, code := catalogCLI(t, s, key, "apply", meter)
		if code != 1 || !strings.Contains(stderr, "meter storage: measurement_unit cannot change through the API") {
			t.Errorf("a meter's change: exit %d\n%s", code, stderr)
		}
		if n := eventCount(t, s, key); n != events {
			t.Errorf("%d events after a refused plan", n-events)
		}
	})
}

// TestCatalogExportOfAHandMadeCatalog: a partition made through the APIs
// by hand (no keys anywhere, an unnamed group and a disabled item, a
// country-priced product, a meter with a filter, a flat discount, an
// archived product, ChartMogul objects no bridge made) exports to a file
// that plans no change, and applying it records no event.
func TestCatalogExportOfAHandMadeCatalog(t *testing.T) {
	engines(t, func(t *testing.T, db string) {
		s, key := catalogServer(t, db)
		ctx := context.Background()
		post := func(path string, body any) map[string]any {
			t.Helper()
			var out map[string]any
			if st, err := call(ctx, s.base, key, "POST", path, body, &out); err != nil || st/100 != 2 {
				t.Fatalf("POST %s: %d %v", path, st, err)
			}
			return out
		}
		patch := func(path string, body any) {
			t.Helper()
			if st, err := call(ctx, s.base, key, "PATCH", path, body, nil); err != nil || st/100 != 2 {
				t.Fatalf("PATCH %s: %d %v", path, st, err)
			}
		}
		brand := post("/brands", map[string]any{"name": "Side brand", "url": "https://side.example"})
		meter := post("/meters", map[string]any{"name": "Events", "event_name": "ev", "measurement_unit": "events",
			"aggregation": map[string]any{"type": "sum", "key": "n"},
			"filter": map[string]any{"conjunction": "and", "clauses": []any{map[string]any{"key": "plan", "operator": "equals", "value": "pro"},
				map[string]any{"key": "weight", "operator": "greater_than", "value": 2.5}}}})
		addon := post("/addons", map[string]any{"name": "Support", "price": 900, "currency": "EUR", "tax_category": "saas", "description": "Priority"})
		recurring := map[string]any{"type": "recurring_price", "currency": "USD", "price": 1000, "payment_frequency_count": 1,
			"payment_frequency_interval": "Month", "subscription_period_count": 1, "subscription_period_interval": "Year", "discount_bps": 1250}
		sub := post("/products", map[string]any{"name": "Sub", "tax_category": "saas", "price": recurring, "addons": []string{addon["id"].(string)},
			"brand_id": brand["brand_id"], "metadata": map[string]any{"n": 1.5, "flag": true}})
		book := post("/products", map[string]any{"name": "Book", "tax_category": "e_book", "pricing_mode": "by_country",
			"price": map[string]any{"type": "one_time_price", "currency": "USD", "price": 2000}})
		post("/products/"+book["product_id"].(string)+"/localized-prices", map[string]any{"currency": "EUR", "country_code": "DE", "amount": 1800})
		usage := post("/products", map[string]any{"name": "Metered", "tax_category": "saas", "price": map[string]any{"type": "usage_based_price",
			"currency": "USD", "fixed_price": 0, "payment_frequency_count": 1, "payment_frequency_interval": "Month", "subscription_period_count": 1,
			"subscription_period_interval": "Month", "meters": []any{map[string]any{"meter_id": meter["id"], "price_per_unit": "0.001"}}}})
		old := post("/products", map[string]any{"name": "Old", "tax_category": "saas", "price": map[string]any{"type": "one_time_price", "currency": "USD", "price": 1}})
		if st, err := call(ctx, s.base, key, "DELETE", "/products/"+old["product_id"].(string), nil, nil); err != nil || st != 200 {
			t.Fatalf("archive: %d %v", st, err)
		}
		col := post("/product-collections", map[string]any{"name": "Everything", "on_payment_failure": "apply_change", "groups": []any{
			map[string]any{"products": []any{map[string]any{"product_id": sub["product_id"]}, map[string]any{"product_id": usage["product_id"], "status": false}}},
			map[string]any{"group_name": "Books", "products": []any{map[string]any{"product_id": book["product_id"]}}},
		}})
		_ = col
		post("/discounts", map[string]any{"type": "flat", "amount": 1, "code": "TENOFF", "currency_options": []any{
			map[string]any{"currency": "USD", "is_default": true, "max_amount_possible": 1000}}, "starts_at": "2026-01-01T00:00:00.000Z"})
		post("/entitlements", map[string]any{"name": "Keys", "integration_type": "license_key", "integration_config": map[string]any{"activations_limit": 3}})
		patch("/products/"+sub["product_id"].(string), map[string]any{"description": "Monthly"})
		var ds map[string]any
		callAuth(ctx, s.base, "Basic "+basicAuth(key), "POST", "/v1/data_sources", map[string]any{"name": "Billing"}, &ds)
		var pl map[string]any
		callAuth(ctx, s.base, "Basic "+basicAuth(key), "POST", "/v1/plans", map[string]any{"data_source_uuid": ds["uuid"], "name": "Gold",
			"interval_count": 1, "interval_unit": "year"}, &pl)
		callAuth(ctx, s.base, "Basic "+basicAuth(key), "POST", "/v1/plan_groups", map[string]any{"name": "Tiers", "plans": []any{pl["uuid"]}}, nil)

		events := eventCount(t, s, key)
		exported := filepath.Join(t.TempDir(), "export.yaml")
		mustCatalog(t, s, key, 0, "export", "-o", exported)
		out := mustCatalog(t, s, key, 0, "plan", exported, "--prune")
		if !strings.Contains(out, "No changes") {
			t.Errorf("plan of the export:\n%s", out)
		}
		mustCatalog(t, s, key, 0, "apply", exported)
		if n := eventCount(t, s, key); n != events {
			data, _ := os.ReadFile(exported)
			t.Errorf("applying the export recorded %d events\n%s", n-events, data)
		}
	})
}
