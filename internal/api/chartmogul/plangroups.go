package chartmogul

import (
	"net/http"
	"strings"

	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
	"github.com/pricebook/pricebook/internal/store"
)

// planGroupOut is the vendor's plan group object: exactly these three
// keys; the member plans are listed by their own endpoint.
type planGroupOut struct {
	Name       string `json:"name"`
	UUID       string `json:"uuid"`
	PlansCount int    `json:"plans_count"`
}

// planGroupListOut is a page of plan groups.
type planGroupListOut struct {
	PlanGroups []planGroupOut `json:"plan_groups"`
	pageMeta
}

func planGroupResponse(g *catalog.PlanGroup) planGroupOut {
	return planGroupOut{Name: g.Name, UUID: g.ID, PlansCount: g.PlansCount}
}

// readPlans reads the plans key of a plan group body: an array of plan
// uuids. Ids that cannot exist are dropped here, as the store drops the
// ones that do not.
func readPlans(b body, pr *catalog.Problems, required bool) ([]string, bool) {
	ids, st := b.strs("plans")
	switch {
	case st == wrong:
		pr.Add("plans", "is invalid")
	case st == value && len(ids) == 0, st != value && required:
		pr.Add("plans", msgBlank)
	case st == value:
		return usableIDs(ids), true
	}
	return nil, false
}

// createPlanGroup answers 200, not 201, as every recording does. It needs
// a name and a non-empty list of plan uuids; unknown uuids are dropped
// and repeats count once.
func (a *API) createPlanGroup(w http.ResponseWriter, r *http.Request) error {
	b, err := readBody(r)
	if err != nil {
		return err
	}
	var g catalog.PlanGroup
	var pr catalog.Problems
	if s, st := b.str("name"); st != value || strings.TrimSpace(s) == "" {
		pr.Add("name", msgBlank)
	} else {
		g.Name = s
	}
	ids, _ := readPlans(b, &pr, true)
	if !pr.Empty() {
		return pr.Err()
	}
	if err := a.store.CreatePlanGroup(r.Context(), face.Tenant(r), &g, ids); err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, planGroupResponse(&g))
}

func (a *API) listPlanGroups(w http.ResponseWriter, r *http.Request) error {
	page, err := pageRequest(r.URL.Query())
	if err != nil {
		return err
	}
	list, err := a.store.ListPlanGroups(r.Context(), face.Tenant(r), catalog.PlanGroupFilter{Page: page})
	if err != nil {
		return err
	}
	out := planGroupListOut{PlanGroups: make([]planGroupOut, 0, len(list.Items))}
	for i := range list.Items {
		out.PlanGroups = append(out.PlanGroups, planGroupResponse(&list.Items[i]))
	}
	out.pageMeta = newPageMeta(page, list, func(g catalog.PlanGroup) catalog.Keyset { return catalog.Keyset{CreatedAt: g.CreatedAt, ID: g.ID} })
	return httpx.WriteJSON(w, http.StatusOK, out)
}

func (a *API) getPlanGroup(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("uuid")
	if !usableID(id) {
		return store.ErrPlanGroupNotFound
	}
	g, err := a.store.GetPlanGroup(r.Context(), face.Tenant(r), id)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, planGroupResponse(&g))
}

// updatePlanGroup renames and, when plans is sent, replaces the whole
// membership. Null counts as not sent; uuid and plans_count, which
// clients echo back, are ignored.
func (a *API) updatePlanGroup(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("uuid")
	if !usableID(id) {
		return store.ErrPlanGroupNotFound
	}
	b, err := readBody(r)
	if err != nil {
		return err
	}
	var u catalog.PlanGroupPatch
	var pr catalog.Problems
	if s, st := b.str("name"); st.sent() {
		if st == wrong || strings.TrimSpace(s) == "" {
			pr.Add("name", msgBlank)
		}
		u.Name = &s
	}
	if ids, ok := readPlans(b, &pr, false); ok {
		u.Plans = &ids
	}
	if err := pr.Err(); err != nil {
		return err
	}
	g, err := a.store.UpdatePlanGroup(r.Context(), face.Tenant(r), id, &u)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, planGroupResponse(&g))
}

func (a *API) deletePlanGroup(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("uuid")
	if !usableID(id) {
		return store.ErrPlanGroupNotFound
	}
	if err := a.store.DeletePlanGroup(r.Context(), face.Tenant(r), id); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusNoContent)
	return nil
}

// listPlanGroupPlans pages through a group's plans, newest plan first.
func (a *API) listPlanGroupPlans(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("uuid")
	if !usableID(id) {
		return store.ErrPlanGroupNotFound
	}
	page, err := pageRequest(r.URL.Query())
	if err != nil {
		return err
	}
	list, err := a.store.ListPlanGroupPlans(r.Context(), face.Tenant(r), catalog.PlanGroupPlansFilter{GroupID: id, Page: page})
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, planListResponse(list, page))
}
