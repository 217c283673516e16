package web

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
	"github.com/pricebook/pricebook/internal/store"
)

// Tail timing: how often the journal is read for new events, and how
// long a quiet stream waits before a comment keeps proxies open.
const (
	tailPoll      = 200 * time.Millisecond
	tailHeartbeat = 15 * time.Second
)

// activity shows the latest events; app.js then follows the stream and
// adds each new one at the top.
func (d *Dashboard) activity(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	events, err := d.st.ListEvents(r.Context(), s.Tenant(), catalog.EventFilter{Limit: 50})
	if err != nil {
		return err
	}
	var changes []change
	for _, e := range events.Items {
		changes = append(changes, changeOf(e))
	}
	d.render(w, r, http.StatusOK, "activity", &view{Title: "Activity", Nav: "activity", Session: s, Data: changes})
	return nil
}

// tailEvent is one event as the live tail sends it: only text, which
// app.js sets as text content.
type tailEvent struct {
	ID       string `json:"id"`
	Type     string `json:"type"`
	ObjectID string `json:"object_id"`
	Name     string `json:"name"`
	When     string `json:"when"`
	Who      string `json:"who"`
	Link     string `json:"link"`
}

// stream is the live tail: Server-Sent Events of each event committed
// from now on, read from the journal in commit order as the
// /_pricebook/v1/events/stream face does, for the session's partition.
func (d *Dashboard) stream(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	ctx, tn := r.Context(), s.Tenant()
	f := catalog.EventFilter{Ascending: true, Limit: 100}
	head, err := d.st.ListEvents(ctx, tn, catalog.EventFilter{Limit: 1})
	if err != nil {
		return err
	}
	if len(head.Items) > 0 {
		p := head.Items[0].Position
		f.After = &p
	}
	alive := func() bool {
		// A quiet moment: the session must still be live (signed out
		// elsewhere, or its key revoked, ends the tail).
		_, err := d.st.GetSession(ctx, cookieValue(r, sessionCookie))
		return err == nil
	}
	return httpx.Stream{Hello: "live tail", Poll: tailPoll, Heartbeat: tailHeartbeat, Alive: alive, Done: d.cfg.Done}.
		Serve(w, r, func(w io.Writer) (int, bool, error) {
			list, err := d.st.ListEvents(ctx, tn, f)
			if err != nil {
				return 0, false, err
			}
			for _, e := range list.Items {
				c := changeOf(e)
				data, _ := json.Marshal(tailEvent{ID: e.ID, Type: e.Type, ObjectID: e.ObjectID, Name: c.Name, When: c.When, Who: e.KeyID, Link: c.Link})
				fmt.Fprintf(w, "event: change\ndata: %s\n\n", data)
				p := e.Position
				f.After = &p
			}
			return len(list.Items), list.More, nil
		})
}

type requestsData struct {
	Off   bool
	Items []*httpx.Inspected
	Next  string
}

// requests is the request inspector: the partition's recent API requests
// as this server saw them.
func (d *Dashboard) requests(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	data := requestsData{Off: d.cfg.Inspector == nil}
	if !data.Off {
		var more bool
		data.Items, more = d.cfg.Inspector.List(s.Tenant(), r.URL.Query().Get("after"), 50)
		if more && len(data.Items) > 0 {
			data.Next = Prefix + "requests?after=" + data.Items[len(data.Items)-1].RequestID
		}
	}
	d.render(w, r, http.StatusOK, "requests", &view{Title: "Requests", Nav: "activity", Session: s, Data: data})
	return nil
}

type requestData struct {
	Q                  *httpx.Inspected
	Headers            []kv
	ReqBody, RespBody  string
	ReqCut, RespCut    bool
	When, Took, Status string
}

func (d *Dashboard) request(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	if d.cfg.Inspector == nil {
		return catalog.Errorf(catalog.KindNotFound, catalog.Missing, "The request inspector is off (serve --inspect-mb)")
	}
	q, ok := d.cfg.Inspector.Get(s.Tenant(), r.PathValue("id"))
	if !ok {
		return catalog.NotFound("Request", r.PathValue("id"))
	}
	data := requestData{Q: q, When: stamp(q.At), Took: q.Duration.Round(time.Microsecond).String(), Status: fmt.Sprint(q.Status)}
	for k, v := range httpx.RedactHeaders(q.RequestHeaders) {
		data.Headers = append(data.Headers, kv{Key: k, Value: v})
	}
	sort.Slice(data.Headers, func(i, j int) bool { return data.Headers[i].Key < data.Headers[j].Key })
	data.ReqBody, data.ReqCut = q.Request.Redacted()
	data.RespBody, data.RespCut = q.Response.Redacted()
	d.render(w, r, http.StatusOK, "request", &view{Title: q.Method + " " + q.Path, Nav: "activity", Session: s, Data: data})
	return nil
}
