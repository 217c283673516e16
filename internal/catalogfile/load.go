package catalogfile

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// Problem is one thing wrong with a file, where it is.
type Problem struct {
	File  string `json:"file"`
	Line  int    `json:"line,omitempty"`
	Col   int    `json:"column,omitempty"`
	Field string `json:"field"` // a path such as products[2].price.type
	Msg   string `json:"message"`
}

func (p Problem) String() string {
	where := ""
	switch {
	case p.File != "" && p.Line > 0:
		where = fmt.Sprintf("%s:%d:%d: ", p.File, p.Line, p.Col)
	case p.File != "":
		where = p.File + ": "
	}
	if p.Field == "" {
		return where + p.Msg
	}
	return where + p.Field + ": " + p.Msg
}

// FileError is every problem of a file.
type FileError struct{ Problems []Problem }

func (e *FileError) Error() string {
	s := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		s[i] = p.String()
	}
	return strings.Join(s, "\n")
}

var (
	keyPattern  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$`)
	fixedKey    = regexp.MustCompile(`^pb_test_[0-9A-Za-z]{16}_[0-9A-Za-z]{32}$`)
	yamlWhere   = regexp.MustCompile(`^\[(\d+):(\d+)\]\s*(.*)$`)
	fieldInYAML = regexp.MustCompile(`unknown field "([^"]+)"`)
	typeInYAML  = regexp.MustCompile(`cannot unmarshal (\S+) into Go .* of type (\S+)`)
)

// Load reads a file (YAML, or JSON, which is YAML) named name and checks
// it: unknown fields, types, keys (unique across the file, names unique
// where the name is the identity), references and price shapes. Every
// problem names the file, line, column and field.
func Load(name string, data []byte) (*File, error) {
	var f File
	if err := yaml.UnmarshalWithOptions(data, &f, yaml.DisallowUnknownField()); err != nil {
		p := decodeProblem(name, err)
		var ye yaml.Error
		if errors.As(err, &ye) && ye.GetToken() != nil && p.Field == "" {
			p.Field = pathAt(data, ye.GetToken().Position.Line, ye.GetToken().Position.Column)
		}
		return nil, &FileError{Problems: []Problem{p}}
	}
	v := &validator{}
	v.file(&f)
	if len(v.problems) == 0 {
		f.name, f.src = name, data
		return &f, nil
	}
	for i := range v.problems {
		p := &v.problems[i]
		p.File = name
		p.Line, p.Col = position(data, p.Field)
	}
	return nil, &FileError{Problems: v.problems}
}

// position is where path is in data: the deepest part of it that is in
// the file (a missing field is reported where its object is); 0, 0 when
// none is.
func position(data []byte, path string) (line, col int) {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return 0, 0
	}
	for ; path != ""; path = parent(path) {
		yp, err := yaml.PathString("$." + path)
		if err != nil {
			return 0, 0
		}
		if n, err := yp.FilterFile(f); err == nil && n != nil && n.GetToken() != nil {
			return n.GetToken().Position.Line, n.GetToken().Position.Column
		}
	}
	return 0, 0
}

// parent cuts a path's last part: a.b[2].c → a.b[2] → a.b → a.
func parent(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i <= 0 {
		return ""
	}
	return path[:i]
}

// pathAt is the path of the value at line and column (products[0].price),
// for decoding errors that name only a Go type.
func pathAt(data []byte, line, col int) string {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return ""
	}
	var found string
	for _, doc := range f.Docs {
		if doc.Body != nil {
			ast.Walk(finder{line, col, &found}, doc.Body)
		}
	}
	return strings.TrimPrefix(strings.TrimPrefix(found, "$"), ".")
}

type finder struct {
	line, col int
	found     *string
}

func (v finder) Visit(n ast.Node) ast.Visitor {
	if n == nil {
		return nil
	}
	if t := n.GetToken(); t != nil && t.Position.Line == v.line && t.Position.Column == v.col {
		*v.found = n.GetPath()
		return nil
	}
	return v
}

// decodeProblem words the YAML decoder's error as a Problem.
func decodeProblem(name string, err error) Problem {
	p := Problem{File: name, Msg: err.Error()}
	msg := yaml.FormatError(err, false, false)
	if m := yamlWhere.FindStringSubmatch(strings.TrimSpace(msg)); m != nil {
		fmt.Sscan(m[1], &p.Line)
		fmt.Sscan(m[2], &p.Col)
		p.Msg = m[3]
	}
	if m := fieldInYAML.FindStringSubmatch(p.Msg); m != nil {
		p.Field = m[1]
	}
	if m := typeInYAML.FindStringSubmatch(p.Msg); m != nil {
		want := map[string]string{"int64": "an integer", "int": "an integer", "bool": "true or false", "string": "a string"}[m[2]]
		if strings.HasPrefix(m[2], "[]") {
			want = "a list"
		} else if strings.HasPrefix(m[2], "map[") || want == "" {
			want = "an object"
		}
		p.Msg = fmt.Sprintf("must be %s, not %s", want, m[1])
	}
	return p
}

// validator collects problems with paths.
type validator struct {
	problems []Problem
	keys     map[string]string // key → path of its first use
}

func (v *validator) add(path, format string, args ...any) {
	v.problems = append(v.problems, Problem{Field: path, Msg: fmt.Sprintf(format, args...)})
}

// key checks a key's form and that it is the file's only one.
func (v *validator) key(path, key string) {
	switch {
	case key == "":
		v.add(path, "a key is required")
		return
	case !keyPattern.MatchString(key):
		v.add(path, "%q is not a key: 1 to 100 letters, digits, '_', '.', ':' or '-', starting with a letter or digit", key)
		return
	}
	if first, ok := v.keys[key]; ok {
		v.add(path, "key %q is already the key of %s: two objects, one key", key, first)
		return
	}
	v.keys[key] = path
}

// names checks names are unique within a kind whose identity they are.
type names map[string]string

func (v *validator) name(seen names, kind, path, name string) {
	if strings.TrimSpace(name) == "" {
		v.add(path, "a name is required")
		return
	}
	if first, ok := seen[name]; ok {
		v.add(path, "%s name %q is already the name of %s: a %s's name is its identity", kind, name, first, kind)
		return
	}
	seen[name] = path
}

func (v *validator) file(f *File) {
	v.keys = map[string]string{"primary": "the primary brand"}
	if f.Version != 0 && f.Version != 1 {
		v.add("version", "version %d is not known: this Pricebook reads version 1", f.Version)
	}
	if f.Key != "" && !fixedKey.MatchString(f.Key) {
		v.add("key", "a fixed key is a test-mode key of the form pricebook keys create prints (pb_test_, 16 letters or digits, _, 32 letters or digits; make one with: pricebook keys create --mode test --new-business --db :memory:)")
	}
	kinds := map[string]map[string]bool{}
	set := func(kind, key string) {
		if kinds[kind] == nil {
			kinds[kind] = map[string]bool{}
		}
		kinds[kind][key] = true
	}
	set("brand", "primary")
	seen := names{}
	for i, b := range f.Brands {
		p := fmt.Sprintf("brands[%d]", i)
		v.key(p+".key", b.Key)
		v.name(seen, "brand", p+".name", b.Name)
		set("brand", b.Key)
	}
	seen = names{}
	for i, c := range f.CreditEntitlements {
		p := fmt.Sprintf("credit_entitlements[%d]", i)
		v.key(p+".key", c.Key)
		v.name(seen, "credit entitlement", p+".name", c.Name)
		set("credit_entitlement", c.Key)
	}
	seen = names{}
	for i, m := range f.Meters {
		p := fmt.Sprintf("meters[%d]", i)
		v.key(p+".key", m.Key)
		v.name(seen, "meter", p+".name", m.Name)
		set("meter", m.Key)
	}
	for i, e := range f.Entitlements {
		p := fmt.Sprintf("entitlements[%d]", i)
		v.key(p+".key", e.Key)
		v.metadata(p+".metadata", e.Metadata)
		set("entitlement", e.Key)
	}
	seen = names{}
	for i, a := range f.Addons {
		p := fmt.Sprintf("addons[%d]", i)
		v.key(p+".key", a.Key)
		v.name(seen, "addon", p+".name", a.Name)
		set("addon", a.Key)
	}
	for i, pr := range f.Products {
		p := fmt.Sprintf("products[%d]", i)
		v.key(p+".key", pr.Key)
		set("product", pr.Key)
	}
	ref := func(kind, path, key string) {
		if !kinds[kind][key] {
			v.add(path, "no %s has the key %q", strings.ReplaceAll(kind, "_", " "), key)
		}
	}
	cm := f.ChartMogul
	for i := range f.Products {
		pr := &f.Products[i]
		p := fmt.Sprintf("products[%d]", i)
		if pr.Brand != nil {
			ref("brand", p+".brand", *pr.Brand)
		}
		for j, a := range pr.Addons {
			ref("addon", fmt.Sprintf("%s.addons[%d]", p, j), a)
		}
		for j, e := range pr.Entitlements {
			ref("entitlement", fmt.Sprintf("%s.entitlements[%d]", p, j), e)
		}
		for j, c := range pr.CreditEntitlements {
			ref("credit_entitlement", fmt.Sprintf("%s.credit_entitlements[%d].credit_entitlement", p, j), c.CreditEntitlement)
		}
		v.price(p+".price", &pr.Price, ref)
		v.metadata(p+".metadata", pr.Metadata)
		seenLP := map[string]bool{}
		for j, lp := range pr.LocalizedPrices {
			id := lp.Currency
			if lp.CountryCode != nil {
				id = *lp.CountryCode
			}
			if seenLP[id] {
				v.add(fmt.Sprintf("%s.localized_prices[%d]", p, j), "a second localized price for %s", id)
			}
			seenLP[id] = true
		}
		if len(pr.LocalizedPrices) > 0 && pr.PricingMode == nil {
			v.add(p+".pricing_mode", "localized prices need a pricing_mode")
		}
		if pr.ChartMogul != nil && *pr.ChartMogul == "plan" {
			if cm == nil {
				v.add(p+".chartmogul", "a ChartMogul plan needs the file's chartmogul section (its data source)")
			} else if pr.Price.Type == "one_time_price" {
				v.add(p+".chartmogul", "a one-time product has no interval, so no ChartMogul plan")
			}
		}
	}
	for i := range f.Discounts {
		d := &f.Discounts[i]
		p := fmt.Sprintf("discounts[%d]", i)
		v.key(p+".key", d.Key)
		if d.Code != nil {
			up := strings.ToUpper(*d.Code)
			d.Code = &up
		}
		for j, r := range d.RestrictedTo {
			ref("product", fmt.Sprintf("%s.restricted_to[%d]", p, j), r)
		}
		v.time(p+".starts_at", d.StartsAt)
		v.time(p+".expires_at", d.ExpiresAt)
		v.metadata(p+".metadata", d.Metadata)
	}
	seen = names{}
	for i, c := range f.Collections {
		p := fmt.Sprintf("collections[%d]", i)
		v.key(p+".key", c.Key)
		v.name(seen, "collection", p+".name", c.Name)
		if c.Brand != nil {
			ref("brand", p+".brand", *c.Brand)
		}
		groupNames := map[string]bool{}
		for j, g := range c.Groups {
			gp := fmt.Sprintf("%s.groups[%d]", p, j)
			if g.Name != nil {
				if groupNames[*g.Name] {
					v.add(gp+".name", "a second group named %q in the collection", *g.Name)
				}
				groupNames[*g.Name] = true
			}
			for k, gpr := range g.Products {
				ref("product", fmt.Sprintf("%s.products[%d].product", gp, k), gpr.Product)
			}
			if g.ChartMogul != nil && cm == nil {
				v.add(gp+".chartmogul", "a ChartMogul plan group needs the file's chartmogul section")
			}
		}
	}
	if cm == nil {
		return
	}
	if strings.TrimSpace(cm.DataSource.Name) == "" {
		v.add("chartmogul.data_source.name", "a name is required")
	}
	// Plans have keys of their own (external ids): a plan may share a
	// product's key, unless that product has its bridged plan.
	plans := map[string]bool{}
	bridgedAt := map[string]string{}
	for i, pr := range f.Products {
		if bridged(cm, &pr) {
			plans[pr.Key] = true
			bridgedAt[pr.Key] = fmt.Sprintf("products[%d]", i)
		}
	}
	for i, pl := range cm.Plans {
		p := fmt.Sprintf("chartmogul.plans[%d]", i)
		switch {
		case !keyPattern.MatchString(pl.Key):
			v.add(p+".key", "%q is not a key: 1 to 100 letters, digits, '_', '.', ':' or '-', starting with a letter or digit", pl.Key)
		case bridgedAt[pl.Key] != "":
			v.add(p+".key", "plan key %q is the external id of the plan of %s: two plans, one key", pl.Key, bridgedAt[pl.Key])
		case plans[pl.Key]:
			v.add(p+".key", "a second plan with the key %q", pl.Key)
		}
		plans[pl.Key] = true
		if pl.IntervalCount < 1 {
			v.add(p+".interval_count", "must be 1 or more")
		}
	}
	seen = names{}
	for i, g := range cm.PlanGroups {
		p := fmt.Sprintf("chartmogul.plan_groups[%d]", i)
		v.key(p+".key", g.Key)
		v.name(seen, "plan group", p+".name", g.Name)
		for j, k := range g.Plans {
			if !plans[k] {
				v.add(fmt.Sprintf("%s.plans[%d]", p, j), "no plan has the key %q (a product's key names its plan only when it has one)", k)
			}
		}
	}
	for _, g := range bridgeGroups(f) {
		if first, ok := seen[g.Name]; ok {
			v.add(first, "plan group name %q is also the name of the plan group of collection group %s", g.Name, g.Key)
		}
	}
}

func (v *validator) price(path string, pr *Price, ref func(kind, path, key string)) {
	need := func(ok bool, field string) {
		if !ok {
			v.add(path+"."+field, "required for a %s", pr.Type)
		}
	}
	switch pr.Type {
	case "one_time_price":
		need(pr.Price != nil, "price")
	case "recurring_price", "usage_based_price":
		if pr.Type == "recurring_price" {
			need(pr.Price != nil, "price")
		} else {
			need(pr.FixedPrice != nil, "fixed_price")
		}
		need(pr.PaymentFrequencyCount != nil, "payment_frequency_count")
		need(pr.PaymentFrequencyInterval != nil, "payment_frequency_interval")
		need(pr.SubscriptionPeriodCount != nil, "subscription_period_count")
		need(pr.SubscriptionPeriodInterval != nil, "subscription_period_interval")
	default:
		v.add(path+".type", "must be one_time_price, recurring_price or usage_based_price, not %q", pr.Type)
	}
	if len(pr.Meters) > 0 && pr.Type != "usage_based_price" {
		v.add(path+".meters", "only a usage_based_price has meters")
	}
	for i, m := range pr.Meters {
		ref("meter", fmt.Sprintf("%s.meters[%d].meter", path, i), m.Meter)
		if m.CreditEntitlement != nil {
			ref("credit_entitlement", fmt.Sprintf("%s.meters[%d].credit_entitlement", path, i), *m.CreditEntitlement)
		}
	}
}

func (v *validator) metadata(path string, md map[string]any) {
	if _, ok := md[MetadataKey]; ok {
		v.add(path+"."+MetadataKey, "is where apply keeps the object's key: set key instead")
	}
}

// time checks an RFC 3339 time and writes it in UTC, as the server does.
func (v *validator) time(path string, s *string) {
	if s == nil {
		return
	}
	t, err := time.Parse(time.RFC3339Nano, *s)
	if err != nil {
		v.add(path, "must be an RFC 3339 time such as 2027-01-01T00:00:00Z")
		return
	}
	*s = t.UTC().Format(time.RFC3339Nano)
}
