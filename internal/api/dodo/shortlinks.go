package dodo

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
)

// shortLinkIn is the body of POST /products/{id}/short_links.
type shortLinkIn struct {
	Slug                 *string           `json:"slug"`
	StaticCheckoutParams map[string]string `json:"static_checkout_params"`
}

// shortLinkCreated is ShortLinkCreateResponse.
type shortLinkCreated struct {
	FullURL  string `json:"full_url"`
	ShortURL string `json:"short_url"`
}

// shortLinkOut is ShortLinkListResponse, also the journal's document.
type shortLinkOut struct {
	CreatedAt string `json:"created_at"`
	FullURL   string `json:"full_url"`
	ProductID string `json:"product_id"`
	ShortURL  string `json:"short_url"`
}

// shortLinkResponse renders a short link with the server's public URL:
// the URLs are not stored, so they follow --public-url.
func (a *API) shortLinkResponse(l *catalog.ShortLink) shortLinkOut {
	return shortLinkOut{CreatedAt: timestamp(l.CreatedAt), FullURL: a.public + l.CheckoutPath(),
		ProductID: l.ProductID, ShortURL: a.public + l.ShortPath()}
}

func (a *API) createShortLink(w http.ResponseWriter, r *http.Request) error {
	var in shortLinkIn
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	l := &catalog.ShortLink{ProductID: r.PathValue("id"), Params: in.StaticCheckoutParams}
	var pr catalog.Problems
	requireField(&pr, "slug", in.Slug, &l.Slug)
	if !pr.Empty() {
		l.ValidateParams(&pr)
		return pr.Err()
	}
	if err := a.store.CreateShortLink(r.Context(), face.Tenant(r), l); err != nil {
		return err
	}
	out := a.shortLinkResponse(l)
	return httpx.WriteJSON(w, http.StatusOK, shortLinkCreated{FullURL: out.FullURL, ShortURL: out.ShortURL})
}

func (a *API) listShortLinks(w http.ResponseWriter, r *http.Request) error {
	q := query{v: r.URL.Query()}
	page := q.page()
	if q.err != nil {
		return q.err
	}
	f := catalog.ShortLinkFilter{ProductID: q.str("product_id"), Page: page}
	return writeList(w, page, func() (catalog.List[*catalog.ShortLink], error) {
		return a.store.ListShortLinks(r.Context(), face.Tenant(r), f)
	}, a.shortLinkResponse)
}

// renderShortLink is the journal's renderer of short links: a create
// always hands the link over.
func (a *API) renderShortLink(_ context.Context, _ catalog.Tenant, ch catalog.Change) (json.RawMessage, error) {
	l, ok := ch.Object.(*catalog.ShortLink)
	if !ok {
		return nil, fmt.Errorf("short link %s: no object to render", ch.ID)
	}
	return json.Marshal(a.shortLinkResponse(l))
}
