// Package dodo serves the Dodo Payments-compatible catalog API.
package dodo

import (
	"context"
	"log/slog"
	"net/http"
	"strings"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
	"github.com/pricebook/pricebook/internal/store"
)

// MaxBodyBytes caps every request body.
const MaxBodyBytes = 1 << 20

// API is the Dodo Payments face over the store.
type API struct {
	store   *store.Store
	log     *slog.Logger
	mux     *http.ServeMux
	limiter *httpx.RateLimiter
	// reads caches rendered product reads while the data is unchanged.
	reads *httpx.ReadCache
}

// SetRateLimiter limits requests per API key; nil (the default) is off.
func (a *API) SetRateLimiter(l *httpx.RateLimiter) { a.limiter = l }

// SetReadCache replaces the face's own read cache (nil turns it off), so
// that faces can share one.
func (a *API) SetReadCache(c *httpx.ReadCache) { a.reads = c }

// Route is one entry of the route table.
type Route struct {
	Pattern string // "METHOD /path"
	Handler httpx.HandlerFunc
}

// New returns the Dodo face with its routes registered.
func New(st *store.Store, logger *slog.Logger) *API {
	a := &API{store: st, log: logger, mux: http.NewServeMux(), reads: httpx.NewReadCache(st, httpx.DefaultReadCacheMB<<20)}
	for _, rt := range a.Routes() {
		a.mux.Handle(rt.Pattern, httpx.Adapt(a.writeError, a.authenticate(rt.Pattern, checkText(rt.Pattern, rt.Handler))))
	}
	a.mux.Handle("/", httpx.Adapt(a.writeError, a.unmatched))
	a.registerRenderers()
	return a
}

// Routes is the whole surface of the face, on one screen. Fixed paths such
// as /products/short_links must come before {id} siblings only in
// spirit: the standard mux picks the most specific pattern.
func (a *API) Routes() []Route {
	routes := []Route{
		{"GET /products", a.listProducts},
		{"POST /products", a.createProduct},
		{"GET /products/{id}", a.getProduct},
		{"PATCH /products/{id}", a.updateProduct},
		{"DELETE /products/{id}", a.archiveProduct},
		{"POST /products/{id}/unarchive", a.unarchiveProduct},

		{"GET /product-collections", a.listCollections},
		{"POST /product-collections", a.createCollection},
		{"GET /product-collections/{id}", a.getCollection},
		{"PATCH /product-collections/{id}", a.updateCollection},
		{"DELETE /product-collections/{id}", a.archiveCollection},
		{"POST /product-collections/{id}/unarchive", a.unarchiveCollection},
		{"POST /product-collections/{id}/groups", a.createGroup},
		{"PATCH /product-collections/{id}/groups/{group_id}", a.updateGroup},
		{"DELETE /product-collections/{id}/groups/{group_id}", a.deleteGroup},
		{"POST /product-collections/{id}/groups/{group_id}/items", a.addItems},
		{"PATCH /product-collections/{id}/groups/{group_id}/items/{item_id}", a.updateItem},
		{"DELETE /product-collections/{id}/groups/{group_id}/items/{item_id}", a.deleteItem},
	}
	routes = append(routes, a.usageRoutes()...)
	return append(routes, a.brandRoutes()...)
}

// ServeHTTP serves the face with panic recovery and the body limit.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	httpx.Recover(a.log, a.writeError, httpx.LimitBody(MaxBodyBytes, a.mux)).ServeHTTP(w, r)
}

type tenantKey struct{}

// tenant returns the caller's partition, set by authenticate.
func tenant(r *http.Request) catalog.Tenant {
	return r.Context().Value(tenantKey{}).(catalog.Tenant)
}

var errUnauthorized = catalog.Errorf(catalog.KindUnauthorized, catalog.Unauthorized, "You are not authorised to perform this action")

// authenticate resolves the bearer key to its tenant. A read-only key may
// only read.
func (a *API) authenticate(pattern string, next httpx.HandlerFunc) httpx.HandlerFunc {
	mutating := !strings.HasPrefix(pattern, "GET ")
	return func(w http.ResponseWriter, r *http.Request) error {
		// The scheme is case-insensitive (RFC 7235).
		scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		token = strings.TrimSpace(token)
		if !strings.EqualFold(scheme, "Bearer") || !httpx.LooksLikeKey(token) {
			return errUnauthorized
		}
		key, err := a.store.Authenticate(r.Context(), token)
		if err != nil {
			return err
		}
		if a.limiter != nil && !a.limiter.Allow(w, key.ID, 0) {
			return httpx.ErrRateLimited
		}
		if key.ReadOnly && mutating {
			return catalog.Errorf(catalog.KindUnauthorized, catalog.Unauthorized, "This API key is read-only")
		}
		tn := catalog.Tenant{BusinessID: key.BusinessID, Mode: key.Mode}
		ctx := store.WithActor(r.Context(), store.Actor{KeyID: key.ID, RequestID: httpx.RequestID(r.Context())})
		r = r.WithContext(context.WithValue(ctx, tenantKey{}, tn))
		if mutating {
			if err := httpx.CheckIdempotencyKey(r); err != nil {
				return err
			}
			return httpx.Idempotent(a.store, tn, a.writeError, next)(w, r)
		}
		return next(w, r)
	}
}

// pathObject names what the id after each path segment refers to, for
// the 404 of an id that cannot be stored text. Every wildcard of the
// route table has an entry (TestBadTextInPathIsNotFound checks).
var pathObject = map[string]string{
	"products": "Product", "product-collections": "Product collection", "groups": "Group", "items": "Item",
	"addons": "Addon", "meters": "Meter", "entitlements": "Entitlement", "credit-entitlements": "Credit entitlement",
	"brands": "Brand", "discounts": "Discount", "code": "Discount code",
}

// checkText refuses path ids and query values that are not valid text
// (httpx.ValidText) before next runs: such an id names nothing (404) and
// such a value is a bad parameter (422). Bodies are checked where they
// are decoded.
func checkText(pattern string, next httpx.HandlerFunc) httpx.HandlerFunc {
	wildcards := httpx.Wildcards(pattern)
	return func(w http.ResponseWriter, r *http.Request) error {
		if wc, bad := httpx.BadPathText(r, wildcards); bad {
			what, ok := pathObject[wc.After]
			if !ok {
				what = "Object"
			}
			return catalog.Errorf(catalog.KindNotFound, catalog.Missing, "%s not found: the id in the path is not valid UTF-8 text", what)
		}
		if name, bad := httpx.BadQueryText(r.URL.Query()); bad {
			return catalog.Errorf(catalog.KindInvalid, catalog.InvalidFilter, "%s: %s", name, msgBadText)
		}
		return next(w, r)
	}
}

var methods = []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete}

// unmatched answers paths no route serves: CORS preflights get 204, a
// known path with another method 405, anything else 404, all in the
// envelope.
func (a *API) unmatched(w http.ResponseWriter, r *http.Request) error {
	if r.Method == http.MethodOptions {
		httpx.WriteEmpty(w, http.StatusNoContent)
		return nil
	}
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
		return httpx.WriteJSON(w, http.StatusMethodNotAllowed, errorBody{Code: "METHOD_NOT_ALLOWED",
			Message: r.Method + " is not allowed on " + r.URL.Path})
	}
	return catalog.Errorf(catalog.KindNotFound, catalog.Missing, "No route for %s %s", r.Method, r.URL.Path)
}
