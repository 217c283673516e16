package chartmogul_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pricebook/pricebook/internal/api/chartmogul"
	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/httpx"
	"github.com/pricebook/pricebook/internal/pgtest"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// harness drives the real handler stack over a fresh store.
type harness struct {
	t    testing.TB
	h    http.Handler
	st   *store.Store
	keys map[string]string // a, aLive, aRO, b, revoked
}

func newHarness(t testing.TB, st *store.Store) *harness {
	t.Helper()
	return &harness{t: t, st: st, h: chartmogul.New(deps(st)), keys: storetest.Keys(t, st)}
}

// deps are what the server passes a face, over st: no rate limit, a
// read cache of the default size.
func deps(st *store.Store) face.Deps {
	return face.Deps{Store: st, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Reads: httpx.NewReadCache(st, httpx.DefaultReadCacheMB<<20)}
}

type response struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body as an object; every body the face writes is JSON.
func (r response) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %q (status %d) is not a JSON object: %v", r.body, r.status, err)
	}
	return m
}

// is asserts the status and, when want is not "", the exact JSON body.
func (r response) is(t testing.TB, status int, want string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	if status == http.StatusNoContent {
		if len(r.body) != 0 {
			t.Fatalf("204 with body %q", r.body)
		}
		return
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("content type %q", ct)
	}
	if want == "" {
		return
	}
	var got, exp any
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
	if err := json.Unmarshal([]byte(want), &exp); err != nil {
		t.Fatalf("want %q: %v", want, err)
	}
	g, _ := json.Marshal(got)
	e, _ := json.Marshal(exp)
	if string(g) != string(e) {
		t.Fatalf("body\n got %s\nwant %s", g, e)
	}
}

// do sends a request with the key as Basic username and an empty
// password, as every current client does.
func (h *harness) do(method, path, key, body string) response {
	h.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	if key != "" {
		req.SetBasicAuth(key, "")
	}
	req.Header.Set("Content-Type", "application/json")
	return h.send(req)
}

func (h *harness) send(req *http.Request) response {
	rec := httptest.NewRecorder()
	h.h.ServeHTTP(rec, req)
	return response{rec.Code, rec.Header(), rec.Body.Bytes()}
}

// create posts body and returns the new object's uuid.
func (h *harness) create(path, key, body string) string {
	h.t.Helper()
	r := h.do("POST", path, key, body)
	if r.status != 201 && r.status != 200 {
		h.t.Fatalf("POST %s: %d %s", path, r.status, r.body)
	}
	return r.json(h.t)["uuid"].(string)
}

func (h *harness) dataSource(key, name string) string {
	h.t.Helper()
	return h.create("/v1/data_sources", key, `{"name":"`+name+`"}`)
}

func (h *harness) plan(key, ds, name, extra string) string {
	h.t.Helper()
	return h.create("/v1/plans", key, `{"data_source_uuid":"`+ds+`","name":"`+name+`","interval_count":1,"interval_unit":"month"`+extra+`}`)
}

// uuids returns the uuid of every item under key in a list body.
func uuids(t *testing.T, r response, key string) []string {
	t.Helper()
	var out []string
	items, _ := r.json(t)[key].([]any)
	for _, it := range items {
		out = append(out, it.(map[string]any)["uuid"].(string))
	}
	return out
}
