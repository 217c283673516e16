package chartmogul

import (
	"net/http"
	"strings"

	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
	"github.com/pricebook/pricebook/internal/store"
)

// planOut is the vendor's plan object, keys in the order of its create
// and retrieve answers. No field is ever null: the Python client rejects
// null in all of them.
type planOut struct {
	ExternalID     string `json:"external_id"`
	Name           string `json:"name"`
	IntervalCount  int64  `json:"interval_count"`
	IntervalUnit   string `json:"interval_unit"`
	DataSourceUUID string `json:"data_source_uuid"`
	UUID           string `json:"uuid"`
}

// planListOut is a page of plans. It never carries data_source_uuid,
// customer_uuid or summary at the top level: the Python client crashes on
// them.
type planListOut struct {
	Plans []planOut `json:"plans"`
	pageMeta
}

func planResponse(p *catalog.Plan) planOut {
	return planOut{ExternalID: p.ExternalID, Name: p.Name, IntervalCount: p.IntervalCount,
		IntervalUnit: p.IntervalUnit, DataSourceUUID: p.DataSourceID, UUID: p.ID}
}

func planListResponse(list catalog.List[catalog.Plan], page catalog.Page) planListOut {
	out := planListOut{Plans: make([]planOut, 0, len(list.Items))}
	for i := range list.Items {
		out.Plans = append(out.Plans, planResponse(&list.Items[i]))
	}
	out.pageMeta = newPageMeta(page, list, func(p catalog.Plan) catalog.Keyset { return catalog.Keyset{CreatedAt: p.CreatedAt, ID: p.ID} })
	return out
}

// createPlan: missing, null and mistyped fields are all 422 with the
// vendor's messages. A null or empty external_id means "generate one".
func (a *API) createPlan(w http.ResponseWriter, r *http.Request) error {
	b, err := readBody(r)
	if err != nil {
		return err
	}
	var p catalog.Plan
	var pr catalog.Problems
	if s, st := b.str("data_source_uuid"); st != value || s == "" {
		pr.Add("data_source_uuid", msgPlanDataSource)
	} else if !usableID(s) {
		return store.ErrPlanDataSourceUnknown
	} else {
		p.DataSourceID = s
	}
	if s, st := b.str("name"); st != value || strings.TrimSpace(s) == "" {
		pr.Add("name", msgPlanName)
	} else {
		p.Name = s
	}
	if n, st := b.integer("interval_count"); st != value {
		pr.Add("interval_count", msgNotANumber)
	} else {
		p.IntervalCount = n
	}
	if s, st := b.str("interval_unit"); st != value {
		pr.Add("interval_unit", msgIntervalUnit)
	} else {
		p.IntervalUnit = s
	}
	if s, st := b.str("external_id"); st == wrong {
		pr.Add("external_id", "must be a string")
	} else {
		p.ExternalID = s
	}
	if !pr.Empty() {
		p.Validate(&pr)
		return pr.Err()
	}
	if err := a.store.CreatePlan(r.Context(), face.Tenant(r), &p); err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, planResponse(&p))
}

func (a *API) listPlans(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	page, err := pageRequest(q)
	if err != nil {
		return err
	}
	f := catalog.PlanFilter{Page: page}
	for _, p := range []struct {
		name string
		dst  *string
	}{{"data_source_uuid", &f.DataSourceID}, {"external_id", &f.ExternalID}, {"system", &f.System}} {
		if *p.dst, err = filter(q, p.name); err != nil {
			return err
		}
	}
	return a.reads.JSON(w, r, face.Tenant(r), "", func() (any, error) {
		list, err := a.store.ListPlans(r.Context(), face.Tenant(r), f)
		if err != nil {
			return nil, err
		}
		return planListResponse(list, page), nil
	})
}

func (a *API) getPlan(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("uuid")
	if !usableID(id) {
		return store.ErrPlanNotFound
	}
	return a.reads.JSON(w, r, face.Tenant(r), "", func() (any, error) {
		p, err := a.store.GetPlan(r.Context(), face.Tenant(r), id)
		if err != nil {
			return nil, err
		}
		return planResponse(&p), nil
	})
}

// updatePlan changes name, interval_count and interval_unit. Null counts
// as not sent; uuid, external_id and data_source_uuid, which clients echo
// back, are ignored. The answer is 202 with the updated plan, as recorded.
func (a *API) updatePlan(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("uuid")
	if !usableID(id) {
		return store.ErrPlanNotFound
	}
	b, err := readBody(r)
	if err != nil {
		return err
	}
	var u catalog.PlanPatch
	var pr catalog.Problems
	if s, st := b.str("name"); st.sent() {
		if st == wrong || strings.TrimSpace(s) == "" {
			pr.Add("name", msgPlanName)
		}
		u.Name = &s
	}
	if n, st := b.integer("interval_count"); st == wrong {
		pr.Add("interval_count", msgNotANumber)
	} else if st == value {
		u.IntervalCount = &n
	}
	if s, st := b.str("interval_unit"); st == wrong {
		pr.Add("interval_unit", msgIntervalUnit)
	} else if st == value {
		u.IntervalUnit = &s
	}
	if err := pr.Err(); err != nil {
		return err
	}
	p, err := a.store.UpdatePlan(r.Context(), face.Tenant(r), id, &u)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusAccepted, planResponse(&p))
}

func (a *API) deletePlan(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("uuid")
	if !usableID(id) {
		return store.ErrPlanNotFound
	}
	if err := a.store.DeletePlan(r.Context(), face.Tenant(r), id); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusNoContent)
	return nil
}
