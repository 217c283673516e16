package catalogfile

import (
	"strconv"
	"strings"
)

// The bridge: a product that asks for it (chartmogul: plan, or the
// file-wide recurring_products: plan) has a ChartMogul plan in the file's
// data source, its external_id the product's key, its name the product's
// and its interval the price's billing frequency; a collection group that
// asks for it (chartmogul: plan_group) has a plan group of its products'
// plans, named "<collection> / <group>" (the collection's name alone for
// an unnamed group).

// bridged tells whether p has a bridged plan.
func bridged(cm *ChartMogul, p *Product) bool {
	if cm == nil || p.Price.Type == "one_time_price" {
		return false
	}
	if p.ChartMogul != nil {
		return *p.ChartMogul == "plan"
	}
	return cm.RecurringProducts != nil && *cm.RecurringProducts == "plan"
}

// interval is ChartMogul's interval for a Dodo billing frequency:
// ChartMogul knows day, month and year, so a week is seven days.
func interval(count *int64, unit *string) (int64, string) {
	n := int64(1)
	if count != nil {
		n = *count
	}
	u := "Month"
	if unit != nil {
		u = *unit
	}
	if u == "Week" {
		return n * 7, "day"
	}
	return n, strings.ToLower(u)
}

// bridgePlans is the plans the file's products ask for.
func bridgePlans(f *File) []ChartMogulPlan {
	var out []ChartMogulPlan
	for i := range f.Products {
		p := &f.Products[i]
		if !bridged(f.ChartMogul, p) {
			continue
		}
		n, u := interval(p.Price.PaymentFrequencyCount, p.Price.PaymentFrequencyInterval)
		out = append(out, ChartMogulPlan{Key: p.Key, Name: p.Name, IntervalCount: n, IntervalUnit: u})
	}
	return out
}

// planGroupName is the name of a collection group's bridged plan group.
func planGroupName(c *Collection, g *Group) string {
	if g.Name == nil || *g.Name == "" {
		return c.Name
	}
	return c.Name + " / " + *g.Name
}

// bridgeGroups is the plan groups the file's collection groups ask for;
// their keys are "<collection key>/<group name>" (for messages only).
func bridgeGroups(f *File) []PlanGroup {
	if f.ChartMogul == nil {
		return nil
	}
	byKey := map[string]*Product{}
	for i := range f.Products {
		byKey[f.Products[i].Key] = &f.Products[i]
	}
	var out []PlanGroup
	for i := range f.Collections {
		c := &f.Collections[i]
		for j := range c.Groups {
			g := &c.Groups[j]
			if g.ChartMogul == nil || *g.ChartMogul != "plan_group" {
				continue
			}
			pg := PlanGroup{Key: c.Key + "/" + groupLabel(g, j), Name: planGroupName(c, g), Plans: []string{}}
			for _, gp := range g.Products {
				if p := byKey[gp.Product]; p != nil && bridged(f.ChartMogul, p) {
					pg.Plans = append(pg.Plans, p.Key)
				}
			}
			out = append(out, pg)
		}
	}
	return out
}

// groupLabel names a group in messages.
func groupLabel(g *Group, i int) string {
	if g.Name != nil {
		return *g.Name
	}
	return "#" + strconv.Itoa(i)
}
