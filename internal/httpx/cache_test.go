package httpx

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pricebook/pricebook/internal/catalog"
)

type fixedVersion struct{ v uint64 }

func (f *fixedVersion) ReadVersion(catalog.Tenant, string) (uint64, bool) { return f.v, true }

// TestReadCacheBounded: the cache stays within its budget however many
// answers pass through it, and still serves what it holds.
func TestReadCacheBounded(t *testing.T) {
	v := &fixedVersion{1}
	c := NewReadCache(v, 64<<10)
	renders := 0
	get := func(path string) string {
		rec := httptest.NewRecorder()
		err := c.JSON(rec, httptest.NewRequest("GET", path, nil), catalog.Tenant{BusinessID: "t"}, "", func() (any, error) {
			renders++
			return map[string]string{"path": path, "pad": strings.Repeat("x", 500)}, nil
		})
		if err != nil || rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %v", path, rec.Code, err)
		}
		return rec.Body.String()
	}
	for i := range 10000 {
		get("/p/" + strings.Repeat("a", i%50) + string(rune('a'+i%26)))
		if c.bytes > c.max {
			t.Fatalf("holds %d bytes, budget %d", c.bytes, c.max)
		}
	}
	renders = 0
	first := get("/same")
	if second := get("/same"); second != first || renders != 1 {
		t.Fatalf("a repeated read rendered %d times", renders)
	}
	v.v++ // a write
	get("/same")
	if renders != 2 {
		t.Fatal("an answer from before a write was served after it")
	}
}
