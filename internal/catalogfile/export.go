package catalogfile

import (
	"context"
	"encoding/json"
	"sort"

	"github.com/goccy/go-yaml"
)

// Export reads a partition and writes it as a file, keys included: keys
// the server keeps are kept, the others generated (an object's id where
// the key lives in metadata, so that apply finds the object by it; a
// slug of the name where the name is the identity). generated lists
// those. Applying the file to the same partition changes nothing.
func Export(ctx context.Context, srv Server) (f *File, generated []string, err error) {
	dodo, cm := srv.faces()
	st, err := read(ctx, dodo, cm, true, "")
	if err != nil {
		return nil, nil, err
	}
	if err := st.assignKeys(nil); err != nil {
		return nil, nil, err
	}
	f = &File{Version: 1}
	gen := func(kind, key string, fromServer bool) {
		if !fromServer {
			generated = append(generated, kind+" "+key)
		}
	}
	for _, e := range st.brands {
		e.V.Key = e.Key
		f.Brands = append(f.Brands, e.V)
		gen("brand", e.Key, false)
	}
	for _, e := range st.credits {
		if !e.Archived {
			e.V.Key = e.Key
			f.CreditEntitlements = append(f.CreditEntitlements, e.V)
			gen("credit_entitlement", e.Key, false)
		}
	}
	for _, e := range st.meters {
		if !e.Archived {
			e.V.Key = e.Key
			f.Meters = append(f.Meters, e.V)
			gen("meter", e.Key, false)
		}
	}
	for _, e := range st.ents {
		e.V.Key = e.Key
		e.V.Metadata = emptyNil(e.V.Metadata)
		f.Entitlements = append(f.Entitlements, e.V)
		gen("entitlement", e.Key, e.Key != e.ID)
	}
	for _, e := range st.addons {
		e.V.Key = e.Key
		f.Addons = append(f.Addons, e.V)
		gen("addon", e.Key, false)
	}
	for _, e := range st.products {
		if e.Archived {
			continue
		}
		f.Products = append(f.Products, exportProduct(e))
		gen("product", e.Key, e.Key != e.ID)
	}
	for _, e := range st.discounts {
		f.Discounts = append(f.Discounts, exportDiscount(e))
		gen("discount", e.Key, e.Key != e.ID)
	}
	for _, e := range st.colls {
		if e.Archived {
			continue
		}
		c := e.V
		c.Key = e.Key
		if c.Brand != nil && *c.Brand == "primary" {
			c.Brand = nil
		}
		for i := range c.Groups {
			g := &c.Groups[i]
			g.Status = falseOnly(g.Status)
			for j := range g.Products {
				g.Products[j].Status = falseOnly(g.Products[j].Status)
			}
		}
		f.Collections = append(f.Collections, c)
		gen("collection", e.Key, false)
	}
	if st.source != nil {
		generated = append(generated, exportChartMogul(f, st)...)
	}
	sort.Strings(generated)
	return f, generated, nil
}

func exportProduct(e entry[Product]) Product {
	p := e.V
	p.Key = e.Key
	if p.Brand != nil && *p.Brand == "primary" {
		p.Brand = nil
	}
	if len(p.Addons) == 0 {
		p.Addons = nil
	}
	if len(p.Entitlements) == 0 {
		p.Entitlements = nil
	}
	if len(p.CreditEntitlements) == 0 {
		p.CreditEntitlements = nil
	}
	if len(p.LocalizedPrices) == 0 {
		p.LocalizedPrices = nil
	}
	p.Metadata = emptyNil(p.Metadata)
	pr := &p.Price
	pr.DiscountBps = nonZero(pr.DiscountBps)
	pr.TrialPeriodDays = nonZero(pr.TrialPeriodDays)
	pr.PurchasingPowerParity = trueOnly(pr.PurchasingPowerParity)
	pr.PayWhatYouWant = trueOnly(pr.PayWhatYouWant)
	pr.TrialApplyDiscounts = trueOnly(pr.TrialApplyDiscounts)
	if len(pr.Meters) == 0 {
		pr.Meters = nil
	}
	if pr.Type == "one_time_price" {
		pr.PaymentFrequencyCount, pr.PaymentFrequencyInterval, pr.SubscriptionPeriodCount, pr.SubscriptionPeriodInterval = nil, nil, nil, nil
	}
	return p
}

func exportDiscount(e entry[Discount]) Discount {
	d := normalizeDiscount(e.V)
	d.Key = e.Key
	d.Metadata = emptyNil(d.Metadata)
	if len(d.RestrictedTo) == 0 {
		d.RestrictedTo = nil
	}
	if len(d.CurrencyOptions) == 0 {
		d.CurrencyOptions = nil
	}
	for i := range d.CurrencyOptions {
		o := &d.CurrencyOptions[i]
		o.IsDefault = trueOnly(o.IsDefault)
		o.MinimumSubtotal = nonZero(o.MinimumSubtotal)
	}
	d.PreserveOnPlanChange = trueOnly(d.PreserveOnPlanChange)
	return d
}

// exportChartMogul writes the data source's plans and plan groups,
// bridged where the bridge would make them exactly so.
func exportChartMogul(f *File, st *state) (generated []string) {
	cm := &ChartMogul{DataSource: st.source.V}
	f.ChartMogul = cm
	plan := "plan"
	byKey := map[string]*Product{}
	for i := range f.Products {
		byKey[f.Products[i].Key] = &f.Products[i]
	}
	for _, e := range st.plans {
		pl := e.V
		pl.Key = e.Key
		if p := byKey[pl.Key]; p != nil && p.Price.Type != "one_time_price" {
			n, u := interval(p.Price.PaymentFrequencyCount, p.Price.PaymentFrequencyInterval)
			if p.Name == pl.Name && n == pl.IntervalCount && u == pl.IntervalUnit {
				p.ChartMogul = &plan
				continue
			}
		}
		cm.Plans = append(cm.Plans, pl)
	}
	group := "plan_group"
	bridgedGroups := map[string]bool{}
	for i := range f.Collections {
		c := &f.Collections[i]
		for j := range c.Groups {
			g := &c.Groups[j]
			g.ChartMogul = &group
			derived := bridgeGroups(&File{Products: f.Products, Collections: []Collection{{Key: c.Key, Name: c.Name, Groups: []Group{*g}}}, ChartMogul: cm})
			g.ChartMogul = nil
			if len(derived) != 1 || len(derived[0].Plans) == 0 {
				continue
			}
			for _, e := range st.groups {
				if e.V.Name == derived[0].Name && sameSet(e.V.Plans, derived[0].Plans) && !bridgedGroups[e.ID] {
					g.ChartMogul = &group
					bridgedGroups[e.ID] = true
					break
				}
			}
		}
	}
	for _, e := range st.groups {
		if bridgedGroups[e.ID] || len(st.groupPlansOutside[e.ID]) > 0 {
			continue
		}
		g := e.V
		g.Key = e.Key
		sort.Strings(g.Plans)
		cm.PlanGroups = append(cm.PlanGroups, g)
		generated = append(generated, "plan_group "+g.Key)
	}
	return generated
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	x, y := append([]string{}, a...), append([]string{}, b...)
	sort.Strings(x)
	sort.Strings(y)
	for i := range x {
		if x[i] != y[i] {
			return false
		}
	}
	return true
}

func emptyNil(m map[string]any) map[string]any {
	if len(m) == 0 {
		return nil
	}
	return m
}

func nonZero(p *int64) *int64 {
	if p == nil || *p == 0 {
		return nil
	}
	return p
}

func trueOnly(p *bool) *bool {
	if p == nil || !*p {
		return nil
	}
	return p
}

func falseOnly(p *bool) *bool {
	if p == nil || *p {
		return nil
	}
	return p
}

// Marshal writes f as YAML, in the order of the file's fields.
func Marshal(f *File) ([]byte, error) {
	// Through JSON first, so that numbers in metadata and filters keep
	// the form the server gave them.
	raw, err := json.Marshal(f)
	if err != nil {
		return nil, err
	}
	var v yaml.MapSlice
	if err := yaml.UnmarshalWithOptions(raw, &v, yaml.UseOrderedMap()); err != nil {
		return nil, err
	}
	return yaml.MarshalWithOptions(dropNullItems(v), yaml.IndentSequence(true))
}

// dropNullItems leaves out null and empty values (not managed).
func dropNullItems(v any) any {
	switch x := v.(type) {
	case yaml.MapSlice:
		out := yaml.MapSlice{}
		for _, it := range x {
			if it.Value == nil {
				continue
			}
			it.Value = dropNullItems(it.Value)
			out = append(out, it)
		}
		return out
	case []any:
		for i := range x {
			x[i] = dropNullItems(x[i])
		}
		return x
	}
	return v
}
