package pricebook

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
)

// sendOut is what a resend, a replay or a test send queued: 202, the
// deliveries run in the background like every other.
type sendOut struct {
	EventID     string   `json:"event_id"`
	EventType   string   `json:"event_type"`
	EndpointIDs []string `json:"endpoint_ids"`
}

func writeSend(w http.ResponseWriter, s *catalog.WebhookSend) error {
	return httpx.WriteJSON(w, http.StatusAccepted, sendOut{EventID: s.EventID, EventType: s.EventType, EndpointIDs: s.EndpointIDs})
}

// resendEvent answers POST /events/{id}/resend: the event again, with its
// own id as webhook-id, to the endpoint the body names ({"endpoint_id"}),
// or without one to every enabled endpoint subscribed to its type.
func (a *API) resendEvent(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		EndpointID string `json:"endpoint_id"`
	}
	if err := decodeOptional(r, &in); err != nil {
		return err
	}
	s, err := a.store.ResendEvent(r.Context(), face.Tenant(r), r.PathValue("id"), in.EndpointID)
	if err != nil {
		return err
	}
	return writeSend(w, s)
}

// replayDelivery answers POST /webhooks/{id}/deliveries/{delivery_id}/replay:
// the delivery's event to its endpoint again, same webhook-id.
func (a *API) replayDelivery(w http.ResponseWriter, r *http.Request) error {
	s, err := a.store.ReplayWebhookDelivery(r.Context(), face.Tenant(r), r.PathValue("id"), r.PathValue("delivery_id"))
	if err != nil {
		return err
	}
	return writeSend(w, s)
}

// sendTest answers POST /webhooks/{id}/test: a webhook.test message to
// the endpoint, signed like every delivery.
func (a *API) sendTest(w http.ResponseWriter, r *http.Request) error {
	s, err := a.store.SendTestEvent(r.Context(), face.Tenant(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeSend(w, s)
}

// rotateSecret answers POST /webhooks/{id}/secret/rotate with the new
// secret; deliveries carry a signature with the old one too until
// previous_secret_expires_at.
func (a *API) rotateSecret(w http.ResponseWriter, r *http.Request) error {
	ep, err := a.store.RotateWebhookSecret(r.Context(), face.Tenant(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, struct {
		Secret                  string `json:"secret"`
		PreviousSecretExpiresAt string `json:"previous_secret_expires_at"`
	}{ep.Secret, ep.PreviousSecretExpiresAt.UTC().Format(time.RFC3339Nano)})
}

// decodeOptional reads a JSON object body into v, strictly (an unknown
// field is refused by name); no body at all reads as {}.
func decodeOptional(r *http.Request, v any) error {
	body, err := httpx.ReadBody(r)
	if err != nil {
		return err
	}
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil
	}
	if body[0] != '{' {
		return invalidParam("body", "must be a JSON object")
	}
	if path, bad := httpx.BadJSONText(body); bad {
		return invalidParam(path, "must be valid UTF-8 text without NUL characters")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) && typ.Field != "" {
			return invalidParam(typ.Field, "must be a JSON %s", typ.Type.Kind())
		}
		return invalidParam("body", "%s", strings.TrimPrefix(err.Error(), "json: "))
	}
	if dec.More() {
		return invalidParam("body", "must hold one JSON object")
	}
	return nil
}
