package httpx

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/pricebook/pricebook/internal/catalog"
)

// TestInspectorBounds: a tenant keeps its last InspectPerTenant requests;
// over the byte budget the least recently active tenant loses its oldest
// first; lists page newest first.
func TestInspectorBounds(t *testing.T) {
	a, b := catalog.Tenant{BusinessID: "bus_a", Mode: catalog.ModeTest}, catalog.Tenant{BusinessID: "bus_b", Mode: catalog.ModeTest}
	in := NewInspector(100 * inspectOverhead)
	for i := 0; i < InspectPerTenant+10; i++ {
		in.Add(a, &Inspected{RequestID: fmt.Sprint("a", i)})
	}
	all, more := in.List(a, "", 1000)
	if len(all) != 100 || more || all[0].RequestID != fmt.Sprint("a", InspectPerTenant+9) {
		t.Fatalf("after the budget: %d kept, newest %s", len(all), all[0].RequestID)
	}
	in.Add(b, &Inspected{RequestID: "b0", Request: Body{Kept: []byte(strings.Repeat("x", 100))}})
	if got, _ := in.List(a, "", 1000); len(got) != 98 { // b's request took two of a's places
		t.Errorf("a keeps %d after b's request", len(got))
	}
	page, more := in.List(a, "", 10)
	next, _ := in.List(a, page[9].RequestID, 10)
	if !more || len(next) != 10 || next[0].RequestID == page[9].RequestID {
		t.Errorf("pages: %v then %v", page[9].RequestID, next[0].RequestID)
	}
	if q, ok := in.Get(b, "b0"); !ok || len(q.Request.Kept) == 0 {
		t.Errorf("get: %v %v", q, ok)
	}
	if _, ok := in.Get(b, "a1"); ok {
		t.Errorf("another tenant's request")
	}
	in.Reset(a)
	if got, _ := in.List(a, "", 10); len(got) != 0 || in.bytes != (&Inspected{Request: Body{Kept: []byte(strings.Repeat("x", 100))}}).size() {
		t.Errorf("after reset: %d, %d bytes", len(got), in.bytes)
	}
}

// TestRedaction: credentials in headers and JSON bodies are replaced, in
// a body cut inside a secret's value too; binary bodies are described.
func TestRedaction(t *testing.T) {
	h := RedactHeaders(http.Header{"Authorization": {"Bearer pb_test_secret"}, "X-Api-Token": {"t"}, "Content-Type": {"application/json"}})
	if h["Authorization"] != "Bearer [redacted]" || h["X-Api-Token"] != "[redacted]" || h["Content-Type"] != "application/json" {
		t.Errorf("headers: %v", h)
	}
	for in, want := range map[string]string{
		`{"secret":"whsec_abc","name":"n"}`:              `{"secret":"[redacted]","name":"n"}`,
		`{"headers":{"Authorization":"Bearer x\"y"}}`:    `{"headers":{"Authorization":"[redacted]"}}`,
		`{"client_secret": "s3", "api_key":"k"}`:         `{"client_secret": "[redacted]", "api_key":"[redacted]"}`,
		`{"name":"n","secret":"whsec_cut off in the mid`: `{"name":"n","secret":"[redacted]"`,
	} {
		if got, _ := RedactBody([]byte(in), int64(len(in)), "application/json"); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
	if got, cut := RedactBody([]byte{0xff, 0xd8, 0xff}, 5000, "image/jpeg"); got != "[5000 bytes of image/jpeg]" || !cut {
		t.Errorf("binary: %s %v", got, cut)
	}
}
