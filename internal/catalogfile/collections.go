package catalogfile

import (
	"context"
	"fmt"
	"net/url"
	"reflect"
)

// A collection's groups and their products are part of the collection:
// apply makes them what the file lists, in four steps that each read the
// collection anew (so that a racing or interrupted apply finds what is
// already done): new groups and the products new to the collection are
// added; what the file no longer lists is removed; products that moved
// within the collection are added where they now belong; then states and
// order are set. Adding before removing keeps the collection from ever
// being empty, which the API refuses.

type srvGroup struct {
	id     string
	name   *string
	status bool
	items  []srvItem
}

type srvItem struct {
	id, product string
	status      bool
}

// wireGroup is a collection group as the Dodo face answers it.
type wireGroup struct {
	GroupID   string  `json:"group_id"`
	GroupName *string `json:"group_name"`
	Status    bool    `json:"status"`
	Products  []struct {
		ID        string `json:"id"`
		ProductID string `json:"product_id"`
		Status    bool   `json:"status"`
	} `json:"products"`
}

func (a *applier) readGroups(ctx context.Context, id string) ([]srvGroup, error) {
	var w struct {
		Groups []wireGroup `json:"groups"`
	}
	if err := a.dodo.get(ctx, "/product-collections/"+url.PathEscape(id), &w); err != nil {
		return nil, err
	}
	var out []srvGroup
	for _, g := range w.Groups {
		sg := srvGroup{id: g.GroupID, name: g.GroupName, status: g.Status}
		for _, p := range g.Products {
			sg.items = append(sg.items, srvItem{id: p.ID, product: p.ProductID, status: p.Status})
		}
		out = append(out, sg)
	}
	return out, nil
}

// matchGroups pairs the file's groups with the server's: by name, and
// unnamed ones in order. -1 is none.
func matchGroups(want []Group, cur []srvGroup) []int {
	out := make([]int, len(want))
	used := make([]bool, len(cur))
	for i, g := range want {
		out[i] = -1
		for j, c := range cur {
			if used[j] || (g.Name == nil) != (c.name == nil) || (g.Name != nil && *g.Name != *c.name) {
				continue
			}
			out[i], used[j] = j, true
			break
		}
	}
	return out
}

func (a *applier) convergeCollection(ctx context.Context, id string, d Collection, fields []string) error {
	base := "/product-collections/" + url.PathEscape(id)
	var scalar []string
	for _, f := range fields {
		if f != "groups" {
			scalar = append(scalar, f)
		}
	}
	if len(scalar) > 0 {
		body, err := a.collectionBody(d)
		if err != nil {
			return err
		}
		if err := a.dodo.do(ctx, "PATCH", base, pick(body, scalar, map[string]string{"brand": "brand_id"}), "", nil); err != nil {
			return err
		}
	}
	if !contains(fields, "groups") {
		return nil
	}
	want := d.Groups
	productIDs := make([][]string, len(want))
	for i, g := range want {
		for _, gp := range g.Products {
			pid, err := a.ref("product", gp.Product)
			if err != nil {
				return err
			}
			productIDs[i] = append(productIDs[i], pid)
		}
	}

	// 1. New groups, and products new to the collection.
	cur, err := a.readGroups(ctx, id)
	if err != nil {
		return err
	}
	inColl := map[string]bool{}
	for _, g := range cur {
		for _, it := range g.items {
			inColl[it.product] = true
		}
	}
	match := matchGroups(want, cur)
	for i, g := range want {
		var fresh []GroupProduct
		for j, gp := range g.Products {
			if !inColl[productIDs[i][j]] {
				fresh = append(fresh, gp)
			}
		}
		if match[i] < 0 {
			body, err := a.groupBody(g, fresh)
			if err != nil {
				return err
			}
			// No Idempotency-Key here: an answer replayed from another
			// day's apply would hide a group gone since. A racing apply's
			// group of the same name is refused, and the last step checks.
			if err := a.dodo.do(ctx, "POST", base+"/groups", body, "", nil); err != nil && !hasCode(err, "GROUP_NAME_ALREADY_EXISTS", "PRODUCT_ALREADY_IN_COLLECTION") {
				return err
			}
			continue
		}
		if len(fresh) > 0 {
			gb, err := a.groupBody(Group{}, fresh)
			if err != nil {
				return err
			}
			body := map[string]any{"products": gb["products"]}
			if err := a.dodo.do(ctx, "POST", base+"/groups/"+url.PathEscape(cur[match[i]].id)+"/items", body, "", nil); err != nil && !hasCode(err, "PRODUCT_ALREADY_IN_COLLECTION") {
				return err
			}
		}
	}

	// 2. What the file no longer lists.
	if cur, err = a.readGroups(ctx, id); err != nil {
		return err
	}
	match = matchGroups(want, cur)
	matched := make([]bool, len(cur))
	for i, j := range match {
		if j < 0 {
			continue
		}
		matched[j] = true
		for _, it := range cur[j].items {
			if !contains(productIDs[i], it.product) {
				if err := a.dodo.do(ctx, "DELETE", base+"/groups/"+url.PathEscape(cur[j].id)+"/items/"+url.PathEscape(it.id), nil, "", nil); err != nil && !gone(err) {
					return err
				}
			}
		}
	}
	for j, g := range cur {
		if !matched[j] {
			if err := a.dodo.do(ctx, "DELETE", base+"/groups/"+url.PathEscape(g.id), nil, "", nil); err != nil && !gone(err) {
				return err
			}
		}
	}

	// 3. Products that moved between groups.
	if cur, err = a.readGroups(ctx, id); err != nil {
		return err
	}
	match = matchGroups(want, cur)
	for i, j := range match {
		if j < 0 {
			continue
		}
		have := map[string]bool{}
		for _, it := range cur[j].items {
			have[it.product] = true
		}
		var moved []GroupProduct
		for k, gp := range want[i].Products {
			if !have[productIDs[i][k]] {
				moved = append(moved, gp)
			}
		}
		if len(moved) > 0 {
			gb, err := a.groupBody(Group{}, moved)
			if err != nil {
				return err
			}
			body := map[string]any{"products": gb["products"]}
			if err := a.dodo.do(ctx, "POST", base+"/groups/"+url.PathEscape(cur[j].id)+"/items", body, "", nil); err != nil && !hasCode(err, "PRODUCT_ALREADY_IN_COLLECTION") {
				return err
			}
		}
	}

	// 4. States and order.
	if cur, err = a.readGroups(ctx, id); err != nil {
		return err
	}
	match = matchGroups(want, cur)
	var groupOrder, curOrder []string
	for _, g := range cur {
		curOrder = append(curOrder, g.id)
	}
	for i, j := range match {
		if j < 0 {
			continue
		}
		g, c := want[i], cur[j]
		groupOrder = append(groupOrder, c.id)
		gbase := base + "/groups/" + url.PathEscape(c.id)
		patch := map[string]any{}
		if g.Status != nil && *g.Status != c.status {
			patch["status"] = *g.Status
		}
		itemOf := map[string]srvItem{}
		var have []string
		for _, it := range c.items {
			itemOf[it.product] = it
			have = append(have, it.id)
		}
		var order []string
		for k, gp := range g.Products {
			it, ok := itemOf[productIDs[i][k]]
			if !ok {
				return fmt.Errorf("group %s: product %s is still not in it (another collection has it?)", groupLabel(&want[i], i), gp.Product)
			}
			order = append(order, it.id)
			if gp.Status != nil && *gp.Status != it.status {
				if err := a.dodo.do(ctx, "PATCH", gbase+"/items/"+url.PathEscape(it.id), map[string]any{"status": *gp.Status}, "", nil); err != nil {
					return err
				}
			}
		}
		if !reflect.DeepEqual(order, have) && len(order) == len(have) {
			patch["product_order"] = order
		}
		if len(patch) > 0 {
			if err := a.dodo.do(ctx, "PATCH", gbase, patch, "", nil); err != nil {
				return err
			}
		}
	}
	if !reflect.DeepEqual(groupOrder, curOrder) && len(groupOrder) == len(curOrder) {
		return a.dodo.do(ctx, "PATCH", base, map[string]any{"group_order": groupOrder}, "", nil)
	}
	return nil
}

// planLocalizedPrices plans each product's localized prices: by currency
// or country within the product; a rule the file no longer lists is
// archived only with --prune.
func planLocalizedPrices(p *planner, f *File, st *state) {
	current := map[string]entry[Product]{}
	for _, e := range st.products {
		if old, ok := current[e.Key]; !ok || old.Archived {
			current[e.Key] = e
		}
	}
	for _, d := range f.Products {
		if d.LocalizedPrices == nil {
			continue
		}
		d := d
		e, exists := current[d.Key]
		have := map[string]LocalizedPrice{}
		if exists {
			for _, lp := range e.V.LocalizedPrices {
				have[ruleID(lp)] = lp
			}
		}
		named := map[string]bool{}
		for _, lp := range d.LocalizedPrices {
			lp := lp
			rid := ruleID(lp)
			named[rid] = true
			old, ok := have[rid]
			switch {
			case !ok:
				p.changes = append(p.changes, Change{Kind: "localized_price", Key: d.Key + "/" + rid, Action: "create",
					run: func(ctx context.Context, a *applier) error { return a.putRule(ctx, d.Key, lp) }})
			case old.Amount != lp.Amount || old.Currency != lp.Currency:
				p.changes = append(p.changes, Change{Kind: "localized_price", Key: d.Key + "/" + rid, Action: "update", ID: st.lpIDs[e.ID][rid],
					Fields: diffFields(lp, old),
					run:    func(ctx context.Context, a *applier) error { return a.putRule(ctx, d.Key, lp) }})
			}
		}
		if !p.opt.Prune || !exists {
			continue
		}
		for rid := range have {
			if named[rid] {
				continue
			}
			id, pid := st.lpIDs[e.ID][rid], e.ID
			p.changes = append(p.changes, Change{Kind: "localized_price", Key: d.Key + "/" + rid, Action: "archive", ID: id,
				run: func(ctx context.Context, a *applier) error {
					err := a.dodo.do(ctx, "DELETE", "/products/"+url.PathEscape(pid)+"/localized-prices/"+url.PathEscape(id), nil, "", nil)
					if gone(err) {
						return nil
					}
					return err
				}})
		}
	}
}

// putRule makes a product's rule for lp's currency or country what lp
// says, from the rules as they are now (a change of the product's
// pricing mode archives rules; a racing apply may have made this one).
func (a *applier) putRule(ctx context.Context, productKey string, lp LocalizedPrice) error {
	pid, err := a.ref("product", productKey)
	if err != nil {
		return err
	}
	base := "/products/" + url.PathEscape(pid) + "/localized-prices"
	var rules struct {
		Items []struct {
			ID string `json:"id"`
			LocalizedPrice
		}
	}
	if err := a.dodo.get(ctx, base, &rules); err != nil {
		return err
	}
	for _, r := range rules.Items {
		if ruleID(r.LocalizedPrice) != ruleID(lp) {
			continue
		}
		if r.Amount == lp.Amount && r.Currency == lp.Currency {
			return nil
		}
		if r.Currency == lp.Currency {
			return a.dodo.do(ctx, "PATCH", base+"/"+url.PathEscape(r.ID), map[string]any{"amount": lp.Amount}, "", nil)
		}
		// A country's rule in another currency: the API cannot change a
		// rule's currency, so it is replaced.
		if err := a.dodo.do(ctx, "DELETE", base+"/"+url.PathEscape(r.ID), nil, "", nil); err != nil && !gone(err) {
			return err
		}
	}
	err = a.dodo.do(ctx, "POST", base, bodyOf(lp), "", nil)
	if hasCode(err, "LOCALIZED_PRICE_ALREADY_EXISTS") {
		return nil // a racing apply made it
	}
	return err
}
