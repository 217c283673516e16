package dodo

import (
	"net/http"
	"slices"

	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
)

// Webhook endpoints: the management API (client.webhooks.*). Deliveries
// are not made yet; the endpoints and their secrets are kept for them.

// defaultWebhookPage is the size of a webhook list page without limit.
const defaultWebhookPage = 50

func (a *API) createWebhook(w http.ResponseWriter, r *http.Request) error {
	var in webhookIn
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	var pr catalog.Problems
	wh := &catalog.WebhookEndpoint{FilterTypes: in.FilterTypes, RateLimit: in.RateLimit, Metadata: in.Metadata,
		Headers: catalog.CanonicalHeaders(in.Headers)}
	requireField(&pr, "url", in.URL, &wh.URL)
	if in.Description != nil {
		wh.Description = *in.Description
	}
	if in.Disabled != nil {
		wh.Disabled = *in.Disabled
	}
	checkEventTypes(&pr, in.FilterTypes)
	if !pr.Empty() {
		wh.Validate(&pr)
		return pr.Err()
	}
	if err := a.store.CreateWebhookEndpoint(r.Context(), face.Tenant(r), wh); err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, webhookResponse(wh))
}

// checkEventTypes records each filter type that is neither one of Dodo's
// event types nor one of Pricebook's catalog events (catalog.EventTypes,
// the ones this server sends).
func checkEventTypes(pr *catalog.Problems, types []string) {
	for i, t := range types {
		if !webhookEventTypes[t] && !catalog.EventTypes[t] {
			pr.Add(indexed("filter_types", i), "unknown event type %q", t)
		}
	}
}

// readWebhook answers a read of the path's endpoint as render makes it.
func readWebhook[O any](a *API, render func(*catalog.WebhookEndpoint) O) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		wh, err := a.store.GetWebhookEndpoint(r.Context(), face.Tenant(r), r.PathValue("id"))
		if err != nil {
			return err
		}
		return httpx.WriteJSON(w, http.StatusOK, render(wh))
	}
}

// listWebhooks answers one cursor page: limit and iterator, as the SDK's
// CursorPagePagination asks.
func (a *API) listWebhooks(w http.ResponseWriter, r *http.Request) error {
	q := query{v: r.URL.Query()}
	page := catalog.Page{Size: q.integer("limit", defaultWebhookPage, 1, MaxPageSize)}
	if it := q.str("iterator"); it != "" {
		k, ok := httpx.DecodeKeyset(it)
		if !ok {
			q.fail("iterator", "is not an iterator this API returned")
		}
		page.After = &k
	}
	if q.err != nil {
		return q.err
	}
	l, err := a.store.ListWebhookEndpoints(r.Context(), face.Tenant(r), catalog.WebhookEndpointFilter{Page: page})
	if err != nil {
		return err
	}
	out := webhookPage{Data: make([]webhookOut, len(l.Items)), Done: !l.More}
	for i, wh := range l.Items {
		out.Data[i] = webhookResponse(wh)
	}
	if l.More {
		last := l.Items[len(l.Items)-1]
		it := httpx.EncodeKeyset(catalog.Keyset{CreatedAt: last.CreatedAt, ID: last.ID})
		out.Iterator = &it
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

// updateWebhook applies a PATCH. A null leaves a field unchanged, except
// filter_types (null: every event type) and rate_limit (null: no limit).
func (a *API) updateWebhook(w http.ResponseWriter, r *http.Request) error {
	var in webhookIn
	present, err := decodeBody(r, &in)
	if err != nil {
		return err
	}
	u := &catalog.WebhookEndpointPatch{URL: in.URL, Description: in.Description, Disabled: in.Disabled,
		FilterTypes: optField(present, "filter_types", &in.FilterTypes), RateLimit: optField(present, "rate_limit", in.RateLimit)}
	if in.Metadata != nil {
		u.Metadata = &in.Metadata
	}
	var pr catalog.Problems
	checkEventTypes(&pr, in.FilterTypes)
	if err := pr.Err(); err != nil {
		return err
	}
	wh, err := a.store.UpdateWebhookEndpoint(r.Context(), face.Tenant(r), r.PathValue("id"), u)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, webhookResponse(wh))
}

func (a *API) deleteWebhook(w http.ResponseWriter, r *http.Request) error {
	if err := a.store.DeleteWebhookEndpoint(r.Context(), face.Tenant(r), r.PathValue("id")); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusOK)
	return nil
}

func secretResponse(wh *catalog.WebhookEndpoint) secretOut { return secretOut{Secret: wh.Secret} }

// headersResponse is the endpoint's headers; a credential's value is
// never shown, only its name under sensitive.
func headersResponse(wh *catalog.WebhookEndpoint) headersOut {
	out := headersOut{Headers: map[string]string{}, Sensitive: []string{}}
	for k, v := range wh.Headers {
		if catalog.SensitiveHeader(k) {
			out.Sensitive = append(out.Sensitive, k)
		} else {
			out.Headers[k] = v
		}
	}
	slices.Sort(out.Sensitive)
	return out
}

// updateWebhookHeaders adds or replaces each header given; the others
// stay.
func (a *API) updateWebhookHeaders(w http.ResponseWriter, r *http.Request) error {
	var in headersIn
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	if in.Headers == nil {
		return invalid("headers: is required")
	}
	_, err := a.store.UpdateWebhookEndpoint(r.Context(), face.Tenant(r), r.PathValue("id"),
		&catalog.WebhookEndpointPatch{Headers: catalog.CanonicalHeaders(in.Headers)})
	if err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusOK)
	return nil
}
