package dodo

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"

	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
)

// brandIn is BrandCreateParams and BrandUpdateParams.
type brandIn struct {
	Name                *string `json:"name"`
	Description         *string `json:"description"`
	StatementDescriptor *string `json:"statement_descriptor"`
	SupportEmail        *string `json:"support_email"`
	URL                 *string `json:"url"`
	ImageID             *string `json:"image_id"`
}

// brandOut is Brand; every documented key is always present.
type brandOut struct {
	BrandID             string  `json:"brand_id"`
	BusinessID          string  `json:"business_id"`
	Enabled             bool    `json:"enabled"`
	StatementDescriptor string  `json:"statement_descriptor"`
	VerificationEnabled bool    `json:"verification_enabled"`
	VerificationStatus  string  `json:"verification_status"`
	ArchivedAt          *string `json:"archived_at"`
	Description         *string `json:"description"`
	Image               *string `json:"image"`
	Name                *string `json:"name"`
	ReasonForHold       *string `json:"reason_for_hold"`
	SupportEmail        *string `json:"support_email"`
	URL                 *string `json:"url"`
}

type brandArchiveIn struct {
	MoveProductsTo *string `json:"move_products_to"`
}

// brandArchiveOut is BrandArchiveResponse.
type brandArchiveOut struct {
	BrandID            string  `json:"brand_id"`
	ArchivedAt         string  `json:"archived_at"`
	ProductsMoved      int     `json:"products_moved"`
	SubscriptionsMoved int     `json:"subscriptions_moved"`
	CollectionsMoved   int     `json:"collections_moved"`
	MovedToBrandID     *string `json:"moved_to_brand_id"`
}

func (a *API) brandResponse(b *catalog.Brand) brandOut {
	out := brandOut{BrandID: b.ID, BusinessID: b.BusinessID, Enabled: b.Enabled, StatementDescriptor: b.StatementDescriptor,
		Image:               a.imageURL(b.ImageID),
		VerificationEnabled: b.VerificationEnabled, VerificationStatus: b.VerificationStatus,
		Description: b.Description, Name: b.Name, ReasonForHold: b.ReasonForHold, SupportEmail: b.SupportEmail, URL: b.URL}
	if b.ArchivedAt != nil {
		at := timestamp(*b.ArchivedAt)
		out.ArchivedAt = &at
	}
	return out
}

// decodeOptionalBody is decodeBody for endpoints whose SDK method may send
// no body at all (brands.create(), brands.archive(id)): none reads as {}.
func decodeOptionalBody(r *http.Request, v any) (map[string]json.RawMessage, error) {
	body, err := httpx.ReadBody(r)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return map[string]json.RawMessage{}, nil
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return decodeBody(r, v)
}

func brandPatchOf(in *brandIn) *catalog.BrandPatch {
	return &catalog.BrandPatch{Name: in.Name, Description: in.Description, StatementDescriptor: in.StatementDescriptor,
		SupportEmail: in.SupportEmail, URL: in.URL, ImageID: in.ImageID}
}

func (a *API) listBrands(w http.ResponseWriter, r *http.Request) error {
	q := query{v: r.URL.Query()}
	all := q.boolean("include_archived")
	if q.err != nil {
		return q.err
	}
	// Brands are not paged: the whole list.
	return writeList(w, catalog.Page{Size: catalog.AllRows}, func() (catalog.List[*catalog.Brand], error) {
		return a.store.ListBrands(r.Context(), face.Tenant(r), catalog.BrandFilter{IncludeArchived: all != nil && *all})
	}, a.brandResponse)
}

func (a *API) createBrand(w http.ResponseWriter, r *http.Request) error {
	var in brandIn
	if _, err := decodeOptionalBody(r, &in); err != nil {
		return err
	}
	b, err := a.store.CreateBrand(r.Context(), face.Tenant(r), brandPatchOf(&in))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, a.brandResponse(b))
}

func (a *API) getBrand(w http.ResponseWriter, r *http.Request) error {
	b, err := a.store.GetBrand(r.Context(), face.Tenant(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, a.brandResponse(b))
}

func (a *API) updateBrand(w http.ResponseWriter, r *http.Request) error {
	var in brandIn
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	b, err := a.store.UpdateBrand(r.Context(), face.Tenant(r), r.PathValue("id"), brandPatchOf(&in))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, a.brandResponse(b))
}

func (a *API) archiveBrand(w http.ResponseWriter, r *http.Request) error {
	var in brandArchiveIn
	if _, err := decodeOptionalBody(r, &in); err != nil {
		return err
	}
	moveTo := ""
	if in.MoveProductsTo != nil {
		moveTo = *in.MoveProductsTo
	}
	res, err := a.store.ArchiveBrand(r.Context(), face.Tenant(r), r.PathValue("id"), moveTo)
	if err != nil {
		return err
	}
	out := brandArchiveOut{BrandID: res.BrandID, ArchivedAt: timestamp(res.ArchivedAt), ProductsMoved: res.ProductsMoved,
		SubscriptionsMoved: res.SubscriptionsMoved, CollectionsMoved: res.CollectionsMoved}
	if res.MovedTo != "" {
		out.MovedToBrandID = &res.MovedTo
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}
