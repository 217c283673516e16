package web

// routes is the dashboard's whole surface, on one screen. Pages are GET;
// every POST is a form carrying the session's CSRF token.
func (d *Dashboard) routes() {
	m := d.mux
	m.HandleFunc("GET /dashboard/assets/{name}", d.asset)
	m.HandleFunc("GET /dashboard/signin", d.signinForm)
	m.HandleFunc("POST /dashboard/signin", d.signin)
	m.HandleFunc("POST /dashboard/signout", d.signedIn(sessionAction, d.signout))
	m.HandleFunc("POST /dashboard/mode", d.signedIn(sessionAction, d.switchMode))

	m.HandleFunc("GET /dashboard/{$}", d.signedIn(page, d.overview))

	m.HandleFunc("GET /dashboard/products", d.signedIn(page, d.products))
	m.HandleFunc("GET /dashboard/products/new", d.signedIn(page, d.newProduct))
	m.HandleFunc("POST /dashboard/products", d.signedIn(action, d.createProduct))
	m.HandleFunc("GET /dashboard/products/{id}", d.signedIn(page, d.product))
	m.HandleFunc("GET /dashboard/products/{id}/edit", d.signedIn(page, d.editProduct))
	m.HandleFunc("POST /dashboard/products/{id}", d.signedIn(action, d.updateProduct))
	m.HandleFunc("POST /dashboard/products/{id}/archive", d.signedIn(action, d.archiveProduct))
	m.HandleFunc("POST /dashboard/products/{id}/unarchive", d.signedIn(action, d.unarchiveProduct))
	m.HandleFunc("GET /dashboard/products/{id}/history", d.signedIn(page, d.productHistory))
	m.HandleFunc("POST /dashboard/products/{id}/localized_prices", d.signedIn(action, d.createLocalizedPrice))
	m.HandleFunc("POST /dashboard/products/{id}/localized_prices/{price}/archive", d.signedIn(action, d.archiveLocalizedPrice))
	m.HandleFunc("POST /dashboard/products/{id}/short_links", d.signedIn(action, d.createShortLink))

	m.HandleFunc("GET /dashboard/collections", d.signedIn(page, d.collections))
	m.HandleFunc("POST /dashboard/collections", d.signedIn(action, d.createCollection))
	m.HandleFunc("GET /dashboard/collections/{id}", d.signedIn(page, d.collection))
	m.HandleFunc("POST /dashboard/collections/{id}", d.signedIn(action, d.updateCollection))
	m.HandleFunc("GET /dashboard/collections/{id}/history", d.signedIn(page, d.collectionHistory))
	m.HandleFunc("POST /dashboard/collections/{id}/groups", d.signedIn(action, d.createGroup))
	m.HandleFunc("POST /dashboard/collections/{id}/groups/{group}/delete", d.signedIn(action, d.deleteGroup))
	m.HandleFunc("POST /dashboard/collections/{id}/groups/{group}/items/{item}/delete", d.signedIn(action, d.deleteItem))
	m.HandleFunc("POST /dashboard/collections/{id}/order", d.signedIn(action, d.moveGroup))
	m.HandleFunc("POST /dashboard/collections/{id}/archive", d.signedIn(action, d.archiveCollection))
	m.HandleFunc("POST /dashboard/collections/{id}/unarchive", d.signedIn(action, d.unarchiveCollection))

	m.HandleFunc("GET /dashboard/addons", d.signedIn(page, d.addons))
	m.HandleFunc("POST /dashboard/addons", d.signedIn(action, d.createAddon))
	m.HandleFunc("GET /dashboard/addons/{id}", d.signedIn(page, d.addon))
	m.HandleFunc("POST /dashboard/addons/{id}", d.signedIn(action, d.updateAddon))
	m.HandleFunc("GET /dashboard/addons/{id}/history", d.signedIn(page, d.addonHistory))
	m.HandleFunc("GET /dashboard/discounts", d.signedIn(page, d.discounts))
	m.HandleFunc("POST /dashboard/discounts", d.signedIn(action, d.createDiscount))
	m.HandleFunc("GET /dashboard/discounts/{id}", d.signedIn(page, d.discount))
	m.HandleFunc("POST /dashboard/discounts/{id}", d.signedIn(action, d.updateDiscount))
	m.HandleFunc("POST /dashboard/discounts/{id}/delete", d.signedIn(action, d.deleteDiscount))
	m.HandleFunc("GET /dashboard/discounts/{id}/history", d.signedIn(page, d.discountHistory))

	m.HandleFunc("GET /dashboard/usage", d.signedIn(page, d.usage))
	m.HandleFunc("GET /dashboard/usage/{id}/history", d.signedIn(page, d.objectHistoryFromUsage))
	m.HandleFunc("GET /dashboard/chartmogul", d.signedIn(page, d.chartmogul))

	m.HandleFunc("GET /dashboard/webhooks", d.signedIn(page, d.webhooks))
	m.HandleFunc("POST /dashboard/webhooks", d.signedIn(action, d.createWebhook))
	m.HandleFunc("GET /dashboard/webhooks/{id}", d.signedIn(page, d.webhook))
	m.HandleFunc("POST /dashboard/webhooks/{id}/state", d.signedIn(action, d.toggleWebhook))
	m.HandleFunc("POST /dashboard/webhooks/{id}/test", d.signedIn(action, d.sendTest))
	m.HandleFunc("POST /dashboard/webhooks/{id}/deliveries/{delivery}/replay", d.signedIn(action, d.replay))

	m.HandleFunc("GET /dashboard/activity", d.signedIn(page, d.activity))
	m.HandleFunc("GET /dashboard/activity/stream", d.signedIn(page, d.stream))
	m.HandleFunc("GET /dashboard/requests", d.signedIn(page, d.requests))
	m.HandleFunc("GET /dashboard/requests/{id}", d.signedIn(page, d.request))
	m.HandleFunc("/dashboard/", d.notFound)
}
