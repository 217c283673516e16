// Package face is the kit every API face is built on. A face (Dodo,
// ChartMogul, ...) owns its wire: its route table, handlers, wire types,
// error envelope and words. The kit owns what is the same for all of them:
// mounting the route table on a ServeMux, authentication and the caller's
// tenant, rate limiting, Idempotency-Key handling for writes, refusing
// path and query text that cannot be stored, answering unmatched and
// non-canonical paths, panic recovery and the body limit.
package face

import (
	"context"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
	"github.com/pricebook/pricebook/internal/metrics"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/uploads"
)

// MaxBodyBytes caps every request body.
const MaxBodyBytes = 1 << 20

// Deps are what every face is built from, passed to its constructor.
type Deps struct {
	Store *store.Store
	Log   *slog.Logger
	// Limiter limits requests per API key; nil is no limit.
	Limiter *httpx.RateLimiter
	// Reads caches rendered reads while the data is unchanged; nil caches
	// nothing. Faces may share one.
	Reads *httpx.ReadCache
	// Metrics counts and times every route's requests (nil: none).
	Metrics *metrics.Metrics
	// Inspector, when set, keeps the recent requests of the faces whose
	// Spec asks for it (Inspect); live-mode ones only with InspectLive.
	Inspector   *httpx.Inspector
	InspectLive bool
	// OpenTestKeys lets a token of the form "pb_test_" and 16 or more
	// characters that is no issued key open its own business and test-mode
	// key on first use (serve --open-test-keys; store.AuthenticateOpen).
	OpenTestKeys bool
	// Uploads issues upload URLs and renders image and download URLs;
	// nil is none (upload routes fail).
	Uploads *uploads.Service
	// Done is closed when the server begins to shut down, so that answers
	// that last (event streams) end and the server can drain; nil never
	// closes.
	Done <-chan struct{}
	// PublicURL is the server's public base URL (scheme and host, no
	// trailing slash), for the links a face hands out (short links).
	PublicURL string
	// Reseed, when set, restores a partition's seed catalog after
	// POST /_pricebook/v1/reset emptied it (serve --seed); it does
	// nothing for a partition without one.
	Reseed func(ctx context.Context, tn catalog.Tenant) error
}

// Route is one entry of a face's route table.
type Route struct {
	Pattern string // "METHOD /path", as http.ServeMux takes it
	Handler httpx.HandlerFunc
	// Errors writes the route's errors when they take another envelope
	// than the face's (Spec.Errors); nil for the face's.
	Errors httpx.ErrorWriter
	// MaxBody caps the route's body instead of MaxBodyBytes (a file
	// upload's); 0 is MaxBodyBytes.
	MaxBody int64
}

// Spec is what a face tells the kit: its route table, its envelope, how
// a request presents its key, and the face's errors for the refusals the
// kit makes on its behalf. Every field but ReadOnlyFirst, MaxRetryAfter
// and Preflight is required.
type Spec struct {
	// Name names the face in metrics: dodo, chartmogul, pricebook.
	Name   string
	Routes []Route
	// Errors writes errors in the face's envelope: those of routes
	// without their own writer, of unmatched paths and of panics.
	Errors httpx.ErrorWriter
	// Credentials returns the API key r presents, and false when r
	// presents none in the face's scheme.
	Credentials func(r *http.Request) (token string, ok bool)
	// Unauthorized refuses a request without a key that authenticates:
	// none, malformed, unknown or revoked.
	Unauthorized error
	// ReadOnly refuses a write with a read-only key.
	ReadOnly error
	// NotFound is the 404 for a path value that is not text
	// (httpx.ValidText): such an id names nothing.
	NotFound func(httpx.Wildcard) error
	// BadQuery refuses a query parameter whose name or a value is not
	// text, named as httpx.BadQueryText names it.
	BadQuery func(name string) error
	// ReadOnlyFirst refuses a read-only key's write before the rate limit,
	// so the refusal spends nothing of the key's budget and carries no
	// rate-limit headers (ChartMogul's order); without it the limit comes
	// first (Dodo's).
	ReadOnlyFirst bool
	// MaxRetryAfter caps the Retry-After of a rate-limited request; 0 is
	// no cap.
	MaxRetryAfter time.Duration
	// Inspect records the face's requests in Deps.Inspector (inspect.go).
	Inspect bool
	// Faults injects the faults of test mode (Pricebook-Fault, fault
	// rules: fault.go) into the face's routes.
	Faults bool
	// Preflight answers OPTIONS on any path with 204, as browsers'
	// preflights expect; without it OPTIONS is a method like any other
	// the face does not serve.
	Preflight bool
}

// Handler serves one face.
type Handler struct {
	store        *store.Store
	limiter      *httpx.RateLimiter
	openTestKeys bool
	inspector    *httpx.Inspector // nil: no inspection
	metrics      *metrics.Metrics
	inspectLive  bool
	spec         Spec
	mux          *http.ServeMux
	serve        http.Handler
}

// New mounts s's route table with the kit around every route: a route
// answers only a key that authenticates, writes take Idempotency-Key, and
// path and query text is checked before the handler runs.
func New(d Deps, s Spec) *Handler {
	if s.Name == "" || s.Errors == nil || s.Credentials == nil || s.Unauthorized == nil || s.ReadOnly == nil || s.NotFound == nil || s.BadQuery == nil {
		panic("face: a Spec needs Name, Errors, Credentials, Unauthorized, ReadOnly, NotFound and BadQuery")
	}
	h := &Handler{store: d.Store, limiter: d.Limiter, openTestKeys: d.OpenTestKeys, inspectLive: d.InspectLive, metrics: d.Metrics,
		spec: s, mux: http.NewServeMux()}
	if s.Inspect {
		h.inspector = d.Inspector
	}
	for _, rt := range s.Routes {
		ew := rt.Errors
		if ew == nil {
			ew = s.Errors
		}
		limit := rt.MaxBody
		if limit <= 0 {
			limit = MaxBodyBytes
		}
		var route http.Handler = httpx.LimitBody(limit, httpx.Adapt(ew, h.authenticate(rt.Pattern, ew, h.checkText(rt.Pattern, rt.Handler))))
		if h.inspector != nil {
			route = h.inspect(route)
		}
		h.mux.Handle(rt.Pattern, d.Metrics.Instrument(s.Name, rt.Pattern, route))
	}
	h.mux.Handle("/", d.Metrics.Instrument(s.Name, "unmatched", httpx.LimitBody(MaxBodyBytes, httpx.Adapt(s.Errors, h.unmatched))))
	h.serve = httpx.Recover(d.Log, s.Errors, http.HandlerFunc(h.route))
	return h
}

// ServeHTTP serves the face with panic recovery and the body limit.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.serve.ServeHTTP(w, r)
}

// route hands r to the mux, unless its path is not canonical: the mux
// would redirect such a path to its cleaned form, in HTML. A path with
// empty, "." or ".." segments names no resource, so it is the face's 404.
func (h *Handler) route(w http.ResponseWriter, r *http.Request) {
	if !Canonical(r.URL.EscapedPath()) {
		h.spec.Errors(w, r, noRoute(r))
		return
	}
	h.mux.ServeHTTP(w, r)
}

// Canonical reports whether http.ServeMux serves the escaped path p as it
// is rather than redirecting it: p is absolute and cleaning it
// (path.Clean, keeping a trailing slash) changes nothing.
func Canonical(p string) bool {
	if p == "" || p[0] != '/' {
		return false
	}
	clean := path.Clean(p)
	if p[len(p)-1] == '/' && clean != "/" {
		clean += "/"
	}
	return clean == p
}

// checkText refuses path values and query parameters that are not valid
// text (httpx.ValidText) before next runs. Bodies are checked where they
// are decoded.
func (h *Handler) checkText(pattern string, next httpx.HandlerFunc) httpx.HandlerFunc {
	wildcards := httpx.Wildcards(pattern)
	return func(w http.ResponseWriter, r *http.Request) error {
		if wc, bad := httpx.BadPathText(r, wildcards); bad {
			return h.spec.NotFound(wc)
		}
		if name, bad := httpx.BadQueryText(r.URL.Query()); bad {
			return h.spec.BadQuery(name)
		}
		return next(w, r)
	}
}

// probed are the methods unmatched tries on a path for its Allow header.
var probed = []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete}

// unmatched answers what no route serves, without asking for a key: a
// known path with another method is 405 with Allow, anything else 404,
// both in the face's envelope; with Spec.Preflight OPTIONS is 204.
func (h *Handler) unmatched(w http.ResponseWriter, r *http.Request) error {
	if r.Method == http.MethodOptions && h.spec.Preflight {
		httpx.WriteEmpty(w, http.StatusNoContent)
		return nil
	}
	var allowed []string
	for _, m := range probed {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := h.mux.Handler(probe); pattern != "/" && pattern != "" {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) > 0 {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		return &httpx.Error{Status: http.StatusMethodNotAllowed, Reason: httpx.MethodNotAllowed,
			Message: r.Method + " is not allowed on " + r.URL.Path}
	}
	return noRoute(r)
}

// noRoute is the 404 of a path no route serves.
func noRoute(r *http.Request) error {
	return catalog.Errorf(catalog.KindNotFound, catalog.Missing, "No route for %s %s", r.Method, r.URL.Path)
}
