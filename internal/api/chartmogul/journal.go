package chartmogul

import (
	"context"
	"encoding/json"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
)

// The journal records each object of this face as the face renders it
// (a data source as its plain GET answers it), inside the writing
// transaction; see the Dodo face's journal.go.

// registerRenderers makes the store render this face's objects for the
// journal.
func (a *API) registerRenderers() {
	a.store.RenderEvents("data_source", renderAs(a.store.GetDataSource, func(d *catalog.DataSource) dataSourceOut {
		return dataSourceResponse(d, detail{})
	}))
	a.store.RenderEvents("plan", renderAs(a.store.GetPlan, planResponse))
	a.store.RenderEvents("plan_group", renderAs(a.store.GetPlanGroup, planGroupResponse))
}

// renderAs renders the change's object (of type *T or T) with response,
// reading it with get when the use case did not hand it over.
func renderAs[T, O any](get func(context.Context, catalog.Tenant, string) (T, error), response func(*T) O) store.Renderer {
	return func(ctx context.Context, tn catalog.Tenant, ch catalog.Change) (json.RawMessage, error) {
		switch v := ch.Object.(type) {
		case *T:
			return json.Marshal(response(v))
		case T:
			return json.Marshal(response(&v))
		}
		v, err := get(ctx, tn, ch.ID)
		if err != nil {
			return nil, err
		}
		return json.Marshal(response(&v))
	}
}
