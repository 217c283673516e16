package web

import (
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
)

type attempt struct {
	D                   *catalog.WebhookDelivery
	Status, When, Retry string
	OK                  bool
	EndpointID          string
}

func attemptOf(dl *catalog.WebhookDelivery) attempt {
	a := attempt{D: dl, When: stamp(dl.CreatedAt), Status: "no response", EndpointID: dl.EndpointID}
	if dl.StatusCode != nil {
		a.Status = strconv.Itoa(*dl.StatusCode)
		a.OK = *dl.StatusCode >= 200 && *dl.StatusCode < 300
	}
	if dl.NextRetryAt != nil {
		a.Retry = stamp(*dl.NextRetryAt)
	}
	return a
}

// webhooks lists the endpoints, with a form for a new one.
func (d *Dashboard) webhooks(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	return d.showWebhooks(w, r, s, http.StatusOK, nil, nil, "")
}

func (d *Dashboard) showWebhooks(w http.ResponseWriter, r *http.Request, s *store.Session, status int, form map[string][]string, errs map[string]string, problem string) error {
	list, err := d.st.ListWebhookEndpoints(r.Context(), s.Tenant(), catalog.WebhookEndpointFilter{Page: catalog.Page{Size: 100}})
	if err != nil {
		return err
	}
	d.render(w, r, status, "webhooks", &view{Title: "Webhooks", Nav: "webhooks", Session: s, Form: form, Errors: errs, Problem: problem, Data: list.Items})
	return nil
}

// createWebhook adds an endpoint for every event type through
// CreateWebhookEndpoint, as POST /webhooks does (the URL policy included).
func (d *Dashboard) createWebhook(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	e := &catalog.WebhookEndpoint{URL: strings.TrimSpace(r.PostForm.Get("url")), Description: r.PostForm.Get("description")}
	if err := d.st.CreateWebhookEndpoint(r.Context(), s.Tenant(), e); err != nil {
		var ce *catalog.Error
		if errors.As(err, &ce) && ce.Kind == catalog.KindInvalid {
			errs, problem := fieldErrors(ce, []string{"url", "description"}, nil)
			return d.showWebhooks(w, r, s, http.StatusUnprocessableEntity, r.PostForm, errs, problem)
		}
		return err
	}
	http.Redirect(w, r, Prefix+"webhooks/"+e.ID+"?ok=created", http.StatusSeeOther)
	return nil
}

// toggleWebhook enables or disables an endpoint through
// UpdateWebhookEndpoint.
func (d *Dashboard) toggleWebhook(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	id := r.PathValue("id")
	disabled := r.PostForm.Get("disabled") == "true"
	if _, err := d.st.UpdateWebhookEndpoint(r.Context(), s.Tenant(), id, &catalog.WebhookEndpointPatch{Disabled: &disabled}); err != nil {
		return err
	}
	http.Redirect(w, r, Prefix+"webhooks/"+id+"?ok=saved", http.StatusSeeOther)
	return nil
}

type webhookData struct {
	E        *catalog.WebhookEndpoint
	Attempts []attempt
	Next     string
}

// webhook shows an endpoint and its delivery attempts, newest first, each
// with a replay button; and a button that sends a test event.
func (d *Dashboard) webhook(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	ctx, tn := r.Context(), s.Tenant()
	e, err := d.st.GetWebhookEndpoint(ctx, tn, r.PathValue("id"))
	if err != nil {
		return err
	}
	list, err := d.st.ListWebhookDeliveries(ctx, tn, catalog.WebhookDeliveryFilter{EndpointID: e.ID,
		Page: catalog.Page{Size: 50, After: decodeKeyset(r.URL.Query().Get("after"))}})
	if err != nil {
		return err
	}
	data := webhookData{E: e}
	for _, dl := range list.Items {
		data.Attempts = append(data.Attempts, attemptOf(dl))
	}
	if n := len(list.Items); list.More && n > 0 {
		data.Next = Prefix + "webhooks/" + e.ID + "?after=" + encodeKeyset(list.Items[n-1].CreatedAt, list.Items[n-1].ID)
	}
	d.render(w, r, http.StatusOK, "webhook", &view{Title: "Webhook " + e.URL, Nav: "webhooks", Session: s, Data: data})
	return nil
}

// replay queues a delivery's event to its endpoint again, as POST
// /_pricebook/v1/webhooks/{id}/deliveries/{delivery_id}/replay does.
func (d *Dashboard) replay(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	id := r.PathValue("id")
	if _, err := d.st.ReplayWebhookDelivery(r.Context(), s.Tenant(), id, r.PathValue("delivery")); err != nil {
		return err
	}
	http.Redirect(w, r, Prefix+"webhooks/"+id+"?ok=replayed", http.StatusSeeOther)
	return nil
}

// sendTest queues a webhook.test message to the endpoint.
func (d *Dashboard) sendTest(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	id := r.PathValue("id")
	if _, err := d.st.SendTestEvent(r.Context(), s.Tenant(), id); err != nil {
		return err
	}
	http.Redirect(w, r, Prefix+"webhooks/"+id+"?ok=tested", http.StatusSeeOther)
	return nil
}

// recentFailures returns the latest failed attempts of the tenant's
// first endpoints, newest first.
func (d *Dashboard) recentFailures(r *http.Request, tn catalog.Tenant) ([]attempt, error) {
	eps, err := d.st.ListWebhookEndpoints(r.Context(), tn, catalog.WebhookEndpointFilter{Page: catalog.Page{Size: 20}})
	if err != nil {
		return nil, err
	}
	var out []attempt
	for _, e := range eps.Items {
		list, err := d.st.ListWebhookDeliveries(r.Context(), tn, catalog.WebhookDeliveryFilter{EndpointID: e.ID, Page: catalog.Page{Size: 20}})
		if err != nil {
			return nil, err
		}
		for _, dl := range list.Items {
			if a := attemptOf(dl); !a.OK {
				out = append(out, a)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].D.CreatedAt.After(out[j].D.CreatedAt) })
	if len(out) > 10 {
		out = out[:10]
	}
	return out, nil
}
