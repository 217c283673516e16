package catalogfile

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

func readFull(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestSchemaValidatesTheExample: the shipped schema compiles, accepts the
// example file (and the README's), and refuses what Load refuses for its
// shape (an unknown field, a bad enum, a missing required field).
func TestSchemaValidatesTheExample(t *testing.T) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema()))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(SchemaID, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(SchemaID)
	if err != nil {
		t.Fatal(err)
	}
	asJSON := func(y string) any {
		var v any
		if err := yaml.Unmarshal([]byte(y), &v); err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(v)
		out, _ := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		return out
	}
	full := string(readFull(t))
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	example := readmeExample(t, string(readme))
	for name, y := range map[string]string{"testdata/full.yaml": full, "README.md": example} {
		if err := sch.Validate(asJSON(y)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if _, err := Load(name, []byte(y)); err != nil {
			t.Errorf("%s: Load: %v", name, err)
		}
	}
	for name, y := range map[string]string{
		"unknown field": strings.Replace(full, "    name: Extra seat\n", "    name: Extra seat\n    colour: red\n", 1),
		"bad enum":      strings.Replace(full, "tax_category: e_book", "tax_category: ebook", 1),
		"no name":       strings.Replace(full, "    name: Tip jar\n", "", 1),
	} {
		if err := sch.Validate(asJSON(y)); err == nil {
			t.Errorf("%s: the schema accepts it", name)
		}
	}
}

// readmeExample is the README's example catalog file (the yaml block
// after "Catalog as code").
func readmeExample(t *testing.T, readme string) string {
	i := strings.Index(readme, "## Catalog as code")
	if i < 0 {
		t.Fatal("README has no Catalog as code section")
	}
	rest := readme[i:]
	j := strings.Index(rest, "```yaml\n")
	if j < 0 {
		t.Fatal("the section has no yaml block")
	}
	rest = rest[j+len("```yaml\n"):]
	return rest[:strings.Index(rest, "```")]
}

// TestSchemaNamesEveryField: every field of the file's types is in the
// schema, so an editor never flags a field Load takes.
func TestSchemaNamesEveryField(t *testing.T) {
	var s struct {
		Properties map[string]any
		Defs       map[string]struct{ Properties map[string]any } `json:"$defs"`
	}
	json.Unmarshal(Schema(), &s)
	check := func(name string, props map[string]any, typ reflect.Type) {
		for i := 0; i < typ.NumField(); i++ {
			if !typ.Field(i).IsExported() {
				continue
			}
			tag := strings.Split(typ.Field(i).Tag.Get("json"), ",")[0]
			if _, ok := props[tag]; !ok {
				t.Errorf("%s.%s is not in the schema", name, tag)
			}
		}
	}
	check("File", s.Properties, reflect.TypeOf(File{}))
	for name, typ := range map[string]reflect.Type{"Product": reflect.TypeOf(Product{}), "Price": reflect.TypeOf(Price{}),
		"Collection": reflect.TypeOf(Collection{}), "Group": reflect.TypeOf(Group{}), "Discount": reflect.TypeOf(Discount{}),
		"ChartMogul": reflect.TypeOf(ChartMogul{}), "ChartMogulPlan": reflect.TypeOf(ChartMogulPlan{})} {
		check(name, s.Defs[name].Properties, typ)
	}
}

// TestLoadErrorsNameFileLineAndField: every problem says where it is.
func TestLoadErrorsNameFileLineAndField(t *testing.T) {
	full := string(readFull(t))
	lineOf := func(s, needle string) int {
		i := strings.Index(s, needle)
		if i < 0 {
			t.Fatalf("no %q", needle)
		}
		return strings.Count(s[:i], "\n") + 1
	}
	for _, tc := range []struct {
		name, from, to, want, at string
	}{
		{"unknown field", "    name: Extra seat\n", "    name: Extra seat\n    colour: red\n", `unknown field "colour"`, "colour: red"},
		{"wrong type", "    price: 500\n", "    price: five\n", "addons[0].price: must be an integer, not string", "price: five"},
		{"unknown reference", "    addons: [seat]\n", "    addons: [seats]\n", `products[0].addons[0]: no addon has the key "seats"`, "addons: [seats]"},
		{"one key twice", "  - key: tip-jar\n", "  - key: ebook\n", `products[4].key: key "ebook" is already the key of products[3].key`, "key: ebook\n    name: Tip"},
		{"one name twice", "    name: Storage\n", "    name: API calls\n", `meters[1].name: meter name "API calls" is already the name of meters[0].name`, "name: API calls\n    event_name: storage"},
		{"missing price", "      price: 2500\n", "", "products[3].price.price: required for a one_time_price", "price:\n      type: one_time_price\n      currency: USD\n\n"},
		{"one-time bridge", "      price: 2500\n", "      price: 2500\n    chartmogul: plan\n", "products[3].chartmogul: a one-time product has no interval", "chartmogul: plan\n  - key: tip"},
		{"key kept in metadata", "      tier: pro\n", "      tier: pro\n      pricebook_key: x\n", "products[0].metadata.pricebook_key", "pricebook_key: x"},
	} {
		edited := strings.Replace(full, tc.from, tc.to, 1)
		_, err := Load("catalog.yaml", []byte(edited))
		var fe *FileError
		if err == nil || !asFileError(err, &fe) {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		p := fe.Problems[0]
		at := edited
		if tc.to == "" {
			at = strings.Replace(full, tc.from, "\n", 1) // where the object is
		}
		if tc.at != "" && !strings.HasSuffix(tc.at, "\n\n") {
			if want := lineOf(at, tc.at); p.Line != want {
				t.Errorf("%s: line %d, want %d (%s)", tc.name, p.Line, want, p)
			}
		}
		if p.File != "catalog.yaml" || p.Line == 0 || !strings.Contains(p.String(), tc.want) {
			t.Errorf("%s: %s", tc.name, p)
		}
	}
}

func asFileError(err error, fe **FileError) bool {
	e, ok := err.(*FileError)
	*fe = e
	return ok
}

// TestLoadTakesJSON: the same catalog written as JSON loads the same.
func TestLoadTakesJSON(t *testing.T) {
	f, err := Load("full.yaml", readFull(t))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.MarshalIndent(f, "", "  ")
	g, err := Load("full.json", raw)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(toMap(f), toMap(g)) {
		t.Errorf("JSON loads otherwise:\n%v\n%v", toMap(f), toMap(g))
	}
	if _, err := Load("bad.json", []byte(`{"products": [{"key": "a", "nme": "x"}]}`)); err == nil || !strings.Contains(err.Error(), "bad.json:1:") {
		t.Errorf("a JSON file's unknown field: %v", err)
	}
}

// TestMarshalRoundTrips: what Marshal writes Loads back the same.
func TestMarshalRoundTrips(t *testing.T) {
	f, err := Load("full.yaml", readFull(t))
	if err != nil {
		t.Fatal(err)
	}
	out, err := Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	g, err := Load("out.yaml", out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !reflect.DeepEqual(toMap(f), toMap(g)) {
		t.Errorf("round trip differs:\n%s", out)
	}
}

// TestDiffIsFieldByField: nested objects differ by their fields, lists
// as wholes, metadata exactly; what the file leaves out is not compared.
func TestDiffIsFieldByField(t *testing.T) {
	n := func(i int64) *int64 { return &i }
	cur := Product{Key: "p", Name: "A", Price: Price{Type: "one_time_price", Currency: "USD", Price: n(100), DiscountBps: n(0)},
		Metadata: map[string]any{"a": "1", "b": "2"}, Addons: []string{"x"}}
	want := Product{Key: "p", Name: "A", Price: Price{Type: "one_time_price", Currency: "USD", Price: n(200)},
		Metadata: map[string]any{"a": "1"}}
	got := diffFields(want, cur)
	var fields []string
	for _, f := range got {
		fields = append(fields, f.Field)
	}
	if strings.Join(fields, ",") != "metadata,price.price" {
		t.Errorf("fields: %v", got)
	}
	if fs := topFields(got); strings.Join(fs, ",") != "metadata,price" {
		t.Errorf("top fields: %v", fs)
	}
}
