// Package pricebook serves Pricebook's own API under /_pricebook/v1/: the
// change journal, object history and what an object was at a time. Its
// conventions hold for every route: JSON only; lists answer
// {"data": [...], "next_cursor": "..." | null} and take cursor and limit;
// errors answer {"code", "message"} with the usual statuses. The same keys
// as the vendor faces authenticate it (Authorization: Bearer), scoped to
// their (business, mode); read-only keys read.
package pricebook

import (
	"context"
	"log/slog"
	"net/http"
	"strings"

	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/uploads"
)

// Prefix is where the face is mounted.
const Prefix = "/_pricebook/v1/"

// API is Pricebook's own face.
type API struct {
	*face.Handler
	store        *store.Store
	log          *slog.Logger
	done         <-chan struct{}  // closed at shutdown: streams end
	openTestKeys bool             // POST /tenants is on
	inspector    *httpx.Inspector // nil: the inspector is off
	uploads      *uploads.Service // nil: no blobs to remove on reset
	reseed       func(context.Context, catalog.Tenant) error
}

// New returns the face with its routes registered.
func New(d face.Deps) *API {
	a := &API{store: d.Store, log: d.Log, done: d.Done, openTestKeys: d.OpenTestKeys, inspector: d.Inspector,
		uploads: d.Uploads, reseed: d.Reseed}
	a.Handler = face.New(d, face.Spec{
		Name:         "pricebook",
		Routes:       a.Routes(),
		Errors:       a.writeError,
		Credentials:  bearer,
		Unauthorized: catalog.Errorf(catalog.KindUnauthorized, catalog.Unauthorized, "A valid API key is required (Authorization: Bearer <key>)"),
		ReadOnly:     catalog.Errorf(catalog.KindUnauthorized, catalog.Unauthorized, "This API key is read-only"),
		NotFound: func(wc httpx.Wildcard) error {
			return catalog.Errorf(catalog.KindNotFound, catalog.Missing, "Not found: the %s in the path is not valid UTF-8 text", wc.Name)
		},
		BadQuery: func(name string) error {
			return catalog.Errorf(catalog.KindInvalid, catalog.InvalidFilter, "%s: must be valid UTF-8 text without NUL characters", name)
		},
	})
	return a
}

// Routes is the whole surface of the face, on one screen.
func (a *API) Routes() []face.Route {
	return []face.Route{
		{Pattern: "GET /_pricebook/v1/events", Handler: a.listEvents},
		{Pattern: "GET /_pricebook/v1/events/stream", Handler: a.streamEvents},
		{Pattern: "GET /_pricebook/v1/objects/{id}", Handler: a.getObject},
		{Pattern: "GET /_pricebook/v1/objects/{id}/history", Handler: a.objectHistory},
		{Pattern: "POST /_pricebook/v1/events/{id}/resend", Handler: a.resendEvent},
		{Pattern: "POST /_pricebook/v1/tenants", Handler: a.createTenant},
		{Pattern: "POST /_pricebook/v1/reset", Handler: a.reset},
		{Pattern: "GET /_pricebook/v1/clock", Handler: a.getClock},
		{Pattern: "POST /_pricebook/v1/clock", Handler: a.setClock},
		{Pattern: "DELETE /_pricebook/v1/clock", Handler: a.deleteClock},
		{Pattern: "GET /_pricebook/v1/requests", Handler: a.listRequests},
		{Pattern: "GET /_pricebook/v1/requests/{request_id}", Handler: a.getRequest},
		{Pattern: "POST /_pricebook/v1/faults", Handler: a.createFaultRule},
		{Pattern: "GET /_pricebook/v1/faults", Handler: a.listFaultRules},
		{Pattern: "DELETE /_pricebook/v1/faults", Handler: a.deleteFaultRules},
		{Pattern: "DELETE /_pricebook/v1/faults/{id}", Handler: a.deleteFaultRules},
		{Pattern: "GET /_pricebook/v1/webhooks/{id}/deliveries", Handler: a.listDeliveries},
		{Pattern: "POST /_pricebook/v1/webhooks/{id}/deliveries/{delivery_id}/replay", Handler: a.replayDelivery},
		{Pattern: "POST /_pricebook/v1/webhooks/{id}/test", Handler: a.sendTest},
		{Pattern: "POST /_pricebook/v1/webhooks/{id}/secret/rotate", Handler: a.rotateSecret},
	}
}

// OpenAPIPath serves the face's OpenAPI document, to anyone: it describes
// the API and holds no data.
const OpenAPIPath = Prefix + "openapi.json"

// ServeHTTP serves the OpenAPI document, and every route through the kit.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == OpenAPIPath && r.Method == http.MethodGet {
		w.Header().Set("Content-Type", "application/json")
		w.Write(openAPIDocument)
		return
	}
	a.Handler.ServeHTTP(w, r)
}

// bearer reads "Authorization: Bearer <key>", the scheme in any case.
func bearer(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	return strings.TrimSpace(token), ok && strings.EqualFold(scheme, "Bearer")
}
