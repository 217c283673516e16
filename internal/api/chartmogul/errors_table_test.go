package chartmogul

import (
	"testing"

	"github.com/pricebook/pricebook/internal/httpx"
)

// TestEveryReasonHasWords keeps wordsOf complete: a reason added to the
// core or to httpx must be given the vendor's words here, or "" on
// purpose.
func TestEveryReasonHasWords(t *testing.T) {
	all := httpx.AllReasons()
	for _, r := range all {
		if _, ok := wordsOf[r]; !ok {
			t.Errorf("%T %q has no entry in wordsOf", r, r)
		}
	}
	if len(wordsOf) != len(all) {
		t.Errorf("wordsOf has %d entries for %d reasons", len(wordsOf), len(all))
	}
}
