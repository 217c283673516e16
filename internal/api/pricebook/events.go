package pricebook

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
)

// eventOut is an event on the wire.
type eventOut struct {
	ID         string          `json:"id"`
	Type       string          `json:"type"`
	ObjectID   string          `json:"object_id"`
	ObjectKind string          `json:"object_kind"`
	Detail     *string         `json:"detail"`
	BusinessID string          `json:"business_id"`
	Mode       string          `json:"mode"`
	KeyID      *string         `json:"key_id"`
	RequestID  *string         `json:"request_id"`
	TestClock  bool            `json:"test_clock"`
	CreatedAt  string          `json:"created_at"`
	Data       json.RawMessage `json:"data"`
}

func eventResponse(e catalog.Event) eventOut {
	return eventOut{ID: e.ID, Type: e.Type, ObjectID: e.ObjectID, ObjectKind: e.ObjectKind, Detail: nonEmpty(e.Detail),
		BusinessID: e.BusinessID, Mode: string(e.Mode), KeyID: nonEmpty(e.KeyID), RequestID: nonEmpty(e.RequestID),
		TestClock: e.TestClock, CreatedAt: e.CreatedAt.UTC().Format(time.RFC3339Nano), Data: e.Data}
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// listOut is every list's answer.
type listOut[T any] struct {
	Data       []T     `json:"data"`
	NextCursor *string `json:"next_cursor"`
}

// Page sizes.
const (
	defaultLimit = 50
	maxLimit     = 200
)

// cursors are opaque: the event position they continue after.
func encodeCursor(p catalog.EventPosition) string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("%d.%d", p.TxID, p.Sequence)))
}

func decodeCursor(s string) (catalog.EventPosition, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return catalog.EventPosition{}, false
	}
	tx, seq, ok := strings.Cut(string(raw), ".")
	t, err1 := strconv.ParseInt(tx, 10, 64)
	q, err2 := strconv.ParseInt(seq, 10, 64)
	if !ok || err1 != nil || err2 != nil || t < 0 || q < 0 {
		return catalog.EventPosition{}, false
	}
	return catalog.EventPosition{TxID: t, Sequence: q}, true
}

// eventFilter reads type, object_id, cursor, limit and order.
func eventFilter(r *http.Request) (catalog.EventFilter, error) {
	q := r.URL.Query()
	f := catalog.EventFilter{Type: q.Get("type"), ObjectID: q.Get("object_id"), Limit: defaultLimit}
	switch q.Get("order") {
	case "", "desc":
	case "asc":
		f.Ascending = true
	default:
		return f, invalidParam("order", "must be asc or desc")
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxLimit {
			return f, invalidParam("limit", "must be an integer from 1 to %d", maxLimit)
		}
		f.Limit = n
	}
	if s := q.Get("cursor"); s != "" {
		p, ok := decodeCursor(s)
		if !ok {
			return f, invalidParam("cursor", "is not a cursor this API returned")
		}
		f.After = &p
	}
	return f, nil
}

func invalidParam(name, format string, args ...any) error {
	return catalog.Errorf(catalog.KindInvalid, catalog.InvalidFilter, "%s: %s", name, fmt.Sprintf(format, args...))
}

// listEvents answers GET /events: newest first by default; order=asc is
// commit order, which a consumer follows with next_cursor without ever
// missing an event.
func (a *API) listEvents(w http.ResponseWriter, r *http.Request) error {
	f, err := eventFilter(r)
	if err != nil {
		return err
	}
	return a.writeEvents(w, r, f)
}

func (a *API) writeEvents(w http.ResponseWriter, r *http.Request, f catalog.EventFilter) error {
	list, err := a.store.ListEvents(r.Context(), face.Tenant(r), f)
	if err != nil {
		return err
	}
	out := listOut[eventOut]{Data: make([]eventOut, 0, len(list.Items))}
	for _, e := range list.Items {
		out.Data = append(out.Data, eventResponse(e))
	}
	if n := len(list.Items); n > 0 && (list.More || f.Ascending) {
		// An ascending list goes on where it ended, also when it reached
		// the present: what commits next follows.
		c := encodeCursor(list.Items[n-1].Position)
		out.NextCursor = &c
	} else if n == 0 && f.Ascending && f.After != nil {
		c := encodeCursor(*f.After)
		out.NextCursor = &c
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

// objectHistory answers GET /objects/{id}/history: the object's events,
// oldest first, each a version with who made it and when.
func (a *API) objectHistory(w http.ResponseWriter, r *http.Request) error {
	f, err := eventFilter(r)
	if err != nil {
		return err
	}
	f.ObjectID, f.Ascending, f.Committed = r.PathValue("id"), true, true
	if f.After == nil {
		if _, ok, err := a.store.ObjectAsOf(r.Context(), face.Tenant(r), f.ObjectID, latest); err != nil {
			return err
		} else if !ok {
			return notFound(f.ObjectID)
		}
	}
	return a.writeEvents(w, r, f)
}

func notFound(id string) error {
	return catalog.Errorf(catalog.KindNotFound, catalog.Missing, "Object %s has no history in this partition", id)
}

// getObject answers GET /objects/{id}?as_of=T: the object's document as
// its face rendered it at T (by default now), from the journal.
func (a *API) getObject(w http.ResponseWriter, r *http.Request) error {
	at := latest
	if s := r.URL.Query().Get("as_of"); s != "" {
		t, ok := catalog.ParseTimestamp(s)
		if !ok {
			return invalidParam("as_of", "must be an RFC 3339 date-time such as 2026-01-02T03:04:05Z")
		}
		at = t
	}
	e, ok, err := a.store.ObjectAsOf(r.Context(), face.Tenant(r), r.PathValue("id"), at)
	if err != nil {
		return err
	}
	if !ok {
		return catalog.Errorf(catalog.KindNotFound, catalog.Missing, "Object %s did not exist in this partition at that time", r.PathValue("id"))
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Pricebook-Event-Id", e.ID)
	w.Write(append(e.Data, '\n'))
	return nil
}

// latest asks ObjectAsOf for the newest version.
var latest = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
