package store

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/catalog/catalogtest"
)

var update = flag.Bool("update", false, "rewrite the golden stored documents in testdata/")

// TestStoredDocsAreStable pins the stored JSON documents: each kind's
// document of a value with every field set is compared with a golden file
// written when that version of the document was made. A renamed field,
// in a store document type or in a domain type a document embeds, fails
// here instead of silently breaking the rows already stored. Run with
// -update only for a new document version, which must still read the old
// files (TestProductDocRoundTrip reads every version).
func TestStoredDocsAreStable(t *testing.T) {
	var p catalog.Product
	catalogtest.Fill(&p)
	var b catalog.Brand
	catalogtest.Fill(&b)
	var d catalog.Discount
	catalogtest.Fill(&d)
	var e catalog.Entitlement
	catalogtest.Fill(&e)
	var m catalog.Meter
	catalogtest.Fill(&m)
	brand, err := brandDocOf(&b)
	if err != nil {
		t.Fatal(err)
	}
	discount, err := discountDocOf(&d)
	if err != nil {
		t.Fatal(err)
	}
	config, metadata, err := entitlementDocs(&e)
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]any{
		"product_v1":           productDocOf(&p),
		"brand":                json.RawMessage(brand),
		"discount":             json.RawMessage(discount),
		"entitlement_config":   json.RawMessage(config),
		"entitlement_metadata": json.RawMessage(metadata),
		"meter_filter":         m.Filter,
	}
	for name, doc := range docs {
		got, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", "doc_"+name+".json")
		if *update {
			if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(want) != string(got)+"\n" {
			t.Errorf("stored %s document changed; old rows would read differently:\n got %s\nwant %s", name, got, want)
		}
	}
}

// TestProductDocRoundTrip reads the golden version-1 product document and
// checks it decodes to the product it was written from, and that a
// product's document loses nothing, zero values and empty slices included.
func TestProductDocRoundTrip(t *testing.T) {
	var full catalog.Product
	catalogtest.Fill(&full)
	raw, err := os.ReadFile(filepath.Join("testdata", "doc_product_v1.json"))
	if err != nil {
		t.Fatal(err)
	}
	zero, no, empty := int64(0), false, ""
	for name, doc := range map[string][]byte{"golden v1": raw, "filled": mustJSON(t, productDocOf(&full))} {
		var back catalog.Product
		back.ID, back.BusinessID, back.BrandID, back.CreatedAt, back.UpdatedAt = full.ID, full.BusinessID, full.BrandID, full.CreatedAt, full.UpdatedAt
		back.Archived, back.CollectionID = full.Archived, full.CollectionID
		var d productDoc
		if err := json.Unmarshal(doc, &d); err != nil {
			t.Fatal(name, err)
		}
		d.applyTo(&back)
		if !reflect.DeepEqual(back, full) {
			t.Errorf("%s: decodes to\n%+v\nwant\n%+v", name, back, full)
		}
	}
	for name, p := range map[string]catalog.Product{
		"zero":  {},
		"empty": {Metadata: catalog.Metadata{}, Addons: []string{}, Entitlements: []string{}, CreditEntitlements: []catalog.CreditGrant{}, Price: catalog.Price{Meters: []catalog.MeterPrice{}}},
		"zeros": {Description: &empty, Price: catalog.Price{TaxInclusive: &no, SuggestedPrice: &zero, Meters: []catalog.MeterPrice{{FreeThreshold: &zero}}},
			LicenseKeyDuration: &catalog.LicenseKeyDuration{}, DigitalDelivery: &catalog.DigitalDelivery{ExternalURL: &empty}},
	} {
		var d productDoc
		if err := json.Unmarshal(mustJSON(t, productDocOf(&p)), &d); err != nil {
			t.Fatal(err)
		}
		var back catalog.Product
		d.applyTo(&back)
		if !reflect.DeepEqual(back, p) {
			t.Errorf("%s: round trip gives\n%+v\nwant\n%+v", name, back, p)
		}
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
