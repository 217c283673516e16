package pricebook_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pricebook/pricebook/internal/api/chartmogul"
	"github.com/pricebook/pricebook/internal/api/dodo"
	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/api/pricebook"
	"github.com/pricebook/pricebook/internal/httpx"
	"github.com/pricebook/pricebook/internal/pgtest"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// server is the Dodo face and this face over one store, as serve mounts them.
func server(t *testing.T, st *store.Store) *httptest.Server {
	return serverWith(t, face.Deps{Store: st})
}

// serverWith serves the faces built from d (a quiet log unless d has one).
func serverWith(t *testing.T, d face.Deps) *httptest.Server {
	if d.Log == nil {
		d.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	mux := http.NewServeMux()
	mux.Handle(pricebook.Prefix, pricebook.New(d))
	mux.Handle("/v1/", chartmogul.New(d))
	mux.Handle("/", dodo.New(d))
	srv := httptest.NewServer(httpx.Log(d.Log, mux)) // request ids, as serve gives them
	t.Cleanup(srv.Close)
	return srv
}

func call(t *testing.T, srv *httptest.Server, method, path, key, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var m map[string]any
	if len(raw) > 0 && json.Unmarshal(raw, &m) != nil {
		t.Fatalf("%s %s: not a JSON object: %s", method, path, raw)
	}
	return res.StatusCode, m
}

const product = `{"name":"Pro","tax_category":"saas","price":{"type":"one_time_price","currency":"USD","price":1999}}`

func TestEventsHistoryAndAsOf(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		srv := server(t, st)
		keys := storetest.Keys(t, st)
		key := keys["a"]
		_, p := call(t, srv, "POST", "/products", key, product)
		id := p["product_id"].(string)
		time.Sleep(2 * time.Millisecond)
		between := time.Now().UTC()
		time.Sleep(2 * time.Millisecond)
		if s, _ := call(t, srv, "PATCH", "/products/"+id, key, `{"name":"Pro 2"}`); s != 200 {
			t.Fatalf("patch: %d", s)
		}

		// The journal, newest first; readable at once, by a read-only key too.
		s, list := call(t, srv, "GET", "/_pricebook/v1/events", keys["aRO"], "")
		data, _ := list["data"].([]any)
		if s != 200 || len(data) != 2 || list["next_cursor"] != nil {
			t.Fatalf("events: %d %v", s, list)
		}
		latest := data[0].(map[string]any)
		for _, k := range []string{"id", "type", "object_id", "object_kind", "business_id", "mode", "key_id", "request_id", "created_at", "data"} {
			if _, ok := latest[k]; !ok {
				t.Errorf("event lacks %q: %v", k, latest)
			}
		}
		if latest["type"] != "product.updated" || latest["object_id"] != id || latest["data"].(map[string]any)["name"] != "Pro 2" {
			t.Errorf("latest event: %v", latest)
		}
		// Filters and pages.
		if _, l := call(t, srv, "GET", "/_pricebook/v1/events?type=product.created", key, ""); len(l["data"].([]any)) != 1 {
			t.Errorf("type filter: %v", l)
		}
		// A consumer in commit order waits below transactions still running
		// on the PostgreSQL server (other tests' too), so it polls, as the
		// stream does.
		page := func(query string) map[string]any {
			t.Helper()
			for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
				_, l := call(t, srv, "GET", "/_pricebook/v1/events?order=asc&limit=1"+query, key, "")
				if data, _ := l["data"].([]any); len(data) > 0 || time.Now().After(deadline) {
					return l
				}
			}
		}
		first := page("")
		cursor, _ := first["next_cursor"].(string)
		second := page("&cursor=" + cursor)
		d1, _ := first["data"].([]any)
		d2, _ := second["data"].([]any)
		if len(d1) != 1 || len(d2) != 1 || d1[0].(map[string]any)["type"] != "product.created" || d2[0].(map[string]any)["type"] != "product.updated" {
			t.Fatalf("ascending pages: %v / %v", first, second)
		}

		// History, oldest first; the object as it was.
		if _, h := call(t, srv, "GET", "/_pricebook/v1/objects/"+id+"/history", key, ""); len(h["data"].([]any)) != 2 {
			t.Errorf("history: %v", h)
		}
		if s, o := call(t, srv, "GET", "/_pricebook/v1/objects/"+id+"?as_of="+between.Format(time.RFC3339Nano), key, ""); s != 200 || o["name"] != "Pro" {
			t.Errorf("as of before the patch: %d %v", s, o)
		}
		if s, o := call(t, srv, "GET", "/_pricebook/v1/objects/"+id, key, ""); s != 200 || o["name"] != "Pro 2" {
			t.Errorf("latest version: %d %v", s, o)
		}
		if s, o := call(t, srv, "GET", "/_pricebook/v1/objects/"+id+"?as_of=2000-01-01T00:00:00Z", key, ""); s != 404 || o["code"] != "not_found" {
			t.Errorf("as of before it existed: %d %v", s, o)
		}
		// Another partition never had it.
		for _, other := range []string{keys["b"], keys["aLive"]} {
			if s, _ := call(t, srv, "GET", "/_pricebook/v1/objects/"+id+"/history", other, ""); s != 404 {
				t.Errorf("another partition's history: %d", s)
			}
			if _, l := call(t, srv, "GET", "/_pricebook/v1/events", other, ""); len(l["data"].([]any)) != 0 {
				t.Errorf("another partition sees events: %v", l)
			}
		}
		// Errors are {code, message}.
		for _, q := range []string{"order=up", "limit=0", "limit=201", "cursor=nope"} {
			if s, e := call(t, srv, "GET", "/_pricebook/v1/events?"+q, key, ""); s != 422 || e["code"] != "invalid_request" || e["message"] == "" {
				t.Errorf("%s: %d %v", q, s, e)
			}
		}
		if s, e := call(t, srv, "GET", "/_pricebook/v1/events", "", ""); s != 401 || e["code"] != "unauthorized" {
			t.Errorf("no key: %d %v", s, e)
		}
		if s, e := call(t, srv, "POST", "/_pricebook/v1/events", key, "{}"); s != 405 || e["code"] != "method_not_allowed" {
			t.Errorf("POST events: %d %v", s, e)
		}
	})
}

// TestEventStream: a client tailing the stream receives each event as it
// commits, and resumes after the last one it saw with Last-Event-ID.
func TestEventStream(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		srv := server(t, st)
		key := storetest.Keys(t, st)["a"]
		call(t, srv, "POST", "/products", key, product) // before the stream: not sent
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		open := func(lastID string) (*bufio.Reader, func()) {
			req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/_pricebook/v1/events/stream", nil)
			req.Header.Set("Authorization", "Bearer "+key)
			if lastID != "" {
				req.Header.Set("Last-Event-ID", lastID)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil || res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/event-stream" {
				t.Fatalf("stream: %v %v", err, res)
			}
			return bufio.NewReader(res.Body), func() { res.Body.Close() }
		}
		next := func(rd *bufio.Reader) (id, typ string, data map[string]any) {
			for {
				line, err := rd.ReadString('\n')
				if err != nil {
					t.Fatalf("stream ended: %v", err)
				}
				line = strings.TrimSuffix(line, "\n")
				switch {
				case strings.HasPrefix(line, "id: "):
					id = line[4:]
				case strings.HasPrefix(line, "event: "):
					typ = line[7:]
				case strings.HasPrefix(line, "data: "):
					json.Unmarshal([]byte(line[6:]), &data)
				case line == "" && typ != "":
					return id, typ, data
				}
			}
		}
		rd, stop := open("")
		_, p := call(t, srv, "POST", "/products", key, strings.Replace(product, "Pro", "Live", 1))
		id, typ, data := next(rd)
		if typ != "product.created" || data["object_id"] != p["product_id"] {
			t.Fatalf("first streamed event: %s %v", typ, data)
		}
		stop()
		// Written while nobody listened; a resumed stream starts after id.
		call(t, srv, "PATCH", "/products/"+p["product_id"].(string), key, `{"name":"Missed"}`)
		rd, stop = open(id)
		defer stop()
		if _, typ, data := next(rd); typ != "product.updated" || data["data"].(map[string]any)["name"] != "Missed" {
			t.Fatalf("resumed stream: %s %v", typ, data)
		}
	})
}

// TestOpenAPIMatchesRoutes: the served document describes exactly the
// registered routes, and needs no key.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	srv := server(t, st)
	res, err := http.Get(srv.URL + pricebook.OpenAPIPath)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("openapi.json: %v %v", err, res)
	}
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.NewDecoder(res.Body).Decode(&doc); err != nil || !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Fatalf("document: %v %q", err, doc.OpenAPI)
	}
	var documented, registered []string
	for p, ops := range doc.Paths {
		for m := range ops {
			documented = append(documented, strings.ToUpper(m)+" "+p)
		}
	}
	for _, rt := range pricebook.New(face.Deps{Store: st, Log: slog.Default()}).Routes() {
		registered = append(registered, rt.Pattern)
	}
	registered = append(registered, "GET "+pricebook.OpenAPIPath)
	slices.Sort(documented)
	slices.Sort(registered)
	if !slices.Equal(documented, registered) {
		t.Errorf("documented %v\nregistered %v", documented, registered)
	}
}

// TestAuthorisationMatrix: every route of the route table refuses
// requests without a valid key with 401 {code: unauthorized}, answers a
// read-only key's reads and refuses its writes, and never shows another
// partition's objects.
func TestAuthorisationMatrix(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		srv := serverWith(t, face.Deps{Store: st, Inspector: httpx.NewInspector(1 << 20)})
		keys := storetest.Keys(t, st)
		res, created, _ := send(t, srv, "POST", "/products", keys["a"], product, nil)
		var p map[string]any
		json.Unmarshal([]byte(created), &p)
		id := p["product_id"].(string)
		_, wh := call(t, srv, "POST", "/webhooks", keys["a"], `{"url": "https://example.com/hook"}`)
		for _, rt := range pricebook.New(face.Deps{Store: st, Log: slog.Default()}).Routes() {
			method, pattern, _ := strings.Cut(rt.Pattern, " ")
			path := strings.ReplaceAll(pattern, "{id}", id)
			if strings.HasPrefix(pattern, "/_pricebook/v1/webhooks/") {
				path = strings.ReplaceAll(pattern, "{id}", wh["id"].(string))
			}
			path = strings.ReplaceAll(path, "{delivery_id}", "wdl_0000000000000000000000")
			path = strings.ReplaceAll(path, "{request_id}", res.Header.Get("X-Request-Id"))
			if strings.HasSuffix(path, "/stream") {
				path += "?cursor=nope" // refused before the stream opens
			}
			for name, key := range map[string]string{"none": "", "malformed": "not a key", "unknown": "pb_test_0000000000000000_00000000000000000000000000000000", "revoked": keys["revoked"]} {
				if s, e := call(t, srv, method, path, key, ""); s != 401 || e["code"] != "unauthorized" {
					t.Errorf("%s with the %s key: %d %v", rt.Pattern, name, s, e)
				}
			}
			if strings.HasSuffix(path, "?cursor=nope") {
				continue
			}
			if method != "GET" {
				if s, e := call(t, srv, method, path, keys["aRO"], ""); s != 401 || e["code"] != "unauthorized" {
					t.Errorf("%s with a read-only key: %d %v", rt.Pattern, s, e)
				}
			} else if s, _ := call(t, srv, method, path, keys["aRO"], ""); s != 200 {
				t.Errorf("%s with a read-only key: %d", rt.Pattern, s)
			}
			if !strings.Contains(pattern, "{") && (method != "GET" || pattern == "/_pricebook/v1/clock") {
				continue // acts on, or reads, the caller's own partition, naming no object
			}
			for _, other := range []string{"b", "aLive"} {
				s, body := call(t, srv, method, path, keys[other], "")
				if data, isList := body["data"].([]any); !(s == 404 || s == 200 && isList && len(data) == 0) {
					t.Errorf("%s with the %s key: %d %v", rt.Pattern, other, s, body)
				}
			}
		}
	})
}
