package cli

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// TestPathsGoToTheirFace: the composed handler sends every path to its
// face, those with empty, "." or ".." segments too (which a ServeMux
// would redirect): each answers them with its own 404.
func TestPathsGoToTheirFace(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	h := newHandler(st, slog.New(slog.NewTextHandler(io.Discard, nil)), nil, nil, nil, nil)
	for path, want := range map[string]string{
		"/healthz":       `{"status":"ok"}`,
		"//products":     `{"code":"NOT_FOUND","message":"No route for GET //products"}`,
		"/products/./x":  `{"code":"NOT_FOUND","message":"No route for GET /products/./x"}`,
		"/v1/../product": `{"error":"Not found"}`,
		"/v1//plans":     `{"error":"Not found"}`,
		"/v1/plans":      `{"code":401,"message":"No valid API key provided","param":null}`,
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if got := rec.Body.String(); got != want+"\n" {
			t.Errorf("GET %s: %d %s, want %s", path, rec.Code, got, want)
		}
	}
}
