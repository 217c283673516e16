package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
)

// The change journal. Every write use case records what it changed with
// s.journal, inside its own transaction, so an event exists exactly when
// its write committed (a rolled-back write, or one that failed, records
// nothing). The event carries the object's document as its face renders
// it: each face registers a Renderer per object kind it owns.

// Renderer renders the object a change is about, as its face answers it,
// inside the writing transaction: store calls made with ctx see the write.
type Renderer func(ctx context.Context, tn catalog.Tenant, ch catalog.Change) (json.RawMessage, error)

// renderers are the faces' renderers by object kind.
type renderers struct {
	mu sync.RWMutex
	m  map[string]Renderer
}

// RenderEvents makes r render the journal documents of objects of kind.
// Faces call it while they are built, before the server serves.
func (s *Store) RenderEvents(kind string, r Renderer) {
	s.render.mu.Lock()
	defer s.render.mu.Unlock()
	if s.render.m == nil {
		s.render.m = map[string]Renderer{}
	}
	s.render.m[kind] = r
}

// Actor is who makes a change: the API key and the request.
type Actor struct {
	KeyID     string
	RequestID string
}

type actorKey struct{}

// WithActor returns ctx naming who makes the changes of the writes made
// with it, for the journal.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

func actorOf(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return a
}

// Documents keeps the journal documents of one request's writes, for a
// face whose answer is the document its write journaled: it sends those
// bytes instead of rendering the object a second time.
type Documents struct {
	m map[string]json.RawMessage
}

type documentsKey struct{}

// WithDocuments returns ctx keeping the journal documents of the writes
// made with it in the returned Documents, readable once they returned.
func WithDocuments(ctx context.Context) (context.Context, *Documents) {
	d := &Documents{}
	return context.WithValue(ctx, documentsKey{}, d), d
}

// Get returns the document the last event about the object journaled.
func (d *Documents) Get(kind, id string) (json.RawMessage, bool) {
	doc, ok := d.m[kind+" "+id]
	return doc, ok
}

// keepDocument records an event's document when ctx asks for them. It
// runs before the request's write returns, which orders it before Get.
func keepDocument(ctx context.Context, ch catalog.Change, data json.RawMessage) {
	d, _ := ctx.Value(documentsKey{}).(*Documents)
	if d == nil {
		return
	}
	if d.m == nil {
		d.m = map[string]json.RawMessage{}
	}
	d.m[ch.Kind+" "+ch.ID] = data
}

// renderChange renders the object ch is about through its face's
// renderer.
func (s *Store) renderChange(ctx context.Context, tn catalog.Tenant, ch catalog.Change) (json.RawMessage, error) {
	s.render.mu.RLock()
	r := s.render.m[ch.Kind]
	s.render.mu.RUnlock()
	var data json.RawMessage
	var err error
	if r != nil {
		data, err = r(ctx, tn, ch)
	} else {
		// No face renders this kind (store tests): the domain value.
		data, err = json.Marshal(ch.Object)
	}
	if err != nil {
		return nil, fmt.Errorf("store: render %s %s for the journal: %w", ch.Kind, ch.ID, err)
	}
	return data, nil
}

// prerendered returns ch with its document rendered now, before its
// write: for a create whose object is complete before the write and
// renders without a read, so that the single SQLite writer need not.
func (s *Store) prerendered(ctx context.Context, tn catalog.Tenant, ch catalog.Change) (catalog.Change, error) {
	var err error
	ch.Data, err = s.renderChange(ctx, tn, ch)
	return ch, err
}

// journal records ch for the tenant in t. Its document is ch.Data when a
// use case rendered it before its write (what the object will be is known
// and needs no read), else rendered now, inside the transaction.
func (s *Store) journal(ctx context.Context, t *tx, tn catalog.Tenant, ch catalog.Change) error {
	data := ch.Data
	if data == nil {
		var err error
		if data, err = s.renderChange(ctx, tn, ch); err != nil {
			return err
		}
	}
	keepDocument(ctx, ch, data)
	a, clock := actorOf(ctx), s.clockOf(ctx, tn)
	t.events = append(t.events, []any{s.NewID("evt_"), tn.BusinessID, string(tn.Mode), ch.Type, ch.Kind, ch.ID, ch.Detail,
		a.KeyID, a.RequestID, clock.Test, micros(clock.Now), string(data)})
	return nil
}

// eventsPerInsert bounds one journal INSERT (12 values a row, within every
// engine's limit on bound parameters).
const eventsPerInsert = 200

// flushEvents inserts the journal rows t's use cases recorded, in the
// order they were recorded, just before t commits: a batch of writes
// costs a statement per few hundred events instead of one per event. A use
// case that fails has its rows dropped with its savepoint (writer.go,
// unit.go), so only committed writes leave events. The deliveries' jobs
// go in the same transaction (delivery.go); on PostgreSQL the last
// INSERT also reads the endpoints subscribed, in the same round trip.
func (t *tx) flushEvents(ctx context.Context) error {
	// The rows stay in t.events for retireReads, after the commit.
	var subs map[tenantKey][]subscriber
	for rest := t.events; len(rest) > 0; rest = rest[min(len(rest), eventsPerInsert):] {
		n := min(len(rest), eventsPerInsert)
		args := make([]any, 0, n*12)
		for _, row := range rest[:n] {
			args = append(args, row...)
		}
		q := "INSERT INTO events (id, business_id, mode, type, object_kind, object_id, detail, key_id, request_id, test_clock, created_at, data) VALUES " +
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), ", n), ", ")
		if n == len(rest) && t.d.jobs != nil && t.d.engine == Postgres {
			var err error
			if subs, err = t.subscribersOf(ctx, tenantsOf(t.events), "WITH journal AS ("+q+") ", args); err != nil {
				return err
			}
			break
		}
		if _, err := t.exec(ctx, q, args...); err != nil {
			return err
		}
	}
	if t.d.jobs == nil {
		return nil
	}
	if subs == nil {
		var err error
		if subs, err = t.subscribersOf(ctx, tenantsOf(t.events), "", nil); err != nil {
			return err
		}
	}
	return t.enqueueDeliveries(ctx, t.events, subs)
}

const eventColumns = "position, txid, id, business_id, mode, type, object_kind, object_id, detail, key_id, request_id, test_clock, created_at, data"

func scanEvent(sc scanner) (catalog.Event, error) {
	var e catalog.Event
	var mode, data string
	var at int64
	err := sc.Scan(&e.Position.Sequence, &e.Position.TxID, &e.ID, &e.BusinessID, &mode, &e.Type, &e.ObjectKind, &e.ObjectID, &e.Detail,
		&e.KeyID, &e.RequestID, &e.TestClock, &at, &data)
	e.Mode, e.CreatedAt, e.Data = catalog.Mode(mode), fromMicros(at), json.RawMessage(data)
	return e, err
}

// ListEvents returns the tenant's events that match f: newest first, or
// oldest first in commit order. An ascending list ends before any event
// a transaction still running could come before (on PostgreSQL, events of
// transactions newer than the oldest one running wait until it ends), so
// a consumer that continues after the last event it read never misses
// one that commits later.
func (s *Store) ListEvents(ctx context.Context, tn catalog.Tenant, f catalog.EventFilter) (catalog.List[catalog.Event], error) {
	var b strings.Builder
	args := []any{tn.BusinessID, string(tn.Mode)}
	b.WriteString("SELECT " + eventColumns + " FROM events WHERE business_id = ? AND mode = ?")
	if f.Type != "" {
		b.WriteString(" AND type = ?")
		args = append(args, f.Type)
	}
	if f.ObjectID != "" {
		b.WriteString(" AND object_id = ?")
		args = append(args, f.ObjectID)
	}
	order, cmp := "DESC", "<"
	if f.Ascending {
		order, cmp = "ASC", ">"
		if s.engine == Postgres && !f.Committed {
			b.WriteString(" AND txid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
		}
	}
	if f.After != nil {
		b.WriteString(" AND (txid, position) " + cmp + " (?, ?)")
		args = append(args, f.After.TxID, f.After.Sequence)
	}
	b.WriteString(" ORDER BY txid " + order + ", position " + order + " LIMIT ?")
	args = append(args, f.Limit+1)
	rows, err := s.db.query(ctx, b.String(), args...)
	if err != nil {
		return catalog.List[catalog.Event]{}, fmt.Errorf("store: ListEvents: %w", err)
	}
	defer rows.Close()
	return scanPage(rows, catalog.Page{Size: f.Limit}, scanEvent)
}

// ObjectAsOf returns the latest event of an object of the tenant at or
// before at: its data is the object as it was then. ok is false when the
// object had no event by then (it did not exist yet, or never in this
// partition).
func (s *Store) ObjectAsOf(ctx context.Context, tn catalog.Tenant, objectID string, at time.Time) (catalog.Event, bool, error) {
	e, err := scanEvent(s.db.queryRow(ctx, "SELECT "+eventColumns+` FROM events
		WHERE business_id = ? AND mode = ? AND object_id = ? AND created_at <= ?
		ORDER BY txid DESC, position DESC LIMIT 1`, tn.BusinessID, string(tn.Mode), objectID, micros(at)))
	if isNoRows(err) {
		return e, false, nil
	}
	if err != nil {
		return e, false, fmt.Errorf("store: ObjectAsOf: %w", err)
	}
	return e, true, nil
}

// pruneBatch bounds the events one pruning statement deletes, so that a
// long-neglected journal is pruned in steps that never hold the writer
// long.
const pruneBatch = 5000

// PruneEvents deletes the events older than keep and reports how many
// it removed, in batches taken in position order (age order; the journal
// keeps no index on its time). A partition with a test clock keeps what
// is younger than keep by its clock (clock.go). With several servers
// over PostgreSQL only one prunes at a time (housekeeping.go).
func (s *Store) PruneEvents(ctx context.Context, keep time.Duration) (int64, error) {
	var total int64
	for _, q := range []string{
		`DELETE FROM events WHERE position IN (SELECT position FROM events e WHERE e.created_at < ? AND NOT ` + clocked("e") + ` ORDER BY position LIMIT ?)`,
		`DELETE FROM events WHERE position IN (SELECT e.position FROM events e JOIN test_clocks c ON c.business_id = e.business_id AND c.mode = e.mode
			WHERE e.created_at < c.now_at - ? ORDER BY e.position LIMIT ?)`,
	} {
		arg := micros(s.now().Add(-keep))
		if strings.Contains(q, "c.now_at") {
			arg = keep.Microseconds()
		}
		for {
			n, err := s.housekeep(ctx, q, arg, pruneBatch)
			total += n
			if err != nil {
				return total, err
			}
			if n < pruneBatch {
				break
			}
		}
	}
	return total, nil
}

// execJournal runs one statement of a write and, once it succeeded,
// records ch.
func (s *Store) execJournal(ctx context.Context, t *tx, tn catalog.Tenant, ch catalog.Change, query string, args ...any) error {
	if _, err := t.exec(ctx, query, args...); err != nil {
		return err
	}
	return s.journal(ctx, t, tn, ch)
}

// GetEvent returns one of the tenant's events by id; NotFound when the
// partition never had it or the journal's retention pruned it.
func (s *Store) GetEvent(ctx context.Context, tn catalog.Tenant, id string) (catalog.Event, error) {
	e, err := scanEvent(s.db.queryRow(ctx, "SELECT "+eventColumns+" FROM events WHERE id = ? AND business_id = ? AND mode = ?",
		id, tn.BusinessID, string(tn.Mode)))
	if isNoRows(err) {
		return e, catalog.NotFound("Event", id)
	}
	return e, wrap("GetEvent", err)
}

// JournalHorizonLag is how long ago the oldest transaction still running
// on the PostgreSQL server began: ascending journal reads wait below it
// (ListEvents). Always 0 on SQLite, where one writer commits in order.
func (s *Store) JournalHorizonLag(ctx context.Context) (time.Duration, error) {
	if s.engine != Postgres {
		return 0, nil
	}
	var seconds float64
	err := s.db.queryRow(ctx, `SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(xact_start)), 0)::float8
		FROM pg_stat_activity WHERE backend_xid IS NOT NULL`).Scan(&seconds)
	return time.Duration(seconds * float64(time.Second)), wrap("JournalHorizonLag", err)
}
