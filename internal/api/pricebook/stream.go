package pricebook

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
)

// Stream timing: how often the journal is read for new events, and how
// long a quiet stream waits before a comment keeps proxies from closing it.
const (
	streamPoll      = 100 * time.Millisecond
	streamHeartbeat = 15 * time.Second
)

// streamEvents answers GET /events/stream with Server-Sent Events: every
// event of the partition in commit order, from the present on (or after
// the cursor in Last-Event-ID or ?cursor=, to resume), each as
// "id: <cursor>", "event: <type>", "data: <event>". It filters by type and
// object_id as the list does, and runs until the client goes away or the
// server shuts down.
func (a *API) streamEvents(w http.ResponseWriter, r *http.Request) error {
	f, err := eventFilter(r)
	if err != nil {
		return err
	}
	f.Ascending = true
	if id := r.Header.Get("Last-Event-ID"); id != "" {
		p, ok := decodeCursor(id)
		if !ok {
			return invalidParam("Last-Event-ID", "is not an event id this stream sent")
		}
		f.After = &p
	}
	ctx := r.Context()
	if f.After == nil {
		// From the present: after the newest event committed so far.
		head, err := a.store.ListEvents(ctx, face.Tenant(r), catalog.EventFilter{Ascending: false, Limit: 1})
		if err != nil {
			return err
		}
		if len(head.Items) > 0 {
			p := head.Items[0].Position
			f.After = &p
		}
	}
	tn := face.Tenant(r)
	return httpx.Stream{Hello: "stream of the change journal", Poll: streamPoll, Heartbeat: streamHeartbeat, Done: a.done}.
		Serve(w, r, func(w io.Writer) (int, bool, error) {
			list, err := a.store.ListEvents(ctx, tn, f)
			if err != nil {
				return 0, false, err
			}
			for _, e := range list.Items {
				data, _ := json.Marshal(eventResponse(e))
				fmt.Fprintf(w, "id: %s\nevent: %s\ndata: %s\n\n", encodeCursor(e.Position), e.Type, data)
				p := e.Position
				f.After = &p
			}
			return len(list.Items), list.More, nil
		})
}
