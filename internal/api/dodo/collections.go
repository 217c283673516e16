package dodo

import (
	"encoding/json"
	"net/http"

	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
	"github.com/pricebook/pricebook/internal/store"
)

func (a *API) createCollection(w http.ResponseWriter, r *http.Request) error {
	var in collectionIn
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	var pr catalog.Problems
	c := &catalog.Collection{Description: in.Description,
		EffectiveAtOnDowngrade: in.EffectiveAtOnDowngrade, EffectiveAtOnUpgrade: in.EffectiveAtOnUpgrade,
		OnPaymentFailure: in.OnPaymentFailure, ProrationOnDowngrade: in.ProrationBillingModeOnDowngrade,
		ProrationOnUpgrade: in.ProrationBillingModeOnUpgrade}
	if in.Name == nil {
		pr.Add("name", "is required")
	} else {
		c.Name = *in.Name
	}
	if in.BrandID != nil {
		c.BrandID = *in.BrandID
	}
	var groups []catalog.GroupInput
	if in.Groups == nil {
		pr.Add("groups", "is required")
	} else {
		for i, g := range *in.Groups {
			groups = append(groups, newGroupInput(&pr, indexed("groups", i)+".", g))
		}
	}
	if err := pr.Err(); err != nil {
		return err
	}
	tn := face.Tenant(r)
	if err := a.store.CreateCollection(r.Context(), tn, c, groups); err != nil {
		return err
	}
	return a.writeCollection(w, r, c.ID)
}

// newGroupInput maps a group body; prefix is the group's path with a dot.
func newGroupInput(pr *catalog.Problems, prefix string, in groupIn) catalog.GroupInput {
	g := catalog.GroupInput{Name: in.GroupName, Status: in.Status == nil || *in.Status}
	if in.Products == nil {
		pr.Add(prefix+"products", "is required")
		return g
	}
	g.Products = newItemInputs(pr, prefix+"products", *in.Products)
	return g
}

func newItemInputs(pr *catalog.Problems, path string, in []groupProductIn) []catalog.ItemInput {
	out := make([]catalog.ItemInput, len(in))
	for i, p := range in {
		if p.ProductID == nil {
			pr.Add(indexed(path, i)+".product_id", "is required")
		} else {
			out[i].ProductID = *p.ProductID
		}
		out[i].Status = p.Status == nil || *p.Status
	}
	return out
}

func (a *API) writeCollection(w http.ResponseWriter, r *http.Request, id string) error {
	c, err := a.store.GetCollection(r.Context(), face.Tenant(r), id)
	if err != nil {
		return err
	}
	refs, err := a.memberRefs(r, c.Groups...)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, a.collectionResponse(c, refs))
}

// memberRefs loads what the member products of groups refer to, so their
// prices render meters as they are now.
func (a *API) memberRefs(r *http.Request, groups ...catalog.CollectionGroup) (*store.ProductRefs, error) {
	var ps []*catalog.Product
	for _, g := range groups {
		for _, it := range g.Items {
			ps = append(ps, it.Product)
		}
	}
	return a.store.LoadProductRefs(r.Context(), face.Tenant(r), ps)
}

func (a *API) getCollection(w http.ResponseWriter, r *http.Request) error {
	return a.writeCollection(w, r, r.PathValue("id"))
}

func (a *API) listCollections(w http.ResponseWriter, r *http.Request) error {
	q := query{v: r.URL.Query()}
	f := catalog.CollectionFilter{Page: q.page(), BrandID: q.str("brand_id")}
	if archived := q.boolean("archived"); archived != nil {
		f.Archived = *archived
	}
	if q.err != nil {
		return q.err
	}
	return writeList(w, f.Page, func() (catalog.List[*catalog.Collection], error) {
		return a.store.ListCollections(r.Context(), face.Tenant(r), f)
	}, func(c *catalog.Collection) collectionListItem {
		return collectionListItem{ID: c.ID, Name: c.Name, Description: c.Description, Image: a.imageURL(c.ImageID),
			ProductsCount: int64(c.ProductsCount), CreatedAt: timestamp(c.CreatedAt), UpdatedAt: timestamp(c.UpdatedAt)}
	})
}

// optOf reads a documented tri-state field: absent, null (clear) or set.
func optOf(present map[string]json.RawMessage, key string, v *string) catalog.Opt[string] {
	raw, ok := present[key]
	switch {
	case !ok:
		return catalog.Opt[string]{}
	case isNull(raw):
		return catalog.Null[string]()
	}
	return catalog.Some(*v)
}

func (a *API) updateCollection(w http.ResponseWriter, r *http.Request) error {
	var in collectionIn
	present, err := decodeBody(r, &in)
	if err != nil {
		return err
	}
	u := &catalog.CollectionPatch{
		Name:                   in.Name,
		BrandID:                in.BrandID,
		GroupOrder:             in.GroupOrder,
		Description:            optOf(present, "description", in.Description),
		ImageID:                optOf(present, "image_id", in.ImageID),
		EffectiveAtOnDowngrade: optOf(present, "effective_at_on_downgrade", in.EffectiveAtOnDowngrade),
		EffectiveAtOnUpgrade:   optOf(present, "effective_at_on_upgrade", in.EffectiveAtOnUpgrade),
		OnPaymentFailure:       optOf(present, "on_payment_failure", in.OnPaymentFailure),
		ProrationOnDowngrade:   optOf(present, "proration_billing_mode_on_downgrade", in.ProrationBillingModeOnDowngrade),
		ProrationOnUpgrade:     optOf(present, "proration_billing_mode_on_upgrade", in.ProrationBillingModeOnUpgrade),
	}
	if err := a.store.UpdateCollection(r.Context(), face.Tenant(r), r.PathValue("id"), u); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusOK)
	return nil
}

func (a *API) archiveCollection(w http.ResponseWriter, r *http.Request) error {
	if err := a.store.ArchiveCollection(r.Context(), face.Tenant(r), r.PathValue("id")); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusOK)
	return nil
}

func (a *API) unarchiveCollection(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	excluded, err := a.store.UnarchiveCollection(r.Context(), face.Tenant(r), id)
	if err != nil {
		return err
	}
	msg := "Product collection unarchived successfully"
	if len(excluded) > 0 {
		msg += "; archived products, or products now in another collection, were left out"
	}
	return httpx.WriteJSON(w, http.StatusOK, unarchiveOut{CollectionID: id, ExcludedProductIDs: excluded, Message: msg})
}

func (a *API) createGroup(w http.ResponseWriter, r *http.Request) error {
	var in groupIn
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	var pr catalog.Problems
	g := newGroupInput(&pr, "", in)
	if err := pr.Err(); err != nil {
		return err
	}
	group, err := a.store.CreateGroup(r.Context(), face.Tenant(r), r.PathValue("id"), g)
	if err != nil {
		return err
	}
	refs, err := a.memberRefs(r, *group)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, groupResponse(group, refs))
}

func (a *API) updateGroup(w http.ResponseWriter, r *http.Request) error {
	var in groupPatchIn
	present, err := decodeBody(r, &in)
	if err != nil {
		return err
	}
	u := &catalog.GroupPatch{Name: optOf(present, "group_name", in.GroupName), ProductOrder: in.ProductOrder, Status: in.Status}
	if err := a.store.UpdateGroup(r.Context(), face.Tenant(r), r.PathValue("id"), r.PathValue("group_id"), u); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusOK)
	return nil
}

func (a *API) deleteGroup(w http.ResponseWriter, r *http.Request) error {
	if err := a.store.DeleteGroup(r.Context(), face.Tenant(r), r.PathValue("id"), r.PathValue("group_id")); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusNoContent)
	return nil
}

func (a *API) addItems(w http.ResponseWriter, r *http.Request) error {
	var in itemsIn
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	var pr catalog.Problems
	if in.Products == nil {
		pr.Add("products", "is required")
		return pr.Err()
	}
	items := newItemInputs(&pr, "products", *in.Products)
	if err := pr.Err(); err != nil {
		return err
	}
	added, err := a.store.AddItems(r.Context(), face.Tenant(r), r.PathValue("id"), r.PathValue("group_id"), items)
	if err != nil {
		return err
	}
	refs, err := a.memberRefs(r, catalog.CollectionGroup{Items: added})
	if err != nil {
		return err
	}
	out := make([]memberOut, len(added))
	for i := range added {
		out[i] = memberResponse(&added[i], refs)
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

func (a *API) updateItem(w http.ResponseWriter, r *http.Request) error {
	var in itemPatchIn
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	if in.Status == nil {
		return invalid("status: is required")
	}
	if err := a.store.UpdateItem(r.Context(), face.Tenant(r), r.PathValue("id"), r.PathValue("group_id"), r.PathValue("item_id"), *in.Status); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusOK)
	return nil
}

func (a *API) deleteItem(w http.ResponseWriter, r *http.Request) error {
	if err := a.store.DeleteItem(r.Context(), face.Tenant(r), r.PathValue("id"), r.PathValue("group_id"), r.PathValue("item_id")); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusNoContent)
	return nil
}
