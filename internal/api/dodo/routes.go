// Package dodo serves the Dodo Payments-compatible catalog API.
package dodo

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/uploads"
)

// API is the Dodo Payments face over the store.
type API struct {
	*face.Handler
	store *store.Store
	log   *slog.Logger
	// uploads issues upload URLs and renders image and download URLs;
	// nil answers upload routes with an internal error.
	uploads *uploads.Service
	// reads caches rendered product reads while the data is unchanged.
	reads *httpx.ReadCache
	// public is the public base URL short links point at.
	public string
}

// New returns the Dodo face with its routes mounted on the face kit.
func New(d face.Deps) *API {
	a := &API{store: d.Store, log: d.Log, reads: d.Reads, public: d.PublicURL, uploads: d.Uploads}
	a.Handler = face.New(d, face.Spec{
		Name:         "dodo",
		Routes:       a.Routes(),
		Errors:       a.writeError,
		Credentials:  bearer,
		Unauthorized: catalog.Errorf(catalog.KindUnauthorized, catalog.Unauthorized, "You are not authorised to perform this action"),
		ReadOnly:     catalog.Errorf(catalog.KindUnauthorized, catalog.Unauthorized, "This API key is read-only"),
		NotFound:     pathNotFound,
		BadQuery: func(name string) error {
			return catalog.Errorf(catalog.KindInvalid, catalog.InvalidFilter, "%s: %s", name, msgBadText)
		},
		Preflight: true,
		Faults:    true,
		Inspect:   true,
	})
	a.registerRenderers()
	return a
}

// Routes is the whole surface of the face, on one screen; the handlers
// live in their resources' files. The standard mux picks the most
// specific pattern, so order does not matter: GET /discounts/code/{code}
// has one more segment than /discounts/{discount_id}, and the two never
// match the same path. Not served yet: image and file uploads
// (PUT /products/{id}/images, /addons/{id}/images, /brands/{id}/images,
// entitlement files), credit grants and balances. GET /products/short_links
// is more specific than GET /products/{id}, so it wins.
// match the same path. Not served yet: short links, credit grants and
// balances. Upload URLs and image URLs are served by internal/uploads.
func (a *API) Routes() []face.Route {
	return []face.Route{
		{Pattern: "GET /products", Handler: a.listProducts},
		{Pattern: "POST /products", Handler: a.createProduct},
		{Pattern: "GET /products/{id}", Handler: a.getProduct},
		{Pattern: "PATCH /products/{id}", Handler: a.updateProduct},
		{Pattern: "DELETE /products/{id}", Handler: a.archiveProduct},
		{Pattern: "POST /products/{id}/unarchive", Handler: a.unarchiveProduct},
		{Pattern: "GET /products/{product_id}/localized-prices", Handler: a.listLocalizedPrices},
		{Pattern: "POST /products/{product_id}/localized-prices", Handler: a.createLocalizedPrice},
		{Pattern: "GET /products/{product_id}/localized-prices/{id}", Handler: a.getLocalizedPrice},
		{Pattern: "PATCH /products/{product_id}/localized-prices/{id}", Handler: a.updateLocalizedPrice},
		{Pattern: "DELETE /products/{product_id}/localized-prices/{id}", Handler: a.archiveLocalizedPrice},
		{Pattern: "GET /products/short_links", Handler: a.listShortLinks},
		{Pattern: "POST /products/{id}/short_links", Handler: a.createShortLink},
		{Pattern: "PUT /products/{id}/images", Handler: a.uploadImage("product")},
		{Pattern: "PUT /products/{id}/files", Handler: a.updateFiles},

		{Pattern: "GET /product-collections", Handler: a.listCollections},
		{Pattern: "POST /product-collections", Handler: a.createCollection},
		{Pattern: "GET /product-collections/{id}", Handler: a.getCollection},
		{Pattern: "PATCH /product-collections/{id}", Handler: a.updateCollection},
		{Pattern: "DELETE /product-collections/{id}", Handler: a.archiveCollection},
		{Pattern: "POST /product-collections/{id}/unarchive", Handler: a.unarchiveCollection},
		{Pattern: "PUT /product-collections/{id}/images", Handler: a.uploadImage("product_collection")},
		{Pattern: "POST /product-collections/{id}/groups", Handler: a.createGroup},
		{Pattern: "PATCH /product-collections/{id}/groups/{group_id}", Handler: a.updateGroup},
		{Pattern: "DELETE /product-collections/{id}/groups/{group_id}", Handler: a.deleteGroup},
		{Pattern: "POST /product-collections/{id}/groups/{group_id}/items", Handler: a.addItems},
		{Pattern: "PATCH /product-collections/{id}/groups/{group_id}/items/{item_id}", Handler: a.updateItem},
		{Pattern: "DELETE /product-collections/{id}/groups/{group_id}/items/{item_id}", Handler: a.deleteItem},

		{Pattern: "GET /addons", Handler: a.listAddons},
		{Pattern: "POST /addons", Handler: a.createAddon},
		{Pattern: "GET /addons/{id}", Handler: a.getAddon},
		{Pattern: "PATCH /addons/{id}", Handler: a.updateAddon},
		{Pattern: "PUT /addons/{id}/images", Handler: a.uploadImage("addon")},

		{Pattern: "GET /meters", Handler: a.listMeters},
		{Pattern: "POST /meters", Handler: a.createMeter},
		{Pattern: "GET /meters/{id}", Handler: a.getMeter},
		{Pattern: "DELETE /meters/{id}", Handler: a.archiveMeter},
		{Pattern: "POST /meters/{id}/unarchive", Handler: a.unarchiveMeter},

		{Pattern: "GET /entitlements", Handler: a.listEntitlements},
		{Pattern: "POST /entitlements", Handler: a.createEntitlement},
		{Pattern: "GET /entitlements/{id}", Handler: a.getEntitlement},
		{Pattern: "PATCH /entitlements/{id}", Handler: a.updateEntitlement},
		{Pattern: "DELETE /entitlements/{id}", Handler: a.deleteEntitlement},
		{Pattern: "POST /entitlements/{id}/files", Handler: a.uploadEntitlementFile, MaxBody: catalog.MaxFileBytes},
		{Pattern: "DELETE /entitlements/{id}/files/{file_id}", Handler: a.deleteEntitlementFile},

		{Pattern: "GET /credit-entitlements", Handler: a.listCredits},
		{Pattern: "POST /credit-entitlements", Handler: a.createCredit},
		{Pattern: "GET /credit-entitlements/{id}", Handler: a.getCredit},
		{Pattern: "PATCH /credit-entitlements/{id}", Handler: a.updateCredit},
		{Pattern: "DELETE /credit-entitlements/{id}", Handler: a.deleteCredit},
		{Pattern: "POST /credit-entitlements/{id}/undelete", Handler: a.undeleteCredit},

		{Pattern: "GET /brands", Handler: a.listBrands},
		{Pattern: "POST /brands", Handler: a.createBrand},
		{Pattern: "GET /brands/{id}", Handler: a.getBrand},
		{Pattern: "PATCH /brands/{id}", Handler: a.updateBrand},
		{Pattern: "PUT /brands/{id}/images", Handler: a.uploadImage("brand")},
		{Pattern: "POST /brands/{id}/archive", Handler: a.archiveBrand},

		{Pattern: "GET /discounts", Handler: a.listDiscounts},
		{Pattern: "POST /discounts", Handler: a.createDiscount},
		{Pattern: "GET /discounts/code/{code}", Handler: a.getDiscountByCode},
		{Pattern: "GET /discounts/{discount_id}", Handler: a.getDiscount},
		{Pattern: "PATCH /discounts/{discount_id}", Handler: a.updateDiscount},
		{Pattern: "DELETE /discounts/{discount_id}", Handler: a.deleteDiscount},

		{Pattern: "GET /webhooks", Handler: a.listWebhooks},
		{Pattern: "POST /webhooks", Handler: a.createWebhook},
		{Pattern: "GET /webhooks/{id}", Handler: readWebhook(a, webhookResponse)},
		{Pattern: "PATCH /webhooks/{id}", Handler: a.updateWebhook},
		{Pattern: "DELETE /webhooks/{id}", Handler: a.deleteWebhook},
		{Pattern: "GET /webhooks/{id}/secret", Handler: readWebhook(a, secretResponse)},
		{Pattern: "GET /webhooks/{id}/headers", Handler: readWebhook(a, headersResponse)},
		{Pattern: "PATCH /webhooks/{id}/headers", Handler: a.updateWebhookHeaders},
	}
}

// bearer reads the key of "Authorization: Bearer KEY"; the scheme is
// case-insensitive (RFC 7235).
func bearer(r *http.Request) (string, bool) {
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	return strings.TrimSpace(token), strings.EqualFold(scheme, "Bearer")
}

// pathObject names what the id after each path segment refers to, for
// the 404 of an id that cannot be stored text. Every wildcard of the
// route table has an entry (TestBadTextInPathIsNotFound checks).
var pathObject = map[string]string{
	"products": "Product", "product-collections": "Product collection", "groups": "Group", "items": "Item",
	"addons": "Addon", "meters": "Meter", "entitlements": "Entitlement", "credit-entitlements": "Credit entitlement",
	"brands": "Brand", "discounts": "Discount", "code": "Discount code", "webhooks": "Webhook", "files": "File",
	"localized-prices": "Localized price",
}

// pathNotFound is the 404 of a path id that is not valid text.
func pathNotFound(wc httpx.Wildcard) error {
	what, ok := pathObject[wc.After]
	if !ok {
		what = "Object"
	}
	return catalog.Errorf(catalog.KindNotFound, catalog.Missing, "%s not found: the id in the path is not valid UTF-8 text", what)
}
