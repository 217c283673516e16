package dodo

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
)

// The journal records each object of this face as the face renders it.
// A renderer runs inside the writing transaction: the store calls it
// makes with ctx see the write. Where the use case hands the object over
// (ch.Object) it is rendered as written; otherwise it is read back.

// registerRenderers makes the store render this face's objects for the
// journal.
func (a *API) registerRenderers() {
	render := map[string]store.Renderer{
		"product": func(ctx context.Context, tn catalog.Tenant, ch catalog.Change) (json.RawMessage, error) {
			p, ok := ch.Object.(*catalog.Product)
			if !ok {
				var err error
				if p, err = a.store.GetProduct(ctx, tn, ch.ID); err != nil {
					return nil, err
				}
			}
			refs, err := a.store.LoadProductRefs(ctx, tn, []*catalog.Product{p})
			if err != nil {
				return nil, err
			}
			return json.Marshal(a.productResponse(p, refs))
		},
		"product_collection": func(ctx context.Context, tn catalog.Tenant, ch catalog.Change) (json.RawMessage, error) {
			c, ok := ch.Object.(*catalog.Collection) // handed over with its groups
			if !ok {
				var err error
				if c, err = a.store.GetCollection(ctx, tn, ch.ID); err != nil {
					return nil, err
				}
			}
			var ps []*catalog.Product
			for _, g := range c.Groups {
				for _, it := range g.Items {
					ps = append(ps, it.Product)
				}
			}
			refs, err := a.store.LoadProductRefs(ctx, tn, ps)
			if err != nil {
				return nil, err
			}
			return json.Marshal(a.collectionResponse(c, refs))
		},
		"addon":              renderAs(a.store.GetAddon, a.addonResponse),
		"meter":              renderAs(a.store.GetMeter, meterResponse),
		"entitlement":        renderAs(a.store.GetEntitlement, a.entitlementResponse),
		"credit_entitlement": renderAs(a.store.GetCreditEntitlement, creditResponse),
		"brand":              renderAs(a.store.GetBrand, a.brandResponse),
		"discount":           renderAs(a.store.GetDiscount, discountResponse),
		"webhook_endpoint":   renderAs(a.store.GetWebhookEndpoint, webhookResponse),
		"localized_price":    renderLocalizedPrice,
		"short_link":         a.renderShortLink,
	}
	for kind, r := range render {
		a.store.RenderEvents(kind, r)
	}
}

// renderAs renders the change's object of type *T with response, reading
// it with get when the use case did not hand it over.
func renderAs[T, O any](get func(context.Context, catalog.Tenant, string) (*T, error), response func(*T) O) store.Renderer {
	return func(ctx context.Context, tn catalog.Tenant, ch catalog.Change) (json.RawMessage, error) {
		v, ok := ch.Object.(*T)
		if !ok {
			var err error
			if v, err = get(ctx, tn, ch.ID); err != nil {
				return nil, err
			}
		}
		return json.Marshal(response(v))
	}
}

// renderLocalizedPrice renders the rule every localized price use case
// hands over (an archived one cannot be read back through the API).
func renderLocalizedPrice(ctx context.Context, tn catalog.Tenant, ch catalog.Change) (json.RawMessage, error) {
	lp, ok := ch.Object.(*catalog.LocalizedPrice)
	if !ok {
		return nil, fmt.Errorf("localized price %s: the change carries no rule", ch.ID)
	}
	return json.Marshal(localizedPriceResponse(lp))
}
