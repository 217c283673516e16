package web

import (
	"net/http"
	"strconv"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
)

type count struct {
	Kind, Label, N, Link string
}

type change struct {
	E          catalog.Event
	When, Name string
	Link       string
}

type overviewData struct {
	Counts   []count
	Changes  []change
	Failures []attempt
}

var countLabels = []struct{ kind, label, link string }{
	{"products", "Products", "products"}, {"collections", "Collections", "collections"}, {"addons", "Addons", "addons"},
	{"discounts", "Discounts", "discounts"}, {"meters", "Meters", "usage"}, {"entitlements", "Entitlements", "usage"},
	{"credit_entitlements", "Credit entitlements", "usage"}, {"webhook_endpoints", "Webhook endpoints", "webhooks"},
}

// overview shows counts per kind, the latest changes and webhook failures.
func (d *Dashboard) overview(w http.ResponseWriter, r *http.Request, s *store.Session) error {
	ctx, tn := r.Context(), s.Tenant()
	counts, err := d.st.Counts(ctx, tn)
	if err != nil {
		return err
	}
	var data overviewData
	for _, c := range countLabels {
		n := strconv.Itoa(counts[c.kind])
		if counts[c.kind] > store.CountCap {
			n = "more than " + strconv.Itoa(store.CountCap)
		}
		link := ""
		if c.link != "" {
			link = Prefix + c.link
		}
		data.Counts = append(data.Counts, count{Kind: c.kind, Label: c.label, N: n, Link: link})
	}
	events, err := d.st.ListEvents(ctx, tn, catalog.EventFilter{Limit: 10})
	if err != nil {
		return err
	}
	for _, e := range events.Items {
		data.Changes = append(data.Changes, changeOf(e))
	}
	if data.Failures, err = d.recentFailures(r, tn); err != nil {
		return err
	}
	d.render(w, r, http.StatusOK, "overview", &view{Title: "Overview", Nav: "overview", Session: s, Data: data})
	return nil
}

func changeOf(e catalog.Event) change {
	c := change{E: e, When: stamp(e.CreatedAt), Name: nameOf(e.Data, e.ObjectID)}
	switch e.ObjectKind {
	case "product":
		c.Link = Prefix + "products/" + e.ObjectID
	case "product_collection":
		c.Link = Prefix + "collections/" + e.ObjectID
	case "webhook_endpoint":
		c.Link = Prefix + "webhooks/" + e.ObjectID
	}
	return c
}
