// Package chartmogul serves the ChartMogul-compatible API for data
// sources, plans and plan groups: the vendor's paths, statuses, bodies and
// quirks, over the same store and tenancy as every other face.
package chartmogul

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
	"github.com/pricebook/pricebook/internal/store"
)

// MaxBodyBytes caps every request body.
const MaxBodyBytes = 1 << 20

// API is the ChartMogul face over the store.
type API struct {
	store   *store.Store
	log     *slog.Logger
	mux     *http.ServeMux
	limiter *httpx.RateLimiter
	// reads caches rendered plan reads while the data is unchanged.
	reads *httpx.ReadCache
}

// SetReadCache replaces the face's own read cache (nil turns it off), so
// that faces can share one.
func (a *API) SetReadCache(c *httpx.ReadCache) { a.reads = c }

// SetRateLimiter limits requests per API key; nil (the default) is off.
// Retry-After stays at or under 60 seconds, as the clients expect.
func (a *API) SetRateLimiter(l *httpx.RateLimiter) { a.limiter = l }

// Route is one entry of the route table.
type Route struct {
	Pattern string // "METHOD /path"
	Handler httpx.HandlerFunc
	style   errorStyle
}

// New returns the ChartMogul face with its routes registered. It serves
// paths under /v1/ as they arrive, so mount it at "/v1/".
func New(st *store.Store, logger *slog.Logger) *API {
	a := &API{store: st, log: logger, mux: http.NewServeMux(), reads: httpx.NewReadCache(st, httpx.DefaultReadCacheMB<<20)}
	for _, rt := range a.Routes() {
		a.mux.Handle(rt.Pattern, httpx.Adapt(a.errorWriter(rt.style), a.authenticate(rt.Pattern, rt.style, checkText(rt.Pattern, rt.Handler))))
	}
	a.mux.Handle("/", httpx.Adapt(a.errorWriter(importErrors), a.unmatched))
	a.registerRenderers()
	return a
}

// Routes is the whole surface of the face, on one screen. The /v1/import
// paths are what clients before 2017 used; PUT is what chartmogul-node's
// generic update sends; /dependent and /all are chartmogul-go's purge and
// empty calls.
func (a *API) Routes() []Route {
	return []Route{
		{"POST /v1/data_sources", a.createDataSource, importErrors},
		{"GET /v1/data_sources", a.listDataSources, importErrors},
		{"GET /v1/data_sources/{uuid}", a.getDataSource, importErrors},
		{"DELETE /v1/data_sources/{uuid}", a.deleteDataSource, importErrors},
		{"DELETE /v1/data_sources/{uuid}/dependent", a.emptyDataSource, importErrors},
		{"DELETE /v1/data_sources/{uuid}/all", a.emptyDataSource, importErrors},

		{"POST /v1/plans", a.createPlan, importErrors},
		{"GET /v1/plans", a.listPlans, importErrors},
		{"GET /v1/plans/{uuid}", a.getPlan, importErrors},
		{"PATCH /v1/plans/{uuid}", a.updatePlan, importErrors},
		{"PUT /v1/plans/{uuid}", a.updatePlan, importErrors},
		{"DELETE /v1/plans/{uuid}", a.deletePlan, importErrors},

		{"POST /v1/plan_groups", a.createPlanGroup, railsErrors},
		{"GET /v1/plan_groups", a.listPlanGroups, railsErrors},
		{"GET /v1/plan_groups/{uuid}", a.getPlanGroup, railsErrors},
		{"PATCH /v1/plan_groups/{uuid}", a.updatePlanGroup, railsErrors},
		{"PUT /v1/plan_groups/{uuid}", a.updatePlanGroup, railsErrors},
		{"DELETE /v1/plan_groups/{uuid}", a.deletePlanGroup, railsErrors},
		{"GET /v1/plan_groups/{uuid}/plans", a.listPlanGroupPlans, railsErrors},

		{"POST /v1/import/data_sources", a.createDataSource, importErrors},
		{"GET /v1/import/data_sources", a.listDataSources, importErrors},
		{"GET /v1/import/data_sources/{uuid}", a.getDataSource, importErrors},
		{"DELETE /v1/import/data_sources/{uuid}", a.deleteDataSource, importErrors},
		{"POST /v1/import/plans", a.createPlan, importErrors},
		{"GET /v1/import/plans", a.listPlans, importErrors},
		{"GET /v1/import/plans/{uuid}", a.getPlan, importErrors},
		{"PATCH /v1/import/plans/{uuid}", a.updatePlan, importErrors},
		{"DELETE /v1/import/plans/{uuid}", a.deletePlan, importErrors},
	}
}

// ServeHTTP serves the face with panic recovery and the body limit.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	httpx.Recover(a.log, a.errorWriter(importErrors), httpx.LimitBody(MaxBodyBytes, a.mux)).ServeHTTP(w, r)
}

type tenantKey struct{}

// tenant returns the caller's partition, set by authenticate.
func tenant(r *http.Request) catalog.Tenant {
	return r.Context().Value(tenantKey{}).(catalog.Tenant)
}

// authenticate resolves HTTP Basic credentials to the key's tenant: the
// username is a Pricebook API key, the password empty or the key again
// (what the vendor tells users of legacy two-part clients to send). A
// read-only key may only read; writes get the same 401 as a bad key.
func (a *API) authenticate(pattern string, style errorStyle, next httpx.HandlerFunc) httpx.HandlerFunc {
	mutating := !strings.HasPrefix(pattern, "GET ")
	return func(w http.ResponseWriter, r *http.Request) error {
		user, pass, ok := r.BasicAuth()
		if !ok || !httpx.LooksLikeKey(user) || (pass != "" && subtle.ConstantTimeCompare([]byte(pass), []byte(user)) != 1) {
			return errUnauthorized
		}
		key, err := a.store.Authenticate(r.Context(), user)
		if catalog.ErrorKind(err) == catalog.KindUnauthorized || (err == nil && key.ReadOnly && mutating) {
			return errUnauthorized
		}
		if err != nil {
			return err
		}
		if a.limiter != nil && !a.limiter.Allow(w, key.ID, time.Minute) {
			return httpx.ErrRateLimited
		}
		tn := catalog.Tenant{BusinessID: key.BusinessID, Mode: key.Mode}
		ctx := store.WithActor(r.Context(), store.Actor{KeyID: key.ID, RequestID: httpx.RequestID(r.Context())})
		r = r.WithContext(context.WithValue(ctx, tenantKey{}, tn))
		if mutating {
			if err := httpx.CheckIdempotencyKey(r); err != nil {
				return err
			}
			return httpx.Idempotent(a.store, tn, a.errorWriter(style), next)(w, r)
		}
		return next(w, r)
	}
}

// checkText refuses path uuids and query values that are not valid text
// (httpx.ValidText) before next runs: such a uuid names nothing (the
// route's 404) and such a value is a bad parameter (400). Bodies are
// checked where they are decoded.
func checkText(pattern string, next httpx.HandlerFunc) httpx.HandlerFunc {
	wildcards := httpx.Wildcards(pattern)
	return func(w http.ResponseWriter, r *http.Request) error {
		if wc, bad := httpx.BadPathText(r, wildcards); bad {
			if err, ok := notFoundAfter[wc.After]; ok {
				return err
			}
			return catalog.NotFound("object", "")
		}
		if name, bad := httpx.BadQueryText(r.URL.Query()); bad {
			return badRequest(name, `Parameter "`+name+`" is invalid`)
		}
		return next(w, r)
	}
}

// notFoundAfter is the 404 of a uuid after each path segment. Every
// wildcard of the route table has an entry (TestBadTextInPathIsNotFound
// checks).
var notFoundAfter = map[string]error{
	"data_sources": store.ErrDataSourceNotFound,
	"plans":        store.ErrPlanNotFound,
	"plan_groups":  store.ErrPlanGroupNotFound,
}

var methods = []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete}

// unmatched answers paths no route serves: a known path with another
// method gets 405, anything else the vendor's 404 body.
func (a *API) unmatched(w http.ResponseWriter, r *http.Request) error {
	var allowed []string
	for _, m := range methods {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := a.mux.Handler(probe); pattern != "/" && pattern != "" {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) > 0 {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		return httpx.WriteJSON(w, http.StatusMethodNotAllowed, codeBody{Code: http.StatusMethodNotAllowed,
			Message: r.Method + " is not allowed on " + r.URL.Path})
	}
	return catalog.Errorf(catalog.KindNotFound, catalog.Missing, "No route for %s %s", r.Method, r.URL.Path)
}
