package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/web/checkout"
)

type collectionsData struct {
	Items    []*catalog.Collection
	Archived bool
}

// collections lists the collections, with a form for a new one.
func (d *Dashboard) collections(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	archived := r.URL.Query().Get("archived") == "on"
	list, err := d.st.ListCollections(r.Context(), s.Tenant(), catalog.CollectionFilter{Archived: archived, Page: catalog.Page{Size: 100}})
	if err != nil {
		return err
	}
	d.render(w, r, http.StatusOK, "collections", &view{Title: "Collections", Nav: "collections", Session: s,
		Data: collectionsData{Items: list.Items, Archived: archived}})
	return nil
}

// createCollection creates an empty collection through CreateCollection.
func (d *Dashboard) createCollection(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	c := &catalog.Collection{Name: r.PostForm.Get("name")}
	if desc := r.PostForm.Get("description"); desc != "" {
		c.Description = &desc
	}
	if err := d.st.CreateCollection(r.Context(), s.Tenant(), c, nil); err != nil {
		var e *catalog.Error
		if errors.As(err, &e) && e.Kind == catalog.KindInvalid {
			errs, problem := fieldErrors(e, []string{"name", "description"}, nil)
			list, lerr := d.st.ListCollections(r.Context(), s.Tenant(), catalog.CollectionFilter{Page: catalog.Page{Size: 100}})
			if lerr != nil {
				return lerr
			}
			d.render(w, r, http.StatusUnprocessableEntity, "collections", &view{Title: "Collections", Nav: "collections", Session: s,
				Form: r.PostForm, Errors: errs, Problem: problem, Data: collectionsData{Items: list.Items}})
			return nil
		}
		return err
	}
	http.Redirect(w, r, Prefix+"collections/"+c.ID+"?ok=created", http.StatusSeeOther)
	return nil
}

type card struct {
	ID, Name string
	Active   bool
	First    bool
	Last     bool
	Items    []cardItem
}

type cardItem struct {
	ProductID, Name, Price, Words string
	Active, Archived              bool
}

type collectionData struct {
	C          *catalog.Collection
	Cards      []card
	Candidates []*catalog.Product
}

// collection shows a collection as a pricing table (its groups as cards,
// in their order, the way a checkout would offer the choice) and the
// forms that edit its groups and their order.
func (d *Dashboard) collection(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	ctx, tn := r.Context(), s.Tenant()
	c, err := d.st.GetCollection(ctx, tn, r.PathValue("id"))
	if err != nil {
		return err
	}
	data := collectionData{C: c}
	for i, g := range c.Groups {
		cd := card{ID: g.ID, Name: "Group " + g.ID, Active: g.Status, First: i == 0, Last: i == len(c.Groups)-1}
		if g.Name != nil {
			cd.Name = *g.Name
		}
		for _, it := range g.Items {
			ci := cardItem{ProductID: it.ProductID, Name: it.ProductID, Active: it.Status}
			if p := it.Product; p != nil {
				ci.Name, ci.Price, ci.Archived = p.Name, headline(p), p.Archived
				if w := checkout.PriceWords(p); len(w) > 0 {
					ci.Words = w[0]
				}
			}
			cd.Items = append(cd.Items, ci)
		}
		data.Cards = append(data.Cards, cd)
	}
	if !s.Key.ReadOnly && !c.Archived {
		list, err := d.st.SearchProducts(ctx, tn, catalog.ProductSearch{Page: catalog.Page{Size: 50}})
		if err != nil {
			return err
		}
		for _, p := range list.Items {
			if p.CollectionID == "" {
				data.Candidates = append(data.Candidates, p)
			}
		}
	}
	d.render(w, r, http.StatusOK, "collection", &view{Title: c.Name, Nav: "collections", Session: s, Data: data})
	return nil
}

// createGroup adds a group with the chosen products through CreateGroup.
func (d *Dashboard) createGroup(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	id := r.PathValue("id")
	g := catalog.GroupInput{Status: true}
	if n := strings.TrimSpace(r.PostForm.Get("group_name")); n != "" {
		g.Name = &n
	}
	ids := r.PostForm["product"]
	for _, extra := range strings.FieldsFunc(r.PostForm.Get("product_ids"), func(c rune) bool { return c == ',' || c == ' ' || c == '\n' || c == '\r' }) {
		ids = append(ids, extra)
	}
	for _, pid := range ids {
		g.Products = append(g.Products, catalog.ItemInput{ProductID: pid, Status: true})
	}
	if _, err := d.st.CreateGroup(r.Context(), s.Tenant(), id, g); err != nil {
		return err
	}
	http.Redirect(w, r, Prefix+"collections/"+id+"?ok=added", http.StatusSeeOther)
	return nil
}

// moveGroup moves a group one place up or down: the whole new order goes
// to UpdateCollection's group_order, as PATCH sends it.
func (d *Dashboard) moveGroup(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	ctx, tn, id := r.Context(), s.Tenant(), r.PathValue("id")
	c, err := d.st.GetCollection(ctx, tn, id)
	if err != nil {
		return err
	}
	order := make([]string, len(c.Groups))
	at := -1
	for i, g := range c.Groups {
		order[i] = g.ID
		if g.ID == r.PostForm.Get("group") {
			at = i
		}
	}
	to := at - 1
	if r.PostForm.Get("dir") == "down" {
		to = at + 1
	}
	if at < 0 || to < 0 || to >= len(order) {
		return catalog.Errorf(catalog.KindInvalid, catalog.Invalid, "group: cannot move that group that way")
	}
	order[at], order[to] = order[to], order[at]
	if err := d.st.UpdateCollection(ctx, tn, id, &catalog.CollectionPatch{GroupOrder: &order}); err != nil {
		return err
	}
	http.Redirect(w, r, Prefix+"collections/"+id+"?ok=moved#groups", http.StatusSeeOther)
	return nil
}

func (d *Dashboard) archiveCollection(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	id := r.PathValue("id")
	if err := d.st.ArchiveCollection(r.Context(), s.Tenant(), id); err != nil {
		return err
	}
	http.Redirect(w, r, Prefix+"collections/"+id+"?ok=archived", http.StatusSeeOther)
	return nil
}

func (d *Dashboard) unarchiveCollection(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	id := r.PathValue("id")
	if _, err := d.st.UnarchiveCollection(r.Context(), s.Tenant(), id); err != nil {
		return err
	}
	http.Redirect(w, r, Prefix+"collections/"+id+"?ok=unarchived", http.StatusSeeOther)
	return nil
}
