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
	Items      []*catalog.Collection
	Archived   bool
	Candidates []*catalog.Product
}

// collections lists the collections, with a form for a new one.
func (d *Dashboard) collections(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	return d.showCollections(w, r, s, http.StatusOK, nil, nil, "")
}

func (d *Dashboard) showCollections(w http.ResponseWriter, r *http.Request, s *store.Session, status int, form map[string][]string, errs map[string]string, problem string) error {
	archived := r.URL.Query().Get("archived") == "on"
	list, err := d.st.ListCollections(r.Context(), s.Tenant(), catalog.CollectionFilter{Archived: archived, Page: catalog.Page{Size: 100}})
	if err != nil {
		return err
	}
	data := collectionsData{Items: list.Items, Archived: archived}
	if !s.Key.ReadOnly {
		if data.Candidates, err = d.candidates(r, s); err != nil {
			return err
		}
	}
	d.render(w, r, status, "collections", &view{Title: "Collections", Nav: "collections", Session: s, Form: form, Errors: errs, Problem: problem, Data: data})
	return nil
}

// candidates are the newest products in no collection, offered for a
// group.
func (d *Dashboard) candidates(r *http.Request, s *store.Session) ([]*catalog.Product, error) {
	list, _, err := d.st.SearchProducts(r.Context(), s.Tenant(), catalog.ProductSearch{Page: catalog.Page{Size: 50}})
	if err != nil {
		return nil, err
	}
	var out []*catalog.Product
	for _, p := range list.Items {
		if p.CollectionID == "" {
			out = append(out, p)
		}
	}
	return out, nil
}

// groupOf reads a group from a form: its name, the products ticked and
// the ids typed.
func groupOf(f map[string][]string) catalog.GroupInput {
	g := catalog.GroupInput{Status: true}
	get := func(k string) string {
		if v := f[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	if n := strings.TrimSpace(get("group_name")); n != "" {
		g.Name = &n
	}
	ids := append([]string(nil), f["product"]...)
	ids = append(ids, strings.FieldsFunc(get("product_ids"), func(c rune) bool { return c == ',' || c == ' ' || c == '\n' || c == '\r' })...)
	for _, pid := range ids {
		g.Products = append(g.Products, catalog.ItemInput{ProductID: pid, Status: true})
	}
	return g
}

// createCollection creates a collection with its first group through
// CreateCollection, as POST /products/collections does.
func (d *Dashboard) createCollection(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	c := &catalog.Collection{Name: r.PostForm.Get("name")}
	if desc := r.PostForm.Get("description"); desc != "" {
		c.Description = &desc
	}
	if err := d.st.CreateCollection(r.Context(), s.Tenant(), c, []catalog.GroupInput{groupOf(r.PostForm)}); err != nil {
		var e *catalog.Error
		if errors.As(err, &e) && (e.Kind == catalog.KindInvalid || e.Kind == catalog.KindConflict || e.Kind == catalog.KindNotFound) {
			errs, problem := fieldErrors(e, []string{"name", "description"}, map[string]string{"groups[0].group_name": "group_name"})
			return d.showCollections(w, r, s, http.StatusUnprocessableEntity, r.PostForm, errs, problem)
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
	ID, ProductID, Name, Price, Words string
	Active, Archived                  bool
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
			ci := cardItem{ID: it.ID, ProductID: it.ProductID, Name: it.ProductID, Active: it.Status}
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
		if data.Candidates, err = d.candidates(r, s); err != nil {
			return err
		}
	}
	d.render(w, r, http.StatusOK, "collection", &view{Title: c.Name, Nav: "collections", Session: s, Data: data})
	return nil
}

// createGroup adds a group with the chosen products through CreateGroup.
func (d *Dashboard) createGroup(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	id := r.PathValue("id")
	if _, err := d.st.CreateGroup(r.Context(), s.Tenant(), id, groupOf(r.PostForm)); err != nil {
		return err
	}
	http.Redirect(w, r, Prefix+"collections/"+id+"?ok=added", http.StatusSeeOther)
	return nil
}

// moveGroup moves a group one place up or down (the buttons), or sets
// the whole order (order: group ids, comma-separated, which app.js posts
// after a drag): the new order goes to UpdateCollection's group_order, as
// PATCH sends it, which checks it is a permutation of the groups.
func (d *Dashboard) moveGroup(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	ctx, tn, id := r.Context(), s.Tenant(), r.PathValue("id")
	if o := r.PostForm.Get("order"); o != "" {
		order := strings.Split(o, ",")
		if err := d.st.UpdateCollection(ctx, tn, id, &catalog.CollectionPatch{GroupOrder: &order}); err != nil {
			return err
		}
		http.Redirect(w, r, Prefix+"collections/"+id+"?ok=moved#groups", http.StatusSeeOther)
		return nil
	}
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

// updateCollection renames a collection or changes its description
// through UpdateCollection, as PATCH /products/collections/{id}.
func (d *Dashboard) updateCollection(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	id := r.PathValue("id")
	name := r.PostForm.Get("name")
	u := &catalog.CollectionPatch{Name: &name}
	if desc := r.PostForm.Get("description"); desc == "" {
		u.Description = catalog.Opt[string]{Set: true, Null: true}
	} else {
		u.Description = catalog.Opt[string]{Set: true, V: desc}
	}
	if err := d.st.UpdateCollection(r.Context(), s.Tenant(), id, u); err != nil {
		return err
	}
	http.Redirect(w, r, Prefix+"collections/"+id+"?ok=saved", http.StatusSeeOther)
	return nil
}

// deleteGroup removes a group through DeleteGroup.
func (d *Dashboard) deleteGroup(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	id := r.PathValue("id")
	if err := d.st.DeleteGroup(r.Context(), s.Tenant(), id, r.PathValue("group")); err != nil {
		return err
	}
	http.Redirect(w, r, Prefix+"collections/"+id+"?ok=deleted#groups", http.StatusSeeOther)
	return nil
}

func (d *Dashboard) collectionHistory(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	id := r.PathValue("id")
	return d.objectHistory(w, r, s, id, Prefix+"collections/"+id)
}

// deleteItem takes a product out of a group through DeleteItem.
func (d *Dashboard) deleteItem(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	id := r.PathValue("id")
	if err := d.st.DeleteItem(r.Context(), s.Tenant(), id, r.PathValue("group"), r.PathValue("item")); err != nil {
		return err
	}
	http.Redirect(w, r, Prefix+"collections/"+id+"?ok=deleted#groups", http.StatusSeeOther)
	return nil
}
