package pricebook

import (
	"net/http"
	"strconv"
	"time"

	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
)

// deliveryOut is one delivery attempt on the wire.
type deliveryOut struct {
	ID          string  `json:"id"`
	EndpointID  string  `json:"endpoint_id"`
	EventID     string  `json:"event_id"`
	EventType   string  `json:"event_type"`
	Attempt     int     `json:"attempt"`
	StatusCode  *int    `json:"status_code"`
	DurationMS  int64   `json:"duration_ms"`
	Response    string  `json:"response"`
	Error       *string `json:"error"`
	NextRetryAt *string `json:"next_retry_at"`
	CreatedAt   string  `json:"created_at"`
}

func deliveryResponse(d *catalog.WebhookDelivery) deliveryOut {
	out := deliveryOut{ID: d.ID, EndpointID: d.EndpointID, EventID: d.EventID, EventType: d.EventType, Attempt: d.Attempt,
		StatusCode: d.StatusCode, DurationMS: d.Duration.Milliseconds(), Response: d.Response, Error: nonEmpty(d.Error),
		CreatedAt: d.CreatedAt.UTC().Format(time.RFC3339Nano)}
	if d.NextRetryAt != nil {
		s := d.NextRetryAt.UTC().Format(time.RFC3339Nano)
		out.NextRetryAt = &s
	}
	return out
}

// listDeliveries answers GET /webhooks/{id}/deliveries: every attempt to
// send an event to the endpoint, newest first.
func (a *API) listDeliveries(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := catalog.WebhookDeliveryFilter{EndpointID: r.PathValue("id"), Page: catalog.Page{Size: defaultLimit}}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxLimit {
			return invalidParam("limit", "must be an integer from 1 to %d", maxLimit)
		}
		f.Page.Size = n
	}
	if s := q.Get("cursor"); s != "" {
		k, ok := httpx.DecodeKeyset(s)
		if !ok {
			return invalidParam("cursor", "is not a cursor this API returned")
		}
		f.Page.After = &k
	}
	list, err := a.store.ListWebhookDeliveries(r.Context(), face.Tenant(r), f)
	if err != nil {
		return err
	}
	out := listOut[deliveryOut]{Data: make([]deliveryOut, 0, len(list.Items))}
	for _, d := range list.Items {
		out.Data = append(out.Data, deliveryResponse(d))
	}
	if n := len(list.Items); n > 0 && list.More {
		last := list.Items[n-1]
		c := httpx.EncodeKeyset(catalog.Keyset{CreatedAt: last.CreatedAt, ID: last.ID})
		out.NextCursor = &c
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}
