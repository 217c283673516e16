package catalog_test

import (
	"reflect"
	"testing"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/catalog/catalogtest"
)

// TestCloneSharesNothing fills every field of a product (through
// reflection, so a field added later is filled too) and checks that its
// clone is equal and shares no pointer, slice or map with it.
func TestCloneSharesNothing(t *testing.T) {
	var p catalog.Product
	catalogtest.Fill(&p)
	c := p.Clone()
	if !reflect.DeepEqual(&p, c) {
		t.Fatalf("clone differs:\n%+v\n%+v", p, *c)
	}
	shared(t, "Product", reflect.ValueOf(p), reflect.ValueOf(*c))
}

// shared fails t where a and b share memory.
func shared(t *testing.T, path string, a, b reflect.Value) {
	t.Helper()
	switch a.Kind() {
	case reflect.Struct:
		for i := range a.NumField() {
			if a.Type().Field(i).IsExported() {
				shared(t, path+"."+a.Type().Field(i).Name, a.Field(i), b.Field(i))
			}
		}
	case reflect.Pointer:
		if !a.IsNil() && a.Pointer() == b.Pointer() {
			t.Errorf("%s: the clone shares the pointer", path)
		} else if !a.IsNil() {
			shared(t, path, a.Elem(), b.Elem())
		}
	case reflect.Slice:
		if a.Len() > 0 && a.Pointer() == b.Pointer() {
			t.Errorf("%s: the clone shares the slice", path)
		}
		for i := range a.Len() {
			shared(t, path+"[]", a.Index(i), b.Index(i))
		}
	case reflect.Map:
		if !a.IsNil() && a.Pointer() == b.Pointer() {
			t.Errorf("%s: the clone shares the map", path)
		}
		for _, k := range a.MapKeys() {
			shared(t, path+"[k]", a.MapIndex(k), b.MapIndex(k))
		}
	}
}
