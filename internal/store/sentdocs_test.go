package store

import (
	"strings"
	"testing"
)

// sentDocs answers for the events it was given, per partition, and lets
// the oldest go once past its bound.
func TestSentDocsKeepsTheNewestWithinItsBound(t *testing.T) {
	var c sentDocs
	doc := strings.Repeat("x", maxSentDocBytes/4)
	for _, id := range []string{"evt_1", "evt_2", "evt_3", "evt_4", "evt_5"} {
		c.put("bus_a", "test", id, doc)
	}
	if _, ok := c.get("bus_a", "test", "evt_1"); ok {
		t.Error("the oldest document stayed past the bound")
	}
	for _, id := range []string{"evt_2", "evt_5"} {
		if got, ok := c.get("bus_a", "test", id); !ok || got != doc {
			t.Errorf("%s: missing", id)
		}
	}
	if _, ok := c.get("bus_b", "test", "evt_5"); ok {
		t.Error("another business got the document")
	}
	if c.bytes > maxSentDocBytes {
		t.Errorf("holds %d bytes, bound %d", c.bytes, maxSentDocBytes)
	}
}
