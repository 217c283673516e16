package face

import (
	"context"
	"net/http"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
)

type inspectKey struct{}

// inspecting is filled by authenticate with the tenant a request acts
// for, so that inspect knows whose inspector it belongs in.
type inspecting struct {
	tenant catalog.Tenant
	known  bool
}

// inspect records each request that authenticates in the inspector:
// method, path, query, status, duration, the fault that fired, and the
// bodies cut and redacted (httpx.Inspector). Live-mode requests only with
// Deps.InspectLive.
func (h *Handler) inspect(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &inspecting{}
		reqBody := httpx.CaptureBody(r)
		cw := &httpx.CaptureWriter{ResponseWriter: w}
		next.ServeHTTP(cw, r.WithContext(context.WithValue(r.Context(), inspectKey{}, rec)))
		if !rec.known || rec.tenant.Mode == catalog.ModeLive && !h.inspectLive {
			return
		}
		q := &httpx.Inspected{RequestID: httpx.RequestID(r.Context()), At: start.UTC(), Method: r.Method, Path: r.URL.Path,
			Query: r.URL.RawQuery, Status: cw.Status, Duration: time.Since(start), IdempotencyKey: r.Header.Get("Idempotency-Key"),
			Fault: w.Header().Get(FaultAppliedHeader), RequestHeaders: r.Header}
		b, n := reqBody()
		q.Request = httpx.Body{Kept: b, Total: n, Type: r.Header.Get("Content-Type")}
		b, n = cw.Body()
		q.Response = httpx.Body{Kept: b, Total: n, Type: w.Header().Get("Content-Type")}
		h.inspector.Add(rec.tenant, q)
	})
}

// noteTenant tells inspect, if it runs, whose request r is.
func noteTenant(r *http.Request, tn catalog.Tenant) {
	if rec, ok := r.Context().Value(inspectKey{}).(*inspecting); ok {
		rec.tenant, rec.known = tn, true
	}
}
