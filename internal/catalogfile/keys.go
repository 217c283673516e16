package catalogfile

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Kind is how one kind of object keeps its key on the server.
type Kind struct {
	Name    string // as plan prints it
	KeptIn  string // where the key lives on the server
	Missing string // what prune does to one the file no longer names
}

// Kinds is the key mapping, per kind, in the order apply creates them.
var Kinds = []Kind{
	{"brand", "its name (unique among the file's brands); the primary brand is the key primary", "nothing (archiving a brand is permanent and moves its products: do it by hand)"},
	{"credit_entitlement", "its name (unique in the API)", "deleted (soft: apply undeletes it when the file names it again)"},
	{"meter", "its name", "archived"},
	{"entitlement", "metadata." + MetadataKey, "deleted"},
	{"addon", "its name", "nothing (the API cannot archive or delete an addon)"},
	{"product", "metadata." + MetadataKey, "archived"},
	{"localized_price", "its currency (by_currency) or country (by_country) within its product", "archived"},
	{"discount", "metadata." + MetadataKey, "deleted"},
	{"collection", "its name; a group by its name, unnamed groups by their order; an item by its product", "archived"},
	{"data_source", "its name (unique in the API)", "nothing"},
	{"plan", "external_id", "deleted"},
	{"plan_group", "its name", "deleted (only groups of the data source's plans)"},
}

// ConflictError is two objects on the server claiming one key, or one
// name the file names: apply cannot tell which is meant.
type ConflictError struct{ Conflicts []string }

func (e *ConflictError) Error() string {
	return "conflicting keys, nothing written:\n  " + strings.Join(e.Conflicts, "\n  ")
}

// keyer assigns keys to a state's objects: the key the server keeps, else
// the key of the file's object with that identity, else a generated one
// (the object's id where the key would live in metadata, so that a file
// exported with it finds the object again; a name's slug elsewhere).
type keyer struct {
	used      map[string]bool
	conflicts []string
}

var slugNot = regexp.MustCompile(`[^a-z0-9]+`)

func (k *keyer) generate(prefix, name string) string {
	s := strings.Trim(slugNot.ReplaceAllString(strings.ToLower(name), "-"), "-")
	if len(s) > 60 {
		s = s[:60]
	}
	base := s
	if s == "" || k.used[s] {
		base = strings.Trim(prefix+"-"+s, "-")
	}
	key := base
	for n := 2; k.used[key]; n++ {
		key = fmt.Sprintf("%s-%d", base, n)
	}
	k.used[key] = true
	return key
}

// byName keys objects whose name is their identity. Of several with one
// name, an active one is the file's; two active ones the file names are a
// conflict.
func byName[T any](k *keyer, kind string, es []entry[T], name func(T) string, want map[string]string) {
	var order []string
	same := map[string][]int{}
	for i := range es {
		n := name(es[i].V)
		if same[n] == nil {
			order = append(order, n)
		}
		same[n] = append(same[n], i)
	}
	for _, n := range order {
		var active []int
		for _, i := range same[n] {
			if !es[i].Archived {
				active = append(active, i)
			}
		}
		pick := same[n][0]
		if len(active) > 0 {
			pick = active[0]
		}
		if len(active) > 1 && want[n] != "" {
			k.conflicts = append(k.conflicts, fmt.Sprintf("%s %q: two on the server (%s and %s) for the file's key %q", kind, n, es[active[0]].ID, es[active[1]].ID, want[n]))
		}
		if key := want[n]; key != "" {
			es[pick].Key = key
			k.used[key] = true
		}
	}
	for i := range es {
		if es[i].Key == "" {
			es[i].Key = k.generate(strings.ReplaceAll(kind, "_", "-"), name(es[i].V))
		}
	}
}

// byKey checks the keys objects keep (metadata, external_id) and gives
// the others their id.
func byKey[T any](k *keyer, kind string, es []entry[T]) {
	seen := map[string]string{}
	for i := range es {
		e := &es[i]
		if e.Key == "" {
			e.Key = e.ID
		}
		if first, ok := seen[e.Key]; ok {
			k.conflicts = append(k.conflicts, fmt.Sprintf("%s key %q: kept by two objects on the server (%s and %s)", kind, e.Key, first, e.ID))
			continue
		}
		seen[e.Key] = e.ID
		k.used[e.Key] = true
	}
}

// assignKeys keys every object of s, matching the file's names where the
// name is the identity (want may be nil: export).
func (s *state) assignKeys(want *File) error {
	k := &keyer{used: map[string]bool{"primary": true}}
	names := func(n int, at func(int) (string, string)) map[string]string {
		m := map[string]string{}
		for i := 0; i < n; i++ {
			name, key := at(i)
			m[name] = key
		}
		return m
	}
	var w File
	if want != nil {
		w = *want
		for _, key := range fileKeys(want) {
			k.used[key] = true
		}
	}
	byKey(k, "product", s.products)
	byKey(k, "entitlement", s.ents)
	byKey(k, "discount", s.discounts)
	byKey(k, "plan", s.plans)
	byName(k, "brand", s.brands, func(b Brand) string { return b.Name },
		names(len(w.Brands), func(i int) (string, string) { return w.Brands[i].Name, w.Brands[i].Key }))
	byName(k, "credit_entitlement", s.credits, func(c CreditEntitlement) string { return c.Name },
		names(len(w.CreditEntitlements), func(i int) (string, string) { return w.CreditEntitlements[i].Name, w.CreditEntitlements[i].Key }))
	byName(k, "meter", s.meters, func(m Meter) string { return m.Name },
		names(len(w.Meters), func(i int) (string, string) { return w.Meters[i].Name, w.Meters[i].Key }))
	byName(k, "addon", s.addons, func(a Addon) string { return a.Name },
		names(len(w.Addons), func(i int) (string, string) { return w.Addons[i].Name, w.Addons[i].Key }))
	byName(k, "collection", s.colls, func(c Collection) string { return c.Name },
		names(len(w.Collections), func(i int) (string, string) { return w.Collections[i].Name, w.Collections[i].Key }))
	groupNames := map[string]string{}
	if w.ChartMogul != nil {
		for _, g := range w.ChartMogul.PlanGroups {
			groupNames[g.Name] = g.Key
		}
	}
	for _, g := range bridgeGroups(&w) {
		groupNames[g.Name] = g.Key
	}
	byName(k, "plan_group", s.groups, func(g PlanGroup) string { return g.Name }, groupNames)
	if len(k.conflicts) > 0 {
		sort.Strings(k.conflicts)
		return &ConflictError{Conflicts: k.conflicts}
	}
	s.relink()
	return nil
}

// relink turns the server ids in references into keys.
func (s *state) relink() {
	ids := map[string]string{s.business: "primary"}
	add := func(id, key string) {
		if key != "" {
			ids[id] = key
		}
	}
	for _, e := range s.brands {
		add(e.ID, e.Key)
	}
	for _, e := range s.credits {
		add(e.ID, e.Key)
	}
	for _, e := range s.meters {
		add(e.ID, e.Key)
	}
	for _, e := range s.ents {
		add(e.ID, e.Key)
	}
	for _, e := range s.addons {
		add(e.ID, e.Key)
	}
	for _, e := range s.products {
		add(e.ID, e.Key)
	}
	for _, e := range s.plans {
		add(e.ID, e.Key)
	}
	key := func(id string) string {
		if k, ok := ids[id]; ok {
			return k
		}
		return id
	}
	keys := func(l []string) []string {
		if l == nil {
			return nil
		}
		out := make([]string, len(l))
		for i, id := range l {
			out[i] = key(id)
		}
		return out
	}
	for i := range s.products {
		p := &s.products[i].V
		if p.Brand != nil {
			b := key(*p.Brand)
			p.Brand = &b
		}
		p.Addons = keys(p.Addons)
		p.Entitlements = keys(p.Entitlements)
		for j := range p.CreditEntitlements {
			p.CreditEntitlements[j].CreditEntitlement = key(p.CreditEntitlements[j].CreditEntitlement)
		}
		for j := range p.Price.Meters {
			m := &p.Price.Meters[j]
			m.Meter = key(m.Meter)
			if m.CreditEntitlement != nil {
				c := key(*m.CreditEntitlement)
				m.CreditEntitlement = &c
			}
		}
	}
	for i := range s.discounts {
		s.discounts[i].V.RestrictedTo = keys(s.discounts[i].V.RestrictedTo)
	}
	for i := range s.colls {
		c := &s.colls[i].V
		if c.Brand != nil {
			b := key(*c.Brand)
			c.Brand = &b
		}
		for j := range c.Groups {
			for n := range c.Groups[j].Products {
				c.Groups[j].Products[n].Product = key(c.Groups[j].Products[n].Product)
			}
		}
	}
	for i := range s.groups {
		s.groups[i].V.Plans = keys(s.groups[i].V.Plans)
	}
}

// fileKeys is every key a file chooses.
func fileKeys(f *File) []string {
	var out []string
	for _, b := range f.Brands {
		out = append(out, b.Key)
	}
	for _, c := range f.CreditEntitlements {
		out = append(out, c.Key)
	}
	for _, m := range f.Meters {
		out = append(out, m.Key)
	}
	for _, e := range f.Entitlements {
		out = append(out, e.Key)
	}
	for _, a := range f.Addons {
		out = append(out, a.Key)
	}
	for _, p := range f.Products {
		out = append(out, p.Key)
	}
	for _, d := range f.Discounts {
		out = append(out, d.Key)
	}
	for _, c := range f.Collections {
		out = append(out, c.Key)
	}
	if f.ChartMogul != nil {
		for _, p := range f.ChartMogul.Plans {
			out = append(out, p.Key)
		}
		for _, g := range f.ChartMogul.PlanGroups {
			out = append(out, g.Key)
		}
	}
	return out
}
