package chartmogul_test

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// walk follows cursors from the first page of path and returns every
// uuid under key, checking the recorded envelope rules on the way.
func walk(t *testing.T, h *harness, path, key string, perPage int) []string {
	t.Helper()
	var all []string
	cursor := ""
	for page := 1; ; page++ {
		q := url.Values{"per_page": {fmt.Sprint(perPage)}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		r := h.do("GET", path+"?"+q.Encode(), h.keys["a"], "{}")
		r.is(t, 200, "")
		m := r.json(t)
		_, hasCurrent := m["current_page"]
		_, hasTotal := m["total_pages"]
		if hasCurrent != (page == 1) || hasTotal != (page == 1) {
			t.Fatalf("page %d: current_page/total_pages only on the first page: %s", page, r.body)
		}
		items := uuids(t, r, key)
		if len(items) > perPage {
			t.Fatalf("page %d has %d items", page, len(items))
		}
		all = append(all, items...)
		c, _ := m["cursor"].(string)
		if len(items) > 0 && c == "" {
			t.Fatalf("page %d: no cursor: %s", page, r.body)
		}
		if m["has_more"] != true {
			return all
		}
		cursor = c
		if page > 100 {
			t.Fatal("endless pagination")
		}
	}
}

func TestPagination(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		k := h.keys["a"]
		// Half the plans share one instant, so the id must break ties.
		base := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
		now := base
		st.Now = func() time.Time { return now }
		ds := h.dataSource(k, "One")
		var want []string
		for i := 0; i < 11; i++ {
			now = base.Add(time.Duration(min(i+1, 5)) * time.Millisecond)
			want = append(want, h.plan(k, ds, fmt.Sprint("p", i), ""))
		}
		g := h.create("/v1/plan_groups", k, `{"name":"G","plans":["`+want[0]+`","`+want[3]+`","`+want[4]+`","`+want[9]+`"]}`)
		h.create("/v1/plan_groups", k, `{"name":"H","plans":["`+want[1]+`"]}`)
		h.create("/v1/plan_groups", k, `{"name":"I","plans":["`+want[2]+`"]}`)

		full := uuids(t, h.do("GET", "/v1/plans", k, ""), "plans")
		if len(full) != 11 {
			t.Fatalf("default page: %d plans", len(full))
		}
		for _, per := range []int{1, 3, 11, 200} {
			if got := walk(t, h, "/v1/plans", "plans", per); !slices.Equal(got, full) {
				t.Errorf("per_page %d: %v, want %v", per, got, full)
			}
		}
		if got := walk(t, h, "/v1/plan_groups/"+g+"/plans", "plans", 1); len(got) != 4 {
			t.Errorf("group plans: %v", got)
		}
		if got := walk(t, h, "/v1/plan_groups", "plan_groups", 2); len(got) != 3 {
			t.Errorf("groups: %v", got)
		}
		// Newest first: the oldest plans, created at distinct instants, end the list.
		if tail := full[len(full)-4:]; !slices.Equal(tail, []string{want[3], want[2], want[1], want[0]}) {
			t.Errorf("oldest plans last: %v, want %v", tail, want[:4])
		}
		m := h.do("GET", "/v1/plans?per_page=3", k, "").json(t)
		if m["current_page"] != 1.0 || m["total_pages"] != 4.0 || m["has_more"] != true {
			t.Errorf("first page: %v", m)
		}
		last := h.do("GET", "/v1/plans?per_page=11", k, "").json(t)
		if last["has_more"] != false || last["cursor"] == nil {
			t.Errorf("single full page keeps a cursor: %v", last)
		}
		h.do("GET", "/v1/plans?per_page=5000", k, "").is(t, 200, "")
		h.do("GET", "/v1/plans?per_page=99999999999999999999", k, "").is(t, 200, "")
		bad := func(q, param string) {
			t.Helper()
			r := h.do("GET", "/v1/plans?"+q, k, "")
			r.is(t, 400, "")
			if m := r.json(t); m["code"] != 400.0 || m["param"] != param {
				t.Errorf("%s: %s", q, r.body)
			}
		}
		bad("per_page=0", "per_page")
		bad("per_page=-3", "per_page")
		bad("per_page=abc", "per_page")
		bad("cursor=%25%25", "cursor")
		bad("cursor=bm90LWEtY3Vyc29y", "cursor") // base64 of "not-a-cursor"
		bad("cursor="+base64.StdEncoding.EncodeToString([]byte("2023-10-30T02:27:28Z&")), "cursor")
		bad("page=2", "page")
		// A cursor made by the vendor's encoding is accepted, unpadded too.
		c := base64.RawURLEncoding.EncodeToString([]byte("2023-10-30T02:27:28.035592000Z&1100224"))
		h.do("GET", "/v1/plans?cursor="+c, k, "").is(t, 200, `{"plans":[],"cursor":null,"has_more":false}`)
		h.do("GET", "/v1/plan_groups/"+g+"/plans?per_page=0", k, "").is(t, 400, "")
	})
}
