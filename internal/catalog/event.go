package catalog

import (
	"encoding/json"
	"time"
)

// Event is one entry of the change journal: what a committed write did to
// one object, with the object's document as its face renders it after the
// change (a delete or archive records the final state).
type Event struct {
	ID         string // evt_..., time-ordered
	Type       string // "<kind>.<what happened>", e.g. product.created
	ObjectKind string // product, product_collection, addon, ..., data_source, plan, plan_group
	ObjectID   string
	// Detail says what changed inside the object when the type alone does
	// not (group.created, items.added, ... for product collections).
	Detail     string
	BusinessID string
	Mode       Mode
	KeyID      string // the API key that made the change; empty for the CLI
	RequestID  string
	// TestClock reports that CreatedAt was read from a test clock.
	TestClock bool
	CreatedAt time.Time
	Data      json.RawMessage
	// Position orders the journal in commit order (opaque to clients).
	Position EventPosition
}

// EventPosition is a place in the journal's commit order.
type EventPosition struct {
	TxID     int64
	Sequence int64
}

// Before reports whether p comes before q in the journal.
func (p EventPosition) Before(q EventPosition) bool {
	return p.TxID < q.TxID || p.TxID == q.TxID && p.Sequence < q.Sequence
}

// Change is what a write use case records for the journal: an event of
// Type about the object of Kind and ID. Object, when set, is the domain
// value as written, which the renderer may use instead of reading it back.
type Change struct {
	Type   string
	Kind   string
	ID     string
	Detail string
	Object any
	// Data, when set, is the object's journal document, rendered before
	// the write began.
	Data json.RawMessage
}

// EventFilter selects journal events.
type EventFilter struct {
	Type     string
	ObjectID string
	// Ascending lists oldest first, in commit order, up to the newest
	// event under which nothing can commit any more; otherwise newest
	// first.
	Ascending bool
	// Committed, with Ascending, lists every committed event without
	// waiting for transactions still running (an object's history: a
	// snapshot, not a consumer that continues after its last event). The
	// horizon is cluster-wide on PostgreSQL, so any long transaction would
	// otherwise hold such a list back.
	Committed bool
	// After continues a list after the event at this position.
	After *EventPosition
	Limit int
}

// EventTypes are the types of the journal's events: Pricebook's catalog
// events, which webhook endpoints may also filter on.
var EventTypes = func() map[string]bool {
	m := map[string]bool{}
	for kind, whats := range map[string][]string{
		"product":            {"created", "updated", "archived", "unarchived"},
		"product_collection": {"created", "updated", "archived", "unarchived"},
		"addon":              {"created", "updated"},
		"meter":              {"created", "archived", "unarchived"},
		"entitlement":        {"created", "updated", "deleted"},
		"credit_entitlement": {"created", "updated", "deleted", "undeleted"},
		"brand":              {"created", "updated", "archived"},
		"discount":           {"created", "updated", "deleted"},
		"webhook_endpoint":   {"created", "updated", "deleted"},
		"data_source":        {"created", "deleted"},
		"plan":               {"created", "updated", "deleted"},
		"plan_group":         {"created", "updated", "deleted"},
		"localized_price":    {"created", "updated", "archived"},
		"short_link":         {"created"},
	} {
		for _, w := range whats {
			m[kind+"."+w] = true
		}
	}
	return m
}()
