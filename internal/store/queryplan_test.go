package store_test

import (
	"strings"
	"testing"

	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// TestEventByIDUsesItsIndex: reading one event by id (GET of an event,
// a resend, every webhook delivery) seeks events_by_id. With a plain
// index SQLite's planner chose events_by_object's (business_id, mode)
// prefix instead, a scan of the tenant's whole journal per read.
func TestEventByIDUsesItsIndex(t *testing.T) {
	_, raw, _ := storetest.OpenRaw(t, store.SQLite)
	var id, parent, unused int
	var detail string
	err := raw.QueryRow("EXPLAIN QUERY PLAN SELECT data FROM events WHERE id = ? AND business_id = ? AND mode = ?", "evt_x", "bus_x", "test").
		Scan(&id, &parent, &unused, &detail)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(detail, "events_by_id") {
		t.Fatalf("plan %q, want a search of events_by_id", detail)
	}
}
