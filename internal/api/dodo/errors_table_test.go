package dodo

import (
	"testing"

	"github.com/pricebook/pricebook/internal/httpx"
)

// TestEveryReasonHasACode keeps wireOf complete: a reason added to the
// core or to httpx without a code here fails.
func TestEveryReasonHasACode(t *testing.T) {
	all := httpx.AllReasons()
	for _, r := range all {
		if wireOf[r].code == "" {
			t.Errorf("%T %q has no code in wireOf", r, r)
		}
	}
	if len(wireOf) != len(all) {
		t.Errorf("wireOf has %d entries for %d reasons", len(wireOf), len(all))
	}
}
