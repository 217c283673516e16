// Package chartmogul serves the ChartMogul-compatible API for data
// sources, plans and plan groups: the vendor's paths, statuses, bodies and
// quirks, over the same store and tenancy as every other face.
package chartmogul

import (
	"crypto/subtle"
	"log/slog"
	"net/http"
	"time"

	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
	"github.com/pricebook/pricebook/internal/store"
)

// API is the ChartMogul face over the store.
type API struct {
	*face.Handler
	store *store.Store
	log   *slog.Logger
	// reads caches rendered plan reads while the data is unchanged.
	reads *httpx.ReadCache
}

// New returns the ChartMogul face with its routes mounted on the face
// kit. It serves paths under /v1/ as they arrive, so mount it at "/v1/".
// A read-only key's write gets the same 401 as a bad key (the vendor has
// one recorded body for both), and Retry-After stays at or under 60
// seconds, as the clients expect.
func New(d face.Deps) *API {
	a := &API{store: d.Store, log: d.Log, reads: d.Reads}
	a.Handler = face.New(d, face.Spec{
		Routes:       a.Routes(),
		Errors:       a.errorWriter(importErrors),
		Credentials:  basic,
		Unauthorized: errUnauthorized,
		ReadOnly:     errUnauthorized,
		NotFound:     pathNotFound,
		BadQuery: func(name string) error {
			return badRequest(name, `Parameter "`+name+`" is invalid`)
		},
		ReadOnlyFirst: true,
		MaxRetryAfter: time.Minute,
		Faults:        true,
		Inspect:       true,
	})
	a.registerRenderers()
	return a
}

// Routes is the whole surface of the face, on one screen. Data sources
// and plans answer errors in the import API's shape, plan groups in the
// flat Rails shape. The /v1/import paths are what clients before 2017
// used; PUT is what chartmogul-node's generic update sends; /dependent
// and /all are chartmogul-go's purge and empty calls.
func (a *API) Routes() []face.Route {
	rails := a.errorWriter(railsErrors)
	return []face.Route{
		{Pattern: "POST /v1/data_sources", Handler: a.createDataSource},
		{Pattern: "GET /v1/data_sources", Handler: a.listDataSources},
		{Pattern: "GET /v1/data_sources/{uuid}", Handler: a.getDataSource},
		{Pattern: "DELETE /v1/data_sources/{uuid}", Handler: a.deleteDataSource},
		{Pattern: "DELETE /v1/data_sources/{uuid}/dependent", Handler: a.emptyDataSource},
		{Pattern: "DELETE /v1/data_sources/{uuid}/all", Handler: a.emptyDataSource},

		{Pattern: "POST /v1/plans", Handler: a.createPlan},
		{Pattern: "GET /v1/plans", Handler: a.listPlans},
		{Pattern: "GET /v1/plans/{uuid}", Handler: a.getPlan},
		{Pattern: "PATCH /v1/plans/{uuid}", Handler: a.updatePlan},
		{Pattern: "PUT /v1/plans/{uuid}", Handler: a.updatePlan},
		{Pattern: "DELETE /v1/plans/{uuid}", Handler: a.deletePlan},

		{Pattern: "POST /v1/plan_groups", Handler: a.createPlanGroup, Errors: rails},
		{Pattern: "GET /v1/plan_groups", Handler: a.listPlanGroups, Errors: rails},
		{Pattern: "GET /v1/plan_groups/{uuid}", Handler: a.getPlanGroup, Errors: rails},
		{Pattern: "PATCH /v1/plan_groups/{uuid}", Handler: a.updatePlanGroup, Errors: rails},
		{Pattern: "PUT /v1/plan_groups/{uuid}", Handler: a.updatePlanGroup, Errors: rails},
		{Pattern: "DELETE /v1/plan_groups/{uuid}", Handler: a.deletePlanGroup, Errors: rails},
		{Pattern: "GET /v1/plan_groups/{uuid}/plans", Handler: a.listPlanGroupPlans, Errors: rails},

		{Pattern: "POST /v1/import/data_sources", Handler: a.createDataSource},
		{Pattern: "GET /v1/import/data_sources", Handler: a.listDataSources},
		{Pattern: "GET /v1/import/data_sources/{uuid}", Handler: a.getDataSource},
		{Pattern: "DELETE /v1/import/data_sources/{uuid}", Handler: a.deleteDataSource},
		{Pattern: "POST /v1/import/plans", Handler: a.createPlan},
		{Pattern: "GET /v1/import/plans", Handler: a.listPlans},
		{Pattern: "GET /v1/import/plans/{uuid}", Handler: a.getPlan},
		{Pattern: "PATCH /v1/import/plans/{uuid}", Handler: a.updatePlan},
		{Pattern: "DELETE /v1/import/plans/{uuid}", Handler: a.deletePlan},
	}
}

// basic reads HTTP Basic credentials: the username is a Pricebook API
// key, the password empty or the key again (what the vendor tells users
// of legacy two-part clients to send).
func basic(r *http.Request) (string, bool) {
	user, pass, ok := r.BasicAuth()
	return user, ok && (pass == "" || subtle.ConstantTimeCompare([]byte(pass), []byte(user)) == 1)
}

// notFoundAfter is the 404 of a uuid after each path segment. Every
// wildcard of the route table has an entry (TestBadTextInPathIsNotFound
// checks).
var notFoundAfter = map[string]error{
	"data_sources": store.ErrDataSourceNotFound,
	"plans":        store.ErrPlanNotFound,
	"plan_groups":  store.ErrPlanGroupNotFound,
}

// pathNotFound is the route's 404 for a path uuid that is not valid text.
func pathNotFound(wc httpx.Wildcard) error {
	if err, ok := notFoundAfter[wc.After]; ok {
		return err
	}
	return catalog.NotFound("object", "")
}
