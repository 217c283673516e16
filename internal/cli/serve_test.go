package cli

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// TestPathsGoToTheirFace: the composed handler sends every path to its
// face, those with empty, "." or ".." segments too (which a ServeMux
// would redirect): each answers them with its own 404.
func TestPathsGoToTheirFace(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	h := newHandler(face.Deps{Store: st, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), PublicURL: "http://pricebook.test"})
	for path, want := range map[string]string{
		"/healthz":       `{"status":"ok"}`,
		"//products":     `{"code":"NOT_FOUND","message":"No route for GET //products"}`,
		"/products/./x":  `{"code":"NOT_FOUND","message":"No route for GET /products/./x"}`,
		"/v1/../product": `{"error":"Not found"}`,
		"/v1//plans":     `{"error":"Not found"}`,
		"/v1/plans":      `{"code":401,"message":"No valid API key provided","param":null}`,
		// Paths beside the public pages (/s/MODE/BUSINESS/SLUG, /buy/ID) are the Dodo face's.
		"/s/x":                          `{"code":"NOT_FOUND","message":"No route for GET /s/x"}`,
		"/s/test/bus_x/slug/more":       `{"code":"NOT_FOUND","message":"No route for GET /s/test/bus_x/slug/more"}`,
		"/buy":                          `{"code":"NOT_FOUND","message":"No route for GET /buy"}`,
		"/buy/pdt_x/more":               `{"code":"NOT_FOUND","message":"No route for GET /buy/pdt_x/more"}`,
		"/checkout/supported_countries": `{"code":"NOT_FOUND","message":"No route for GET /checkout/supported_countries"}`,
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if got := rec.Body.String(); got != want+"\n" {
			t.Errorf("GET %s: %d %s, want %s", path, rec.Code, got, want)
		}
	}
	// Another method on a page's path is the face's too, not the mux's 405.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/buy/pdt_x", nil))
	if got := rec.Body.String(); rec.Code != 404 || got != `{"code":"NOT_FOUND","message":"No route for POST /buy/pdt_x"}`+"\n" {
		t.Errorf("POST /buy/pdt_x: %d %s", rec.Code, got)
	}
	// The pages are HTML, with their policy, and need no key.
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/s/test/bus_x/nothing", nil))
	if rec.Code != 404 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") || rec.Header().Get("Content-Security-Policy") == "" {
		t.Errorf("unknown short link: %d %v", rec.Code, rec.Header())
	}
}

func TestCheckPublicURL(t *testing.T) {
	for _, ok := range []string{"http://127.0.0.1:8080", "https://pricebook.example.com/", "https://example.com/pricebook"} {
		if err := checkPublicURL(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"example.com", "ftp://example.com", "https://", "https://example.com/?a=1", "https://example.com/#x", "https://u:p@example.com", "::"} {
		if err := checkPublicURL(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

// TestRootIsTheDashboardForBrowsers: GET / sends a browser (Accept:
// text/html) to the dashboard; an API client keeps the Dodo face's 404.
func TestRootIsTheDashboardForBrowsers(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	h := newHandler(face.Deps{Store: st, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), PublicURL: "http://pricebook.test"})
	for accept, want := range map[string]int{"text/html,application/xhtml+xml,*/*;q=0.8": 303, "application/json": 404, "*/*": 404, "": 404} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("Accept", accept)
		h.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("GET / Accept %q: %d", accept, rec.Code)
		}
		if want == 303 && rec.Header().Get("Location") != "/dashboard/" {
			t.Errorf("GET / for a browser: Location %q", rec.Header().Get("Location"))
		}
		if want == 404 && (rec.Header().Get("Content-Type") != "application/json" || rec.Body.String() != `{"code":"NOT_FOUND","message":"No route for GET /"}`+"\n") {
			t.Errorf("GET / for an API client: %v %s", rec.Header(), rec.Body)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/dashboard/", nil))
	if rec.Code != 303 || rec.Header().Get("Location") != "/dashboard/signin?next=%2Fdashboard%2F" {
		t.Errorf("GET /dashboard/: %d %v", rec.Code, rec.Header())
	}
}

// TestServeRefusesBadFlags: serve stops before opening anything when a
// flag's value makes no sense, and says which flag.
func TestServeRefusesBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--webhook-workers", "-1"},
		{"--webhook-timeout", "0s"},
	} {
		var stderr strings.Builder
		code := Run(context.Background(), append([]string{"serve", "--db", ":memory:", "--addr", "127.0.0.1:0"}, args...),
			func(string) string { return "" }, strings.NewReader(""), io.Discard, &stderr)
		if code == 0 || !strings.Contains(stderr.String(), args[0]) {
			t.Errorf("serve %v: exit %d, stderr %q", args, code, stderr.String())
		}
	}
}
