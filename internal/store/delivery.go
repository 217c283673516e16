package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/pricebook/pricebook/internal/catalog"
)

// Webhook deliveries are an outbox on River: the write that journals an
// event inserts, in its own transaction, one River job per endpoint of the
// tenant subscribed to the event's type (enqueueDeliveries). Nothing is
// sent inside the write; River's workers (internal/webhooks, started by
// serve) send the jobs once each, retry them, and record every attempt
// here (RecordWebhookDelivery).

// DeliveryQueue is the River queue of webhook deliveries.
const DeliveryQueue = "webhooks"

// deliveryMaxAttempts bounds River's attempts; the worker stops earlier,
// when its retry schedule ends.
const deliveryMaxAttempts = 100

// DeliveryArgs is the River job that sends one event to one endpoint.
// A journal event's job names the event and the worker takes its
// document from sentDocs or, failing that, the journal (DeliveryData):
// carrying it made River's insert, inside the write, a third of a
// create's CPU. A message the journal does not hold (a test event)
// carries its Data.
type DeliveryArgs struct {
	EndpointID string          `json:"endpoint_id"`
	EventID    string          `json:"event_id"`
	BusinessID string          `json:"business_id"`
	Mode       string          `json:"mode"`
	Type       string          `json:"type"`
	Timestamp  time.Time       `json:"timestamp"`
	Data       json.RawMessage `json:"data,omitempty"`
}

// DeliveryData returns the document a delivery sends: its own Data, or
// its event's, from sentDocs or else the journal. NotFound when the
// journal no longer holds the event (pruned).
func (s *Store) DeliveryData(ctx context.Context, a DeliveryArgs) (json.RawMessage, error) {
	if a.Data != nil {
		return a.Data, nil
	}
	if data, ok := s.db.sent.get(a.BusinessID, a.Mode, a.EventID); ok {
		return json.RawMessage(data), nil
	}
	e, err := s.GetEvent(ctx, catalog.Tenant{BusinessID: a.BusinessID, Mode: catalog.Mode(a.Mode)}, a.EventID)
	return e.Data, err
}

// Kind names the job kind to River.
func (DeliveryArgs) Kind() string { return "webhook_delivery" }

// InsertOpts puts deliveries on their queue.
func (DeliveryArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: DeliveryQueue, MaxAttempts: deliveryMaxAttempts}
}

// subscriber is an enabled endpoint and the event types it wants (nil:
// all of them).
type subscriber struct {
	id    string
	types []string
}

func (s subscriber) wants(typ string) bool {
	if s.types == nil {
		return true
	}
	for _, t := range s.types {
		if t == typ {
			return true
		}
	}
	return false
}

// enqueueDeliveries inserts the delivery jobs of events (journal rows as
// journal records them) through t, so that they commit exactly when the
// events do, to the endpoints subs names for each tenant (subscribersOf,
// read inside t: what the batch's own writes left them). River's fast
// insert returns nothing: the returning one converts every job's
// arguments, the whole event, from JSONB back to JSON for rows nobody
// reads.
func (t *tx) enqueueDeliveries(ctx context.Context, events [][]any, subs map[tenantKey][]subscriber) error {
	var params []river.InsertManyParams
	for i, row := range events {
		tn := tenantKey{row[1].(string), row[2].(string)}
		typ := row[3].(string)
		before := len(params)
		for _, s := range subs[tn] {
			if !s.wants(typ) {
				continue
			}
			params = append(params, river.InsertManyParams{Args: DeliveryArgs{EndpointID: s.id, EventID: row[0].(string),
				BusinessID: tn.business, Mode: tn.mode, Type: typ, Timestamp: fromMicros(row[10].(int64))}})
		}
		if len(params) > before {
			t.sent = append(t.sent, i)
		}
	}
	if len(params) == 0 {
		return nil
	}
	if _, err := t.d.jobs.InsertManyFastTx(t.c(ctx), t.tx, params); err != nil {
		return fmt.Errorf("store: enqueue webhook deliveries: %w", err)
	}
	return nil
}

// tenantsOf returns the tenants of events (journal rows), each once.
func tenantsOf(events [][]any) []tenantKey {
	seen := map[tenantKey]bool{}
	var out []tenantKey
	for _, row := range events {
		tn := tenantKey{row[1].(string), row[2].(string)}
		if !seen[tn] {
			seen[tn] = true
			out = append(out, tn)
		}
	}
	return out
}

// subscribersOf reads the enabled endpoints of tenants in one query, after
// prefix (with its args): the journal's own INSERT as a common table
// expression on PostgreSQL, which saves a round trip.
func (t *tx) subscribersOf(ctx context.Context, tenants []tenantKey, prefix string, args []any) (map[tenantKey][]subscriber, error) {
	out := map[tenantKey][]subscriber{}
	if len(tenants) == 0 {
		return out, nil
	}
	in := make([]string, len(tenants))
	for i, tn := range tenants {
		in[i] = "(?, ?)"
		args = append(args, tn.business, tn.mode)
	}
	rows, err := t.query(ctx, prefix+`SELECT business_id, mode, id, filter_types FROM webhook_endpoints
		WHERE (business_id, mode) IN (`+strings.Join(in, ", ")+`) AND deleted_at IS NULL AND disabled = ?`, append(args, false)...)
	if err != nil {
		return nil, fmt.Errorf("store: webhook endpoints: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var tn tenantKey
		var s subscriber
		var filter sql.NullString
		if err := rows.Scan(&tn.business, &tn.mode, &s.id, &filter); err != nil {
			return nil, err
		}
		if s.types, err = filterTypes(filter); err != nil {
			return nil, err
		}
		out[tn] = append(out[tn], s)
	}
	return out, rows.Err()
}

// filterTypes decodes an endpoint's filter_types column: nil for every
// type (NULL), else the list (empty: none).
func filterTypes(filter sql.NullString) ([]string, error) {
	if !filter.Valid {
		return nil, nil
	}
	var types []string
	if err := json.Unmarshal([]byte(filter.String), &types); err != nil {
		return nil, err
	}
	if types == nil {
		types = []string{}
	}
	return types, nil
}

// subscribers reads one tenant's enabled endpoints.
func (t *tx) subscribers(ctx context.Context, business, mode string) ([]subscriber, error) {
	subs, err := t.subscribersOf(ctx, []tenantKey{{business, mode}}, "", nil)
	return subs[tenantKey{business, mode}], err
}

// ResendEvent queues one of the tenant's journal events again: to the
// named endpoint (whatever its filter), or with endpointID empty to every
// enabled endpoint whose filter wants the event's type. Each delivery
// carries the event's id as its webhook-id, as the first one did.
func (s *Store) ResendEvent(ctx context.Context, tn catalog.Tenant, eventID, endpointID string) (*catalog.WebhookSend, error) {
	e, err := s.GetEvent(ctx, tn, eventID)
	if err != nil {
		return nil, err
	}
	a := DeliveryArgs{EventID: e.ID, BusinessID: tn.BusinessID, Mode: string(tn.Mode), Type: e.Type, Timestamp: e.CreatedAt, Data: e.Data}
	send, err := s.queueSend(ctx, tn, a, endpointID)
	return send, wrap("ResendEvent", err)
}

// ReplayWebhookDelivery queues the event of one delivery to its endpoint
// again, with the same webhook-id. The event must still be in the
// journal (a test event is made again).
func (s *Store) ReplayWebhookDelivery(ctx context.Context, tn catalog.Tenant, endpointID, deliveryID string) (*catalog.WebhookSend, error) {
	var eventID, eventType string
	err := s.db.queryRow(ctx, `SELECT event_id, event_type FROM webhook_deliveries
		WHERE id = ? AND endpoint_id = ? AND business_id = ? AND mode = ?`, deliveryID, endpointID, tn.BusinessID, string(tn.Mode)).
		Scan(&eventID, &eventType)
	if isNoRows(err) {
		return nil, catalog.NotFound("Webhook delivery", deliveryID)
	}
	if err != nil {
		return nil, wrap("ReplayWebhookDelivery", err)
	}
	if eventType == catalog.WebhookTestEventType {
		send, err := s.queueSend(ctx, tn, s.testEvent(tn, eventID, endpointID), endpointID)
		return send, wrap("ReplayWebhookDelivery", err)
	}
	return s.ResendEvent(ctx, tn, eventID, endpointID)
}

// SendTestEvent queues a test message (type catalog.WebhookTestEventType,
// signed like every delivery) to one endpoint. The journal does not
// record it: it changes nothing.
func (s *Store) SendTestEvent(ctx context.Context, tn catalog.Tenant, endpointID string) (*catalog.WebhookSend, error) {
	send, err := s.queueSend(ctx, tn, s.testEvent(tn, s.NewID("evt_"), endpointID), endpointID)
	return send, wrap("SendTestEvent", err)
}

func (s *Store) testEvent(tn catalog.Tenant, eventID, endpointID string) DeliveryArgs {
	data, _ := json.Marshal(map[string]string{"endpoint_id": endpointID, "message": "A test event from Pricebook"})
	return DeliveryArgs{EventID: eventID, BusinessID: tn.BusinessID, Mode: string(tn.Mode), Type: catalog.WebhookTestEventType,
		Timestamp: s.now(), Data: data}
}

// queueSend inserts a's delivery jobs in a write of their own: to the
// named endpoint, which must be enabled, or with endpointID empty to the
// tenant's enabled endpoints that want a's type.
func (s *Store) queueSend(ctx context.Context, tn catalog.Tenant, a DeliveryArgs, endpointID string) (*catalog.WebhookSend, error) {
	send := &catalog.WebhookSend{EventID: a.EventID, EventType: a.Type, EndpointIDs: []string{}}
	err := s.db.write(ctx, func(ctx context.Context, t *tx) error {
		send.EndpointIDs = send.EndpointIDs[:0]
		if endpointID != "" {
			var disabled bool
			err := t.queryRow(ctx, "SELECT disabled"+webhookByID, endpointID, tn.BusinessID, string(tn.Mode)).Scan(&disabled)
			if isNoRows(err) {
				return catalog.NotFound("Webhook", endpointID)
			}
			if err != nil {
				return err
			}
			if disabled {
				return catalog.Errorf(catalog.KindConflict, catalog.WebhookDisabled, "Webhook %s is disabled: enable it to send to it", endpointID)
			}
			send.EndpointIDs = append(send.EndpointIDs, endpointID)
		} else {
			subs, err := t.subscribers(ctx, tn.BusinessID, string(tn.Mode))
			if err != nil {
				return err
			}
			for _, sub := range subs {
				if sub.wants(a.Type) {
					send.EndpointIDs = append(send.EndpointIDs, sub.id)
				}
			}
		}
		if len(send.EndpointIDs) == 0 || t.d.jobs == nil {
			return nil
		}
		params := make([]river.InsertManyParams, 0, len(send.EndpointIDs))
		for _, id := range send.EndpointIDs {
			job := a
			job.EndpointID = id
			params = append(params, river.InsertManyParams{Args: job})
		}
		_, err := t.d.jobs.InsertManyFastTx(t.c(ctx), t.tx, params)
		return err
	})
	return send, err
}

// TakeWebhookSlot admits a delivery to an endpoint limited to perSecond
// deliveries a second, for every server at once, or says how long to wait
// before asking again: the generic cell rate algorithm, with bursts of up
// to a second's worth, its one value per endpoint kept in the database
// under a row lock. Servers' clocks should agree (NTP): the algorithm runs
// on the clock of the server asking.
func (s *Store) TakeWebhookSlot(ctx context.Context, endpointID string, perSecond int, now time.Time) (wait time.Duration, err error) {
	interval := time.Second / time.Duration(perSecond)
	err = s.db.write(ctx, func(ctx context.Context, t *tx) error {
		if _, err := t.exec(ctx, "INSERT INTO webhook_rates (endpoint_id, due_at) VALUES (?, ?) ON CONFLICT (endpoint_id) DO NOTHING",
			endpointID, micros(now)); err != nil {
			return err
		}
		var due int64
		if err := t.queryRow(ctx, s.lockClause("SELECT due_at FROM webhook_rates WHERE endpoint_id = ?", "FOR UPDATE"), endpointID).
			Scan(&due); err != nil {
			return err
		}
		at := fromMicros(due)
		if at.Before(now) {
			at = now
		}
		if earliest := at.Add(-time.Duration(perSecond-1) * interval); now.Before(earliest) {
			wait = earliest.Sub(now)
			return nil
		}
		_, err := t.exec(ctx, "UPDATE webhook_rates SET due_at = ? WHERE endpoint_id = ?", micros(at.Add(interval)), endpointID)
		return err
	})
	return wait, wrap("TakeWebhookSlot", err)
}

// WebhookEndpointForDelivery returns the endpoint a delivery job names,
// secret and headers included; NotFound once it is deleted.
func (s *Store) WebhookEndpointForDelivery(ctx context.Context, a DeliveryArgs) (*catalog.WebhookEndpoint, error) {
	return s.GetWebhookEndpoint(ctx, catalog.Tenant{BusinessID: a.BusinessID, Mode: catalog.Mode(a.Mode)}, a.EndpointID)
}

// RecordWebhookDelivery stores one delivery attempt, filling its id and
// time.
func (s *Store) RecordWebhookDelivery(ctx context.Context, tn catalog.Tenant, d *catalog.WebhookDelivery) error {
	d.ID, d.CreatedAt = s.NewID("wdl_"), s.now()
	var next *int64
	if d.NextRetryAt != nil {
		n := micros(*d.NextRetryAt)
		next = &n
	}
	var status *int64
	if d.StatusCode != nil {
		n := int64(*d.StatusCode)
		status = &n
	}
	_, err := s.db.writeStatement(ctx, `INSERT INTO webhook_deliveries (id, business_id, mode, endpoint_id, event_id, event_type,
		attempt, status_code, duration_ms, response, error, next_retry_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.ID, tn.BusinessID, string(tn.Mode), d.EndpointID, d.EventID, d.EventType, d.Attempt, status,
		d.Duration.Milliseconds(), d.Response, d.Error, next, micros(d.CreatedAt))
	return wrap("RecordWebhookDelivery", err)
}

// ListWebhookDeliveries returns a page of the attempts made to one of the
// tenant's endpoints, newest first.
func (s *Store) ListWebhookDeliveries(ctx context.Context, tn catalog.Tenant, f catalog.WebhookDeliveryFilter) (catalog.List[*catalog.WebhookDelivery], error) {
	if _, err := s.GetWebhookEndpoint(ctx, tn, f.EndpointID); err != nil {
		return catalog.List[*catalog.WebhookDelivery]{}, err
	}
	l := listQuery{args: []any{f.EndpointID, tn.BusinessID, string(tn.Mode)}}
	out, err := list(ctx, s, &l, listOf{
		selectFrom: `SELECT id, endpoint_id, event_id, event_type, attempt, status_code, duration_ms, response, error, next_retry_at, created_at
		FROM webhook_deliveries WHERE endpoint_id = ? AND business_id = ? AND mode = ?`,
		countFrom: "SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = ? AND business_id = ? AND mode = ?",
		created:   "created_at", id: "id"}, f.Page, scanDelivery)
	return out, wrap("ListWebhookDeliveries", err)
}

func scanDelivery(sc scanner) (*catalog.WebhookDelivery, error) {
	var d catalog.WebhookDelivery
	var status, next sql.NullInt64
	var ms, at int64
	if err := sc.Scan(&d.ID, &d.EndpointID, &d.EventID, &d.EventType, &d.Attempt, &status, &ms, &d.Response, &d.Error,
		&next, &at); err != nil {
		return nil, err
	}
	if status.Valid {
		n := int(status.Int64)
		d.StatusCode = &n
	}
	if next.Valid {
		t := fromMicros(next.Int64)
		d.NextRetryAt = &t
	}
	d.Duration, d.CreatedAt = time.Duration(ms)*time.Millisecond, fromMicros(at)
	return &d, nil
}

// PruneWebhookDeliveries deletes delivery attempts recorded before the
// given time and reports how many it removed, in batches (River prunes its
// finished jobs itself).
func (s *Store) PruneWebhookDeliveries(ctx context.Context, before time.Time) (int64, error) {
	var total int64
	for {
		n, err := s.housekeep(ctx, `DELETE FROM webhook_deliveries WHERE id IN
			(SELECT id FROM webhook_deliveries WHERE created_at < ? LIMIT ?)`, micros(before), pruneBatch)
		total += n
		if err != nil || n < pruneBatch {
			return total, err
		}
	}
}

// WebhookBacklog counts the delivery jobs waiting in River's queue: due
// now, scheduled, or waiting to be retried.
func (s *Store) WebhookBacklog(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.queryRow(ctx, `SELECT COUNT(*) FROM river_job WHERE queue = ? AND state IN ('available', 'scheduled', 'retryable')`,
		DeliveryQueue).Scan(&n)
	return n, wrap("WebhookBacklog", err)
}

// sentDocs holds the documents of events just committed with delivery
// jobs, for the workers that send them moments later: in WAL mode a read
// transaction that follows any write starts with a cold page cache, so
// reading each event back from the journal cost more than carrying it in
// the job did. Bounded, oldest out first; a miss (an event of another
// server, an old one, one from before a restart) reads the journal.
type sentDocs struct {
	mu    sync.Mutex
	m     map[string]string
	order []string
	bytes int
}

// maxSentDocBytes bounds sentDocs.
const maxSentDocBytes = 32 << 20

func sentKey(business, mode, eventID string) string {
	return business + "\x00" + mode + "\x00" + eventID
}

func (c *sentDocs) put(business, mode, eventID, data string) {
	k := sentKey(business, mode, eventID)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]string{}
	}
	c.m[k] = data
	c.order = append(c.order, k)
	c.bytes += len(data)
	for c.bytes > maxSentDocBytes && len(c.order) > 0 {
		c.bytes -= len(c.m[c.order[0]])
		delete(c.m, c.order[0])
		c.order = c.order[1:]
	}
}

func (c *sentDocs) get(business, mode, eventID string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	data, ok := c.m[sentKey(business, mode, eventID)]
	return data, ok
}

// rememberSent keeps the documents of t's events that got delivery jobs,
// once t has committed.
func (t *tx) rememberSent() {
	for _, i := range t.sent {
		row := t.events[i]
		t.d.sent.put(row[1].(string), row[2].(string), row[0].(string), row[11].(string))
	}
}
